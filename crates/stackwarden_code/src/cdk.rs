//! CDK source shapes the IAM rules look at: policy statements written in code
//! (`new iam.PolicyStatement({...})`, `PolicyStatement.fromJson({...})`, the statements of
//! `PolicyDocument.fromJson({ Statement: [...] })`), wherever they appear: assigned, passed to
//! `addToRolePolicy`/`addToPolicy`, or listed in an inline `new iam.PolicyDocument(...)`.

use oxc::ast::ast::{ArrayExpressionElement, Expression, ObjectExpression};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};

use stackwarden_core::{Finding, Span};
use stackwarden_iam::PolicyFinding;

use crate::context::{property, static_string, SourceContext};
use crate::sdk::is_cdk_iam;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementForm {
    /// `new PolicyStatement({ actions, resources, effect })`.
    Props,
    /// `PolicyStatement.fromJson({ Action, Resource, Effect })`.
    Json,
}

pub(crate) struct StatementLiteral<'o, 'a> {
    pub object: &'o ObjectExpression<'a>,
    pub form: StatementForm,
}

impl<'a> StatementLiteral<'_, 'a> {
    fn key(&self, props: &'static str, json: &'static str) -> &'static str {
        match self.form {
            StatementForm::Props => props,
            StatementForm::Json => json,
        }
    }

    /// `Deny` statements restrict; the wildcard rules are about what is allowed.
    pub(crate) fn is_deny(&self) -> bool {
        match property(self.object, self.key("effect", "Effect"))
            .map(Expression::get_inner_expression)
        {
            Some(Expression::StaticMemberExpression(m)) => m.property.name.as_str() == "DENY",
            Some(other) => static_string(other) == Some("Deny"),
            None => false,
        }
    }

    /// The string entries of `actions` / `Action` with their spans.
    pub(crate) fn actions(&self, ctx: &SourceContext<'_, 'a>) -> Vec<(&'a str, OxcSpan)> {
        self.strings(ctx, self.key("actions", "Action"))
    }

    /// The string entries of `notActions` / `NotAction` with their spans.
    pub(crate) fn not_actions(&self, ctx: &SourceContext<'_, 'a>) -> Vec<(&'a str, OxcSpan)> {
        self.strings(ctx, self.key("notActions", "NotAction"))
    }

    pub(crate) fn resources(&self, ctx: &SourceContext<'_, 'a>) -> Vec<(&'a str, OxcSpan)> {
        self.strings(ctx, self.key("resources", "Resource"))
    }

    /// The strings of a list or single value, through constants (`actions: ACTIONS` with
    /// `const ACTIONS = ['kms:*']`, or `[READ, 'kms:*']`) and spread constant lists
    /// (`[...READ_ACTIONS, 'kms:*']`); each span is the string's own, where it is written.
    fn strings(&self, ctx: &SourceContext<'_, 'a>, key: &str) -> Vec<(&'a str, OxcSpan)> {
        let mut found = Vec::new();
        if let Some(value) = property(self.object, key) {
            collect_strings(ctx, value, 0, &mut found);
        }
        found
    }
}

fn collect_strings<'a>(
    ctx: &SourceContext<'_, 'a>,
    value: &Expression<'a>,
    depth: usize,
    found: &mut Vec<(&'a str, OxcSpan)>,
) {
    if depth > 4 {
        return;
    }
    let value = ctx.value_of(value).get_inner_expression();
    match value {
        Expression::ArrayExpression(array) => {
            for element in &array.elements {
                match element {
                    ArrayExpressionElement::SpreadElement(spread) => {
                        collect_strings(ctx, &spread.argument, depth + 1, found);
                    }
                    other => {
                        if let Some(e) = other.as_expression() {
                            collect_strings(ctx, e, depth + 1, found);
                        }
                    }
                }
            }
        }
        other => {
            if let Some(s) = static_string(other) {
                found.push((s, other.span()));
            }
        }
    }
}

/// Every policy statement written as an object literal in CDK code.
pub(crate) fn statements<'s, 'a>(ctx: &SourceContext<'s, 'a>) -> Vec<StatementLiteral<'s, 'a>> {
    let mut found = Vec::new();
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::NewExpression(new)
                if ctx.imported_name(&new.callee, is_cdk_iam) == Some("PolicyStatement") =>
            {
                if let Some(object) = ctx.object_arg(&new.arguments, 0) {
                    found.push(StatementLiteral {
                        object,
                        form: StatementForm::Props,
                    });
                }
            }
            AstKind::CallExpression(call) => {
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                if member.static_property_name() != Some("fromJson") {
                    continue;
                }
                let Some(object) = ctx.object_arg(&call.arguments, 0) else {
                    continue;
                };
                match ctx.imported_name(member.object(), is_cdk_iam) {
                    Some("PolicyStatement") => found.push(StatementLiteral {
                        object,
                        form: StatementForm::Json,
                    }),
                    Some("PolicyDocument") => {
                        found.extend(document_statements(object).map(|object| StatementLiteral {
                            object,
                            form: StatementForm::Json,
                        }));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    found
}

/// The statement objects of a JSON policy document literal (`Statement` is a list or one object).
fn document_statements<'o, 'a>(
    document: &'o ObjectExpression<'a>,
) -> impl Iterator<Item = &'o ObjectExpression<'a>> {
    let object = |e: &'o Expression<'a>| match e.get_inner_expression() {
        Expression::ObjectExpression(o) => Some(&**o),
        _ => None,
    };
    let statements = property(document, "Statement");
    let listed = match statements.map(Expression::get_inner_expression) {
        Some(Expression::ArrayExpression(array)) => Some(
            array
                .elements
                .iter()
                .filter_map(ArrayExpressionElement::as_expression)
                .filter_map(object),
        ),
        _ => None,
    };
    let single = statements.and_then(object);
    listed.into_iter().flatten().chain(single)
}

/// Judges every literal `actions`/`notActions` entry (Allow and Deny alike) of the file's policy
/// statements with one of stackwarden_iam's per-entry judgements, so an action string in CDK
/// source gets exactly the finding (rule, message, did-you-mean) it gets in a template, at the
/// string's own line and column.
pub(crate) fn judge_actions(
    ctx: &SourceContext<'_, '_>,
    judge: fn(&str, Span) -> Option<PolicyFinding>,
    out: &mut Vec<Finding>,
) {
    let mut seen = Vec::new();
    for statement in statements(ctx) {
        for (entry, at) in statement
            .actions(ctx)
            .into_iter()
            .chain(statement.not_actions(ctx))
        {
            if seen.contains(&at) {
                continue;
            }
            seen.push(at);
            let Some(found) = judge(entry, Span::new(at.start, at.end)) else {
                continue;
            };
            let mut finding = ctx.finding(found.rule, at, found.message, found.help);
            finding.suggestion = found.suggestion;
            out.push(finding);
        }
    }
}

/// The CDK IAM class a `new` expression constructs (`Role`, `User`, `AccountPrincipal`, ...).
pub(crate) fn iam_class<'a>(
    ctx: &SourceContext<'_, 'a>,
    callee: &Expression<'a>,
) -> Option<&'a str> {
    ctx.imported_name(callee, is_cdk_iam)
}
