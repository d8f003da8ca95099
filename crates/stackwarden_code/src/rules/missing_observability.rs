use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::imports::loads_through_local;
use crate::sdk::is_powertools_logger;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/missing-observability",
    severity: Severity::Warn,
    summary: "a handler without the Powertools logger, or `console.log` in a handler",
    docs: r#"## What it does
Flags a Lambda handler module (one that exports `handler`) that does not load
`@aws-lambda-powertools/logger`, and each `console.log/info/debug` call in code the handler runs.
The logger counts when it comes through the project's own modules: a shared module that builds
it (`import { logger } from '../../lib/observability'`, followed a few modules deep) or a
package.json subpath import (`#powertools`, mapped by `imports` in package.json to a file
or naming the Powertools package).

## Why
Structured JSON logs with the request id, cold-start flag and service name are what make a
failure searchable in CloudWatch; `console.log` lines are unstructured and uncorrelated.

Precision: 73% on the classified real-world sample of bench/PRECISION.md (11 true, 1 false, 3
debatable: docs snippets whose handler logs nothing, a Twilio Functions handler). A warning for that
reason.

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
    if !loads_through_local(ctx, is_powertools_logger) {
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
