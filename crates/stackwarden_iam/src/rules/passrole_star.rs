use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::pattern;
use crate::policy::{shorten, Policy, PolicyKind};
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/passrole-star",
    severity: Severity::Warn,
    summary: "iam:PassRole (directly or through a pattern) on Resource \"*\"",
    docs: r#"## What it does
Flags an `Allow` statement of an identity policy that grants `iam:PassRole` — by name or through
a pattern that covers it (`iam:Pass*`, `iam:*`, `*`) — with `Resource: "*"`. The finding points at
the entry that grants it.

## Why
PassRole on `*` lets the principal hand *any* role of the account, including administrator roles,
to a service it controls (a Lambda function, an EC2 instance, a CloudFormation stack) and act
with that role's permissions: a textbook privilege escalation.

Precision: 82% on the classified real-world sample of bench/PRECISION.md (9 true, 2 debatable of all
11 findings: a PassRole on `*` bounded by an `iam:PassedToService` condition). It is a warning until
it reaches 90%.

## Example
```yaml
- Effect: Allow
  Action: [iam:PassRole, lambda:CreateFunction]
  Resource: "*"
```

## Fix
```yaml
- Effect: Allow
  Action: iam:PassRole
  Resource: !GetAtt WorkerRole.Arn
  Condition:
    StringEquals: { iam:PassedToService: lambda.amazonaws.com }
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
        if statement
            .resources
            .as_ref()
            .filter(|r| !r.negated)
            .and_then(|r| r.star())
            .is_none()
        {
            continue;
        }
        if let Some((entry, span)) = actions.literals().find(|(l, _)| covers_pass_role(l)) {
            let how = if entry.eq_ignore_ascii_case("iam:PassRole") {
                String::new()
            } else {
                format!(" (through `{}`)", shorten(entry))
            };
            out.push(finding(
                &META,
                span,
                format!("iam:PassRole{how} on Resource \"*\" lets this principal pass any role, including admin roles"),
                "scope iam:PassRole to the ARNs of the roles it must pass, and add an iam:PassedToService condition",
            ));
        }
    }
}

pub(crate) fn covers_pass_role(entry: &str) -> bool {
    entry == "*" || pattern::matches(entry, "iam:PassRole")
}
