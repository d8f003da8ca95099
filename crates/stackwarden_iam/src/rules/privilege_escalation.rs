use stackwarden_core::{RuleMeta, Severity, Span};

use crate::pattern;
use crate::policy::{Policy, PolicyKind};
use crate::PolicyFinding;

pub const META: RuleMeta = RuleMeta {
    id: "iam/privilege-escalation",
    severity: Severity::Warn,
    summary: "the statements of one principal together grant a known privilege-escalation path",
    docs: r#"## What it does
Gathers every `Allow` of one principal — all identity policies attached to the same role, user or
group in the template (or one standalone policy file) — and reports when together they grant
every action of a known privilege-escalation path. Patterns count (`iam:Put*Policy` covers
`iam:PutRolePolicy`), as does `Allow` + `NotAction`. Principals granted `*` are left to
`iam/admin-policy`. Resources and conditions are not weighed: a path on a narrow resource is still
worth a look, hence the default severity `warn`.

The paths are the 21 methods of Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and
Mitigation" (Spencer Gietzen, 2018; https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/,
also encoded in their `aws_escalate.py`): iam:CreatePolicyVersion; iam:SetDefaultPolicyVersion;
iam:PassRole + ec2:RunInstances; iam:CreateAccessKey; iam:CreateLoginProfile;
iam:UpdateLoginProfile; iam:AttachUserPolicy; iam:AttachGroupPolicy; iam:AttachRolePolicy;
iam:PutUserPolicy; iam:PutGroupPolicy; iam:PutRolePolicy; iam:AddUserToGroup;
iam:UpdateAssumeRolePolicy + sts:AssumeRole; iam:PassRole + lambda:CreateFunction +
lambda:InvokeFunction; iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping;
lambda:UpdateFunctionCode; iam:PassRole + glue:CreateDevEndpoint; glue:UpdateDevEndpoint;
iam:PassRole + cloudformation:CreateStack; iam:PassRole + datapipeline:CreatePipeline +
datapipeline:PutPipelineDefinition.

## Why
Each path lets the principal give itself (or a role it controls) more permissions than it was
granted — so its real permissions are those of the most powerful role in the account.

Precision: 87% on the classified real-world sample of bench/PRECISION.md (13 true, 1 false, 1
debatable: a PassRole bounded by `iam:PassedToService`, a pipeline's PassRole scoped to its own
stack's roles). A warning for that reason.

## Example
```yaml
- Effect: Allow
  Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]
  Resource: "*"
```

## Fix
Split deployment permissions from runtime permissions: a function's role should not create
functions or edit IAM. Where a path is needed, scope `iam:PassRole` to named roles with an
`iam:PassedToService` condition and restrict the IAM actions to specific ARNs.
"#,
};

/// The Rhino Security Labs methods, numbered as in the article.
pub const PATHS: &[(u8, &[&str])] = &[
    (1, &["iam:CreatePolicyVersion"]),
    (2, &["iam:SetDefaultPolicyVersion"]),
    (3, &["iam:PassRole", "ec2:RunInstances"]),
    (4, &["iam:CreateAccessKey"]),
    (5, &["iam:CreateLoginProfile"]),
    (6, &["iam:UpdateLoginProfile"]),
    (7, &["iam:AttachUserPolicy"]),
    (8, &["iam:AttachGroupPolicy"]),
    (9, &["iam:AttachRolePolicy"]),
    (10, &["iam:PutUserPolicy"]),
    (11, &["iam:PutGroupPolicy"]),
    (12, &["iam:PutRolePolicy"]),
    (13, &["iam:AddUserToGroup"]),
    (14, &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]),
    (
        15,
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
    ),
    (
        16,
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
    ),
    (17, &["lambda:UpdateFunctionCode"]),
    (18, &["iam:PassRole", "glue:CreateDevEndpoint"]),
    (19, &["glue:UpdateDevEndpoint"]),
    (20, &["iam:PassRole", "cloudformation:CreateStack"]),
    (
        21,
        &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ],
    ),
];

/// Judges everything one principal is granted. Returns the index (into `policies`) of the policy
/// holding the entry the finding points at. Not named `check`: that name puts a rule in
/// [`super::RULES`], whose checks judge one policy at a time.
pub fn check_principal(policies: &[&Policy<'_>], out: &mut Vec<(usize, PolicyFinding)>) {
    let grant = |action: &str| -> Option<(usize, Span)> {
        policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PolicyKind::Identity)
            .find_map(|(index, policy)| {
                policy
                    .statements
                    .iter()
                    .filter(|s| s.is_allow())
                    .find_map(|statement| {
                        let field = statement.actions.as_ref()?;
                        let hit = field.literals().any(|(l, _)| pattern::matches(l, action));
                        match (field.negated, hit) {
                            (false, true) => field
                                .literals()
                                .find(|(l, _)| pattern::matches(l, action))
                                .map(|(_, span)| (index, span)),
                            (true, false) => Some((index, field.key_span)),
                            _ => None,
                        }
                    })
            })
    };
    let is_admin = policies.iter().any(|p| {
        p.kind == PolicyKind::Identity
            && p.statements
                .iter()
                .any(|s| s.allowed_actions().is_some_and(|a| a.star().is_some()))
    });
    if is_admin {
        return;
    }
    let mut found: Vec<(u8, &[&str], (usize, Span))> = Vec::new();
    for (number, actions) in PATHS {
        let grants: Option<Vec<(usize, Span)>> = actions.iter().map(|a| grant(a)).collect();
        if let Some(grants) = grants {
            if let Some(first) = grants.first() {
                found.push((*number, actions, *first));
            }
        }
    }
    let Some((_, _, (index, span))) = found.first().copied() else {
        return;
    };
    let described: Vec<String> = found
        .iter()
        .take(3)
        .map(|(n, actions, _)| format!("{} (Rhino #{n})", actions.join(" + ")))
        .collect();
    let more = found.len().saturating_sub(3);
    out.push((
        index,
        PolicyFinding {
            rule: &META,
            span,
            message: format!(
                "this principal's policies grant a privilege-escalation path: {}{}",
                described.join("; "),
                if more > 0 { format!("; and {more} more") } else { String::new() }
            ),
            help: "remove the IAM/deployment actions from this principal, or scope them to named ARNs (iam:PassRole with an iam:PassedToService condition)".into(),
            suggestion: None,
            cause: None,
        },
    ));
}
