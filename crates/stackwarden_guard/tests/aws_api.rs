//! AWS API calls judged by the IAM action behind them and by where they land: the cases of the
//! issue that found the AWS CLI walking straight into production, and how each target is
//! resolved. The fixture maps 123456789012 to dev and 123456789013 to prod; profile `ops` acts
//! in prod through its role, `dev` in dev, and `[default]` names no account.

#![allow(clippy::unwrap_used)]

use stackwarden_guard::Decision::{self, Ask, Deny};
use stackwarden_testkit::guard::Fixture;

const PROD_WRITE: &str = "guard/prod-write";
const OUT_OF_BAND_IAM: &str = "guard/out-of-band-iam";
const DESTRUCTIVE: &str = "guard/destructive";
const CREDENTIALS: &str = "guard/credentials";

fn check(fixture: &Fixture, cases: &[(&str, Option<(Decision, &str)>)]) {
    let mut failures = Vec::new();
    for (command, expected) in cases {
        let actual = fixture.decision(command);
        if actual != *expected {
            let reason = fixture
                .judge(command)
                .strictest()
                .map(|v| v.reason.clone())
                .unwrap_or_default();
            failures.push(format!(
                "{command:?}: expected {expected:?}, got {actual:?} {reason}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_plain_aws_cli_no_longer_walks_into_production() {
    check(
        &Fixture::new(),
        &[
            ("aws lambda update-function-code --function-name f --zip-file fileb://f.zip --profile ops", Some((Deny, PROD_WRITE))),
            ("aws iam put-role-policy --role-name r --policy-name p --policy-document file://p.json --profile ops", Some((Deny, OUT_OF_BAND_IAM))),
            ("aws s3api put-bucket-policy --bucket b --policy file://p.json --profile ops", Some((Deny, OUT_OF_BAND_IAM))),
            ("AWS_PROFILE=ops aws dynamodb put-item --table-name t --item '{\"id\":{\"S\":\"1\"}}'", Some((Deny, PROD_WRITE))),
            ("aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789013:orders --message hi", Some((Deny, PROD_WRITE))),
            ("aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789013/orders --message-body x --profile dev", Some((Deny, PROD_WRITE))),
            ("aws lambda update-function-configuration --function-name prod-orders --timeout 30 --profile dev", Some((Deny, PROD_WRITE))),
            ("aws s3 cp dist/ s3://orders-prod-site/ --recursive --profile dev", Some((Deny, PROD_WRITE))),
            // Assuming a role in the production account is production, whatever follows.
            ("aws sts assume-role --role-arn arn:aws:iam::123456789013:role/Admin --role-session-name x > /tmp/c.json", Some((Deny, PROD_WRITE))),
            // Reads pass everywhere, production included.
            ("aws lambda get-function --function-name f --profile ops", None),
            ("aws s3api list-objects-v2 --bucket orders-prod-site --profile ops", None),
            ("aws logs filter-log-events --log-group-name /aws/lambda/prod-orders --profile ops", None),
            ("aws sts get-caller-identity --profile ops", None),
            // Waiters poll; skeletons and dry runs make no call (found in aws-samples scripts).
            ("aws cloudformation wait stack-delete-complete --stack-name prod-orders --profile ops", None),
            ("aws lambda update-function-code --function-name f --generate-cli-skeleton --profile ops", None),
            ("aws ec2 terminate-instances --instance-ids i-1 --dry-run --profile ops", None),
            ("aws s3 rm s3://orders-data --recursive --dryrun --profile ops", None),
        ],
    );
}

#[test]
fn dev_writes_pass_and_unresolved_writes_ask() {
    let fixture = Fixture::new();
    check(
        &fixture,
        &[
            ("aws lambda update-function-code --function-name f --zip-file fileb://f.zip --profile dev", None),
            ("aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789012:orders --message hi --profile dev", None),
            // A resource in the dev account is a dev write whatever the credentials.
            ("aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789012/q --message-body x", None),
            ("aws lambda update-function-code --function-name f --zip-file fileb://f.zip", Some((Ask, PROD_WRITE))),
            ("aws dynamodb put-item --table-name t --item '{}' --profile stranger", Some((Ask, PROD_WRITE))),
            // Manual permission changes ask in dev too.
            ("aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess --profile dev", Some((Ask, OUT_OF_BAND_IAM))),
            ("aws lambda add-permission --function-name f --statement-id s --action lambda:InvokeFunction --principal s3.amazonaws.com --profile dev", Some((Ask, OUT_OF_BAND_IAM))),
        ],
    );
    let reason = fixture
        .judge("aws lambda update-function-code --function-name f --zip-file fileb://f.zip")
        .strictest()
        .map(|v| v.reason.clone())
        .unwrap_or_default();
    assert!(
        reason.contains("lambda:UpdateFunctionCode, Write"),
        "{reason}"
    );
    assert!(
        reason.contains("profile `default` names no account"),
        "{reason}"
    );
    assert!(reason.contains("--profile dev"), "{reason}");
}

#[test]
fn ambient_keys_and_rewritten_profiles_are_unresolved() {
    let mut fixture = Fixture::new();
    fixture
        .env
        .insert("AWS_ACCESS_KEY_ID".into(), "ASIAXXXXXXXXXXXXXXXX".into());
    check(
        &fixture,
        &[
            (
                "aws sqs send-message --queue-url q --message-body x",
                Some((Ask, PROD_WRITE)),
            ),
            // An explicit profile wins over keys in the environment.
            (
                "aws sqs send-message --queue-url q --message-body x --profile dev",
                None,
            ),
        ],
    );
    check(
        &Fixture::new(),
        &[
            ("printf '[profile dev]\\nrole_arn = arn:aws:iam::123456789013:role/A\\n' >> ~/.aws/config && aws sqs send-message --queue-url q --message-body x --profile dev", Some((Ask, PROD_WRITE))),
            ("aws configure set role_arn arn:aws:iam::123456789013:role/A --profile dev && aws sqs send-message --queue-url q --message-body x --profile dev", Some((Ask, PROD_WRITE))),
        ],
    );
}

#[test]
fn credentials_obtained_earlier_in_the_line_decide_later_calls() {
    check(
        &Fixture::new(),
        &[
            ("eval \"$(aws configure export-credentials --profile ops --format env)\" && aws sqs send-message --queue-url q --message-body x", Some((Deny, PROD_WRITE))),
            ("eval \"$(aws configure export-credentials --profile dev --format env)\" && aws sqs send-message --queue-url q --message-body x", None),
            ("creds=$(aws sts assume-role --role-arn \"$ROLE\" --role-session-name x) && aws sqs send-message --queue-url q --message-body x --profile dev", None),
            ("creds=$(aws sts assume-role --role-arn \"$ROLE\" --role-session-name x) && aws sqs send-message --queue-url q --message-body x", Some((Ask, PROD_WRITE))),
        ],
    );
}

#[test]
fn deletions_are_denied_by_name_and_through_their_input() {
    let fixture = Fixture::new()
        .with_file(
            "/proj/batch.json",
            r#"{"orders":[{"DeleteRequest":{"Key":{"id":{"S":"1"}}}}]}"#,
        )
        .with_file(
            "/proj/puts.json",
            r#"{"orders":[{"PutRequest":{"Item":{"id":{"S":"1"}}}}]}"#,
        );
    check(
        &fixture,
        &[
            ("aws ecr batch-delete-image --repository-name r --image-ids imageTag=v1 --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws dynamodb batch-write-item --request-items file://batch.json --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws dynamodb batch-write-item --request-items file://puts.json --profile dev", None),
            ("aws dynamodb execute-statement --statement \"DELETE FROM orders WHERE id='1'\" --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws dynamodb execute-statement --statement \"SELECT * FROM orders\" --profile dev", None),
            ("aws s3 mv s3://orders-data/a.csv ./a.csv --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws s3 mv ./a.csv s3://orders-data/a.csv --profile dev", None),
            ("aws s3 sync ./site s3://orders-site --delete --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws s3 sync s3://orders-site ./site --delete --profile dev", None),
            ("aws ec2 delete-tags --resources i-1 --tags Key=x --profile dev", None),
            ("aws cloudcontrol delete-resource --type-name AWS::S3::Bucket --identifier b --profile dev", Some((Deny, DESTRUCTIVE))),
        ],
    );
}

#[test]
fn keys_in_arguments_and_documents_are_denied_and_masked() {
    let fixture = Fixture::new().with_file(
        "/proj/secret.json",
        r#"{"Name":"ci","SecretString":"{\"id\":\"AKIAZ7QRSTUVWX234567\"}"}"#,
    );
    check(
        &fixture,
        &[
            ("aws ssm put-parameter --name /ci/key --type SecureString --value AKIAZ7QRSTUVWX234567 --profile dev", Some((Deny, CREDENTIALS))),
            ("aws secretsmanager create-secret --name ci --secret-string '{\"id\":\"AKIAZ7QRSTUVWX234567\"}' --profile dev", Some((Deny, CREDENTIALS))),
            ("aws secretsmanager create-secret --cli-input-json file://secret.json --profile dev", Some((Deny, CREDENTIALS))),
            // A key id named to manage it is not a secret being stored.
            ("aws iam update-access-key --access-key-id AKIAZ7QRSTUVWX234567 --status Inactive --user-name ci --profile dev", Some((Ask, OUT_OF_BAND_IAM))),
            // AWS's documented example key is not a credential.
            ("aws secretsmanager put-secret-value --secret-id doc --secret-string AKIAIOSFODNN7EXAMPLE --profile dev", None),
        ],
    );
    let judgement = fixture
        .judge("aws ssm put-parameter --name /ci/key --value AKIAZ7QRSTUVWX234567 --profile dev");
    let verdict = judgement.strictest().unwrap();
    assert!(
        !verdict.reason.contains("AKIAZ7QRSTUVWX234567"),
        "{}",
        verdict.reason
    );
    assert!(
        !verdict.seen.contains("AKIAZ7QRSTUVWX234567"),
        "{}",
        verdict.seen
    );
}

#[test]
fn cli_input_json_is_read_for_the_target() {
    let fixture = Fixture::new()
        .with_file(
            "/proj/publish.json",
            r#"{"TopicArn":"arn:aws:sns:eu-west-2:123456789013:orders","Message":"hi"}"#,
        )
        .with_file(
            "/proj/publish.yaml",
            "TopicArn: arn:aws:sns:eu-west-2:123456789013:orders\nMessage: hi\n",
        );
    check(
        &fixture,
        &[
            ("aws sns publish --cli-input-json file://publish.json --profile dev", Some((Deny, PROD_WRITE))),
            ("aws sns publish --cli-input-yaml file://publish.yaml --profile dev", Some((Deny, PROD_WRITE))),
            // An input the guard cannot read leaves the target open.
            ("aws sns publish --cli-input-json file://missing.json", Some((Ask, PROD_WRITE))),
            ("aws dynamodb put-item --cli-input-json '{\"TableName\":\"orders-prod\",\"Item\":{}}' --profile dev", Some((Deny, PROD_WRITE))),
            ("aws dynamodb put-item --cli-input-json '{\"TableName\":\"orders-dev\",\"Item\":{}}' --profile dev", None),
            // Free text naming production is not a target.
            ("aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789012:t --message 'copied from prod' --profile dev", None),
        ],
    );
}

/// Found by a red-team pass (989 attempts): the CLI's argparse takes option prefixes and the
/// last of `--x`/`--no-x`; inputs come as YAML, as command output and as parameter files;
/// other config files and web-identity roles change where a call acts.
#[test]
fn red_team_aws_cli_forms_are_judged_as_the_cli_reads_them() {
    let mut fixture = Fixture::new()
        .with_file(
            "/proj/bw.yaml",
            "RequestItems:\n  orders:\n    - DeleteRequest:\n        Key: {id: {S: '1'}}\n",
        )
        .with_file("/proj/param.yaml", "Name: /prod/x\nValue: v\n")
        .with_file(
            "/proj/params.json",
            r#"[{"ParameterKey":"Stage","ParameterValue":"prod"}]"#,
        )
        .with_file(
            "/proj/t.yaml",
            "Parameters:\n  Stage:\n    AllowedValues: [dev, prod]\nResources: {}\n",
        );
    fixture.env.insert("AWS_PROFILE".into(), "dev".into());
    check(
        &fixture,
        &[
            // Abbreviated global options, before or after the service.
            ("aws s3 cp f.txt s3://mybucket/f.txt --prof ops", Some((Deny, PROD_WRITE))),
            ("aws s3 cp f.txt s3://mybucket/f.txt --profil=ops", Some((Deny, PROD_WRITE))),
            ("aws s3 cp f s3://b --profile dev --prof ops", Some((Deny, PROD_WRITE))),
            ("aws --prof dev s3 rb s3://b", Some((Deny, DESTRUCTIVE))),
            ("aws --out json s3 rm s3://b/k --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws --reg us-east-1 s3 rb s3://b --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws --output=json --reg us-east-1 dynamodb delete-table --table-name t", Some((Deny, DESTRUCTIVE))),
            ("aws s3 sync ./build s3://b --del --profile dev", Some((Deny, DESTRUCTIVE))),
            ("aws cloudformation deploy --template-file t.yaml --stack-name app --prof ops", Some((Deny, "guard/prod-deploy"))),
            // Option values are not paths; `-` is.
            ("aws s3 sync --exclude '*.map' ./build s3://mybucket --delete", Some((Deny, DESTRUCTIVE))),
            ("aws s3 mv --exclude '*' --include '*.log' s3://mybucket/ ./logs --recursive", Some((Deny, DESTRUCTIVE))),
            ("aws s3 cp --acl public-read ./f s3://mybucket/f --profile ops", Some((Deny, PROD_WRITE))),
            ("echo hi | aws s3 cp - s3://mybucket/k --profile ops", Some((Deny, PROD_WRITE))),
            // The last of --dry-run / --no-dry-run counts.
            ("aws ec2 terminate-instances --instance-ids i-1 --dry-run --no-dry-run", Some((Deny, DESTRUCTIVE))),
            ("aws ec2 terminate-instances --instance-ids i-1 --no-dry-run --dry-run", None),
            // YAML inputs, inputs that are a command's output, parameter documents.
            ("aws dynamodb batch-write-item --cli-input-yaml file://bw.yaml", Some((Deny, DESTRUCTIVE))),
            ("aws dynamodb execute-statement --cli-input-yaml 'Statement: DELETE FROM t'", Some((Deny, DESTRUCTIVE))),
            ("aws ssm put-parameter --cli-input-yaml file://param.yaml", Some((Deny, PROD_WRITE))),
            ("aws dynamodb batch-write-item --request-items \"$(cat items.json)\"", Some((Ask, "guard/unresolved"))),
            ("aws dynamodb execute-statement --statement \"$(cat q.sql)\"", Some((Ask, "guard/unresolved"))),
            ("aws cloudformation create-stack --stack-name app --template-body file://t.yaml --parameters file://params.json", Some((Deny, "guard/prod-deploy"))),
            ("aws cloudformation create-stack --stack-name app --template-body file://t.yaml --parameters '[{\"ParameterKey\":\"Stage\",\"ParameterValue\":\"prod\"}]'", Some((Deny, "guard/prod-deploy"))),
            // The template's own values are not the target.
            ("aws cloudformation create-stack --stack-name app --template-body file://t.yaml", None),
            ("aws ddb put prod-orders '{id: 1}'", Some((Deny, PROD_WRITE))),
            // Another config file, a web-identity role.
            ("AWS_CONFIG_FILE=./alt-config aws s3 cp f s3://b --profile dev", Some((Ask, PROD_WRITE))),
            ("AWS_ROLE_ARN=arn:aws:iam::123456789013:role/x AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/t aws s3 cp f s3://b", Some((Deny, PROD_WRITE))),
            // The CLI's own commands.
            ("aws emr terminate-clusters --cluster-ids j-1", Some((Deny, DESTRUCTIVE))),
            ("aws emr create-default-roles", Some((Ask, OUT_OF_BAND_IAM))),
            ("aws datapipeline create-default-roles", Some((Ask, OUT_OF_BAND_IAM))),
            ("aws deploy register --instance-name x", Some((Deny, "guard/iam-user"))),
            // Network rules are writes (not identity changes): production only.
            ("aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0", None),
            // No call, or a check only.
            ("aws rds generate-db-auth-token --hostname h --port 5432 --username u --profile ops", None),
            ("aws lambda invoke --function-name f --invocation-type DryRun out.json --profile ops", None),
            ("aws sso-oidc create-token --client-id x --client-secret y --grant-type z", None),
            ("aws dynamodb execute-statement --statement \"SELECT * FROM t WHERE deleted = true\" --profile ops", None),
            ("aws sts decode-authorization-message --encoded-message x --profile ops", None),
        ],
    );
}

#[test]
fn a_profile_chosen_at_run_time_is_unresolved_even_with_a_dev_default() {
    let fixture = Fixture::new();
    // The default profile of this fixture names no account; with a dev default the call would
    // look like dev, so the run-time profile itself must make it unresolved.
    let mut dev_default = Fixture::new();
    dev_default.env.insert("AWS_PROFILE".into(), "dev".into());
    for fixture in [&fixture, &dev_default] {
        check(
            fixture,
            &[
                ("export $(cat .env.prod | xargs) && aws s3 cp f s3://b", Some((Ask, PROD_WRITE))),
                ("read AWS_PROFILE < profile.txt; export AWS_PROFILE; aws s3 cp f s3://b", Some((Ask, PROD_WRITE))),
                ("AWS_PROFILE=$(cat .profile) aws sqs send-message --queue-url q --message-body x", Some((Ask, PROD_WRITE))),
                // An explicit profile still decides.
                ("export $(cat .env.prod | xargs) && aws s3 cp f s3://b --profile dev", None),
            ],
        );
    }
}

#[test]
fn only_ids_aws_generated_are_exempt_from_the_stage_in_a_name() {
    // Found on rereading: the exemption for Service Catalog's `prod-…` product ids took every
    // long lower-case `prod-…` name for one.
    check(
        &Fixture::new(),
        &[
            ("aws dynamodb put-item --table-name prod-customerorders --item '{}' --profile dev", Some((Deny, PROD_WRITE))),
            ("aws elasticache reboot-cache-cluster --cache-cluster-id prod-redis01 --cache-node-ids-to-reboot 0001 --profile dev", Some((Deny, PROD_WRITE))),
            ("aws servicecatalog provision-product --product-id prod-abcdefghijklm --provisioning-artifact-id pa-abcdefghijklm --provisioned-product-name orders-dev --profile dev", None),
        ],
    );
}
