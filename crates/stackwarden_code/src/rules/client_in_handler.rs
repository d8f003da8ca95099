use oxc::ast::ast::{AssignmentOperator, AssignmentTarget, Expression};
use oxc::ast::AstKind;
use oxc::span::GetSpan;
use oxc::syntax::node::NodeId;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{property, SourceContext};
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
client given credentials of its own (`credentials: {...}` from the request or a tenant's role),
which belongs to that one request; a lazy singleton (`client ??= new S3Client()`, `if (!client) client = ...`, `this.client = ...`);
a class constructor; jest/mocha `describe`/`it` blocks. SDK helpers that are not clients
(`AWS.Config`, `AWS.Signers.V4`, `AWS.HttpRequest`, credentials classes) are not reported.

## Why
Lambda reuses the module between invocations of a warm container. A client made in the handler is
rebuilt on every call: new TLS connections, credential resolution and latency each time.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

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
        } else if returns_client(ctx, node.id(), function) {
            continue;
        }
        if has_own_credentials(ctx, node.id()) {
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

/// The client is stored beyond the call that makes it, behind a guard, so later calls reuse it:
/// a lazy singleton (`client ??= new S3Client()`, `client || (client = ...)`, `if (!client)
/// client = new S3Client()`, `if (!this.client) this.client = ...`, `cache[region] ??= ...`)
/// kept in something outside the function. An unguarded assignment (`this.client = new
/// S3Client()` in a method each batch calls) still builds one per call.
fn is_cached(ctx: &SourceContext<'_, '_>, id: NodeId, function: NodeId) -> bool {
    let mut current = id;
    let mut guarded_by_logic = false;
    loop {
        let parent = ctx.parent_id(current);
        if parent == current {
            return false;
        }
        match ctx.kind(parent) {
            AstKind::LogicalExpression(_) | AstKind::ConditionalExpression(_) => {
                guarded_by_logic = true;
                current = parent;
            }
            AstKind::ParenthesizedExpression(_)
            | AstKind::TSAsExpression(_)
            | AstKind::TSNonNullExpression(_)
            | AstKind::AwaitExpression(_) => current = parent,
            AstKind::AssignmentExpression(a) => {
                let outside = match &a.left {
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
                let logical_assign = !matches!(a.operator, AssignmentOperator::Assign);
                return outside
                    && (logical_assign
                        || guarded_by_logic
                        || guarded_by_if(ctx, parent, target_name(&a.left)));
            }
            _ => return false,
        }
    }
}

/// The name an assignment target stores to: `client`, or `client` in `this.client`/`cache.client`.
fn target_name<'a>(target: &AssignmentTarget<'a>) -> Option<&'a str> {
    match target {
        AssignmentTarget::AssignmentTargetIdentifier(i) => Some(i.name.as_str()),
        AssignmentTarget::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        AssignmentTarget::PrivateFieldExpression(m) => Some(m.field.name.as_str()),
        AssignmentTarget::ComputedMemberExpression(_) => None,
        _ => None,
    }
}

/// An enclosing `if` (within the same function) whose test reads the stored name.
fn guarded_by_if(ctx: &SourceContext<'_, '_>, assignment: NodeId, name: Option<&str>) -> bool {
    let function = ctx.enclosing_function(assignment);
    ctx.semantic
        .nodes()
        .ancestors(assignment)
        .take_while(|n| {
            !matches!(
                n.kind(),
                AstKind::Function(_) | AstKind::ArrowFunctionExpression(_)
            )
        })
        .any(|n| match n.kind() {
            AstKind::IfStatement(s) => {
                let test = s.test.span();
                ctx.descendants(n.id()).any(|d| {
                    let at = d.kind().span();
                    at.start >= test.start
                        && at.end <= test.end
                        && ctx.enclosing_function(d.id()) == function
                        && match d.kind() {
                            AstKind::IdentifierReference(i) => Some(i.name.as_str()) == name,
                            AstKind::StaticMemberExpression(m) => {
                                Some(m.property.name.as_str()) == name
                            }
                            AstKind::PrivateFieldExpression(m) => {
                                Some(m.field.name.as_str()) == name
                            }
                            // `if (!cache[key])`: a keyed cache.
                            AstKind::ComputedMemberExpression(_) => name.is_none(),
                            _ => false,
                        }
                })
            }
            _ => false,
        })
}

/// The function hands the client back: `return new S3Client()`, an arrow whose body is the
/// client, or `const client = new S3Client(); ... return client` (also when it hands back a
/// wrapper of it, `return DynamoDBDocumentClient.from(client)`).
fn returns_client(ctx: &SourceContext<'_, '_>, id: NodeId, function: NodeId) -> bool {
    let client_span = ctx.kind(id).span();
    // The variable the client is stored in, if any.
    let stored = match ctx.parent_kind(id) {
        AstKind::VariableDeclarator(d) => {
            d.id.get_binding_identifier()
                .and_then(|b| b.symbol_id.get())
        }
        _ => None,
    };
    let is_client = |expr: &Expression<'_>| -> bool {
        let expr = expr.get_inner_expression();
        let span = expr.span();
        if span.start <= client_span.start && client_span.end <= span.end {
            return true;
        }
        let holds = |e: &Expression<'_>| stored.is_some() && ctx.symbol_of(e) == stored;
        match expr {
            Expression::CallExpression(call) => call
                .arguments
                .iter()
                .filter_map(|a| a.as_expression())
                .any(holds),
            other => holds(other),
        }
    };
    if let AstKind::ArrowFunctionExpression(f) = ctx.kind(function) {
        // An expression body is the value the arrow returns.
        if !matches!(f.body, oxc::ast::ast::ArrowFunctionBody::FunctionBody(_)) {
            return f.get_expression().is_some_and(&is_client);
        }
    }
    ctx.descendants(function).any(|n| match n.kind() {
        AstKind::ReturnStatement(r) if ctx.enclosing_function(n.id()) == Some(function) => {
            r.argument.as_ref().is_some_and(&is_client)
        }
        _ => false,
    })
}

/// The client is given credentials of its own (`credentials: { accessKeyId: event... }`, a
/// tenant's assumed role): such a client belongs to one request and is made per call on purpose.
fn has_own_credentials(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    let args = match ctx.kind(id) {
        AstKind::NewExpression(new) => &new.arguments,
        _ => return false,
    };
    ctx.object_arg(args, 0)
        .is_some_and(|config| property(config, "credentials").is_some())
}
