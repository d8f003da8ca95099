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
    /// Turns the error into a failure the caller or the platform sees: an error response
    /// (`statusCode: 500`, `res.status(500)`, `{ error: ... }`, `success: false`), a batch item failure (`itemIdentifier`,
    /// `batchItemFailures`), a CloudFormation custom resource's `FAILED`, a Step Functions task
    /// failure, or a process exit.
    pub reports_failure: bool,
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
        if is_failure_marker(ctx, node.kind()) && !in_logging_call(ctx, node.id()) {
            facts.reports_failure = true;
        }
        match node.kind() {
            AstKind::ThrowStatement(_) => facts.rethrows = true,
            AstKind::CallExpression(call) => {
                // `return errorResponse(500, e)` with the response built by a local function.
                if !facts.reports_failure && builds_failure(ctx, node.id(), call) {
                    facts.reports_failure = true;
                }
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

/// A piece of code that reports a failure rather than a success (see
/// [`CatchFacts::reports_failure`]).
fn is_failure_marker(ctx: &SourceContext<'_, '_>, kind: AstKind<'_>) -> bool {
    match kind {
        AstKind::ObjectProperty(p) => {
            let Some(key) = p.key.static_name() else {
                return false;
            };
            match key.as_ref() {
                "batchItemFailures" | "itemIdentifier" => true,
                // An error payload for the caller (`return { error: 'lookup failed' }`, the
                // shape Bedrock agents and Step Functions tasks read).
                "error" | "errors" | "errorMessage" | "errorType" | "errorCode" => true,
                "success" | "ok" => matches!(
                    p.value.get_inner_expression(),
                    Expression::BooleanLiteral(b) if !b.value
                ),
                // `Status: 'FAILED'` in a custom resource response.
                _ if is_failed(&p.value) => true,
                k if k.to_ascii_lowercase().contains("status") => is_error_status(&p.value),
                _ => false,
            }
        }
        AstKind::CallExpression(call) => {
            // `cfnResponse.send(event, context, cfnResponse.FAILED)`, `send(event, 'FAILED')`,
            // `res.status(500)`, `reply(502, body)`; a timer's `sleep(500)` is not a response.
            let timer = callee_name(&call.callee).is_some_and(|n| {
                matches!(n, "setTimeout" | "setInterval" | "sleep" | "delay" | "wait")
            });
            call.arguments
                .iter()
                .filter_map(|a| a.as_expression())
                .any(|a| is_failed(a) || (!timer && error_status_number(a).is_some()))
                || (ctx.is_global_member(&call.callee, "process", "exit"))
                || callee_name(&call.callee) == Some("sendTaskFailure")
        }
        AstKind::NewExpression(new) => {
            ctx.imported_name(&new.callee, |m| m == "@aws-sdk/client-sfn")
                == Some("SendTaskFailureCommand")
        }
        // `response.statusCode = 500`.
        AstKind::AssignmentExpression(a) => {
            a.left
                .get_identifier_name()
                .or_else(|| match &a.left {
                    oxc::ast::ast::AssignmentTarget::StaticMemberExpression(m) => {
                        Some(m.property.name.as_str())
                    }
                    _ => None,
                })
                .is_some_and(|n| n.to_ascii_lowercase().contains("status"))
                && is_error_status(&a.right)
        }
        _ => false,
    }
}

/// Inside the arguments of a logging call: `logger.error('failed', { error, statusCode: 500 })`
/// describes the failure in a log line; it reports nothing to the caller.
fn in_logging_call(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    let function = ctx.enclosing_function(id);
    ctx.semantic
        .nodes()
        .ancestors(id)
        .take_while(|n| ctx.enclosing_function(n.id()) == function && !matches!(n.kind(), AstKind::Function(_) | AstKind::ArrowFunctionExpression(_)))
        .any(|n| matches!(n.kind(), AstKind::CallExpression(call) if is_logging_call(ctx, call) || ctx.is_global_member(&call.callee, "console", "log")))
}

/// `'FAILED'` or `<module>.FAILED`, the status CloudFormation's custom resource protocol uses, or
/// `'Deny'`, the answer of an API Gateway authorizer that could not authorise the caller.
fn is_failed(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::StringLiteral(s) => s.value == "FAILED" || s.value == "Deny",
        Expression::StaticMemberExpression(m) => m.property.name == "FAILED",
        _ => false,
    }
}

/// An HTTP error status (400-599), as a number or a numeric string.
fn error_status_number(expr: &Expression<'_>) -> Option<f64> {
    let value = match expr.get_inner_expression() {
        Expression::NumericLiteral(n) => n.value,
        Expression::StringLiteral(s) => s.value.parse::<f64>().ok()?,
        _ => return None,
    };
    (400.0..600.0).contains(&value).then_some(value)
}

/// A status value that is not a success: an error code, or a value computed at run time
/// (`err.statusCode ?? 500`), or a word other than a success word (`status: 'error'`).
fn is_error_status(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::NumericLiteral(n) => n.value >= 400.0,
        Expression::StringLiteral(s) => match s.value.parse::<f64>() {
            Ok(v) => v >= 400.0,
            Err(_) => !matches!(
                s.value.to_ascii_lowercase().as_str(),
                "ok" | "success" | "succeeded" | "done" | "completed" | "complete"
            ),
        },
        Expression::BooleanLiteral(_) | Expression::NullLiteral(_) => false,
        _ => true,
    }
}

/// A call to a function of this file whose own code builds a failure (an error response
/// helper such as `errorResponse(e)`), looked at one call deep.
fn builds_failure(ctx: &SourceContext<'_, '_>, id: NodeId, call: &CallExpression<'_>) -> bool {
    let mut targets = Vec::new();
    if let Some(symbol) = ctx.symbol_of(&call.callee) {
        crate::handler::resolve_symbol(ctx, symbol, 0, &mut targets, &mut false);
    } else if let Some(member) = call.callee.get_member_expr() {
        if let Some(method) = member.static_property_name() {
            targets.extend(crate::handler::method_of(ctx, id, member.object(), method));
        }
    }
    targets.into_iter().any(|function| {
        ctx.descendants(function).any(|n| {
            ctx.enclosing_function(n.id()) == Some(function)
                && is_failure_marker(ctx, n.kind())
                && !in_logging_call(ctx, n.id())
        })
    })
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
