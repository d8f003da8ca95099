use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use oxc::ast::ast::{Expression, ObjectExpression, ObjectPropertyKind};

use crate::context::{callee_name, has_spread, object_arg, property, SourceContext};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/put-without-condition",
    severity: Severity::Warn,
    summary: "DynamoDB PutCommand/PutItemCommand without ConditionExpression",
    docs: r#"## What it does
Flags `new PutCommand({...})` (`@aws-sdk/lib-dynamodb`) and `new PutItemCommand({...})`
(`@aws-sdk/client-dynamodb`) whose input object has no `ConditionExpression`. Inputs built
elsewhere or spread from another object are not judged, nor an item keyed by an id made for it
(`randomUUID()`, `uuid.v4()`, `ulid()`, directly or through a constant), which cannot overwrite
anything.

Precision: not measured (2 findings in the sweep of bench/PRECISION.md, both debatable: puts whose
overwrite is intended). A warning.

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
        if has_spread(input)
            || property(input, "ConditionExpression").is_some()
            || has_fresh_key(ctx, input)
        {
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

/// Generators of a new unique id: an item keyed by one cannot overwrite anything.
const ID_GENERATORS: &[&str] = &[
    "randomUUID",
    "uuid",
    "v4",
    "uuidv4",
    "v7",
    "ulid",
    "nanoid",
    "createId",
];

/// The `Item` (or `marshall({...})` of it) holds a value made by an id generator, directly or
/// through a constant (`const id = randomUUID()`).
fn has_fresh_key(ctx: &SourceContext<'_, '_>, input: &ObjectExpression<'_>) -> bool {
    let Some(item) = property(input, "Item") else {
        return false;
    };
    let item = match ctx.value_of(item).get_inner_expression() {
        Expression::CallExpression(call) => {
            match call.arguments.first().and_then(|a| a.as_expression()) {
                Some(arg) => ctx.value_of(arg),
                None => return false,
            }
        }
        other => other,
    };
    let Expression::ObjectExpression(item) = item.get_inner_expression() else {
        return false;
    };
    item.properties.iter().any(|p| {
        let ObjectPropertyKind::ObjectProperty(p) = p else {
            return false;
        };
        is_generated_id(ctx, &p.value)
    })
}

fn is_generated_id(ctx: &SourceContext<'_, '_>, value: &Expression<'_>) -> bool {
    match ctx.value_of(value).get_inner_expression() {
        Expression::CallExpression(call) => {
            callee_name(&call.callee).is_some_and(|n| ID_GENERATORS.contains(&n))
        }
        // `{ S: randomUUID() }` in the low-level attribute-value form.
        Expression::ObjectExpression(o) => o.properties.iter().any(|p| {
            matches!(p, ObjectPropertyKind::ObjectProperty(p) if is_generated_id(ctx, &p.value))
        }),
        _ => false,
    }
}
