use stackwarden_core::{Node, RuleMeta, Severity};

use super::finding;
use crate::pattern;
use crate::policy::{Policy, PolicyKind, Statement};
use crate::principals::{account_of, Account};
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/cross-account-no-external-id",
    severity: Severity::Error,
    summary:
        "a trust policy lets another account's AWS principal assume the role without sts:ExternalId",
    docs: r#"## What it does
Reads each role's `AssumeRolePolicyDocument`. An `Allow` of `sts:AssumeRole` to an `AWS`
principal of another account — a literal id, an ARN, an `Fn::Sub`/`Fn::Join` with a literal
account (CDK's `AccountPrincipal` synthesizes one), or `"*"` — needs a `Condition` on
`sts:ExternalId`. The stack's own account (`AWS::AccountId`, or the CDK stack's `env.account`)
and the accounts in `accounts.trusted` of stackwarden.toml are fine. Service principals
(`lambda.amazonaws.com`) and federated/OIDC principals are out of scope of this rule.

## Why
Without an external id, any party that learns the role ARN and controls the trusted account —
typically a SaaS vendor serving many customers — can be tricked into using the role for someone
else (the confused-deputy problem).

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```yaml
AssumeRolePolicyDocument:
  Statement:
    - Effect: Allow
      Principal: { AWS: arn:aws:iam::999988887777:root }
      Action: sts:AssumeRole
```

## Fix
```yaml
    - Effect: Allow
      Principal: { AWS: arn:aws:iam::999988887777:root }
      Action: sts:AssumeRole
      Condition:
        StringEquals: { sts:ExternalId: !Ref VendorExternalId }
```
or list the account under `[accounts] trusted` when it is one of your own.
"#,
};

pub fn check(policy: &Policy<'_>, ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    if policy.kind != PolicyKind::Trust {
        return;
    }
    for statement in policy
        .statements
        .iter()
        .filter(|s| s.is_allow() && assumes_role(s) && !has_external_id(s.condition))
    {
        let Some(principal) = statement.principal_node else {
            continue;
        };
        let entries: Vec<&Node> = match principal.as_str() {
            Some("*") => vec![principal],
            _ => principal
                .get("AWS")
                .map(|aws| aws.one_or_many().iter().collect())
                .unwrap_or_default(),
        };
        for entry in entries {
            let (who, account) = match account_of(entry) {
                Account::Literal(id)
                    if Some(id.as_str()) != ctx.own_account
                        && !ctx.trusted_accounts.contains(&id) =>
                {
                    (format!("account {id}"), Some(id))
                }
                Account::Any => ("any AWS account (\"*\")".to_string(), None),
                _ => continue,
            };
            let mut found = finding(
                &META,
                entry.span,
                format!("the trust policy lets {who} assume this role without an sts:ExternalId condition"),
                "add Condition: {StringEquals: {sts:ExternalId: <secret shared with the other party>}}, or list the account under [accounts] trusted in stackwarden.toml when it is your own",
            );
            // The same trust in CDK source (`code/cross-account-no-external-id`) is one mistake.
            found.cause = account;
            out.push(found);
        }
    }
}

fn assumes_role(statement: &Statement<'_>) -> bool {
    statement
        .actions
        .as_ref()
        .filter(|a| !a.negated)
        .is_some_and(|a| {
            a.literals()
                .any(|(l, _)| l == "*" || pattern::matches(l, "sts:AssumeRole"))
        })
}

fn has_external_id(condition: Option<&Node>) -> bool {
    condition.and_then(Node::as_map).is_some_and(|operators| {
        operators.iter().any(|(_, keys)| {
            keys.as_map().is_some_and(|k| {
                k.iter()
                    .any(|(key, _)| key.name.eq_ignore_ascii_case("sts:ExternalId"))
            })
        })
    })
}
