//! What a `catch` block does with the error: rethrow it (or hand it on), log it, or neither.

use oxc::ast::ast::{CallExpression, CatchClause, Expression, Statement};
use oxc::ast::AstKind;
use oxc::syntax::node::NodeId;

use crate::context::{callee_name, SourceContext};
use crate::sdk::is_powertools_logger;

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CatchFacts {
    /// Throws, or hands the error to a callback that propagates it (`reject(e)`, `callback(e)`).
    pub rethrows: bool,
    pub logs: bool,
    /// The body is empty or only assigns (the error is dropped on the floor).
    pub empty_or_assigns: bool,
}

const PROPAGATORS: &[&str] = &["reject", "callback", "cb", "next", "done", "fail"];
const LOG_METHODS: &[&str] = &[
    "error",
    "warn",
    "warning",
    "info",
    "debug",
    "log",
    "critical",
    "exception",
    "fatal",
    "trace",
];

pub(crate) fn catch_facts(ctx: &SourceContext<'_, '_>, clause: &CatchClause<'_>) -> CatchFacts {
    let clause_id: NodeId = clause.node_id();
    let function = ctx.enclosing_function(clause_id);
    let mut facts = CatchFacts {
        empty_or_assigns: clause.body.body.iter().all(|s| match s {
            Statement::EmptyStatement(_) => true,
            Statement::ExpressionStatement(e) => matches!(
                e.expression.get_inner_expression(),
                Expression::AssignmentExpression(_)
            ),
            _ => false,
        }),
        ..CatchFacts::default()
    };
    for node in ctx.descendants(clause.body.node_id()) {
        // Code in a nested function runs later, not as part of this catch.
        if ctx.enclosing_function(node.id()) != function {
            continue;
        }
        match node.kind() {
            AstKind::ThrowStatement(_) => facts.rethrows = true,
            AstKind::CallExpression(call) => {
                if is_logging_call(ctx, call) {
                    facts.logs = true;
                } else if (!call.arguments.is_empty()
                    && callee_name(&call.callee).is_some_and(|n| PROPAGATORS.contains(&n)))
                    || is_promise_reject(ctx, call)
                {
                    facts.rethrows = true;
                }
            }
            _ => {}
        }
    }
    facts
}

fn is_promise_reject(ctx: &SourceContext<'_, '_>, call: &CallExpression<'_>) -> bool {
    call.callee.get_member_expr().is_some_and(|m| {
        ctx.is_global(m.object(), "Promise") && m.static_property_name() == Some("reject")
    })
}

/// A call on a logger: `console.error/warn`, a Powertools `Logger`, a project logger imported from
/// an observability/logging module, or anything named `logger`/`log`.
pub(crate) fn is_logging_call(ctx: &SourceContext<'_, '_>, call: &CallExpression<'_>) -> bool {
    let Some(member) = call.callee.get_member_expr() else {
        return false;
    };
    let Some(method) = member.static_property_name() else {
        return false;
    };
    if !LOG_METHODS.contains(&method) {
        return false;
    }
    let object = member.object().get_inner_expression();
    if ctx.is_global(object, "console") {
        return matches!(method, "error" | "warn");
    }
    is_logger(ctx, object)
}

pub(crate) fn is_logger(ctx: &SourceContext<'_, '_>, object: &Expression<'_>) -> bool {
    let object = object.get_inner_expression();
    if let Some(binding) = ctx.binding_of(object) {
        let m = binding.module.to_ascii_lowercase();
        return is_powertools_logger(binding.module) || m.contains("observab") || m.contains("log");
    }
    if let Some(Expression::NewExpression(new)) = ctx
        .initializer_of(object)
        .map(Expression::get_inner_expression)
    {
        if ctx
            .imported_name(&new.callee, is_powertools_logger)
            .is_some()
        {
            return true;
        }
    }
    match object {
        Expression::Identifier(id) => matches!(
            id.name.as_str().to_ascii_lowercase().as_str(),
            "logger" | "log"
        ),
        Expression::StaticMemberExpression(m) => matches!(
            m.property.name.as_str().to_ascii_lowercase().as_str(),
            "logger" | "log"
        ),
        _ => false,
    }
}
