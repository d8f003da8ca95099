//! Inputs a user gets wrong, said plainly: a duplicate key is a finding (`cfn/duplicate-key`)
//! that can be ignored like any other, a CDK app with no synth output is a finding
//! (`cdk/not-synthesized`) instead of "No findings", and a large JSON file that is not a template
//! is skipped with the reason instead of failing the run.

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::write;

const DUPLICATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: orders\n      TopicName: orders-v2\n      Tags:\n        - {Key: Project, Value: shop}\n        - {Key: Stage, Value: dev}\n        - {Key: Owner, Value: team}\n        - {Key: CostCenter, Value: '42'}\n";

#[test]
fn a_duplicate_key_is_a_finding_that_can_be_ignored() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", DUPLICATE);
    let output = stackwarden_in(
        dir.path(),
        &["check", "--format", "json", "--select", "cfn/duplicate-key"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "cfn/duplicate-key");
    assert_eq!(finding["line"], 7);
    assert_eq!(finding["resource"], "Topic");
    assert_eq!(
        finding["message"],
        "`TopicName` is written twice in `Resources.Topic.Properties` (first at line 6); CloudFormation keeps only this last value and drops the first"
    );
    let ignored = stackwarden_in(
        dir.path(),
        &["check", "--ignore", "cfn/duplicate-key", "--select", "cfn"],
    );
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}

#[test]
fn an_unsynthesized_cdk_app_is_not_a_silent_pass() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "cdk.json",
        "{\"app\": \"npx ts-node bin/app.ts\"}\n",
    );
    write(
        dir.path(),
        "bin/app.ts",
        "import { App } from 'aws-cdk-lib';\nnew App().synth();\n",
    );
    let output = stackwarden_in(dir.path(), &["check"]);
    // A warning: the run does not fail, but it says why it found nothing.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("warning[cdk/not-synthesized]") && text.contains("run `npx cdk synth`"),
        "{text}"
    );
    let ignored = stackwarden_in(dir.path(), &["check", "--ignore", "cdk"]);
    assert!(
        stdout(&ignored).starts_with("No findings"),
        "{}",
        stdout(&ignored)
    );
}

#[test]
fn the_new_rules_are_listed_and_explained() {
    let rules = stdout(&stackwarden(&["rules"]));
    for id in [
        "cfn/duplicate-key",
        "cdk/not-synthesized",
        "cdk/stale-synth",
    ] {
        assert!(rules.contains(id), "{id} not in:\n{rules}");
        let explained = stackwarden(&["explain", id]);
        assert_eq!(explained.status.code(), Some(0), "{id}");
        assert!(stdout(&explained).contains("## Fix"), "{id}");
    }
}

/// `{"<key>": [...]}` of a little over 17 MB.
fn big_json(first_key: &str) -> String {
    let mut text = format!("{{\"{first_key}\": [");
    let record = "{\"id\": 123456, \"name\": \"order\", \"items\": [1, 2, 3]},\n";
    while text.len() < 17 * 1024 * 1024 {
        text.push_str(record);
    }
    text.push_str("{}]}\n");
    text
}

#[test]
fn a_large_json_file_that_is_not_a_template_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "test/fixtures/orders.json", &big_json("orders"));
    write(dir.path(), "template.yaml", DUPLICATE);
    let output = stackwarden_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(
        report["errors"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    let skipped = report["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["path"], "test/fixtures/orders.json");
    assert_eq!(
        skipped[0]["reason"],
        "17.0 MB of JSON, over the 16 MB template cap, and not a template: its top-level key `orders` is not a template section"
    );
}

#[test]
fn a_large_file_that_may_be_a_template_still_reports_its_size() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "big.template.json", &big_json("Resources"));
    let output = stackwarden_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let report = json(&output);
    let message = report["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("stackwarden reads at most 16 MB"),
        "{report}"
    );
}
