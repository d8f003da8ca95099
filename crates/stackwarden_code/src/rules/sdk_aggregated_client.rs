use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::sdk::{document_from, new_client, ClientKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/sdk-aggregated-client",
    severity: Severity::Warn,
    summary: "the v3 aggregated client (`new S3()`, `s3.putObject()`) instead of `client.send(new XCommand())`",
    docs: r#"## What it does
Flags `new S3()`, `new DynamoDB()` (any class of an `@aws-sdk/client-*` package that is not an
`XClient`, command or exception) and `DynamoDBDocument` from `@aws-sdk/lib-dynamodb` (`new
DynamoDBDocument(...)` or `DynamoDBDocument.from(client)`).

## Why
The aggregated client imports every operation of the service, so bundles and cold starts grow;
the bare client with commands tree-shakes down to the operations used.

Precision: 60% on the classified real-world sample of bench/PRECISION.md (9 true, 2 false, 4
debatable: test helpers, a container app, a minified build output). A warning for that reason.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/sdk-aggregated-client" = "warn"`) or `--select code/sdk-aggregated-client` names it.

## Example
```ts
import { S3 } from '@aws-sdk/client-s3';
const s3 = new S3({});
await s3.putObject({ Bucket, Key, Body });
```

## Fix
```ts
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({ requestHandler: { requestTimeout: 3_000 } });
await s3.send(new PutObjectCommand({ Bucket, Key, Body }));
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let (client, span, how) = match node.kind() {
            AstKind::NewExpression(new) => match new_client(ctx, new) {
                Some(c) if c.kind == ClientKind::V3Aggregated => (c, new.span, "new "),
                _ => continue,
            },
            // `DynamoDBDocument.from(client)` makes the aggregated document client too.
            AstKind::CallExpression(call) => match document_from(ctx, call) {
                Some(c) if c.name == "DynamoDBDocument" => (c, call.span, ""),
                _ => continue,
            },
            _ => continue,
        };
        let shown = if how.is_empty() {
            format!("`{}.from()`", client.name)
        } else {
            format!("`new {}()`", client.name)
        };
        out.push(ctx.finding(
            &META,
            span,
            format!("{shown} is the aggregated v3 client, which bundles every operation of the service"),
            if client.name == "DynamoDBDocument" {
                "use `DynamoDBDocumentClient.from(new DynamoDBClient(...))` and `documents.send(new PutCommand(...))` (commands from @aws-sdk/lib-dynamodb)".to_string()
            } else {
                format!("use `new {}Client(...)` and `client.send(new <Operation>Command(...))`", client.name)
            },
        ));
    }
}
