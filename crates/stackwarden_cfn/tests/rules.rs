//! Every template rule against its fixtures: `tests/fixtures/<rule>/fail.*` must produce the
//! snapshotted findings (rule id, line, column, message, help) and `pass.*` must produce none.

use std::path::{Path, PathBuf};

use stackwarden_cfn::{check_template_file, Options};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

const TODAY: &str = "2026-11-25";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn known_rules() -> Vec<&'static str> {
    stackwarden_cfn::rules::all_metas().map(|m| m.id).collect()
}

/// Runs the rules selected by `select` over one fixture and renders what they found.
fn run(path: &Path, select: &[&str]) -> String {
    let config = Config::load(&fixtures().join("stackwarden.toml")).expect("fixture config");
    let filter = RuleFilter {
        select: select.iter().map(|s| s.to_string()).collect(),
        ignore: vec![],
    };
    let known = known_rules();
    let options = Options {
        config: &config,
        filter: &filter,
        stage: None,
        today: TODAY,
        known_rules: &known,
        verbose: false,
    };
    let report = check_template_file(path, &options);
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        report.errors
    );
    assert_eq!(
        report.files,
        1,
        "{} is not read as a template",
        path.display()
    );
    let mut findings = report.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} [{}] {}\n    help: {}",
                f.line,
                f.column,
                f.severity.as_str(),
                f.rule,
                f.message,
                f.help
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fixture(rule_dir: &str, kind: &str) -> PathBuf {
    let dir = fixtures().join(rule_dir);
    std::fs::read_dir(&dir)
        .expect("fixture folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_stem().is_some_and(|s| s == kind))
        .unwrap_or_else(|| panic!("no {kind} fixture in {}", dir.display()))
}

macro_rules! rule_fixtures {
    ($($name:ident => $dir:literal),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[test]
            fn fail_fixture_findings() {
                let found = run(&fixture($dir, "fail"), &[concat!("cfn/", $dir)]);
                assert!(!found.is_empty(), "the fail fixture of {} found nothing", $dir);
                assert!(found.lines().filter(|l| !l.starts_with("    ")).all(|l| l.contains(concat!("[cfn/", $dir, "]"))));
                insta::assert_snapshot!(concat!($dir, "-fail"), found);
            }

            #[test]
            fn pass_fixture_is_clean() {
                assert_eq!(run(&fixture($dir, "pass"), &[concat!("cfn/", $dir)]), "");
            }
        }
    )*};
}

rule_fixtures! {
    duplicate_key => "duplicate-key",
    s3_encryption => "s3-encryption",
    s3_versioning => "s3-versioning",
    s3_public_access => "s3-public-access",
    dynamodb_pitr => "dynamodb-pitr",
    missing_tags => "missing-tags",
    prod_retain => "prod-retain",
    lambda_runtime => "lambda-runtime",
    hardcoded_account => "hardcoded-account",
    hardcoded_region => "hardcoded-region",
    hardcoded_arn => "hardcoded-arn",
    naming => "naming",
}

#[test]
fn duplicate_keys_in_json_point_at_the_second_occurrence() {
    let found = run(
        &fixtures().join("duplicate-key/fail-json.json"),
        &["cfn/duplicate-key"],
    );
    insta::assert_snapshot!("duplicate-key-fail-json", found);
}

#[test]
fn a_template_with_duplicate_keys_is_still_checked_as_cloudformation_reads_it() {
    // The second `VersioningConfiguration` (Suspended) is the one deployed, and the one judged.
    let found = run(&fixture("duplicate-key", "fail"), &["cfn/s3-versioning"]);
    assert!(
        found.starts_with(
            "11:17 warn [cfn/s3-versioning] S3 bucket `Reports` has versioning `Suspended`"
        ),
        "{found}"
    );
}

#[test]
fn prod_retain_is_silent_outside_production() {
    assert_eq!(
        run(
            &fixtures().join("prod-retain/dev-stage.yaml"),
            &["cfn/prod-retain"]
        ),
        ""
    );
}

#[test]
fn suppressions_need_a_reason_and_must_suppress_something() {
    let select = ["cfn/s3-versioning", "cfn/s3-encryption", "meta"];
    let found = run(&fixture("suppressions", "fail"), &select);
    insta::assert_snapshot!("suppressions-fail", found);
    assert_eq!(run(&fixture("suppressions", "pass"), &select), "");
}

#[test]
fn unused_suppressions_of_deselected_rules_are_not_reported() {
    let found = run(
        &fixture("suppressions", "fail"),
        &["cfn/s3-public-access", "meta"],
    );
    assert!(!found.contains("on `Stale` suppresses nothing"), "{found}");
    assert!(
        found.contains("gives no reason") && found.contains("not a stackwarden rule"),
        "{found}"
    );
}

#[test]
fn lambda_bundle_size_measures_local_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big");
    let small = dir.path().join("small");
    std::fs::create_dir_all(big.join("lib")).expect("mkdir");
    std::fs::create_dir_all(&small).expect("mkdir");
    std::fs::write(big.join("index.js"), vec![b'x'; 700 * 1024]).expect("write");
    std::fs::write(big.join("lib/vendor.js"), vec![b'y'; 600 * 1024]).expect("write");
    std::fs::write(small.join("index.js"), "exports.handler = async () => 1;\n").expect("write");
    let template = dir.path().join("template.yaml");
    std::fs::write(
        &template,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Big:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      CodeUri: big\n  Small:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      CodeUri: small/\n  Remote:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      CodeUri: s3://bucket/code.zip\n",
    )
    .expect("write");
    let found = run(&template, &["cfn/lambda-bundle-size"]);
    let lines: Vec<&str> = found.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(lines.len(), 1, "{found}");
    assert!(
        lines[0]
            .starts_with("8:7 warn [cfn/lambda-bundle-size] function `Big` ships 1.3 MB of code"),
        "{found}"
    );
}

#[test]
fn an_empty_template_is_an_input_error_like_a_truncated_one() {
    let config = Config::default();
    let filter = RuleFilter::default();
    let known = known_rules();
    let options = Options {
        config: &config,
        filter: &filter,
        stage: None,
        today: TODAY,
        known_rules: &known,
        verbose: false,
    };
    let dir = fixtures().join("empty-template");
    for name in ["fail/template.yaml", "fail/orders.template.json"] {
        let path = dir.join(name);
        let report = check_template_file(&path, &options);
        assert_eq!(report.errors.len(), 1, "{name}: {:?}", report.errors);
        let error = &report.errors[0];
        assert_eq!(
            (error.path.as_path(), error.line),
            (path.as_path(), Some(1))
        );
        assert_eq!(
            error.message,
            "the template is empty (CloudFormation rejects it): write its `Resources`, or delete the file"
        );
    }
    // `{}` is what CDK synthesizes for a stack with no resources: not an error.
    let scratch = tempfile::tempdir().expect("tmp");
    let empty_stack = scratch.path().join("empty.template.json");
    std::fs::write(&empty_stack, "{}\n").expect("write");
    assert!(check_template_file(&empty_stack, &options)
        .errors
        .is_empty());
    // An empty YAML file that is not named as a template is just an empty file.
    let report = check_template_file(&dir.join("pass/settings.yaml"), &options);
    assert!(report.errors.is_empty() && report.findings.is_empty());
    assert_eq!(
        run(&dir.join("pass/template.yaml"), &["cfn/duplicate-key"]),
        ""
    );
}
