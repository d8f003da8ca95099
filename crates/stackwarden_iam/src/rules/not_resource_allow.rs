use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::policy::Policy;
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/not-resource-allow",
    severity: Severity::Error,
    summary:
        "NotResource with Effect Allow grants the actions on every resource except the listed ones",
    docs: r#"## What it does
Flags an `Allow` statement that uses `NotResource`.

## Why
`Allow` + `NotResource` grants the actions on every resource in every account the principal can
reach, except those listed — including resources created later. Least privilege names the
resources instead.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```yaml
- Effect: Allow
  Action: s3:GetObject
  NotResource: arn:aws:s3:::audit-logs/*
```

## Fix
```yaml
- Effect: Allow
  Action: s3:GetObject
  Resource: !Sub "${ReceiptsBucket.Arn}/*"
```
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for statement in policy.statements.iter().filter(|s| s.is_allow()) {
        if let Some(field) = statement.resources.as_ref().filter(|f| f.negated) {
            out.push(finding(
                &META,
                field.key_span,
                "Allow with NotResource grants the actions on every resource except the listed ones".into(),
                "replace NotResource with a Resource list of the ARNs the workload uses",
            ));
        }
    }
}
