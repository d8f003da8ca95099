use std::collections::BTreeSet;

use stackwarden_core::{RuleMeta, Severity};

use crate::policy::{Policy, PolicyKind};
use crate::resolve;
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/wildcard-resource",
    severity: Severity::Warn,
    summary:
        "Resource \"*\" while some action of the statement supports resource-level permissions",
    docs: r#"## What it does
Flags the `"*"` entry of an `Allow` statement's `Resource` in an identity policy (role, user,
group, managed or standalone policy) when at least one of the statement's actions can be scoped
to a resource type. The message names those actions and suggests the ARN formats to use.

There is no finding when every action is `*`-only — IAM accepts nothing but `"*"` for actions
with no resource types (`sts:GetCallerIdentity`, `ec2:DescribeRegions`, `xray:PutTraceSegments`,
`ecr:GetAuthorizationToken`, `cloudwatch:PutMetricData`). The action database says which is which.
Resource policies are bounded by the resource they are attached to and are not judged here.

## Why
`s3:GetObject` on `*` reads every object of every bucket the account can reach, including
buckets created next year. Naming the ARN keeps a compromised function to its own data.

Precision: 80% on the classified real-world sample of bench/PRECISION.md (12 true, 3 debatable of
15, no false: SAM's own `RekognitionDetectOnlyPolicy` template, AWS Backup's documented
`kms:ViaService` statement). It is a warning until it reaches 90%.

## Example
```yaml
- Effect: Allow
  Action: [s3:GetObject, xray:PutTraceSegments]
  Resource: "*"
```

## Fix
Split `*`-only actions into their own statement and scope the rest:
```yaml
- Effect: Allow
  Action: s3:GetObject
  Resource: !Sub "${ReceiptsBucket.Arn}/*"
- Effect: Allow
  Action: xray:PutTraceSegments
  Resource: "*"
```
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    if policy.kind != PolicyKind::Identity {
        return;
    }
    for statement in &policy.statements {
        let Some(actions) = statement.allowed_actions() else {
            continue;
        };
        let Some(star) = statement
            .resources
            .as_ref()
            .filter(|r| !r.negated)
            .and_then(|r| r.star())
        else {
            continue;
        };
        let mut scoped = Vec::new();
        let mut arns = BTreeSet::new();
        // `*` alone is `iam/wildcard-action`'s (and `iam/admin-policy`'s) finding; listing every
        // service here would say nothing more.
        for (entry, _) in actions.literals().filter(|(l, _)| *l != "*") {
            for action in resolve::actions(entry)
                .as_ref()
                .as_ref()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if !action.is_star_only() {
                    scoped.push(action.full_name());
                    arns.extend(action.resource_types().map(|t| t.arn));
                }
            }
        }
        if scoped.is_empty() {
            continue;
        }
        scoped.dedup();
        // Shortest first: the plain resource ARN (`bucket/object`) before access-point variants.
        let mut arns: Vec<&str> = arns.into_iter().collect();
        arns.sort_by_key(|a| (a.len(), *a));
        let shown: Vec<String> = arns.iter().take(3).map(|a| a.to_string()).collect();
        out.push(crate::PolicyFinding {
            rule: &META,
            span: star.span,
            message: format!(
                "Resource \"*\" while {} support{} resource-level permissions",
                resolve::list(&scoped, 4),
                if scoped.len() == 1 { "s" } else { "" }
            ),
            help: format!(
                "scope the statement to the resources it uses (ARN format{}: {}); keep `*` only for `*`-only actions, in a statement of their own",
                if shown.len() == 1 { "" } else { "s" },
                resolve::list(&shown, 3).replace(", ", " | ")
            ),
            suggestion: arns.first().map(|a| a.to_string()),
            cause: None,
        });
    }
}
