use std::path::Path;

use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::imports::{direct_mutation, imported_mutation, local_calls};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-idempotency",
    severity: Severity::Error,
    summary: "a handler that mutates state without Powertools idempotency",
    docs: r#"## What it does
Flags an exported Lambda `handler` that reaches a state-changing AWS call (DynamoDB
Put/Update/Delete/BatchWrite/TransactWrite, S3 PutObject/DeleteObject/CopyObject, SQS
SendMessage(Batch), SNS Publish, EventBridge PutEvents, Step Functions StartExecution; commands and
v2/aggregated method forms) — directly, through functions of the same file, or through functions
it imports from local modules (`import { save } from './store'`, followed a few modules deep),
methods of classes (`const repo = new OrderRepo(); ... repo.remove(id)`, the class in the same
file or imported from a local module) and functions passed by reference
(`records.map(processRecord)`) —
without Powertools idempotency (`makeIdempotent`, the `makeHandlerIdempotent` middy middleware,
`@idempotent`). Packages and path aliases are not followed.

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
