//! `secret/credentials-in-env` in CDK source, before synth. The rule is declared (with its
//! documentation) by stackwarden_secret, which also recognises the keys; this file knows where
//! CDK code places them: a construct's `environment: {...}` props, `fn.addEnvironment(name,
//! value)`, SSM parameters (`new ssm.StringParameter(..., { stringValue, parameterName })`,
//! `CfnParameter`), Secrets Manager (`new CfnSecret(..., { secretString })`, `secretName`) and
//! `SecretValue.unsafePlainText(...)` / `plainText(...)` (named by the property it is the value of,
//! as in `secretObjectValue: { secretAccessKey: SecretValue.unsafePlainText('...') }`).

use oxc::ast::ast::{Argument, BinaryOperator, Expression, ObjectExpression, ObjectPropertyKind};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};
use stackwarden_core::{Finding, Severity};
use stackwarden_secret::{
    describe, scan_value, SecretKind, CREDENTIALS_IN_ENV_EXAMPLE_HELP, CREDENTIALS_IN_ENV_HELP,
};

use crate::context::{property, static_string, SourceContext};

pub(crate) use stackwarden_secret::CREDENTIALS_IN_ENV as META;

const STORE_HELP: &str = "delete it and deactivate the key in IAM (`aws iam update-access-key --access-key-id <id> --status Inactive`); a value in CDK code is written into the template in plain text: give the workload a role instead, and for a third-party key create the secret without a value in code and set it with `aws secretsmanager put-secret-value`";

fn is_cdk(module: &str) -> bool {
    module == "aws-cdk-lib" || module.starts_with("aws-cdk-lib/") || module.starts_with("@aws-cdk/")
}

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::ObjectProperty(p)
                if p.key.static_name().is_some_and(|k| k == "environment") =>
            {
                if let Expression::ObjectExpression(env) =
                    ctx.value_of(&p.value).get_inner_expression()
                {
                    environment(ctx, env, out);
                }
            }
            AstKind::CallExpression(call) => {
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                match member.static_property_name() {
                    Some("addEnvironment") => {
                        let name = arg(&call.arguments, 0).and_then(static_string);
                        if let Some(value) = arg(&call.arguments, 1) {
                            let name = name.unwrap_or("");
                            judge(
                                ctx,
                                value,
                                name,
                                false,
                                CREDENTIALS_IN_ENV_HELP,
                                out,
                                |found| {
                                    format!("`addEnvironment('{name}', ...)` puts {found} in the function's environment")
                                },
                            );
                        }
                    }
                    Some(method @ ("unsafePlainText" | "plainText"))
                        if ctx.imported_name(member.object(), is_cdk) == Some("SecretValue") =>
                    {
                        let name = match ctx.parent_kind(node.id()) {
                            AstKind::ObjectProperty(p) => p.key.static_name(),
                            _ => None,
                        };
                        if let Some(value) = arg(&call.arguments, 0) {
                            let name = name.as_deref().unwrap_or("");
                            judge(ctx, value, name, false, STORE_HELP, out, |found| {
                                format!("`SecretValue.{method}(...)` holds {found}, which synth writes into the template in plain text")
                            });
                        }
                    }
                    _ => {}
                }
            }
            AstKind::NewExpression(new) => {
                let Some(class) = ctx.imported_name(&new.callee, is_cdk) else {
                    continue;
                };
                let Some(props) = ctx.object_arg(&new.arguments, 2) else {
                    continue;
                };
                let keys: &[&str] = match class {
                    "StringParameter" => &["stringValue", "parameterName"],
                    // ssm.CfnParameter; the core CfnParameter (template parameters) has neither.
                    "CfnParameter" => &["value", "name"],
                    "CfnSecret" => &["secretString", "name"],
                    "Secret" => &["secretName"],
                    _ => continue,
                };
                let name = keys
                    .get(1)
                    .or(keys.first())
                    .and_then(|k| property(props, k))
                    .and_then(static_string)
                    .unwrap_or("");
                for key in keys {
                    if let Some(value) = property(props, key) {
                        judge(ctx, value, name, false, STORE_HELP, out, |found| {
                            format!("`new {class}(...)` has {found} in `{key}`")
                        });
                    }
                }
                if let Some(template) =
                    property(props, "generateSecretString").and_then(|g| {
                        match g.get_inner_expression() {
                            Expression::ObjectExpression(o) => property(o, "secretStringTemplate"),
                            _ => None,
                        }
                    })
                {
                    judge(ctx, template, "", false, STORE_HELP, out, |found| {
                        format!("`new {class}(...)` has {found} in `secretStringTemplate`")
                    });
                }
            }
            _ => {}
        }
    }
}

