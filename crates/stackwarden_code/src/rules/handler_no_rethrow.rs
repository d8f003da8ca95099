use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::catches::catch_facts;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/handler-no-rethrow",
    severity: Severity::Warn,
    summary: "a Lambda handler's catch that logs but does not rethrow",
    docs: r#"## What it does
In a Lambda handler (the exported `handler`, directly or through a wrapper such as
`makeIdempotent(fn)` or middy, and the functions of the same file it calls), flags a `catch` that
logs the error but neither rethrows it, nor hands it on (`callback(error)`, `reject(error)`), nor
turns it into a failure the caller sees. Reporting the failure is handling, so these are fine: an
error response (`return { statusCode: 500, ... }`, `res.status(500)`, an error payload such as
`{ error: ... }` or `success: false`, or a helper of the same file that builds one), a batch item failure (`batchItemFailures.push({ itemIdentifier })`), a custom
resource's `FAILED` sent to CloudFormation, an authorizer's `Deny` policy, a Step Functions task
failure, `process.exit(1)`.
Functions the handler passes by reference (`Promise.all(records.map(processRecord))`) and
methods of classes of the same file (`repo.save()` with `const repo = new Repo()`) are followed.

## Why
When the handler returns normally, Lambda counts the invocation as a success: asynchronous and
stream events are not retried, DLQs and failure destinations never see it, and alarms on errors
stay silent. Logging alone does not make the failure visible to the platform.

Precision: 67% on the classified real-world sample of bench/PRECISION.md (10 true, 2 false, 3
debatable of 15: a helper that parses an optional attribute with a fallback, error payloads returned
to a caller). It is off by default until it reaches 90%.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/handler-no-rethrow" = "warn"`) or `--select code/handler-no-rethrow` names it.

## Example
```ts
export const handler = async (event) => {
  try {
    await process(event);
  } catch (error) {
    logger.error('failed', { error });
  }
};
```

## Fix
Rethrow after logging (`throw error;`), return a batch item failure for that record, or return an
error response:
```ts
} catch (error) {
  logger.error('failed', { error });
  return { statusCode: 500, body: JSON.stringify({ message: 'internal error' }) };
}
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    if !ctx.handler.is_handler_module() {
        return;
    }
    for node in ctx.nodes() {
        let AstKind::CatchClause(clause) = node.kind() else {
            continue;
        };
        if !ctx.handler.in_handler(ctx, node.id()) {
            continue;
        }
        let facts = catch_facts(ctx, clause);
        if facts.logs && !facts.rethrows && !facts.reports_failure {
            out.push(ctx.finding(
                &META,
                clause.span,
                "this catch in the Lambda handler logs the error but does not rethrow it, so the invocation counts as a success".into(),
                "add `throw error;` after logging so Lambda retries and alarms see the failure",
            ));
        }
    }
}
