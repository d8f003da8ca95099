use oxc::ast::ast::{Argument, BindingPattern, Expression};
use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{has_spread, object_arg, property, SourceContext};
use crate::sdk::{new_client, ClientKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-timeout",
    severity: Severity::Warn,
    summary: "an SDK v3 client without a request timeout, or `fetch` without a `signal`",
    docs: r#"## What it does
Flags `new XClient(...)` of an `@aws-sdk/client-*` package whose configuration has no
`requestHandler` carrying a `requestTimeout` (an object, or `new NodeHttpHandler({...})`), unless
every `client.send(...)` of that client passes an `abortSignal`; and `fetch(url)` without a
`signal` option. Configurations built elsewhere are not judged.

## Why
The SDK's default has no request timeout: a stalled connection holds the Lambda until its own
timeout, burning the whole budget and hiding the real failure.

Precision: 87% on the classified real-world sample of bench/PRECISION.md (13 true, 2 false: browser
`fetch`). A warning for that reason.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/missing-timeout" = "warn"`) or `--select code/missing-timeout` names it.

## Example
```ts
const ddb = new DynamoDBClient({});
const res = await fetch(url);
```

## Fix
```ts
const ddb = new DynamoDBClient({ requestHandler: { requestTimeout: 3_000, connectionTimeout: 1_000 } });
const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::NewExpression(new) => {
                let Some(client) = new_client(ctx, new)
                    .filter(|c| matches!(c.kind, ClientKind::V3 | ClientKind::V3Aggregated))
                else {
                    continue;
                };
                if has_timeout(ctx, new.arguments.first()) != Some(false)
                    || every_send_aborts(ctx, node.id())
                {
                    continue;
                }
                out.push(ctx.finding(
                    &META,
                    new.span,
                    format!("SDK client `{}` has no request timeout", client.name),
                    "pass `requestHandler: { requestTimeout: 3_000 }` (or a NodeHttpHandler with requestTimeout) in the client configuration",
                ));
            }
            AstKind::CallExpression(call) if ctx.is_global(&call.callee, "fetch") => {
                let missing = match call.arguments.get(1) {
                    None => true,
                    Some(_) => object_arg(&call.arguments, 1)
                        .is_some_and(|o| !has_spread(o) && property(o, "signal").is_none()),
                };
                if missing {
                    out.push(ctx.finding(
                        &META,
                        call.span,
                        "`fetch` without a `signal` waits as long as the server lets it".into(),
                        "pass `{ signal: AbortSignal.timeout(3_000) }` as fetch's options",
                    ));
                }
            }
            _ => {}
        }
    }
}

/// `Some(true)` when the configuration sets a request timeout, `Some(false)` when it visibly does
/// not, `None` when it cannot be told from this file.
fn has_timeout(ctx: &SourceContext<'_, '_>, config: Option<&Argument<'_>>) -> Option<bool> {
    let Some(config) = config else {
        return Some(false);
    };
    let config = config.as_expression()?;
    let config = match config.get_inner_expression() {
        Expression::Identifier(_) => ctx.initializer_of(config)?,
        other => other,
    };
    let Expression::ObjectExpression(object) = config.get_inner_expression() else {
        return None;
    };
    match property(object, "requestHandler") {
        Some(handler) => handler_has_timeout(ctx, handler),
        None if has_spread(object) => None,
        None => Some(false),
    }
}

fn handler_has_timeout(ctx: &SourceContext<'_, '_>, handler: &Expression<'_>) -> Option<bool> {
    let handler = match handler.get_inner_expression() {
        Expression::Identifier(_) => ctx.initializer_of(handler)?,
        other => other,
    };
    let options = match handler.get_inner_expression() {
        Expression::ObjectExpression(o) => Some(&**o),
        Expression::NewExpression(n) => object_arg(&n.arguments, 0),
        Expression::CallExpression(c) => object_arg(&c.arguments, 0),
        _ => None,
    }?;
    if property(options, "requestTimeout").is_some() {
        Some(true)
    } else if has_spread(options) {
        None
    } else {
        Some(false)
    }
}

/// The client is stored in a variable and every `.send(command, { abortSignal })` bounds itself.
fn every_send_aborts(ctx: &SourceContext<'_, '_>, new_id: oxc::syntax::node::NodeId) -> bool {
    let AstKind::VariableDeclarator(decl) = ctx.parent_kind(new_id) else {
        return false;
    };
    let BindingPattern::BindingIdentifier(id) = &decl.id else {
        return false;
    };
    let Some(symbol) = id.symbol_id.get() else {
        return false;
    };
    let scoping = ctx.semantic.scoping();
    let mut sends = 0;
    for reference in scoping.get_resolved_references(symbol) {
        let member = ctx.parent_id(reference.node_id());
        let AstKind::StaticMemberExpression(m) = ctx.kind(member) else {
            continue;
        };
        if m.property.name.as_str() != "send" {
            continue;
        }
        let AstKind::CallExpression(call) = ctx.parent_kind(member) else {
            continue;
        };
        sends += 1;
        if object_arg(&call.arguments, 1).is_none_or(|o| property(o, "abortSignal").is_none()) {
            return false;
        }
    }
    sends > 0
}
