//! Every template rule against its fixtures: `tests/fixtures/<rule>/fail.*` must produce the
//! snapshotted findings (rule id, line, column, message, help) and `pass.*` must produce none.
//! The rule folders are found on disk (`rule_fixtures`): a new rule's folder needs no line here.

use std::path::Path;

use stackwarden_cfn::check_template_file;
use stackwarden_core::config::Config;
use stackwarden_testkit::findings::{of_one_file, render, sorted, Layout};
use stackwarden_testkit::{CheckRun, Fixtures};

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!()
}

/// Every rule a template can be checked for, so that each fixture folder maps to its rule
/// whichever test file runs it.
fn known_rules() -> impl Iterator<Item = &'static stackwarden_core::RuleMeta> {
    stackwarden_cfn::rules::all_metas().chain(stackwarden_iam::all_metas())
}

/// A run that knows the template rules.
fn check_run(config: Config) -> CheckRun {
    CheckRun::new(config).known(stackwarden_cfn::rules::all_metas())
}

/// Runs the rules selected by `select` over one fixture and renders what they found.
fn run(path: &Path, select: &[&str]) -> String {
    let run = check_run(fixtures().config()).select(select);
    let report = check_template_file(path, &run.options());
    render(
        &sorted(of_one_file(report, path, "a template")),
        Layout::SNAPSHOT,
    )
}

// Every `cfn/*` folder of tests/fixtures, found on disk; the folders of the other tests over
// the same fixtures are accounted for here, once, so a folder nobody runs fails this test.
stackwarden_testkit::rule_fixture_tests! {
    run: run,
    plan: stackwarden_testkit::RuleFixtures::new(fixtures(), known_rules(), "cfn")
        .domain_tested_by("iam", "tests/iam_rules.rs")
        .domain_tested_by(
            "secret",
            "tests/credentials.rs (masked keys, one snapshot per fail file)",
        )
        .domain_tested_by(
            "cdk",
            "tests/cdk_synth_state.rs (a CDK app folder, not one template)",
        )
        .folder_tested_by(
            "suppressions",
            "suppressions_need_a_reason_and_must_suppress_something (two rules and meta selected)",
        )
        .folder_tested_by(
            "empty-template",
            "an_empty_template_is_an_input_error_like_a_truncated_one (an input error, not a finding)",
        )
        .folder_tested_by(
            "policy-sources",
            "tests/policy_sources.rs (where iam/* findings point in each policy source)",
        ),
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
    let found = run(
        &fixtures().case("duplicate-key", "fail"),
        &["cfn/s3-versioning"],
    );
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
    let found = run(&fixtures().case("suppressions", "fail"), &select);
    insta::assert_snapshot!("suppressions-fail", found);
    assert_eq!(run(&fixtures().case("suppressions", "pass"), &select), "");
}

#[test]
fn unused_suppressions_of_deselected_rules_are_not_reported() {
    let found = run(
        &fixtures().case("suppressions", "fail"),
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
    let setup = check_run(Config::default());
    let options = setup.options();
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
