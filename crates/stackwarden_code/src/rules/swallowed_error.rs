use oxc::ast::ast::{ArrowFunctionBody, CatchClause, Expression, Statement};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span};
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::catches::catch_facts;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/swallowed-error",
    severity: Severity::Warn,
    summary: "a catch block that neither rethrows nor logs",
    docs: r#"## What it does
Flags a `catch` whose body is empty, only assigns, or only returns nothing (`catch { return null; }`
that never looks at the error), with no `throw`, no call that hands the error on (`reject(e)`,
`callback(e)`) and no logging (a Powertools logger, `console.error/warn`, or a project logger
imported from an observability/logging module); and a promise's `.catch(() => {})` with an empty
handler. Fine: outside the code a Lambda handler runs, a block holding a comment (`catch { /*
optional: absent in older stacks */ }`, the convention ESLint's `no-empty` accepts); and a block that stores the error for later
(`catch (e) { result.error = e; }`). Minified and vendored bundles are skipped before any rule runs (see `[files]`).

## Why
A swallowed error turns a failure into silent success: the Lambda reports OK, the event is not
retried, and nothing in the logs says why the data is missing.

Precision: 0% on the classified real-world sample of bench/PRECISION.md (all 3 findings left in the
sweep once vendored bundles are skipped are false: `router.push(...).catch(() => {})`, vue-router's
documented way to ignore a duplicate navigation, in front-end code). It is off by default until it reaches 90% on real code.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/swallowed-error" = "warn"`) or `--select code/swallowed-error` names it.

## Example
```js
try {
  await s3.send(new PutObjectCommand(params));
} catch (e) {}
```

## Fix
Log it with context and rethrow (or handle it for real):
```ts
} catch (error) {
  logger.error('upload failed', { error });
  throw error;
}
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::CatchClause(clause) => {
                let facts = catch_facts(ctx, clause);
                if facts.rethrows
                    || facts.logs
                    || (has_comment_inside(ctx, clause.body.span)
                        && !ctx.handler.in_handler(ctx, node.id()))
                    || stores_error(ctx, clause)
                {
                    continue;
                }
                let what = if clause.body.body.is_empty() {
                    "is empty"
                } else if facts.empty_or_assigns {
                    "only assigns"
                } else if returns_nothing(&clause.body.body) && !uses_error(ctx, clause) {
                    "only returns nothing"
                } else {
                    continue;
                };
                out.push(ctx.finding(
                    &META,
                    clause.span,
                    format!("this catch block {what}: the error is neither rethrown nor logged"),
                    "log the error (Powertools logger or console.error) and rethrow it, or handle it explicitly",
                ));
            }
            // `promise.catch(() => {})`: the promise's rejection is dropped.
            AstKind::CallExpression(call) => {
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                if member.static_property_name() != Some("catch") || call.arguments.len() != 1 {
                    continue;
                }
                let Some(body) = call.arguments[0].as_expression().and_then(|a| {
                    match a.get_inner_expression() {
                        Expression::ArrowFunctionExpression(f) => match &f.body {
                            ArrowFunctionBody::FunctionBody(b) => Some(&**b),
                            _ => None,
                        },
                        Expression::FunctionExpression(f) => f.body.as_deref(),
                        _ => None,
                    }
                }) else {
                    continue;
                };
                let explained =
                    has_comment_inside(ctx, body.span) && !ctx.handler.in_handler(ctx, node.id());
                if body.statements.is_empty() && !explained {
                    out.push(ctx.finding(
                        &META,
                        call.span,
                        "`.catch()` with an empty handler drops the rejection: the error is neither rethrown nor logged".into(),
                        "log the error in the handler (`.catch((error) => logger.error('...', { error }))`), or let the rejection propagate",
                    ));
                }
            }
            _ => {}
        }
    }
}

/// A comment in the block says the error is dropped on purpose (`catch { /* optional */ }`), the
/// convention ESLint's `no-empty` also accepts. Not in code a Lambda handler runs: there the
/// invocation still reports success for work that failed, whatever the comment says.
fn has_comment_inside(ctx: &SourceContext<'_, '_>, block: Span) -> bool {
    ctx.semantic
        .comments()
        .iter()
        .any(|c| c.span.start > block.start && c.span.end < block.end)
}

/// An assignment in the block stores the caught error for later (`this.error = e`,
/// `result.error = e`): it is handed on, not dropped.
fn stores_error(ctx: &SourceContext<'_, '_>, clause: &CatchClause<'_>) -> bool {
    let Some(param) = &clause.param else {
        return false;
    };
    let body = clause.body.span;
    param.pattern.get_binding_identifiers().iter().any(|id| {
        id.symbol_id.get().is_some_and(|s| {
            ctx.semantic.scoping().get_resolved_references(s).any(|r| {
                let at = ctx.kind(r.node_id()).span();
                at.start >= body.start && at.end <= body.end
            })
        })
    })
}

/// The block only returns no value: `return;`, `return null;` or `return undefined;`.
fn returns_nothing(body: &[Statement<'_>]) -> bool {
    matches!(body, [Statement::ReturnStatement(r)] if r.argument.as_ref().is_none_or(|a| {
        matches!(a.get_inner_expression(), Expression::NullLiteral(_))
            || matches!(a.get_inner_expression(), Expression::Identifier(i) if i.name == "undefined")
    }))
}

/// Whether the caught error is read at all (`catch (e) { return e.code === 'X' ? null : ... }`).
fn uses_error(ctx: &SourceContext<'_, '_>, clause: &CatchClause<'_>) -> bool {
    let Some(param) = &clause.param else {
        return false;
    };
    param.pattern.get_binding_identifiers().iter().any(|id| {
        id.symbol_id.get().is_some_and(|s| {
            ctx.semantic
                .scoping()
                .get_resolved_references(s)
                .next()
                .is_some()
        })
    })
}
