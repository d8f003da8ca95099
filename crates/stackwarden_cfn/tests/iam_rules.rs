//! Every `iam/*` rule against its fixtures (`tests/fixtures/iam-<rule>/{fail,pass}.*`, found on
//! disk: a new rule's folder needs no line here): the fail fixture must produce the snapshotted
//! findings (rule, line, column, message, help), and only of that rule; the pass fixture must
//! produce none of that rule.

use std::path::Path;

use stackwarden_cfn::{check_template_file, check_template_source};
use stackwarden_core::config::Config;
use stackwarden_testkit::findings::{of_one_file, sorted, Layout};
use stackwarden_testkit::{CheckRun, Fixtures};

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!()
}

/// A run that knows the template rules and the IAM rules.
fn check_run(config: Config) -> CheckRun {
    CheckRun::new(config)
        .known(stackwarden_cfn::rules::all_metas().chain(stackwarden_iam::all_metas()))
}

/// IAM findings carry the policy a fix would write.
const LAYOUT: Layout = Layout::SNAPSHOT.with_suggestion();

fn render(report: stackwarden_cfn::Report) -> String {
    stackwarden_testkit::render(&sorted(report.findings), LAYOUT)
}

fn run(path: &Path, select: &[&str]) -> String {
    let run = check_run(fixtures().config()).select(select);
    let report = check_template_file(path, &run.options());
    let findings = of_one_file(report, path, "a template or policy");
    stackwarden_testkit::render(&sorted(findings), LAYOUT)
}

// Every `iam-<rule>` folder of tests/fixtures, found on disk; tests/rules.rs accounts for the
// other folders.
stackwarden_testkit::rule_fixture_tests! {
    run: run,
    plan: stackwarden_testkit::RuleFixtures::new(
        fixtures(),
        stackwarden_cfn::rules::all_metas().chain(stackwarden_iam::all_metas()),
        "iam",
    )
    .others_accounted_for_by("tests/rules.rs"),
}

/// Every pass fixture is clean under every IAM rule, not only its own: the `*`-only actions,
/// CDK grant patterns and SAM policy templates in them must not trip a neighbour.
#[test]
fn pass_fixtures_are_clean_under_all_iam_rules() {
    let ignore_template_rules = ["iam/shared-execution-role"];
    for entry in std::fs::read_dir(fixtures().root())
        .expect("fixtures")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with("iam-") {
            continue;
        }
        let found = run(&fixtures().case(&name, "pass"), &["iam"]);
        let found: Vec<&str> = found
            .lines()
            .filter(|l| !ignore_template_rules.iter().any(|r| l.contains(r)))
            .collect();
        assert!(found.is_empty(), "{name}/pass: {found:?}");
    }
}

fn check_text(name: &str, text: &str) -> stackwarden_cfn::Report {
    let run = check_run(Config::default()).select(&["iam"]);
    check_template_source(Path::new(name), text, &run.options())
}

#[test]
fn standalone_policy_json_is_checked_by_check() {
    let report = check_text(
        "policy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    assert_eq!(report.files, 1);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
    assert!(rules.contains(&"iam/wildcard-action"), "{rules:?}");
    assert!(rules.contains(&"iam/wildcard-resource"), "{rules:?}");
    // JSON that is neither a template nor a policy stays silent.
    let report = check_text("package.json", r#"{"name": "x", "version": "1.0.0"}"#);
    assert_eq!(
        (report.files, report.findings.len(), report.errors.len()),
        (0, 0, 0)
    );
}

#[test]
fn the_sam_policy_template_statements_are_judged() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - AWSSecretsManagerRotationPolicy: {FunctionName: x}\n";
    let report = check_text("template.yaml", text);
    // The template grants secretsmanager actions on "*" in the SAM translator's own definition.
    let found = render(report);
    assert!(found.is_empty() || found.contains("7:11"), "{found}");
}

#[test]
fn bad_input_never_panics() {
    let huge_action = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:{}*","Resource":"*"}}]}}"#,
        "x".repeat(1 << 20)
    );
    let report = check_text("huge.json", &huge_action);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "iam/unknown-action" && f.message.len() < 400),
        "{:?}",
        report
            .findings
            .iter()
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );

    let many: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*"}}"#
            )
        })
        .collect();
    let report = check_text(
        "many.json",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            many.join(",")
        ),
    );
    assert_eq!(report.findings.len(), 0);

    for text in [
        r#"{"Version": 2012, "Statement": {"Effect": "Allow", "Action": ["s3:GetObject", null, 1.5, {"a": 1}], "Resource": []}}"#,
        r#"{"Version": "2012-10-17", "Statement": "nope"}"#,
        r#"{"Version": "2012-10-17", "Statement": [[], 1, true, {"Effect": ["Allow"]}]}"#,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ":", "Resource": "*", "Principal": {"AWS": [{"Fn::Join": []}, {"Fn::Sub": 3}]}}}"#,
    ] {
        let report = check_text("bad.json", text);
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == "iam/malformed-policy" || f.rule == "iam/unknown-action"),
            "{text}: {:?}",
            report.findings
        );
    }
}

/// A standalone trust policy is judged as the same statement in a template's
/// `AssumeRolePolicyDocument` (`stackwarden iam check trust.json` and `check` alike).
#[test]
fn a_standalone_trust_policy_is_judged_as_a_trust_policy() {
    let report = check_text(
        "trust.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"arn:aws:iam::999988887777:root\"},\n    \"Action\": \"sts:AssumeRole\"}]\n}\n",
    );
    assert_eq!(
        render(report),
        "4:26 error [iam/cross-account-no-external-id] the trust policy lets account 999988887777 assume this role without an sts:ExternalId condition\n    help: add Condition: {StringEquals: {sts:ExternalId: <secret shared with the other party>}}, or list the account under [accounts] trusted in stackwarden.toml when it is your own"
    );
    // With the external id, the same document is clean.
    let report = check_text(
        "trust.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "a1b2c3"}}}]}"#,
    );
    assert_eq!(render(report), "");
}
