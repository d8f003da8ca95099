use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::policy::Policy;
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/not-action-allow",
    severity: Severity::Error,
    summary: "NotAction with Effect Allow grants every action except the listed ones",
    docs: r#"## What it does
Flags an `Allow` statement that uses `NotAction`.

## Why
`Allow` + `NotAction` grants every action of every service except those listed, including
actions AWS adds after the policy was written. It is almost never what least privilege means.
(`Deny` + `NotAction` is a legitimate guard-rail pattern and is not flagged.)

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```yaml
- Effect: Allow
  NotAction: iam:*
  Resource: "*"
```

## Fix
List the actions the workload needs with `Action`:
```yaml
- Effect: Allow
  Action: [s3:GetObject, s3:PutObject]
  Resource: !Sub "${Bucket.Arn}/*"
```
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for statement in policy.statements.iter().filter(|s| s.is_allow()) {
        if let Some(field) = statement.actions.as_ref().filter(|f| f.negated) {
            let listed: Vec<&str> = field.literals().map(|(l, _)| l).collect();
            out.push(finding(
                &META,
                field.key_span,
                format!("Allow with NotAction grants every action except {}", if listed.is_empty() { "the listed ones".to_string() } else { listed.join(", ") }),
                "replace NotAction with an Action list of what the workload calls (or make the statement a Deny)",
            ));
        }
    }
}
