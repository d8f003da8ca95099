//! The IAM rules about a template's resources rather than a policy's statements. Their metadata
//! and documentation live in `stackwarden_iam::rules`.

use std::collections::BTreeMap;

use stackwarden_core::{Finding, Node, RuleFilter, Value};
use stackwarden_iam::rules::{access_key, iam_user, shared_execution_role};

use crate::context::TemplateContext;

pub(super) fn check(ctx: &TemplateContext<'_>, filter: &RuleFilter, out: &mut Vec<Finding>) {
    for resource in ctx.template.resources() {
        match resource.type_name() {
            "AWS::IAM::User" if filter.enabled(iam_user::META.id) => out.push(ctx.finding(
                &iam_user::META,
                resource.id,
                resource.type_span(),
                format!("`{}` is an IAM user: long-lived credentials that are not tied to a person or workload", resource.id),
                "use a role (execution role, OIDC federation for CI) and IAM Identity Center for people".into(),
            )),
            "AWS::IAM::AccessKey" if filter.enabled(access_key::META.id) => out.push(ctx.finding(
                &access_key::META,
                resource.id,
                resource.type_span(),
                format!("`{}` creates an IAM access key: a long-lived secret that never expires", resource.id),
                "delete it and grant access through a role; STS issues short-lived credentials when they are needed".into(),
            )),
            _ => {}
        }
    }
    if filter.enabled(shared_execution_role::META.id) {
        shared_roles(ctx, out);
    }
}

/// Functions grouped by the role they run as; every function after the first of a group is flagged.
fn shared_roles(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    let mut by_role: BTreeMap<String, Vec<(&str, stackwarden_core::Span)>> = BTreeMap::new();
    for resource in ctx.template.resources() {
        if !matches!(
            resource.type_name(),
            "AWS::Lambda::Function" | "AWS::Serverless::Function"
        ) {
            continue;
        }
        if let Some(role) = resource.property("Role").and_then(role_key) {
            by_role
                .entry(role)
                .or_default()
                .push((resource.id, resource.property_span("Role")));
        }
    }
    for (role, functions) in by_role.iter().filter(|(_, f)| f.len() > 1) {
        let names: Vec<&str> = functions.iter().map(|(id, _)| *id).collect();
        for (function, span) in &functions[1..] {
            out.push(ctx.finding(
                &shared_execution_role::META,
                function,
                *span,
                format!("`{function}` shares the execution role `{role}` with {}", other_names(&names, function)),
                "give each function its own role (omit `role` in CDK, or `Role` in SAM) so each keeps its own least privilege".into(),
            ));
        }
    }
}

fn other_names(names: &[&str], except: &str) -> String {
    names
        .iter()
        .filter(|n| **n != except)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `!GetAtt Role.Arn`, `{Fn::GetAtt: [Role, Arn]}`, `!Ref Role` → `Role`; a literal ARN as written.
fn role_key(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(arn) => Some(arn.to_string()),
        Value::Intrinsic(i) if i.name == "Ref" => i.arg.as_str().map(str::to_string),
        Value::Intrinsic(i) if i.name == "Fn::GetAtt" => match &i.arg.value {
            Value::String(path) => path.split('.').next().map(str::to_string),
            Value::Seq(items) => items.first().and_then(Node::as_str).map(str::to_string),
            _ => None,
        },
        _ => None,
    }
}
