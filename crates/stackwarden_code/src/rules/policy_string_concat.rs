use oxc::ast::ast::{BinaryOperator, Expression};
use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/policy-string-concat",
    severity: Severity::Error,
    summary: "an IAM policy document built by string concatenation or a JSON template literal",
    docs: r#"## What it does
Flags a policy document assembled as text: `JSON.parse(...)` of a concatenation or template
literal whose fixed text looks like a policy (`"Statement"`, `"Effect"`, `"Action"`), and such a
string given as `PolicyDocument`, `AssumeRolePolicyDocument` or `Policy` (SDK IAM/S3/SQS calls).

## Why
Values spliced into JSON text are not escaped: a quote in a bucket name or user input rewrites the
policy (policy injection), and the result escapes every check that reads policies as data.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```ts
const policy = JSON.parse(`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket}/*"}]}`);
```

## Fix
Build an object and serialise it: `JSON.stringify({ Version: '2012-10-17', Statement: [...] })`,
or in CDK `new iam.PolicyStatement({...})` / `PolicyDocument`.
"#,
};

const POLICY_KEYS: &[&str] = &["PolicyDocument", "AssumeRolePolicyDocument", "Policy"];

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let (value, what) = match node.kind() {
            AstKind::CallExpression(call) => {
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                if !(ctx.is_global(member.object(), "JSON")
                    && member.static_property_name() == Some("parse"))
                {
                    continue;
                }
                match call.arguments.first().and_then(|a| a.as_expression()) {
                    Some(arg) => (arg, "JSON.parse of a policy"),
                    None => continue,
                }
            }
            AstKind::ObjectProperty(p)
                if p.key
                    .static_name()
                    .is_some_and(|k| POLICY_KEYS.contains(&k.as_ref())) =>
            {
                (&p.value, "a policy document")
            }
            _ => continue,
        };
        let Some(text) = assembled_text(value) else {
            continue;
        };
        if !["\"Statement\"", "\"Effect\"", "\"Action\""]
            .iter()
            .any(|k| text.contains(k))
        {
            continue;
        }
        out.push(ctx.finding(
            &META,
            value.get_inner_expression().span(),
            format!("{what} is assembled as text from spliced-in values"),
            "build the policy as an object and JSON.stringify it (in CDK: iam.PolicyStatement / iam.PolicyDocument)",
        ));
    }
}

use oxc::span::GetSpan;

/// The fixed text of a string built from parts: a template literal with substitutions or a `+`
/// chain with at least one non-literal operand. `None` for a plain literal or anything else.
fn assembled_text(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::TemplateLiteral(t) if !t.expressions.is_empty() => Some(
            t.quasis
                .iter()
                .map(|q| q.value.raw.as_str())
                .collect::<Vec<_>>()
                .join(""),
        ),
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            let mut text = String::new();
            let mut dynamic = false;
            collect(expr, &mut text, &mut dynamic);
            dynamic.then_some(text)
        }
        _ => None,
    }
}

fn collect(expr: &Expression<'_>, text: &mut String, dynamic: &mut bool) {
    match expr.get_inner_expression() {
        Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
            collect(&b.left, text, dynamic);
            collect(&b.right, text, dynamic);
        }
        Expression::StringLiteral(s) => text.push_str(s.value.as_str()),
        Expression::TemplateLiteral(t) => {
            *dynamic |= !t.expressions.is_empty();
            t.quasis
                .iter()
                .for_each(|q| text.push_str(q.value.raw.as_str()));
        }
        _ => *dynamic = true,
    }
}
