//! The CDK grant that adds an action for a resource type, for the fix of a missing permission:
//! the `grant*` methods of aws-cdk-lib's constructs and the actions each grants (aws-cdk-lib's
//! `perms.ts` files: `BUCKET_PUT_ACTIONS`, `READ_DATA_ACTIONS`, ...).

/// (CloudFormation type, action, grant method). The first match wins: narrower grants first.
const GRANTS: &[(&str, &str, &str)] = &[
    ("AWS::S3::Bucket", "s3:PutObject", "grantPut"),
    ("AWS::S3::Bucket", "s3:GetObject", "grantRead"),
    ("AWS::S3::Bucket", "s3:ListBucket", "grantRead"),
    ("AWS::S3::Bucket", "s3:DeleteObject", "grantDelete"),
    ("AWS::S3::Bucket", "s3:PutObjectAcl", "grantPutAcl"),
    ("AWS::DynamoDB::Table", "dynamodb:GetItem", "grantReadData"),
    ("AWS::DynamoDB::Table", "dynamodb:Query", "grantReadData"),
    ("AWS::DynamoDB::Table", "dynamodb:Scan", "grantReadData"),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:BatchGetItem",
        "grantReadData",
    ),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:ConditionCheckItem",
        "grantReadData",
    ),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:DescribeTable",
        "grantReadData",
    ),
    ("AWS::DynamoDB::Table", "dynamodb:PutItem", "grantWriteData"),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:UpdateItem",
        "grantWriteData",
    ),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:DeleteItem",
        "grantWriteData",
    ),
    (
        "AWS::DynamoDB::Table",
        "dynamodb:BatchWriteItem",
        "grantWriteData",
    ),
    ("AWS::SQS::Queue", "sqs:SendMessage", "grantSendMessages"),
    (
        "AWS::SQS::Queue",
        "sqs:ReceiveMessage",
        "grantConsumeMessages",
    ),
    (
        "AWS::SQS::Queue",
        "sqs:DeleteMessage",
        "grantConsumeMessages",
    ),
    (
        "AWS::SQS::Queue",
        "sqs:ChangeMessageVisibility",
        "grantConsumeMessages",
    ),
    ("AWS::SQS::Queue", "sqs:PurgeQueue", "grantPurge"),
    ("AWS::SNS::Topic", "sns:Publish", "grantPublish"),
    (
        "AWS::Lambda::Function",
        "lambda:InvokeFunction",
        "grantInvoke",
    ),
    (
        "AWS::SecretsManager::Secret",
        "secretsmanager:GetSecretValue",
        "grantRead",
    ),
    (
        "AWS::SecretsManager::Secret",
        "secretsmanager:DescribeSecret",
        "grantRead",
    ),
    (
        "AWS::SecretsManager::Secret",
        "secretsmanager:PutSecretValue",
        "grantWrite",
    ),
    ("AWS::SSM::Parameter", "ssm:GetParameter", "grantRead"),
    ("AWS::SSM::Parameter", "ssm:GetParameters", "grantRead"),
    ("AWS::SSM::Parameter", "ssm:PutParameter", "grantWrite"),
    (
        "AWS::Events::EventBus",
        "events:PutEvents",
        "grantPutEventsTo",
    ),
    (
        "AWS::StepFunctions::StateMachine",
        "states:StartExecution",
        "grantStartExecution",
    ),
    (
        "AWS::StepFunctions::StateMachine",
        "states:StartSyncExecution",
        "grantStartSyncExecution",
    ),
    ("AWS::KMS::Key", "kms:Decrypt", "grantDecrypt"),
    (
        "AWS::KMS::Key",
        "kms:GenerateDataKey",
        "grantEncryptDecrypt",
    ),
    ("AWS::KMS::Key", "kms:Encrypt", "grantEncrypt"),
    ("AWS::Kinesis::Stream", "kinesis:PutRecord", "grantWrite"),
    ("AWS::Kinesis::Stream", "kinesis:PutRecords", "grantWrite"),
    ("AWS::Kinesis::Stream", "kinesis:GetRecords", "grantRead"),
];

/// The grant method of a resource type that adds `action`.
pub fn grant_for(type_name: &str, action: &str) -> Option<&'static str> {
    GRANTS
        .iter()
        .find(|(t, a, _)| *t == type_name && a.eq_ignore_ascii_case(action))
        .map(|(_, _, g)| *g)
}

/// The attribute of a construct that is its ARN in CDK (`bucket.bucketArn`), for a statement.
pub fn arn_attribute(type_name: &str) -> &'static str {
    match type_name {
        "AWS::S3::Bucket" => "bucketArn",
        "AWS::DynamoDB::Table" => "tableArn",
        "AWS::SQS::Queue" => "queueArn",
        "AWS::SNS::Topic" => "topicArn",
        "AWS::Lambda::Function" => "functionArn",
        "AWS::SecretsManager::Secret" => "secretArn",
        "AWS::SSM::Parameter" => "parameterArn",
        "AWS::Events::EventBus" => "eventBusArn",
        "AWS::StepFunctions::StateMachine" => "stateMachineArn",
        "AWS::KMS::Key" => "keyArn",
        "AWS::Kinesis::Stream" => "streamArn",
        _ => "arn",
    }
}
