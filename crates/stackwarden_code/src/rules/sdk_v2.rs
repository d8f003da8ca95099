use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{module_loads, SourceContext};
use crate::package_json::PackageContext;
use crate::sdk::is_sdk_v2;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/sdk-v2",
    severity: Severity::Error,
    summary: "AWS SDK for JavaScript v2 (`aws-sdk`) imported, required or listed in package.json",
    docs: r#"## What it does
Flags `import ... from 'aws-sdk'`, `require('aws-sdk')`, `aws-sdk/clients/*` and dynamic imports of
them, and an `aws-sdk` entry in package.json dependencies (at the dependency's line).

## Why
SDK v2 is in maintenance mode and end-of-support; it is not in the Node.js 18+ Lambda runtimes, so
it must be bundled (megabytes of cold start), and it lacks the modular clients and middleware v3 has.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

## Example
```js
const AWS = require('aws-sdk');
const s3 = new AWS.S3();
```

## Fix
```ts
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({ requestHandler: { requestTimeout: 3_000 } });
await s3.send(new PutObjectCommand({ Bucket, Key, Body }));
```
"#,
};

const HELP: &str =
    "use the modular v3 clients (`@aws-sdk/client-<service>`) and `client.send(new XCommand(...))`";

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for (module, span) in module_loads(ctx) {
        if is_sdk_v2(module) {
            out.push(ctx.finding(&META, span, format!("`{module}` is the AWS SDK v2"), HELP));
        }
    }
}

pub(crate) fn check_package(ctx: &PackageContext<'_>, out: &mut Vec<Finding>) {
    for dep in ctx.dependencies.iter().filter(|d| is_sdk_v2(&d.name)) {
        out.push(ctx.finding(
            &META,
            dep,
            format!("{} lists `{}`, the AWS SDK v2", dep.section, dep.name),
            HELP,
        ));
    }
}
