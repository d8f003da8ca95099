use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::sdk::{mutating_command, mutating_method};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-idempotency",
    severity: Severity::Error,
    summary: "a handler that mutates state without Powertools idempotency",
    docs: r#"## What it does
Flags an exported Lambda `handler` that reaches a state-changing AWS call (DynamoDB
Put/Update/Delete/BatchWrite/TransactWrite, S3 PutObject/DeleteObject/CopyObject, SQS
SendMessage(Batch), SNS Publish, EventBridge PutEvents, Step Functions StartExecution; commands and
v2/aggregated method forms) — directly or through functions of the same file — without Powertools
idempotency (`makeIdempotent`, the `makeHandlerIdempotent` middy middleware, `@idempotent`).
Calls made in other files are not followed.

## Why
Lambda delivers events at least once: retries, redrives and duplicate deliveries run the handler
again, and a non-idempotent write charges twice, sends twice or overwrites.

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
    if ctx.handler.exports.iter().all(|e| e.idempotent) {
        return;
    }
    for node in ctx.nodes() {
        let (operation, span) = match node.kind() {
            AstKind::NewExpression(new) => match mutating_command(ctx, new) {
                Some(op) => (op, new.span),
                None => continue,
            },
            AstKind::CallExpression(call) => match mutating_method(ctx, call) {
                Some(op) => (op, call.span),
                None => continue,
            },
            _ => continue,
        };
        if !ctx.handler.in_handler_uncovered(ctx, node.id()) {
            continue;
        }
        out.push(ctx.finding(
            &META,
            export.span,
            format!(
                "the handler reaches {operation} (line {}) without Powertools idempotency, so a retried event repeats it",
                ctx.line_of(span.start)
            ),
            "wrap the handler with makeIdempotent(fn, { persistenceStore }) from @aws-lambda-powertools/idempotency (or the makeHandlerIdempotent middy middleware)",
        ));
        return;
    }
}
