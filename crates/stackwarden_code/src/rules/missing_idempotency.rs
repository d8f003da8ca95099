use std::path::Path;

use oxc::ast::ast::{ImportDeclarationSpecifier, ModuleExportName};
use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{property, SourceContext};
use crate::handler::HandlerFacts;
use crate::imports::{direct_mutation, imported_mutation, local_calls};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-idempotency",
    severity: Severity::Warn,
    summary: "a handler that mutates state without Powertools idempotency",
    docs: r#"## What it does
Flags an exported Lambda `handler` that reaches a state-changing AWS call (DynamoDB
Put/Update/BatchWrite/TransactWrite, S3 PutObject/CopyObject, SQS
SendMessage(Batch), SNS Publish, EventBridge PutEvents, Step Functions StartExecution; commands and
v2/aggregated method forms) — directly, through functions of the same file, or through functions
it imports from local modules (`import { save } from './store'`, followed a few modules deep),
methods of classes (`const repo = new OrderRepo(); ... repo.remove(id)`, the class in the same
file or imported from a local module) and functions passed by reference
(`records.map(processRecord)`) —
without Powertools idempotency (`makeIdempotent`, the `makeHandlerIdempotent` middy middleware,
`@idempotent`). Packages and path aliases are not followed.

Not reported: deletes (DynamoDB Delete, S3 DeleteObject(s): deleting twice leaves the same state),
and a handler that answers a synchronous HTTP request — it builds a response with `statusCode`, or
the file imports an API Gateway, ALB or function URL event type from `aws-lambda`
(`APIGatewayProxyEvent`, `APIGatewayProxyHandlerV2`, `ALBEvent`, `LambdaFunctionURLEvent`...):
Lambda does not retry a synchronous invocation, the caller decides whether to repeat it.

## Why
Lambda delivers asynchronous and event-source events at least once: retries, redrives and
duplicate deliveries run the handler again, and a non-idempotent write charges twice, sends twice
or overwrites.

Precision: 7% on the classified real-world sample of bench/PRECISION.md after the narrowing above
(58 findings; 15 classified: 1 true, 14 debatable: puts keyed by a value of the event, which a
repeat overwrites with the same item, and handlers a Bedrock agent or API Gateway invokes
synchronously without saying so in a type). Whether a write needs an idempotency record depends on
what the write is, which the code does not say. It is a warning for that reason: a reminder to
decide, not a defect.

## Example
```ts
export const handler = async (event) => {
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
};
```

## Fix
```ts
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
export const handler = makeIdempotent(processEvent, { persistenceStore });
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    let Some(export) = ctx.handler.exports.first() else {
        return;
    };
    if ctx.handler.exports.iter().all(|e| e.idempotent) || answers_http(ctx, &ctx.handler) {
        return;
    }
    let help = "wrap the handler with makeIdempotent(fn, { persistenceStore }) from @aws-lambda-powertools/idempotency (or the makeHandlerIdempotent middy middleware)";
    if let Some((operation, span)) = direct_mutation(ctx, &ctx.handler) {
        out.push(ctx.finding(
            &META,
            export.span,
            format!(
                "the handler reaches {operation} (line {}) without Powertools idempotency, so a retried event repeats it",
                ctx.line_of(span.start)
            ),
            help,
        ));
        return;
    }
    let dir = ctx.path.parent().unwrap_or(Path::new(""));
    for (specifier, name) in local_calls(ctx, &ctx.handler) {
        let Some(found) = imported_mutation(dir, specifier, &name, ctx.config) else {
            continue;
        };
        // The followed path is spelled without `./` parts, as the walk's may not be.
        let plain = |p: &'_ Path| {
            p.strip_prefix(".")
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.to_path_buf())
        };
        let (found_path, dir_path) = (plain(&found.path), plain(dir));
        let shown = found_path.strip_prefix(&dir_path).unwrap_or(&found_path);
        out.push(ctx.finding(
            &META,
            export.span,
            format!(
                "the handler reaches {} ({}:{}) through `{name}` imported from '{specifier}', without Powertools idempotency, so a retried event repeats it",
                found.operation,
                shown.display(),
                found.line
            ),
            help,
        ));
        return;
    }
}

/// Event types of `aws-lambda` for synchronous HTTP invocations (API Gateway REST and HTTP APIs,
/// ALB, function URLs): Lambda does not retry these, the caller gets the error.
fn is_http_event_type(name: &str) -> bool {
    name.starts_with("APIGatewayProxy")
        || name.starts_with("LambdaFunctionURL")
        || matches!(
            name,
            "ALBEvent" | "ALBHandler" | "ALBResult" | "ALBCallback"
        )
}

/// Whether the handler answers a synchronous HTTP request: it builds an object with `statusCode`
/// (the API Gateway / ALB / function URL response shape), or the file imports one of their event
/// types from `aws-lambda`.
fn answers_http(ctx: &SourceContext<'_, '_>, facts: &HandlerFacts) -> bool {
    ctx.nodes().any(|node| match node.kind() {
        AstKind::ObjectExpression(object) => {
            property(object, "statusCode").is_some() && facts.in_handler(ctx, node.id())
        }
        AstKind::ImportDeclaration(decl) if decl.source.value == "aws-lambda" => {
            decl.specifiers.iter().flatten().any(|s| match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => match &s.imported {
                    ModuleExportName::IdentifierName(n) => is_http_event_type(&n.name),
                    ModuleExportName::IdentifierReference(n) => is_http_event_type(&n.name),
                    ModuleExportName::StringLiteral(n) => is_http_event_type(&n.value),
                },
                _ => false,
            })
        }
        _ => false,
    })
}
