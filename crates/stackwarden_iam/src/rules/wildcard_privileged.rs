use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::db::AccessLevels;
use crate::pattern::has_wildcard;
use crate::policy::Policy;
use crate::resolve::{self, is_full_wildcard};
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/wildcard-privileged",
    severity: Severity::Warn,
    summary: "a partial wildcard that covers Permissions-management actions (s3:Put* covers s3:PutBucketPolicy)",
    docs: r#"## What it does
Expands each partial wildcard of an `Allow` statement (`s3:Put*`, `iam:*Role*`, `s3:PutObject*`)
against the action database and flags it when it covers an action of the *Permissions management*
access level. The message names those actions.

## Why
Permissions-management actions change who can do what: `s3:PutBucketPolicy` can open a bucket to
the world, `s3:PutObjectAcl` can make an object public, `iam:PutRolePolicy` can grant anything.
A wildcard written to get `s3:PutObject` quietly grants them too.

Precision: 33% on the classified real-world sample of bench/PRECISION.md (5 true, 3 false, 7
debatable: `dynamodb:Delete*`/`Update*` count as permissions management only through
`DeleteResourcePolicy`/`UpdateAbacStatus`; AWS's documented key-administrator statement). A warning
for that reason.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"iam/wildcard-privileged" = "warn"`) or `--select iam/wildcard-privileged` names it.

## Example
```yaml
- Effect: Allow
  Action: s3:Put*
  Resource: !Sub "${Bucket.Arn}/*"
```

## Fix
Name the actions (`s3:PutObject`, `s3:PutObjectTagging`). In CDK, enable the
`@aws-cdk/aws-s3:grantWriteWithoutAcl` feature flag so `grantWrite` stops emitting `s3:PutObject*`.
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for statement in &policy.statements {
        let Some(actions) = statement.allowed_actions() else {
            continue;
        };
        for (entry, span) in actions
            .literals()
            .filter(|(l, _)| has_wildcard(l) && !is_full_wildcard(l))
        {
            let resolved = resolve::actions(entry);
            let Ok(covered) = &*resolved else { continue };
            let privileged: Vec<String> = covered
                .iter()
                .filter(|a| a.access().contains(AccessLevels::PERMISSIONS_MANAGEMENT))
                .map(|a| a.full_name())
                .collect();
            if privileged.is_empty() {
                continue;
            }
            let entry = crate::policy::shorten(entry);
            out.push(finding(
                &META,
                span,
                format!("`{entry}` covers Permissions-management action{}: {}", if privileged.len() == 1 { "" } else { "s" }, resolve::list(&privileged, 5)),
                format!("list the actions needed instead of `{entry}` (`stackwarden iam expand '{entry}'` shows all {} it covers)", covered.len()),
            ));
        }
    }
}
