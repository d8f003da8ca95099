//! The permission rules on a cloud assembly in the shape `cdk synth` writes (manifest with
//! creation traces, template, CDK source, handlers), built in a temporary folder: a function whose
//! role lacks what its handler sends and grants what it never uses, and one whose role fits.

use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;
use stackwarden_testkit::project::write;

const STACK_TS: &str = r#"import * as iam from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as path from 'path';

export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const uploads = new s3.Bucket(this, 'Uploads');
    const wrong = new NodejsFunction(this, 'Wrong', {
      entry: 'src/wrong.ts',
      environment: { BUCKET: uploads.bucketName },
    });
    uploads.grantRead(wrong);
    wrong.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:DeleteObject'],
      resources: [uploads.bucketArn, uploads.arnForObjects('*')],
    }));
    const right = new NodejsFunction(this, 'Right', {
      entry: path.join(__dirname, '../src/right.ts'),
      environment: { BUCKET: uploads.bucketName },
    });
    uploads.grantPut(right);
    right.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [uploads.bucketArn],
    }));
  }
}
"#;

const WRONG_TS: &str = r#"import { S3Client, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

const s3 = new S3Client({});
const BUCKET = process.env.BUCKET!;

export const handler = async (event: { key: string }) => {
  await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: event.key, Body: 'x' }));
};
"#;

const RIGHT_TS: &str = r#"import { S3Client, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';

const s3 = new S3Client({});

export const handler = async (event: { key: string }) => {
  await s3.send(new ListObjectsV2Command({ Bucket: process.env.BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: event.key, Body: 'x' }));
};
"#;

fn trace(line: u32, column: u32) -> serde_json::Value {
    serde_json::json!([{
        "type": "aws:cdk:creationStack",
        "data": [
            "new NodejsFunction (/build/node_modules/aws-cdk-lib/aws-lambda-nodejs/lib/function.js:1:1)",
            format!("new AppStack (/build/app/lib/app-stack.ts:{line}:{column})"),
        ]
    }])
}

fn role(id: &str) -> serde_json::Value {
    serde_json::json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}]},
            "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]}]
        },
        "Metadata": {"aws:cdk:path": format!("App/{id}/ServiceRole/Resource")}
    })
}

fn function(id: &str, role: &str) -> serde_json::Value {
    serde_json::json!({
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Handler": "index.handler",
            "Runtime": "nodejs22.x",
            "Environment": {"Variables": {"BUCKET": {"Ref": "Uploads1E6A1C7B"}}}
        },
        "Metadata": {"aws:cdk:path": format!("App/{id}/Resource"), "aws:asset:is-bundled": true}
    })
}

fn app(dir: &Path) {
    write(dir, "lib/app-stack.ts", STACK_TS);
    write(dir, "src/wrong.ts", WRONG_TS);
    write(dir, "src/right.ts", RIGHT_TS);
    let object_arn =
        serde_json::json!({"Fn::Join": ["", [{"Fn::GetAtt": ["Uploads1E6A1C7B", "Arn"]}, "/*"]]});
    let bucket_arn = serde_json::json!({"Fn::GetAtt": ["Uploads1E6A1C7B", "Arn"]});
    let template = serde_json::json!({
        "Resources": {
            "Uploads1E6A1C7B": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "App/Uploads/Resource"}},
            "WrongServiceRole1111": role("Wrong"),
            "WrongServiceRoleDefaultPolicy2222": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyDocument": {"Statement": [
                        {"Action": ["s3:GetBucket*", "s3:GetObject*", "s3:List*"], "Effect": "Allow", "Resource": [bucket_arn, object_arn]},
                        {"Action": ["s3:DeleteObject", "s3:ListBucket"], "Effect": "Allow", "Resource": [bucket_arn, object_arn]}
                    ]},
                    "PolicyName": "WrongServiceRoleDefaultPolicy2222",
                    "Roles": [{"Ref": "WrongServiceRole1111"}]
                },
                "Metadata": {"aws:cdk:path": "App/Wrong/ServiceRole/DefaultPolicy/Resource"}
            },
            "Wrong3333": function("Wrong", "WrongServiceRole1111"),
            "RightServiceRole4444": role("Right"),
            "RightServiceRoleDefaultPolicy5555": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyDocument": {"Statement": [
                        {"Action": ["s3:PutObject", "s3:Abort*"], "Effect": "Allow", "Resource": object_arn},
                        {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": bucket_arn}
                    ]},
                    "PolicyName": "RightServiceRoleDefaultPolicy5555",
                    "Roles": [{"Ref": "RightServiceRole4444"}]
                },
                "Metadata": {"aws:cdk:path": "App/Right/ServiceRole/DefaultPolicy/Resource"}
            },
            "Right6666": function("Right", "RightServiceRole4444"),
            // The log-retention provider the CDK adds for `logRetention`: its creation trace is
            // the user's `new NodejsFunction` line, its code the CDK's.
            "LogRetentionaae0ServiceRole7777": role("LogRetentionaae0"),
            "LogRetentionaae08888": function("LogRetentionaae0", "LogRetentionaae0ServiceRole7777")
        }
    });
    write(
        dir,
        "cdk.out/App.template.json",
        &serde_json::to_string_pretty(&template).expect("json"),
    );
    let logical = |id: &str| serde_json::json!([{"type": "aws:cdk:logicalId", "data": id}]);
    let with = |id: &str, extra: serde_json::Value| {
        let mut entries = logical(id).as_array().cloned().unwrap_or_default();
        entries.extend(extra.as_array().cloned().unwrap_or_default());
        serde_json::Value::Array(entries)
    };
    let manifest = serde_json::json!({
        "version": "48.0.0",
        "artifacts": {
            "App": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://111111111111/eu-west-2",
                "properties": {"templateFile": "App.template.json"},
                "metadata": {
                    "/App/Uploads/Resource": with("Uploads1E6A1C7B", trace(9, 21)),
                    "/App/Wrong/Resource": with("Wrong3333", trace(10, 19)),
                    "/App/Right/Resource": with("Right6666", trace(19, 19)),
                    "/App/LogRetentionaae0/Resource": with("LogRetentionaae08888", trace(10, 19)),
                    "/App/Wrong/ServiceRole/DefaultPolicy/Resource": with("WrongServiceRoleDefaultPolicy2222", trace(10, 19)),
                    "/App/Right/ServiceRole/DefaultPolicy/Resource": with("RightServiceRoleDefaultPolicy5555", trace(19, 19)),
                }
            }
        }
    });
    write(
        dir,
        "cdk.out/manifest.json",
        &serde_json::to_string_pretty(&manifest).expect("json"),
    );
}

