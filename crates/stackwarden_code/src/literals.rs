//! String values written in code that the hardcoded-* rules judge: string literals and the static
//! text of template literals, minus the places where a literal is not a value that reaches AWS
//! (module specifiers, object keys, type positions, comparisons and `case` labels, which test a
//! value rather than supply one).

use oxc::ast::ast::{BinaryOperator, Expression};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};
use oxc::syntax::node::NodeId;

use crate::context::SourceContext;

pub(crate) use stackwarden_core::aws::{is_account_id, is_region, parse_arn};

pub(crate) struct Literal {
    pub text: String,
    pub span: OxcSpan,
    pub node: NodeId,
    /// A template literal with substitutions (`${...}` parts are replaced by `${}`).
    pub templated: bool,
}

pub(crate) fn value_literals(ctx: &SourceContext<'_, '_>) -> Vec<Literal> {
    let mut found = Vec::new();
    for node in ctx.nodes() {
        let (text, span, templated) = match node.kind() {
            AstKind::StringLiteral(lit) => (lit.value.as_str().to_string(), lit.span, false),
            AstKind::TemplateLiteral(t) => {
                if matches!(
                    ctx.parent_kind(node.id()),
                    AstKind::TaggedTemplateExpression(_)
                ) {
                    continue;
                }
                let parts: Vec<&str> = t.quasis.iter().map(|q| q.value.raw.as_str()).collect();
                (parts.join("${}"), t.span, !t.expressions.is_empty())
            }
            _ => continue,
        };
        if text.len() < 9 || is_not_a_value(ctx, node.id(), span) {
            continue;
        }
        found.push(Literal {
            text,
            span,
            node: node.id(),
            templated,
        });
    }
    found
}

fn is_not_a_value(ctx: &SourceContext<'_, '_>, id: NodeId, span: OxcSpan) -> bool {
    match ctx.parent_kind(id) {
        AstKind::ImportDeclaration(_)
        | AstKind::ExportNamedDeclaration(_)
        | AstKind::ExportAllDeclaration(_)
        | AstKind::ImportExpression(_)
        | AstKind::TSLiteralType(_)
        | AstKind::TSExternalModuleReference(_)
        | AstKind::Directive(_)
        | AstKind::SwitchCase(_)
        | AstKind::TSEnumMember(_) => true,
        AstKind::ObjectProperty(p) => p.key.span() == span,
        AstKind::BinaryExpression(b) => {
            b.operator.is_equality() || matches!(b.operator, BinaryOperator::In)
        }
        AstKind::CallExpression(call) => {
            matches!(call.callee.get_inner_expression(), Expression::Identifier(i) if i.name.as_str() == "require")
        }
        _ => false,
    }
}

/// A value in a per-region lookup table (`{ 'eu-west-2': ... }`), at any depth (`{ 'eu-west-2':
/// { x86_64: 'arn:...', arm64: 'arn:...' } }`, `{ 'eu-west-2': ['...'] }`): data about AWS's own
/// resources in each region (service accounts, published layers), not this project's account or
/// region.
pub(crate) fn under_region_key(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    ctx.semantic.nodes().ancestors(id).any(|n| {
        matches!(n.kind(), AstKind::ObjectProperty(p) if p.key.static_name().is_some_and(|k| is_region(&k)))
    })
}

/// The account ids AWS's documentation uses in its examples (and LocalStack's default account):
/// placeholders in sample events, snippets and "replace with yours" defaults, not an account any
/// code can be deployed to or talk to.
const EXAMPLE_ACCOUNTS: &[&str] = &[
    "123456789012",
    "111122223333",
    "444455556666",
    "777788889999",
    "012345678901",
    "000000000000",
];

pub(crate) fn is_example_account(account: &str) -> bool {
    EXAMPLE_ACCOUNTS.contains(&account)
}
