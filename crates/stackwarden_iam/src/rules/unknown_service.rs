use stackwarden_core::{RuleMeta, Severity, Span};

use super::finding;
use crate::db::{db, ExpandError};
use crate::policy::{shorten, Policy};
use crate::{resolve, suggest, PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/unknown-service",
    severity: Severity::Error,
    summary: "an action whose service prefix does not exist (dynamdb:GetItem)",
    docs: r#"## What it does
Reports `Action`/`NotAction` entries whose service prefix is not in the action database
(`dynamdb:GetItem`, `lamda:InvokeFunction`), with the closest real prefix when one is a plausible
typo (one or two characters off). A prefix that is no typo is usually a service AWS retired or
renamed (`iotevents`): the message says that the reference has no actions for it. The literal action
strings of CDK policy statements (`new iam.PolicyStatement({ actions: [...] })`) are checked too,
at their line in the source.

## Why
IAM ignores actions of unknown services: the permission the author meant is never granted (or
never denied), and nothing says so until a call fails in production.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (7 of 7 true: retired
services such as CloudWatch Evidently and Elastic Inference, and prefixes that are not IAM's such as
`apigatewayv2` and `bedrock-runtime`).

## Example
```yaml
Action: dynamdb:GetItem
```

## Fix
```yaml
Action: dynamodb:GetItem
```
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for statement in &policy.statements {
        let Some(actions) = &statement.actions else {
            continue;
        };
        out.extend(
            actions
                .literals()
                .filter_map(|(entry, span)| judge(entry, span)),
        );
    }
}

/// The finding for one literal `Action`/`NotAction` entry at `span` whose service prefix does
/// not exist (with the closest real prefix), or `None`. Shared with callers that find action
/// strings outside a policy document (CDK source).
pub fn judge(entry: &str, span: Span) -> Option<PolicyFinding> {
    let Err(ExpandError::UnknownService(prefix)) = &*resolve::actions(entry) else {
        return None;
    };
    let guess = suggest::service(db(), prefix);
    let prefix = shorten(prefix);
    let message = match &guess {
        Some(guess) => format!("`{prefix}` is not an AWS service prefix; did you mean `{guess}`?"),
        // The reference lists only live services: a prefix with no actions and no close
        // spelling is usually a retired or renamed service.
        None => format!(
            "`{prefix}` has no actions in the IAM reference (a retired or renamed service, or not an AWS service prefix): IAM ignores it"
        ),
    };
    let mut f = finding(
        &META,
        span,
        message,
        "use the service prefix of the Service Authorization Reference (`s3`, `dynamodb`, `lambda`, ...)",
    );
    f.suggestion = guess.map(|g| format!("{g}:{}", entry.split_once(':').map_or("", |(_, n)| n)));
    Some(f)
}
