use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::catches::catch_facts;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/swallowed-error",
    severity: Severity::Error,
    summary: "a catch block that neither rethrows nor logs",
    docs: r#"## What it does
Flags a `catch` whose body is empty or only assigns, with no `throw`, no call that hands the error
on (`reject(e)`, `callback(e)`) and no logging (a Powertools logger, `console.error/warn`, or a
project logger imported from an observability/logging module).

## Why
A swallowed error turns a failure into silent success: the Lambda reports OK, the event is not
retried, and nothing in the logs says why the data is missing.

## Example
```js
try {
  await s3.send(new PutObjectCommand(params));
} catch (e) {
  // ignored
}
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
        let AstKind::CatchClause(clause) = node.kind() else {
            continue;
        };
        let facts = catch_facts(ctx, clause);
        if facts.empty_or_assigns && !facts.rethrows && !facts.logs {
            let what = if clause.body.body.is_empty() {
                "is empty"
            } else {
                "only assigns"
            };
            out.push(ctx.finding(
                &META,
                clause.span,
                format!("this catch block {what}: the error is neither rethrown nor logged"),
                "log the error (Powertools logger or console.error) and rethrow it, or handle it explicitly",
            ));
        }
    }
}
