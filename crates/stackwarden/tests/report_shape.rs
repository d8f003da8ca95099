//! What the report says beyond each finding: one root cause shown once, baselines that survive
//! line shifts, frames of minified templates, end positions.

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::write;

const TWO_BAD_BUCKETS: &str =
    "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n  Logs:\n    Type: AWS::S3::Bucket\n";

#[test]
fn a_baseline_accepts_todays_findings_and_fails_only_on_new_ones() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", TWO_BAD_BUCKETS);
    let written = stackwarden_in(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert_eq!(
        stdout(&written),
        "",
        "writing a baseline reports nothing else"
    );
    assert!(
        stderr(&written).contains("wrote a baseline of 6 findings to baseline.json"),
        "{}",
        stderr(&written)
    );

    // Lines move (a comment on top), one bucket is fixed away, a new one appears.
    write(
        dir.path(),
        "template.yaml",
        "# moved\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n  Fresh:\n    Type: AWS::S3::Bucket\n",
    );
    let output = stackwarden_in(
        dir.path(),
        &["check", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json(&output);
    let findings = report["findings"].as_array().expect("findings");
    let resources: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] != "meta/unused-baseline")
        .filter_map(|f| f["resource"].as_str())
        .collect();
    assert!(
        !resources.is_empty() && resources.iter().all(|r| *r == "Fresh"),
        "{resources:?}"
    );
    assert_eq!(report["summary"]["baselined"], 3);
    let unused: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "meta/unused-baseline")
        .collect();
    assert_eq!(unused.len(), 3, "the three findings of Logs are gone");
    assert_eq!(unused[0]["path"], "baseline.json");
    assert!(unused[0]["message"]
        .as_str()
        .expect("message")
        .contains("`Logs`"));

    let text = stackwarden_in(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert!(
        stdout(&text).contains("; 3 findings accepted by the baseline."),
        "{}",
        stdout(&text)
    );
}

#[test]
fn a_bad_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "template.yaml", TWO_BAD_BUCKETS);
    write(
        dir.path(),
        "baseline.json",
        "{\"version\": 1,\n\"findings\": 3}\n",
    );
    let output = stackwarden_in(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--baseline: baseline.json:2:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_literal_in_several_templates_is_one_problem_in_agent_output_and_one_group_in_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let topic = "Resources:\n  Fn:\n    Type: AWS::SNS::Subscription\n    Properties:\n      TopicArn: arn:aws:sns:eu-west-2:333333333333:ready\n      Protocol: email\n      Endpoint: a@example.com\n";
    write(dir.path(), "a.yaml", topic);
    write(dir.path(), "b.yaml", topic);
    let output = stackwarden_in(
        dir.path(),
        &[
            "check",
            "--format",
            "agent",
            "--select",
            "cfn/hardcoded-arn",
        ],
    );
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("a.yaml:5:17: error cfn/hardcoded-arn:")
            && text.contains("(one cause, 2 occurrences: also b.yaml:5:17 (Fn))"),
        "{text}"
    );
    let report = json(&stackwarden_in(
        dir.path(),
        &["check", "--format", "json", "--select", "cfn/hardcoded-arn"],
    ));
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "JSON keeps every occurrence");
    assert_eq!(findings[0]["group"], findings[1]["group"]);
    assert_ne!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
}

#[test]
fn a_minified_template_gets_a_frame_of_its_one_long_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let padding: String = (0..400)
        .map(|i| format!("\"Q{i}\":{{\"Type\":\"AWS::SQS::Queue\"}},"))
        .collect();
    write(
        dir.path(),
        "min.json",
        &format!("{{\"Resources\":{{{padding}\"Data\":{{\"Type\":\"AWS::S3::Bucket\"}}}}}}"),
    );
    let output = stackwarden_in(
        dir.path(),
        &["check", "min.json", "--select", "cfn/s3-encryption"],
    );
    let text = stdout(&output);
    let frame = text.lines().nth(3).expect("the frame's source line");
    assert!(
        frame.contains("…") && frame.contains("\"Data\":{\"Type\":\"AWS::S3::Bucket\"}"),
        "{text}"
    );
    assert!(
        frame.chars().count() < 300,
        "a window, not the whole line: {frame}"
    );
    let underline = text.lines().nth(4).expect("underline");
    assert_eq!(
        underline.trim_start_matches([' ', '|']).trim_end(),
        "^^^^^^",
        "{text}"
    );
}

#[test]
fn sarif_regions_carry_the_end_of_a_source_finding() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "lib/stack.ts",
        "const topic = 'arn:aws:sns:eu-west-2:333333333333:ready';\n",
    );
    let output = stackwarden_in(
        dir.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--select",
            "code/hardcoded-arn",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("sarif");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(15),
            &serde_json::json!(1),
            &serde_json::json!(57)
        ),
        "{region}"
    );
    assert!(
        sarif["runs"][0]["results"][0]["partialFingerprints"]["stackwarden/group/v1"].is_string()
    );
}
