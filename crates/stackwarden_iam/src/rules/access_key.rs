//! Checked where the template is (`stackwarden_cfn::policies`).

use stackwarden_core::{RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "iam/access-key",
    severity: Severity::Error,
    summary: "an AWS::IAM::AccessKey in a template",
    docs: r#"## What it does
Flags every `AWS::IAM::AccessKey` resource (CDK `new iam.AccessKey(...)`).

## Why
A template-created access key is a long-lived secret whose value ends up in stack outputs,
Secrets Manager or someone's clipboard. It never expires and cannot be traced to a person.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```yaml
DeployKey:
  Type: AWS::IAM::AccessKey
  Properties:
    UserName: !Ref DeployUser
```

## Fix
Delete the key and grant access through a role: the workload's execution role, or OIDC
federation for CI. Short-lived credentials come from STS when they are needed.
"#,
};
