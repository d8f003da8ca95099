//! `[files] exclude`/`extend-exclude`, `[per-file]` ignores, and the bundles a check skips by
//! default (minified, generated, vendored): what is skipped is counted and named with its
//! reason, a file named on the command line is always checked, and a bad glob or rule id is a
//! configuration error naming the key.

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::write;

/// A handler with no timeout on its SDK call (`code/missing-timeout`) and a swallowed error.
const HANDLER: &str = "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nexport const handler = async () => {\n  try { await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k' })); } catch (e) {}\n};\n";

/// The rules these tests look at are off by default: each project turns them on.
const RULES_ON: &str = "[rules]\n\"code/swallowed-error\" = \"error\"\n\"code/missing-timeout\" = \"warn\"\n\"code/hardcoded-account\" = \"warn\"\n";

fn json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = stackwarden_in(dir, &all);
    serde_json::from_str(&stdout(&output)).expect("json output")
}

fn rules_of(document: &serde_json::Value, path: &str) -> Vec<String> {
    let mut rules: Vec<String> = document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    rules.sort();
    rules
}

#[test]
fn bundles_and_vendored_code_are_skipped_by_default_and_named() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "stackwarden.toml", RULES_ON);
    write(
        dir.path(),
        "web/static/jquery.min.js",
        "try { x() } catch (e) {}\n",
    );
    write(
        dir.path(),
        "web/static/app-bundle.js",
        &format!("{}\n", "var a=1;".repeat(1_000)),
    );
    write(dir.path(), "vendor/lib.js", "try { x() } catch (e) {}\n");
    write(dir.path(), "src/handler.ts", HANDLER);
    let document = json(dir.path(), &["."]);
    let skipped: Vec<(String, String)> = document["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().into(),
                s["reason"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped
            .iter()
            .any(|(p, r)| p.ends_with("jquery.min.js") && r.contains("`*.min.js`")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(p, r)| p.ends_with("app-bundle.js") && r.contains("minified or generated")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(p, r)| p.ends_with("lib.js") && r.contains("`vendor`")),
        "{skipped:?}"
    );
    assert_eq!(document["summary"]["skipped"], 3);
    assert!(rules_of(&document, "src/handler.ts").contains(&"code/swallowed-error".to_string()));
    // The text summary says how many were skipped.
    let output = stackwarden_in(dir.path(), &["check", "."]);
    assert!(
        stdout(&output).contains("(3 files skipped: excluded, minified or generated)"),
        "{}",
        stdout(&output)
    );
    // Named on the command line, a file is checked whatever the globs say.
    let document = json(dir.path(), &["web/static/jquery.min.js"]);
    assert_eq!(
        rules_of(&document, "web/static/jquery.min.js"),
        vec!["code/swallowed-error"]
    );
}

#[test]
fn exclude_replaces_the_defaults_and_extend_exclude_adds_to_them() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "web/jquery.min.js",
        "try { x() } catch (e) {}\n",
    );
    write(dir.path(), "scripts/seed.ts", HANDLER);
    write(dir.path(), "src/handler.ts", HANDLER);
    write(
        dir.path(),
        "stackwarden.toml",
        &[RULES_ON, "[files]\nextend-exclude = [\"scripts/**\"]\n"].concat(),
    );
    let document = json(dir.path(), &["."]);
    assert!(rules_of(&document, "scripts/seed.ts").is_empty());
    assert!(rules_of(&document, "web/jquery.min.js").is_empty());
    assert!(!rules_of(&document, "src/handler.ts").is_empty());
    write(
        dir.path(),
        "stackwarden.toml",
        &[RULES_ON, "[files]\nexclude = [\"scripts/**\"]\n"].concat(),
    );
    let document = json(dir.path(), &["."]);
    assert!(rules_of(&document, "scripts/seed.ts").is_empty());
    // `exclude` replaced the defaults: the minified file is read again.
    assert_eq!(
        rules_of(&document, "web/jquery.min.js"),
        vec!["code/swallowed-error"]
    );
}

#[test]
fn per_file_ignores_spare_only_the_matching_files() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "test/handler.test.ts", HANDLER);
    write(dir.path(), "src/handler.ts", HANDLER);
    write(
        dir.path(),
        "stackwarden.toml",
        &[RULES_ON, "[per-file]\n\"test/**\" = { ignore = [\"code/missing-timeout\", \"code/swallowed-error\"] }\n"].concat(),
    );
    let document = json(dir.path(), &["."]);
    let test = rules_of(&document, "test/handler.test.ts");
    let src = rules_of(&document, "src/handler.ts");
    assert!(
        !test.contains(&"code/missing-timeout".to_string())
            && !test.contains(&"code/swallowed-error".to_string()),
        "{test:?}"
    );
    assert!(
        src.contains(&"code/missing-timeout".to_string())
            && src.contains(&"code/swallowed-error".to_string()),
        "{src:?}"
    );
}

#[test]
fn a_bad_glob_or_rule_in_the_file_sections_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "src/handler.ts", HANDLER);
    write(
        dir.path(),
        "stackwarden.toml",
        &[RULES_ON, "[files]\nexclude = [\"src/[\"]\n"].concat(),
    );
    let output = stackwarden_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("files.exclude: \"src/[\" is not a glob"),
        "{}",
        stderr(&output)
    );
    write(
        dir.path(),
        "stackwarden.toml",
        &[
            RULES_ON,
            "[per-file]\n\"test/**\" = { ignore = [\"code/missing-timeot\"] }\n",
        ]
        .concat(),
    );
    let output = stackwarden_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(
            "[per-file] \"test/**\" ignore: \"code/missing-timeot\" is not a stackwarden rule"
        ) && message.contains("code/missing-timeout"),
        "{message}"
    );
    write(
        dir.path(),
        "stackwarden.toml",
        &[RULES_ON, "[files]\nexclude-more = []\n"].concat(),
    );
    let output = stackwarden_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("exclude-more"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn handler_rules_do_not_run_on_test_files_and_the_others_do() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "stackwarden.toml", RULES_ON);
    // The same handler as a test file, in a test folder, and as source; a hardcoded account
    // (not a handler rule) in each.
    let text = format!("{HANDLER}export const ACCOUNT = '333333333333';\n");
    write(dir.path(), "src/handler.test.ts", &text);
    write(dir.path(), "src/__tests__/handler.ts", &text);
    write(dir.path(), "test/unit/handler.ts", &text);
    write(dir.path(), "src/handler.ts", &text);
    let document = json(dir.path(), &["."]);
    for test in [
        "src/handler.test.ts",
        "src/__tests__/handler.ts",
        "test/unit/handler.ts",
    ] {
        let rules = rules_of(&document, test);
        assert!(
            !rules.contains(&"code/missing-timeout".to_string()),
            "{test}: {rules:?}"
        );
        assert!(
            rules.contains(&"code/hardcoded-account".to_string()),
            "{test}: {rules:?}"
        );
    }
    let rules = rules_of(&document, "src/handler.ts");
    assert!(
        rules.contains(&"code/missing-timeout".to_string()),
        "{rules:?}"
    );
}
