use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::cdk::statements;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/resource-star-comment",
    severity: Severity::Error,
    summary: "`resources: ['*']` in a PolicyStatement without a same-line comment saying why",
    docs: r#"## What it does
Flags a `'*'` entry in the `resources` of `new iam.PolicyStatement({...})` (or `Resource` of
`PolicyStatement.fromJson({...})`) that has no comment on the same line.

## Why
Some actions only work on `*` (`xray:PutTraceSegments`, `ec2:Describe*`); most do not. A
same-line comment records which case this is, so reviewers and the next editor do not widen a
statement by copy-paste.

Precision: 93% on the classified real-world sample of bench/PRECISION.md (14 true, 1 debatable of
15).

## Example
```ts
new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] });
```

## Fix
Scope it to ARNs, or say why it cannot be:
```ts
resources: ['*'], // X-Ray trace APIs do not support resource-level permissions
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for statement in statements(ctx) {
        for (value, span) in statement.resources(ctx) {
            if seen.contains(&span) {
                continue;
            }
            seen.push(span);
            if value != "*" || ctx.has_comment_on_line(ctx.line_of(span.start)) {
                continue;
            }
            out.push(ctx.finding(
                &META,
                span,
                "`resources: ['*']` without a comment on the same line saying why".into(),
                "scope the statement to resource ARNs, or add `// <why these actions need *>` on the same line",
            ));
        }
    }
}
