use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::sdk::{document_from, new_client};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/client-in-handler",
    severity: Severity::Error,
    summary: "an SDK client created inside a function instead of at module scope",
    docs: r#"## What it does
Flags an AWS SDK client (`new XClient(...)` of an `@aws-sdk/client-*` import, v2 `new AWS.X()`,
`DynamoDBDocumentClient.from(...)`) constructed inside any function body.

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
