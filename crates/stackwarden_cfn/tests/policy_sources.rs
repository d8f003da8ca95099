//! Policy documents in every shape CloudFormation accepts reach the `iam/*` rules: JSON text (a
//! string, an `Fn::Sub` template), `Fn::If` around a document, a `Policies` list, a managed
//! policy ARN or a SAM `Policies` entry, and the policy-bearing resource types of
//! data/policy-properties.tsv (IAM Identity Center permission sets, ...).

use stackwarden_cfn::check_template_file;
use stackwarden_testkit::findings::{lines, sorted, Layout};
use stackwarden_testkit::CheckRun;

fn run(name: &str) -> Vec<String> {
    let path = stackwarden_testkit::fixtures!("policy-sources").join(name);
    let run = CheckRun::default()
        .select(&["iam"])
        .ignore(&["iam/shared-execution-role"])
        .known(stackwarden_cfn::rules::all_metas().chain(stackwarden_iam::all_metas()));
    let report = check_template_file(&path, &run.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    lines(&sorted(report.findings), Layout::BRIEF)
}

#[test]
fn every_shape_of_policy_document_is_judged() {
    assert_eq!(
        run("fail.yaml"),
        [
            // A JSON string: positions are the string's.
            "14:23 [iam/wildcard-action] `s3:*` allows all 180 actions of Amazon S3",
            // An Fn::Sub template of JSON, its placeholders known at deploy time.
            "18:23 [iam/wildcard-action] `dynamodb:*` allows all 80 actions of Amazon DynamoDB",
            // Fn::If around the document: both branches.
            "32:23 [iam/wildcard-action] `sqs:*` allows all 20 actions of Amazon SQS",
            // Fn::If around a role's Policies list.
            "55:27 [iam/wildcard-action] `events:*` allows all 74 actions of Amazon EventBridge",
            // Fn::If around a ManagedPolicyArns entry.
            "59:24 [iam/admin-policy] the AWS-managed policy AdministratorAccess is attached: near-unlimited access to the account",
            // Fn::If around a SAM Policies entry.
            "71:25 [iam/wildcard-action] `kinesis:*` allows all 47 actions of Amazon Kinesis Data Streams",
            // An IAM Identity Center permission set's inline policy (JSON text) and managed policies.
            "79:21 [iam/admin-policy] inline statement allows Action \"*\" on Resource \"*\": full administrator access",
            "79:21 [iam/passrole-star] iam:PassRole (through `*`) on Resource \"*\" lets this principal pass any role, including admin roles",
            "79:21 [iam/wildcard-action] `*` allows every action of every AWS service",
            "81:11 [iam/admin-policy] the AWS-managed policy AdministratorAccess is attached: near-unlimited access to the account",
            "85:23 [iam/malformed-policy] the policy document is a string that is not a JSON object; CloudFormation parses the text as JSON and the deploy fails",
            // A ManagedPolicyArns entry behind a parameter, judged by its default.
            "97:11 [iam/admin-policy] the AWS-managed policy AdministratorAccess is attached: near-unlimited access to the account (the default of parameter `OperatorPolicyArn`)",
        ]
    );
}

#[test]
fn narrow_text_policies_and_policy_named_settings_are_clean() {
    assert_eq!(run("pass.yaml"), Vec::<String>::new());
}
