use stackwarden_core::{RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    id: "secret/credentials-in-env",
    severity: Severity::Error,
    summary: "an access key placed in Lambda environment variables, CDK `environment`, SSM or Secrets Manager",
    docs: r#"## What it does
Flags an AWS access key id or secret access key written as the value (or the name) of:
Lambda `Environment.Variables` (`AWS::Lambda::Function`, `AWS::Serverless::Function` and SAM
`Globals`), an SSM parameter (`AWS::SSM::Parameter` `Value`/`Name`), a Secrets Manager secret
(`AWS::SecretsManager::Secret` `SecretString`, plain or JSON, and `Name`), and in CDK source the
`environment: {...}` props of a construct, `fn.addEnvironment(...)`, `new ssm.StringParameter(...,
{ stringValue })` and `SecretValue.unsafePlainText(...)`. The finding points at the value; the key
is shown masked. AWS's documented example keys are reported at `info`.

## Why
Environment variables and parameters are readable by anyone who can read the function or the
template (`lambda:GetFunctionConfiguration`, CloudFormation console, `cdk.out`), and the key is
committed with the code that sets it. A Lambda function never needs one: its execution role gives
it credentials that rotate by themselves.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```ts
new lambda.Function(this, 'Sync', {
  // ...
  // AWS's documented example key, so that these docs trip no scanner; a real key is an error.
  environment: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' },
});
```

## Fix
Delete the key and deactivate it in IAM (`aws iam update-access-key --status Inactive`). Grant the
function's role what it needs (`table.grantReadWriteData(fn)`, `fn.addToRolePolicy(...)`); to reach
another account, let the role assume a role there. A third-party key that must exist goes into
Secrets Manager with its value set outside the code (`aws secretsmanager put-secret-value`), and
the function reads it at run time (`secret.grantRead(fn)`).
"#,
};

/// The help shared by every form of this rule.
pub const HELP: &str = "delete it and deactivate the key in IAM (`aws iam update-access-key --access-key-id <id> --status Inactive`); grant the function's execution role the permissions instead (CDK: grant methods, `fn.addToRolePolicy`); a third-party key belongs in Secrets Manager with its value set outside the code and read at run time";

/// The help for AWS's documented example keys: nothing to revoke.
pub const EXAMPLE_HELP: &str = "AWS's documentation example is not a credential, so there is nothing to revoke; in real configuration the workload's role provides credentials, never a key in its environment or parameters";