fn check(dir: &Path) -> stackwarden_permissions::Outcome {
    stackwarden_permissions::check_assembly(
        &dir.join("cdk.out"),
        &Config::default(),
        &RuleFilter::default(),
    )
}

#[test]
fn a_role_without_the_put_its_handler_sends_is_reported_on_the_send_line() {
    let dir = tempfile::tempdir().expect("tmp");
    app(dir.path());
    let outcome = check(dir.path());
    let missing: Vec<_> = outcome
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "iam/missing-permission")
        .collect();
    assert_eq!(missing.len(), 1, "{:#?}", outcome.report.findings);
    let finding = missing[0];
    assert!(
        finding.path.ends_with("src/wrong.ts"),
        "{}",
        finding.path.display()
    );
    assert_eq!((finding.line, finding.column), (8, 9));
    assert_eq!(
        finding.message,
        "`PutObjectCommand` needs `s3:PutObject` on the objects of the bucket `Uploads1E6A1C7B` (env BUCKET), which the role of function `App/Wrong` does not allow: the call fails with AccessDenied at run time"
    );
    assert_eq!(
        finding.suggestion.as_deref(),
        Some("uploads.grantPut(wrong);")
    );
    assert_eq!(finding.resource.as_deref(), Some("Wrong3333"));
    assert_eq!(finding.source.as_ref().map(|s| s.line), Some(10));
}

#[test]
fn a_hand_written_action_no_code_uses_is_reported_on_the_statement() {
    let dir = tempfile::tempdir().expect("tmp");
    app(dir.path());
    let outcome = check(dir.path());
    let unused: Vec<_> = outcome
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "iam/unused-permission")
        .collect();
    // ListBucket is used (ListObjectsV2 needs it); DeleteObject is not. The right function's
    // statement lists only what its handler uses.
    assert_eq!(unused.len(), 1, "{:#?}", outcome.report.findings);
    assert!(unused[0].path.ends_with("lib/app-stack.ts"));
    assert_eq!(unused[0].line, 15);
    assert_eq!(
        unused[0].message,
        "`s3:DeleteObject` is granted to `App/Wrong` by this statement, but none of its code's SDK calls needs it"
    );
}

#[test]
fn the_right_function_has_no_finding_and_every_function_is_judged() {
    let dir = tempfile::tempdir().expect("tmp");
    app(dir.path());
    let outcome = check(dir.path());
    assert!(
        outcome
            .report
            .findings
            .iter()
            .all(|f| f.resource.as_deref() != Some("Right6666")
                && f.resource.as_deref() != Some("RightServiceRole4444")),
        "{:#?}",
        outcome.report.findings
    );
    // Both functions are judged in full: one note each, saying what their code needs; the
    // CDK's own function is not taken for the user's handler (found on serverless-patterns'
    // apigw-streaming-lambda-bedrock-cdk, where it got the handler's missing permission).
    let root = format!("{}/", dir.path().display());
    let notes: Vec<String> = outcome.notes.iter().map(|n| n.replace(&root, "")).collect();
    assert_eq!(
        notes,
        [
            "App: function `App/LogRetentionaae0`: not judged: the handler is not known: created by the CDK for the construct `Wrong` on lib/app-stack.ts:10; its code is the CDK's own",
            "App: function `App/Right`: judged: 2 calls needing s3:ListBucket, s3:PutObject",
            "App: function `App/Wrong`: judged: 2 calls needing s3:ListBucket, s3:PutObject",
        ]
    );
    assert!(outcome
        .report
        .findings
        .iter()
        .all(|f| f.resource.as_deref() != Some("LogRetentionaae08888")));
}

#[test]
fn unresolved_code_gets_no_finding_and_says_why() {
    let dir = tempfile::tempdir().expect("tmp");
    app(dir.path());
    // The command is built elsewhere: what it needs is not known, so nothing is reported.
    write(
        dir.path(),
        "src/wrong.ts",
        "import { S3Client } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nexport const handler = async (command: any) => s3.send(command);\n",
    );
    let outcome = check(dir.path());
    assert!(
        outcome
            .report
            .findings
            .iter()
            .all(|f| f.resource.as_deref() != Some("Wrong3333")
                && f.resource.as_deref() != Some("WrongServiceRole1111")),
        "{:#?}",
        outcome.report.findings
    );
    assert!(
        outcome
            .notes
            .iter()
            .any(|n| n.contains("App/Wrong") && n.contains("sends a command built elsewhere")),
        "{:#?}",
        outcome.notes
    );
}
