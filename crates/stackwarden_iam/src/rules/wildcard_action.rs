use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::policy::{Policy, PolicyKind, ResourcePolicy};
use crate::principals::is_root_of;
use crate::resolve::is_full_wildcard;
use crate::{db, PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/wildcard-action",
    severity: Severity::Error,
    summary: "Allow with Action \"*\" or \"<service>:*\"",
    docs: r#"## What it does
Flags an `Allow` statement whose `Action` is `*` or `<service>:*` (every action of a service).
Bounded patterns such as `s3:Abort*` or `s3:GetObject*`, which CDK's `grant*` methods emit, are
not this rule (`iam/wildcard-privileged` looks at what they cover). The root-account statement of
a KMS key policy (`kms:*` for `arn:...:iam::<this account>:root`, which hands the key's access
control to IAM) is not flagged either.

## Why
`dynamodb:*` lets the function delete the table and its backups, and grows with every action AWS
adds to the service. The team's rule is least privilege: name the actions.

Precision: 93% on the classified real-world sample of bench/PRECISION.md (14 true, 1 false: the
Session Manager policy CDK generates for a bastion host).

## Example
```yaml
- Effect: Allow
  Action: dynamodb:*
  Resource: !GetAtt OrdersTable.Arn
```

## Fix
```yaml
- Effect: Allow
  Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query]
  Resource: !GetAtt OrdersTable.Arn
```
In CDK use the narrowest grant: `table.grantReadWriteData(fn)` rather than `table.grantFullAccess(fn)`.
"#,
};

pub fn check(policy: &Policy<'_>, ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for statement in &policy.statements {
        let Some(actions) = statement.allowed_actions() else {
            continue;
        };
        if policy.kind == PolicyKind::Resource(ResourcePolicy::KmsKey)
            && statement
                .principal_node
                .and_then(|p| p.get("AWS"))
                .is_some_and(|aws| {
                    aws.one_or_many()
                        .iter()
                        .all(|n| is_root_of(n, ctx.own_account))
                })
        {
            continue;
        }
        for (entry, span) in actions.literals().filter(|(l, _)| is_full_wildcard(l)) {
            let message = match entry.split_once(':') {
                Some((prefix, _)) => {
                    // A prefix with no actions grants nothing: iam/unknown-service reports it.
                    let Some(service) = db::db().service(prefix) else {
                        continue;
                    };
                    let count = service.actions().count();
                    format!("`{entry}` allows all {count} actions of {}", service.name())
                }
                None => "`*` allows every action of every AWS service".to_string(),
            };
            out.push(finding(
                &META,
                span,
                message,
                "list the actions the workload calls (`stackwarden iam expand` shows what a pattern covers); in CDK prefer a narrow grant such as grantReadData",
            ));
        }
    }
}
