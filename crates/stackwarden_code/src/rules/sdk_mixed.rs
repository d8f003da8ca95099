use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{module_loads, SourceContext};
use crate::package_json::PackageContext;
use crate::sdk::{is_sdk_v2, is_sdk_v3};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/sdk-mixed",
    severity: Severity::Warn,
    summary: "AWS SDK v2 and v3 used together in one package or file",
    docs: r#"## What it does
Flags a package.json that depends on both `aws-sdk` (v2) and `@aws-sdk/*` (v3), at the `aws-sdk`
line, and a source file that loads both.

## Why
Two SDKs mean two credential chains, two retry and timeout configurations and both bundles in every
cold start; a half-finished migration also hides which code paths still run on v2.

Precision: 67% on the classified real-world sample of bench/PRECISION.md (all 3 findings of the
sweep: 2 true, 1 debatable). It is a warning until a larger sample says otherwise.

## Example
```json
"dependencies": { "aws-sdk": "^2.1500.0", "@aws-sdk/client-s3": "^3.600.0" }
```

## Fix
Finish the migration: move the remaining v2 calls to `@aws-sdk/client-*` and remove `aws-sdk`.
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    let loads = module_loads(ctx);
    let Some(v3) = loads.iter().find(|(m, _)| is_sdk_v3(m)) else {
        return;
    };
    if let Some((v2, span)) = loads.iter().find(|(m, _)| is_sdk_v2(m)) {
        out.push(ctx.finding(
            &META,
            *span,
            format!("this file loads `{v2}` (SDK v2) and `{}` (SDK v3)", v3.0),
            "move the v2 calls to v3 clients so the file uses one SDK",
        ));
    }
}

pub(crate) fn check_package(ctx: &PackageContext<'_>, out: &mut Vec<Finding>) {
    let Some(v3) = ctx.dependencies.iter().find(|d| is_sdk_v3(&d.name)) else {
        return;
    };
    for dep in ctx.dependencies.iter().filter(|d| is_sdk_v2(&d.name)) {
        out.push(ctx.finding(
            &META,
            dep,
            format!(
                "the package depends on `{}` (SDK v2) and `{}` (SDK v3)",
                dep.name, v3.name
            ),
            "finish the migration to v3 and remove `aws-sdk`",
        ));
    }
}
