use stackwarden_core::{Node, RuleMeta, Severity, Span, Value};

use super::finding;
use crate::policy::{Policy, PolicyKind};
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/admin-policy",
    severity: Severity::Error,
    summary: "AdministratorAccess, PowerUserAccess or IAMFullAccess attached, or an inline \"*\"/\"*\" Allow",
    docs: r#"## What it does
Flags the AWS-managed policies `AdministratorAccess`, `PowerUserAccess` and `IAMFullAccess` where
they are attached to a role, user or group (`ManagedPolicyArns`, SAM `Policies`, an IAM Identity
Center permission set's `ManagedPolicies`, CDK `ManagedPolicy.fromAwsManagedPolicyName`, which
synthesizes an `Fn::Join` ARN; an entry inside `Fn::If` counts in both branches, and `!Ref` to a
parameter counts by the parameter's `Default`), and inline statements that `Allow` `Action: "*"`
on `Resource: "*"`, in every policy document a template can hold (see `data/policy-properties.tsv`;
JSON text and `Fn::Sub` templates of it are read as the document CloudFormation parses). The
finding points at the ARN or name entry, or at the `"*"` action.

## Why
An application role with administrator rights turns any bug in the function (an injection, a
leaked token) into control of the whole account. `IAMFullAccess` is administrator in two steps.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

## Example
```yaml
ManagedPolicyArns:
  - arn:aws:iam::aws:policy/AdministratorAccess
```

## Fix
Grant what the workload uses: CDK `grant*` methods, SAM policy templates (`DynamoDBCrudPolicy`),
or a customer-managed policy that names actions and resources.
"#,
};

/// The managed policies this rule forbids.
pub const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    if policy.kind != PolicyKind::Identity {
        return;
    }
    for statement in &policy.statements {
        let Some(actions) = statement.allowed_actions() else {
            continue;
        };
        let Some(star) = actions.star() else { continue };
        if statement
            .resources
            .as_ref()
            .filter(|r| !r.negated)
            .and_then(|r| r.star())
            .is_some()
        {
            out.push(finding(
                &META,
                star.span,
                "inline statement allows Action \"*\" on Resource \"*\": full administrator access"
                    .into(),
                "grant the actions and resources the workload uses; never `*` on `*`",
            ));
        }
    }
}

/// A managed policy entry (`ManagedPolicyArns` item, SAM `Policies` name): a finding when it is
/// one of [`ADMIN_POLICIES`], written as a name, an ARN, an `Fn::Sub` or CDK's `Fn::Join`.
pub fn check_managed(entry: &Node) -> Option<PolicyFinding> {
    let text = flatten(entry)?;
    let name = text.rsplit('/').next().unwrap_or(&text);
    let admin = ADMIN_POLICIES.iter().find(|p| **p == name)?;
    // A name alone counts only as a SAM policy name; an ARN must be an AWS-managed one.
    if text.contains('/') && !text.contains(":iam::aws:policy/") {
        return None;
    }
    Some(managed_finding(admin, entry.span))
}

fn managed_finding(name: &str, span: Span) -> PolicyFinding {
    finding(
        &META,
        span,
        format!("the AWS-managed policy {name} is attached: {}", if name == "IAMFullAccess" { "it can grant itself anything" } else { "near-unlimited access to the account" }),
        "replace it with the narrow grants the workload needs (CDK grant* methods, SAM policy templates, a customer-managed policy)",
    )
}

/// Literal text of a string, `Fn::Sub` template or `Fn::Join` (computed parts become empty).
fn flatten(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Intrinsic(i) if i.name == "Fn::Sub" => match &i.arg.value {
            Value::String(s) => Some(s.replace("${AWS::Partition}", "aws")),
            Value::Seq(items) => items
                .first()
                .and_then(Node::as_str)
                .map(|s| s.replace("${AWS::Partition}", "aws")),
            _ => None,
        },
        Value::Intrinsic(i) if i.name == "Fn::Join" => {
            let parts = i.arg.as_seq()?;
            let separator = parts.first()?.as_str()?;
            let pieces: Vec<String> = parts
                .get(1)?
                .as_seq()?
                .iter()
                .map(|p| match p.as_intrinsic() {
                    Some(r) if r.name == "Ref" && r.arg.as_str() == Some("AWS::Partition") => {
                        "aws".to_string()
                    }
                    _ => flatten(p).unwrap_or_default(),
                })
                .collect();
            Some(pieces.join(separator))
        }
        _ => None,
    }
}
