use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{module_loads, SourceContext};
use crate::sdk::is_powertools_logger;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-observability",
    severity: Severity::Warn,
    summary: "a handler without the Powertools logger, or `console.log` in a handler",
    docs: r#"## What it does
Flags a Lambda handler module (one that exports `handler`) that does not load
`@aws-lambda-powertools/logger`, and each `console.log/info/debug` call in code the handler runs.

## Why
Structured JSON logs with the request id, cold-start flag and service name are what make a
failure searchable in CloudWatch; `console.log` lines are unstructured and uncorrelated.

## Example
```js
exports.handler = async (event) => {
  console.log('processing', event);
};
```

## Fix
```ts
import { Logger } from '@aws-lambda-powertools/logger';
const logger = new Logger();
export const handler = async (event) => { logger.info('processing', { event }); };
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    let Some(export) = ctx.handler.exports.first() else {
        return;
    };
    if !module_loads(ctx)
        .iter()
        .any(|(m, _)| is_powertools_logger(m))
    {
        out.push(ctx.finding(
            &META,
            export.span,
            "the handler module does not use the Powertools logger".into(),
            "create `const logger = new Logger()` from @aws-lambda-powertools/logger at module scope and log through it",
        ));
    }
    for node in ctx.nodes() {
        let AstKind::CallExpression(call) = node.kind() else {
            continue;
        };
        let Some(member) = call.callee.get_member_expr() else {
            continue;
        };
        let Some(method) = member
            .static_property_name()
            .filter(|m| matches!(*m, "log" | "info" | "debug"))
        else {
            continue;
        };
        if ctx.is_global(member.object(), "console") && ctx.handler.in_handler(ctx, node.id()) {
            out.push(ctx.finding(
                &META,
                call.span,
                format!("`console.{method}` in the Lambda handler writes an unstructured log line"),
                "log through the Powertools logger (`logger.info(message, { ...context })`)",
            ));
        }
    }
}
