//! CDK source shapes the IAM rules look at: policy statements written in code
//! (`new iam.PolicyStatement({...})`, `PolicyStatement.fromJson({...})`, the statements of
//! `PolicyDocument.fromJson({ Statement: [...] })`), wherever they appear: assigned, passed to
//! `addToRolePolicy`/`addToPolicy`, or listed in an inline `new iam.PolicyDocument(...)`.

use oxc::ast::ast::{ArrayExpressionElement, Expression, ObjectExpression};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};

use stackwarden_core::{Finding, Span};
use stackwarden_iam::PolicyFinding;

use crate::context::{object_arg, property, static_string, SourceContext};
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
    pub(crate) fn actions(&self) -> Vec<(&'a str, OxcSpan)> {
        self.strings(self.key("actions", "Action"))
    }

    /// The string entries of `notActions` / `NotAction` with their spans.
    pub(crate) fn not_actions(&self) -> Vec<(&'a str, OxcSpan)> {
        self.strings(self.key("notActions", "NotAction"))
    }

    pub(crate) fn resources(&self) -> Vec<(&'a str, OxcSpan)> {
        self.strings(self.key("resources", "Resource"))
    }

    fn strings(&self, key: &str) -> Vec<(&'a str, OxcSpan)> {
        match property(self.object, key).map(Expression::get_inner_expression) {
            Some(Expression::ArrayExpression(array)) => array
                .elements
                .iter()
                .filter_map(ArrayExpressionElement::as_expression)
                .filter_map(|e| static_string(e).map(|s| (s, e.span())))
                .collect(),
            Some(other) => static_string(other)
                .map(|s| vec![(s, other.span())])
                .unwrap_or_default(),
            None => Vec::new(),
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
                if let Some(object) = object_arg(&new.arguments, 0) {
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
                let Some(object) = object_arg(&call.arguments, 0) else {
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
    for statement in statements(ctx) {
        for (entry, at) in statement
            .actions()
            .into_iter()
            .chain(statement.not_actions())
        {
            let Some(found) = judge(entry, ctx.span(at.start)) else {
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
