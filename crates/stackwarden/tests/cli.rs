//! The command line as users and CI meet it: formats, exit codes, bad input, configuration.

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::write;

const BAD_BUCKET: &str = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n";
const GOOD_BUCKET: &str = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}\n      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}\n      VersioningConfiguration: {Status: Enabled}\n      Tags: [{Key: Project, Value: p}, {Key: Stage, Value: dev}, {Key: Owner, Value: o}, {Key: CostCenter, Value: c}]\n";

#[test]
fn clean_templates_exit_zero() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", GOOD_BUCKET);
    let output = stackwarden_in(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "No findings in 1 file.\n");
}

#[test]
fn a_broken_template_is_reported_and_the_rest_still_checked() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "bad.yaml", BAD_BUCKET);
    write(
        dir.path(),
        "broken.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: [AWS::S3::Bucket\n",
    );
    write(dir.path(), "binary.json", "");
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"Resources:\n  A:\n    Type: caf\xe9\n",
    )
    .expect("write");
    write(dir.path(), "workflow.yml", "on: [push]\njobs: {}\n");
    let output = stackwarden_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let report = json(&output);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["path"], "broken.yaml");
    assert_eq!(errors[0]["line"], 5);
    assert_eq!(errors[1]["path"], "latin1.yaml");
    assert!(errors[1]["message"]
        .as_str()
        .expect("message")
        .contains("not valid UTF-8"));
    assert!(report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["path"] == "bad.yaml" && f["rule"] == "cfn/s3-encryption"));
}

#[test]
fn missing_paths_are_errors() {
    let output = stackwarden(&["check", "no/such/dir", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        json(&output)["errors"][0]["message"],
        "no such file or directory"
    );
}

#[test]
fn text_output_has_a_code_frame_and_no_colour_in_a_pipe() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", BAD_BUCKET);
    let output = stackwarden_in(dir.path(), &["check", "--select", "cfn/s3-encryption"]);
    // cfn/s3-encryption is a warning: reported, and the run still passes.
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "escape codes in a pipe: {text:?}");
    insta::assert_snapshot!("text-frame", text);
}

#[test]
fn github_and_agent_formats() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", BAD_BUCKET);
    let github = stdout(&stackwarden_in(
        dir.path(),
        &[
            "check",
            "--format",
            "github",
            "--select",
            "cfn/s3-versioning",
        ],
    ));
    assert_eq!(
        github,
        "::warning file=template.yaml,line=3,col=5,endLine=3,endColumn=9,title=cfn/s3-versioning::S3 bucket `Data` does not enable versioning — set VersioningConfiguration.Status: Enabled (CDK: `versioned: true`) and add a lifecycle rule that expires noncurrent versions\n"
    );
    let agent = command()
        .args(["check", "--select", "cfn/s3-versioning"])
        .current_dir(dir.path())
        .env("CLAUDECODE", "1")
        .output()
        .expect("run");
    assert_eq!(
        stdout(&agent),
        "template.yaml:3:5: warn cfn/s3-versioning: S3 bucket `Data` does not enable versioning — fix: set VersioningConfiguration.Status: Enabled (CDK: `versioned: true`) and add a lifecycle rule that expires noncurrent versions\n"
    );
    assert_eq!(agent.status.code(), Some(0), "warnings alone exit 0");
}

