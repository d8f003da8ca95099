use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{has_spread, object_arg, property, SourceContext};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/put-without-condition",
    severity: Severity::Warn,
    summary: "DynamoDB PutCommand/PutItemCommand without ConditionExpression",
    docs: r#"## What it does
Flags `new PutCommand({...})` (`@aws-sdk/lib-dynamodb`) and `new PutItemCommand({...})`
(`@aws-sdk/client-dynamodb`) whose input object has no `ConditionExpression`. Inputs built
elsewhere or spread from another object are not judged.

## Why
An unconditional put silently overwrites an existing item: a retried event or a duplicate
delivery replaces data instead of failing.

## Example
```ts
await documents.send(new PutCommand({ TableName, Item: { pk: id, total } }));
```

## Fix
```ts
await documents.send(new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }));
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let AstKind::NewExpression(new) = node.kind() else {
            continue;
        };
        let Some(name) = ctx.imported_name(&new.callee, |m| {
            matches!(m, "@aws-sdk/lib-dynamodb" | "@aws-sdk/client-dynamodb")
        }) else {
            continue;
        };
        if !matches!(name, "PutCommand" | "PutItemCommand") {
            continue;
        }
        let Some(input) = object_arg(&new.arguments, 0) else {
            continue;
        };
        if has_spread(input) || property(input, "ConditionExpression").is_some() {
            continue;
        }
        out.push(ctx.finding(
            &META,
            new.span,
            format!("`{name}` has no ConditionExpression, so it overwrites any existing item"),
            "add ConditionExpression: 'attribute_not_exists(pk)' (or a version check) so a retry cannot overwrite data",
        ));
    }
}
