use oxc::ast::ast::{AssignmentTarget, Expression};
use oxc::ast::AstKind;
use oxc::syntax::node::NodeId;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::sdk::{document_from, new_client};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/client-in-handler",
    severity: Severity::Error,
    summary: "an SDK client created inside a function instead of at module scope",
    docs: r#"## What it does
Flags an AWS SDK client (`new XClient(...)` of an `@aws-sdk/client-*` import, v2 `new AWS.X()`,
`DynamoDBDocumentClient.from(...)`) constructed inside a function that runs on every invocation:
in a handler module, a function the handler reaches (its own body, functions it calls, callbacks);
elsewhere, any function that does not hand the client back. Fine: module scope; a factory that
returns the client (its caller decides how often it runs) or one called once at module scope; a
lazy singleton (`client ??= new S3Client()`, `if (!client) client = ...`, `this.client = ...`);
a class constructor; jest/mocha `describe`/`it` blocks. SDK helpers that are not clients
(`AWS.Config`, `AWS.Signers.V4`, `AWS.HttpRequest`, credentials classes) are not reported.

## Why
Lambda reuses the module between invocations of a warm container. A client made in the handler is
rebuilt on every call: new TLS connections, credential resolution and latency each time.

## Example
```ts
export const handler = async () => {
  const client = new DynamoDBClient({});
  ...
};
```

## Fix
Create the client once at module scope and use it in the handler:
```ts
const client = new DynamoDBClient({ requestHandler: { requestTimeout: 3_000 } });
export const handler = async () => { ... client.send(...) ... };
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let (client, span) = match node.kind() {
            AstKind::NewExpression(new) => {
                // `DynamoDBDocumentClient.from(new DynamoDBClient())` is reported once, at `from`.
                if let AstKind::CallExpression(outer) = ctx.parent_kind(node.id()) {
                    if document_from(ctx, outer).is_some() {
                        continue;
                    }
                }
                match new_client(ctx, new) {
                    Some(client) => (client, new.span),
                    None => continue,
                }
            }
            AstKind::CallExpression(call) => match document_from(ctx, call) {
                Some(client) => (client, call.span),
                None => continue,
            },
            _ => continue,
        };
        let Some(function) = ctx.enclosing_function(node.id()) else {
            continue;
        };
        // A class constructor runs when the instance is made, usually once at module scope.
        if matches!(ctx.parent_kind(function), AstKind::MethodDefinition(m) if m.kind.is_constructor())
        {
            continue;
        }
        if in_test_block(ctx, node.id()) || is_cached(ctx, node.id(), function) {
            continue;
        }
        // In a handler module, what matters is whether the handler runs it: a factory called
        // once at module scope (`const db = makeClient()`) is fine, the same factory called in
        // the handler is not. Elsewhere, a function that hands the client back is a factory
        // whose caller decides how often it runs.
        if ctx.handler.is_handler_module() {
            if !ctx.handler.in_handler(ctx, node.id()) {
                continue;
            }
        } else if returns_value(ctx, function) {
            continue;
        }
        out.push(ctx.finding(
            &META,
            span,
            format!(
                "SDK client `{}` is created inside a function, so every call builds a new one",
                client.name
            ),
            "create the client once at module scope (outside the handler) and reuse it",
        ));
    }
}

/// Inside a jest/mocha/vitest block (`describe`, `it`, `test`, `beforeAll`, ...), which is test
/// code wherever the file lives.
fn in_test_block(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    ctx.semantic.nodes().ancestors(id).any(|n| match n.kind() {
        AstKind::CallExpression(call) => {
            let callee = match call.callee.get_inner_expression() {
                // `describe.each(...)(...)`, `it.only(...)`.
                Expression::StaticMemberExpression(m) => &m.object,
                Expression::CallExpression(inner) => match inner.callee.get_member_expr() {
                    Some(m) => m.object(),
                    None => &inner.callee,
                },
                other => other,
            };
            [
                "describe",
                "it",
                "test",
                "beforeAll",
                "beforeEach",
                "afterAll",
                "afterEach",
            ]
            .iter()
            .any(|name| ctx.is_global(callee, name))
        }
        _ => false,
    })
}

/// The client is stored beyond the call that makes it, so later calls reuse it: a lazy
/// singleton (`client ??= new S3Client()`, `if (!client) client = new S3Client()`,
/// `this.client = ...`, `cache[region] = ...`) assigned to something outside the function.
fn is_cached(ctx: &SourceContext<'_, '_>, id: NodeId, function: NodeId) -> bool {
    let mut current = id;
    loop {
        let parent = ctx.parent_id(current);
        if parent == current {
            return false;
        }
        match ctx.kind(parent) {
            AstKind::ParenthesizedExpression(_)
            | AstKind::TSAsExpression(_)
            | AstKind::TSNonNullExpression(_)
            | AstKind::LogicalExpression(_)
            | AstKind::ConditionalExpression(_)
            | AstKind::AwaitExpression(_) => current = parent,
            AstKind::AssignmentExpression(a) => {
                return match &a.left {
                    AssignmentTarget::AssignmentTargetIdentifier(ident) => ident
                        .reference_id
                        .get()
                        .and_then(|r| ctx.semantic.scoping().get_reference(r).symbol_id())
                        .is_some_and(|symbol| {
                            let decl = ctx.semantic.scoping().symbol_declaration(symbol);
                            ctx.enclosing_function(decl) != Some(function)
                        }),
                    _ => true,
                };
            }
            _ => return false,
        }
    }
}

/// The function hands the client back: `return new S3Client()`, an arrow whose body is the
/// client, or `const client = new S3Client(); ... return client`.
fn returns_value(ctx: &SourceContext<'_, '_>, function: NodeId) -> bool {
    if let AstKind::ArrowFunctionExpression(f) = ctx.kind(function) {
        if !matches!(f.body, oxc::ast::ast::ArrowFunctionBody::FunctionBody(_)) {
            return true;
        }
    }
    ctx.descendants(function).any(|n| {
        matches!(n.kind(), AstKind::ReturnStatement(r) if r.argument.is_some())
            && ctx.enclosing_function(n.id()) == Some(function)
    })
}
