//! Checked where the template is (`stackwarden_cfn::policies`); the guard has its own
//! `guard/iam-user` for `aws iam create-user`.

use stackwarden_core::{RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "iam/iam-user",
    severity: Severity::Error,
    summary: "an AWS::IAM::User in a template",
    docs: r#"## What it does
Flags every `AWS::IAM::User` resource (CDK `new iam.User(...)`).

## Why
IAM users carry long-lived credentials (passwords, access keys) that leak, never expire and are
not tied to a person's identity provider. People sign in through IAM Identity Center; workloads
use roles; CI uses OIDC federation to assume a role.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```yaml
DeployUser:
  Type: AWS::IAM::User
```

## Fix
Use a role: `AWS::IAM::Role` with a trust policy for the service, or an OIDC provider for CI
(GitHub Actions: `token.actions.githubusercontent.com`), and IAM Identity Center for people.
"#,
};