/// `environment: { NAME: 'value', ... }`: each value judged with its variable's name; a bare
/// 40-character value counts as a secret key when another variable holds an access key id.
fn environment(ctx: &SourceContext<'_, '_>, env: &ObjectExpression<'_>, out: &mut Vec<Finding>) {
    let mut entries: Vec<(String, &Expression<'_>)> = Vec::new();
    env_entries(ctx, env, 0, &mut entries);
    let beside_id = entries.iter().any(|(_, value)| {
        texts(ctx, value).iter().any(|(text, _)| {
            scan_value("", text, false)
                .iter()
                .any(|m| m.kind == SecretKind::AccessKeyId)
        })
    });
    for (name, value) in &entries {
        judge(
            ctx,
            value,
            name,
            beside_id,
            CREDENTIALS_IN_ENV_HELP,
            out,
            |found| format!("`environment` sets variable `{name}` to {found}"),
        );
    }
}

/// The `NAME: value` entries of an environment object, with the entries of constant objects it
/// spreads in (`{ ...SHARED_ENV, STAGE: stage }` with `const SHARED_ENV = {...}`).
fn env_entries<'o, 'a>(
    ctx: &SourceContext<'_, 'a>,
    env: &'o ObjectExpression<'a>,
    depth: usize,
    entries: &mut Vec<(String, &'o Expression<'a>)>,
) {
    for p in &env.properties {
        match p {
            ObjectPropertyKind::ObjectProperty(p) => entries.push((
                p.key
                    .static_name()
                    .map(|k| k.into_owned())
                    .unwrap_or_default(),
                &p.value,
            )),
            ObjectPropertyKind::SpreadProperty(spread) if depth < 4 => {
                if let Expression::ObjectExpression(inner) =
                    ctx.value_of(&spread.argument).get_inner_expression()
                {
                    env_entries(ctx, inner, depth + 1, entries);
                }
            }
            ObjectPropertyKind::SpreadProperty(_) => {}
        }
    }
}

/// One finding per key in the literal text of `value`, at the literal holding it.
fn judge(
    ctx: &SourceContext<'_, '_>,
    value: &Expression<'_>,
    name: &str,
    beside_id: bool,
    help: &str,
    out: &mut Vec<Finding>,
    message: impl Fn(&str) -> String,
) {
    for (text, span) in texts(ctx, value) {
        for m in scan_value(name, text, beside_id) {
            let found = describe(&m, &text[m.range.clone()]);
            let mut finding = ctx.finding(&META, span, message(&found), help);
            if m.is_documented_example {
                finding.severity = Severity::Info;
                finding.help = CREDENTIALS_IN_ENV_EXAMPLE_HELP.to_string();
            }
            out.push(finding);
        }
    }
}

/// The literal text pieces of an expression: a string, the static parts of a template literal,
/// both sides of a `+` concatenation.
fn texts<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>) -> Vec<(&'a str, OxcSpan)> {
    match ctx.value_of(expr).get_inner_expression() {
        Expression::StringLiteral(lit) => vec![(lit.value.as_str(), lit.span)],
        Expression::TemplateLiteral(t) => t
            .quasis
            .iter()
            .filter_map(|q| q.value.cooked.as_ref().map(|c| (c.as_str(), q.span)))
            .collect(),
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            let mut pieces = texts(ctx, &b.left);
            pieces.extend(texts(ctx, &b.right));
            pieces
        }
        other => static_string(other)
            .map(|s| vec![(s, other.span())])
            .unwrap_or_default(),
    }
}

fn arg<'o, 'a>(args: &'o [Argument<'a>], index: usize) -> Option<&'o Expression<'a>> {
    args.get(index)?.as_expression()
}
