//! Credentials through the whole binary: `check` finds keys in a .env file, a template's Lambda
//! environment, CDK source and a JSON file, and no output format prints a key in full.
//!
//! Needs the engine to run the secret scanner on every input (stackwarden_secret::check_file).

use stackwarden_testkit::cli::*;

const ID: &str = "AKIAUJZDEGXDNCF32EPF";
const SECRET: &str = "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";
const JSON_ID: &str = "AKIA3DHODZDOCIS2JHTL";
const JSON_SECRET: &str = "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";
const TS_ID: &str = "AKIAGMXGEDN73U55XTPL";
const TEMPLATE_ID: &str = "AKIAPFT7V4SEH2KVJ72C";
const ALL: &[&str] = &[ID, SECRET, JSON_ID, JSON_SECRET, TS_ID, TEMPLATE_ID];

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        ".env",
        format!("STAGE=dev\nAWS_ACCESS_KEY_ID={ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n"),
    );
    write(
        "template.yaml",
        format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Sync:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Environment:\n        Variables:\n          PARTNER_KEY_ID: {TEMPLATE_ID}\n"),
    );
    write(
        "lib/stack.ts",
        format!("import {{ App, Stack }} from 'aws-cdk-lib';\nimport {{ NodejsFunction }} from 'aws-cdk-lib/aws-lambda-nodejs';\n\nconst stack = new Stack(new App(), 'Partner');\nnew NodejsFunction(stack, 'Sync', {{\n  entry: 'src/sync.ts',\n  environment: {{ PARTNER_KEY_ID: '{TS_ID}' }},\n}});\n"),
    );
    write(
        "config/ci.json",
        format!("{{\n  \"credentials\": {{\n    \"accessKeyId\": \"{JSON_ID}\",\n    \"secretAccessKey\": \"{JSON_SECRET}\"\n  }}\n}}\n"),
    );
    dir
}

fn assert_masked(format: &str, out: &str) {
    for secret in ALL {
        assert!(
            !out.contains(secret),
            "--format {format} prints {secret} in full:\n{out}"
        );
    }
}

#[test]
fn keys_are_found_in_every_kind_of_file() {
    let dir = project();
    let output = stackwarden_in(
        dir.path(),
        &["check", "--format", "json", "--select", "secret"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    let mut found: Vec<(String, String, u64, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["rule"].as_str().expect("rule").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
            )
        })
        .collect();
    found.sort();
    let expected: Vec<(String, String, u64, u64)> = [
        (".env", "secret/aws-access-key", 2, 19),
        (".env", "secret/aws-access-key", 3, 23),
        ("config/ci.json", "secret/aws-access-key", 3, 21),
        ("config/ci.json", "secret/aws-access-key", 4, 25),
        ("lib/stack.ts", "secret/aws-access-key", 7, 35),
        ("lib/stack.ts", "secret/credentials-in-env", 7, 34),
        ("template.yaml", "secret/aws-access-key", 10, 27),
        ("template.yaml", "secret/credentials-in-env", 10, 27),
    ]
    .iter()
    .map(|(p, r, l, c)| (p.to_string(), r.to_string(), *l, *c))
    .collect();
    assert_eq!(found, expected);
    for finding in report["findings"].as_array().expect("findings") {
        assert_eq!(finding["severity"], "error");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains("…(20 chars)") || m.contains("…(40 chars)")),
            "{finding}"
        );
    }
}

#[test]
fn no_output_format_prints_a_key_in_full() {
    let dir = project();
    for format in ["text", "json", "sarif", "github", "agent"] {
        let output = stackwarden_in(dir.path(), &["check", "--format", format]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
        let out = stdout(&output);
        assert!(out.contains("secret/aws-access-key"), "{format}:\n{out}");
        assert!(
            out.contains("secret/credentials-in-env"),
            "{format}:\n{out}"
        );
        assert_masked(format, &out);
        assert_masked(format, &stderr(&output));
    }
    // The text format's code frames show the masked lines.
    let text = stdout(&stackwarden_in(
        dir.path(),
        &["check", "--select", "secret"],
    ));
    assert!(
        text.contains("AWS_SECRET_ACCESS_KEY=Sc7T…(40 chars)"),
        "{text}"
    );
    // --statistics and --output too.
    let stats = stdout(&stackwarden_in(dir.path(), &["check", "--statistics"]));
    assert_masked("statistics", &stats);
    let file = dir.path().join("report.sarif");
    let file_arg = file.to_str().expect("utf-8 path");
    stackwarden_in(
        dir.path(),
        &["check", "--format", "sarif", "--output", file_arg],
    );
    assert_masked(
        "sarif --output",
        &std::fs::read_to_string(&file).expect("report"),
    );
}

#[test]
fn documented_example_keys_are_info_and_do_not_fail_the_check() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("README.md"),
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .expect("write");
    let output = stackwarden_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = json(&output);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{report}");
    assert!(findings.iter().all(|f| f["severity"] == "info"));
    let sarif = stdout(&stackwarden_in(dir.path(), &["check", "--format", "sarif"]));
    assert!(sarif.contains("\"level\": \"note\""), "{sarif}");
    let github = stdout(&stackwarden_in(
        dir.path(),
        &["check", "--format", "github"],
    ));
    assert!(github.starts_with("::notice "), "{github}");
}

#[test]
fn guard_output_never_prints_a_key_from_the_command() {
    let command = format!(
        "export AWS_SECRET_ACCESS_KEY={SECRET} && aws configure set aws_access_key_id {ID}"
    );
    for format in ["text", "json"] {
        let output = stackwarden(&["guard", "--format", format, "--command", &command]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let out = stdout(&output);
        assert!(out.contains("guard/credentials"), "{out}");
        assert_masked(format, &out);
    }
}

/// Found in review: a suppression of the key scanner's rule in TypeScript works (the key is not
/// reported), and the code rules, which read the same comment, used to call it unused and say
/// to delete it, which would bring the key's finding back.
#[test]
fn a_key_suppressed_in_typescript_is_neither_reported_nor_called_unused() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("fixture.ts"),
        format!("// stackwarden-ignore secret/aws-access-key: a revoked key kept as a test fixture\nexport const key = '{TS_ID}';\n"),
    )
    .expect("write");
    let output = stackwarden_in(dir.path(), &["check", "--format", "json", "."]);
    let report = json(&output);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        !rules.contains(&"secret/aws-access-key") && !rules.contains(&"meta/unused-suppression"),
        "{rules:?}\n{}",
        stdout(&output)
    );
    // Without the comment the key is found: the suppression is what hides it.
    std::fs::write(
        dir.path().join("fixture.ts"),
        format!("export const key = '{TS_ID}';\n"),
    )
    .expect("write");
    let report = json(&stackwarden_in(
        dir.path(),
        &["check", "--format", "json", "."],
    ));
    assert!(report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "secret/aws-access-key"));
}
