//! CDK source shapes the IAM rules look at: policy statements written in code
//! (`new iam.PolicyStatement({...})`, `PolicyStatement.fromJson({...})`).

use oxc::ast::ast::{ArrayExpressionElement, Expression, ObjectExpression};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};

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
            AstKind::NewExpression(new) => {
                if ctx.imported_name(&new.callee, is_cdk_iam) == Some("PolicyStatement") {
                    if let Some(object) = object_arg(&new.arguments, 0) {
                        found.push(StatementLiteral {
                            object,
                            form: StatementForm::Props,
                        });
                    }
                }
            }
            AstKind::CallExpression(call) => {
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                if member.static_property_name() == Some("fromJson")
                    && ctx.imported_name(member.object(), is_cdk_iam) == Some("PolicyStatement")
                {
                    if let Some(object) = object_arg(&call.arguments, 0) {
                        found.push(StatementLiteral {
                            object,
                            form: StatementForm::Json,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The CDK IAM class a `new` expression constructs (`Role`, `User`, `AccountPrincipal`, ...).
pub(crate) fn iam_class<'a>(
    ctx: &SourceContext<'_, 'a>,
    callee: &Expression<'a>,
) -> Option<&'a str> {
    ctx.imported_name(callee, is_cdk_iam)
}