#[test]
fn sarif_is_2_1_0_with_rules_and_fingerprints() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", BAD_BUCKET);
    let output = stackwarden_in(
        dir.path(),
        &["check", "--format", "sarif", "--output", "report.sarif"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report.sarif")).expect("written"),
    )
    .expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "cfn/s3-encryption"
        && r["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("## Fix"))));
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "cfn/s3-encryption")
        .expect("result");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(result["level"], "warning");
    let index = result["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "cfn/s3-encryption");
    assert_eq!(
        result["partialFingerprints"]["stackwarden/v1"]
            .as_str()
            .map(str::len),
        Some(16)
    );
}

#[test]
fn configuration_is_discovered_and_validated() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "infra/template.yaml", BAD_BUCKET);
    write(dir.path(), "stackwarden.toml", "[rules]\n\"cfn/s3-encryption\" = \"off\"\n\"cfn/s3-versioning\" = \"error\"\n[tags]\nrequired = []\n");
    let report = json(&stackwarden_in(
        dir.path(),
        &["check", "infra", "--format", "json"],
    ));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    // A project with a stackwarden.toml but no .claude/settings.json has not registered the hooks.
    assert_eq!(rules, ["cfn/s3-versioning", "agent/hooks-missing"]);
    assert_eq!(report["findings"][0]["severity"], "error");
    assert_eq!(report["findings"][1]["path"], "stackwarden.toml");

    write(
        dir.path(),
        "stackwarden.toml",
        "[project]\nnode_runtimes = \"nodejs22.x\"\n",
    );
    let output = stackwarden_in(dir.path(), &["check", "infra"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("stackwarden.toml:2: unknown field `node_runtimes`"),
        "{}",
        stderr(&output)
    );

    write(
        dir.path(),
        "stackwarden.toml",
        "[rules]\n\"cfn/s3-encrypt\" = \"off\"\n",
    );
    let output = stackwarden_in(dir.path(), &["check", "infra"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean \"cfn/s3-encryption\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn select_and_ignore_take_ids_and_domains() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", BAD_BUCKET);
    let report = json(&stackwarden_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "cfn",
            "--ignore",
            "cfn/missing-tags,cfn/s3-versioning",
        ],
    ));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["cfn/s3-encryption"]);
    let output = stackwarden_in(dir.path(), &["check", "--select", "cfn/nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`cfn/nope` is neither a rule id nor a rule domain"));
}

#[test]
fn rules_and_explain() {
    let output = stackwarden(&["rules"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output)
        .lines()
        .any(|l| l.starts_with("cfn/prod-retain") && l.contains("error")));
    let output = stackwarden(&["explain", "cfn/s3-encryption"]);
    let text = stdout(&output);
    for heading in ["## What it does", "## Why", "## Example", "## Fix"] {
        assert!(text.contains(heading), "{text}");
    }
    let output = stackwarden(&["explain", "cfn/s3-encript"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean cfn/s3-encryption?"));
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let output = stackwarden(&["rules", "--format", "docs"]);
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read_to_string(repo_root().join("docs/rules.md")).unwrap_or_default();
    assert!(
        committed == stdout(&output),
        "docs/rules.md is stale: run `cargo xtask docs`"
    );
}

#[test]
fn quiet_drops_the_summary_and_statistics_count_per_rule() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "a.yaml", BAD_BUCKET);
    write(dir.path(), "b.yaml", BAD_BUCKET);
    let quiet = stdout(&stackwarden_in(
        dir.path(),
        &["check", "--quiet", "--select", "cfn/s3-encryption"],
    ));
    assert!(
        quiet.contains("warning[cfn/s3-encryption]") && !quiet.contains("Found "),
        "{quiet}"
    );
    let output = stackwarden_in(
        dir.path(),
        &["check", "--statistics", "--ignore", "cfn/s3-versioning"],
    );
    assert_eq!(output.status.code(), Some(1), "exit codes are unchanged");
    assert_eq!(
        stdout(&output),
        "     2  cfn/missing-tags   error\n     2  cfn/s3-encryption  warn\n"
    );
}

/// The testkit runs the binary Cargo built for these tests: it cannot read
/// `CARGO_BIN_EXE_stackwarden`, which is set only while this crate's tests compile.
#[test]
fn the_testkit_runs_the_binary_cargo_built() {
    assert_eq!(
        exe(),
        std::path::Path::new(env!("CARGO_BIN_EXE_stackwarden"))
    );
}
