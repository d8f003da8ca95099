use stackwarden_core::{RuleMeta, Severity, Span};

use super::finding;
use crate::db::{db, ExpandError};
use crate::policy::{shorten, Policy};
use crate::{resolve, suggest, PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/unknown-action",
    severity: Severity::Error,
    summary: "an action or pattern that matches no real action (s3:ReadBucket, dynamodb:GetTable)",
    docs: r#"## What it does
Looks up every `Action`/`NotAction` entry (of Allow and Deny statements) in the action database
generated from AWS's Service Authorization Reference. An action that does not exist, a pattern
that matches nothing, or an entry that is not `service:action` is reported with a did-you-mean
(`s3:ReadBucket` → `s3:ListBucket`, `dynamodb:GetTable` → `dynamodb:DescribeTable`).
Matching ignores case, as IAM does. In CDK source, the literal `actions`/`notActions` strings of
`new iam.PolicyStatement({...})`, `PolicyStatement.fromJson` and `PolicyDocument.fromJson` are
judged the same way, at the string's line in the `.ts` file (dynamic values are not judged).

## Why
IAM accepts unknown actions silently: the grant the author meant is missing (the function fails
at run time with AccessDenied), or a Deny that was meant as a guard rail denies nothing.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

## Example
```yaml
- Effect: Allow
  Action: [s3:ReadBucket, dynamodb:GetTable]
  Resource: "*"
```

## Fix
```yaml
- Effect: Allow
  Action: [s3:ListBucket, dynamodb:DescribeTable]
  Resource: [!GetAtt Bucket.Arn, !GetAtt Table.Arn]
```
`stackwarden iam expand 's3:List*'` lists the real actions of a service.
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

/// The finding for one literal `Action`/`NotAction` entry at `span` that names no real action
/// (with a did-you-mean), or `None` for a real action, a pattern that matches some, and an
/// unknown service (which [`super::unknown_service::judge`] reports). Callers that find action
/// strings outside a policy document (CDK source) judge them through this one function.
pub fn judge(entry: &str, span: Span) -> Option<PolicyFinding> {
    let shown = shorten(entry);
    match &*resolve::actions(entry) {
        Ok(found) if !found.is_empty() => None,
        Ok(_) => {
            let (prefix, name) = entry.split_once(':').unwrap_or((entry, ""));
            let guess = db().service(prefix).and_then(|s| suggest::action(s, name));
            let what = if crate::pattern::has_wildcard(entry) {
                "matches no action"
            } else {
                "is not an action"
            };
            let message = match &guess {
                Some(guess) => format!("`{shown}` {what} of {prefix}; did you mean `{guess}`?"),
                None => format!("`{shown}` {what} of {prefix}"),
            };
            let mut f = finding(
                &META,
                span,
                message,
                format!(
                    "use a real action name (`stackwarden iam expand '{prefix}:*'` lists them)"
                ),
            );
            f.suggestion = guess;
            Some(f)
        }
        Err(ExpandError::NotAnAction) => Some(finding(
            &META,
            span,
            format!("`{shown}` is not of the form service:action"),
            "write actions as `service:Action` (`s3:GetObject`), or `*`",
        )),
        // `iam/unknown-service` reports these.
        Err(ExpandError::UnknownService(_)) => None,
    }
}
