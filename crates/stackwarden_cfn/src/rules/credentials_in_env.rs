//! `secret/credentials-in-env` in templates. The rule is declared (with its documentation) by
//! stackwarden_secret, which also finds the keys; this file knows where in a template keys are
//! placed: Lambda and SAM function environment variables (SAM `Globals` are merged in before
//! rules run, and keep their own positions), SSM parameters and Secrets Manager secrets.

use stackwarden_core::{Finding, Node, Severity, Value};
use stackwarden_secret::{
    describe, scan_value, SecretKind, CREDENTIALS_IN_ENV_EXAMPLE_HELP, CREDENTIALS_IN_ENV_HELP,
};

use crate::context::TemplateContext;
use crate::template::Resource;

pub(crate) use stackwarden_secret::CREDENTIALS_IN_ENV as META;

const PARAMETER_HELP: &str = "delete it and deactivate the key in IAM (`aws iam update-access-key --access-key-id <id> --status Inactive`); whatever reads this parameter should get credentials from its own role; a third-party key belongs in Secrets Manager with its value set outside the template (`aws secretsmanager put-secret-value`)";
const SECRET_HELP: &str = "delete it and deactivate the key in IAM (`aws iam update-access-key --access-key-id <id> --status Inactive`); a template is read by everyone who can read the stack, so never write a secret's value in it: give the workload a role instead, and for a third-party key create the secret without its value (or with `GenerateSecretString`) and set it with `aws secretsmanager put-secret-value`";

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx.template.resources() {
        match resource.type_name() {
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                environment(ctx, &resource, out)
            }
            "AWS::SSM::Parameter" => {
                let name = scalar(resource.property("Name"));
                for (key, what) in [("Value", "stores"), ("Name", "is named with")] {
                    if let Some(node) = resource.property(key) {
                        report(ctx, &resource, node, &name, false, out, |found| {
                            (
                                format!("SSM parameter `{}` {what} {found}", resource.id),
                                PARAMETER_HELP,
                            )
                        });
                    }
                }
            }
            "AWS::SecretsManager::Secret" => {
                let name = scalar(resource.property("Name"));
                let template = resource
                    .property("GenerateSecretString")
                    .and_then(|g| g.get("SecretStringTemplate"));
                for (node, what) in [
                    (resource.property("SecretString"), "has"),
                    (template, "has"),
                    (resource.property("Name"), "is named with"),
                ] {
                    if let Some(node) = node {
                        report(ctx, &resource, node, &name, false, out, |found| {
                            (
                                format!(
                                    "secret `{}` {what} {found} written in the template",
                                    resource.id
                                ),
                                SECRET_HELP,
                            )
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// `Environment.Variables`: each value is judged with its variable's name, and a bare 40-character
/// value counts as a secret key when another variable holds an access key id.
fn environment(ctx: &TemplateContext<'_>, resource: &Resource<'_>, out: &mut Vec<Finding>) {
    let Some(variables) = resource
        .property("Environment")
        .and_then(|e| e.get("Variables"))
        .and_then(Node::as_map)
    else {
        return;
    };
    let beside_id = variables.iter().any(|(_, value)| {
        strings(value).iter().any(|(s, _)| {
            scan_value("", s, false)
                .iter()
                .any(|m| m.kind == SecretKind::AccessKeyId)
        })
    });
    for (key, value) in variables.iter() {
        report(ctx, resource, value, &key.name, beside_id, out, |found| {
            (
                format!(
                    "function `{}` has {found} in environment variable `{}`",
                    resource.id, key.name
                ),
                CREDENTIALS_IN_ENV_HELP,
            )
        });
        // The variable's name itself (`AKIA...: x`) is a key too.
        for m in scan_value("", &key.name, false) {
            let found = describe(&m, &key.name[m.range.clone()]);
            let mut finding = ctx.finding(
                &META,
                resource.id,
                key.span,
                format!(
                    "function `{}` has {found} as an environment variable name",
                    resource.id
                ),
                CREDENTIALS_IN_ENV_HELP.to_string(),
            );
            if m.is_documented_example {
                finding.severity = Severity::Info;
                finding.help = CREDENTIALS_IN_ENV_EXAMPLE_HELP.to_string();
            }
            out.push(finding);
        }
    }
}

/// One finding per key found in the string values of `node` (through intrinsics such as
/// `Fn::Sub` and `Fn::Join`), at the value that holds it.
fn report(
    ctx: &TemplateContext<'_>,
    resource: &Resource<'_>,
    node: &Node,
    name: &str,
    beside_id: bool,
    out: &mut Vec<Finding>,
    words: impl Fn(&str) -> (String, &'static str),
) {
    for (text, at) in strings(node) {
        for m in scan_value(name, text, beside_id) {
            let (message, help) = words(&describe(&m, &text[m.range.clone()]));
            let mut finding = ctx.finding(&META, resource.id, at.span, message, help.to_string());
            if m.is_documented_example {
                finding.severity = Severity::Info;
                finding.help = CREDENTIALS_IN_ENV_EXAMPLE_HELP.to_string();
            }
            out.push(finding);
        }
    }
}

/// Every string in a value with its node, skipping what names another resource or parameter
/// (`Ref`, `Fn::GetAtt`, `Fn::ImportValue` arguments are logical ids and export names).
fn strings(node: &Node) -> Vec<(&str, &Node)> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::String(s) => found.push((s.as_str(), node)),
            Value::Seq(items) => stack.extend(items.iter().rev()),
            Value::Map(map) => stack.extend(map.entries.iter().rev().map(|(_, v)| v)),
            Value::Intrinsic(i)
                if !matches!(i.name, "Ref" | "Fn::GetAtt" | "Fn::ImportValue") =>
            {
                stack.push(&i.arg)
            }
            _ => {}
        }
    }
    found
}

fn scalar(node: Option<&Node>) -> String {
    node.and_then(Node::as_scalar)
        .map(|s| s.into_owned())
        .unwrap_or_default()
}
