use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;
use crate::data::runtime_lifecycle;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/lambda-runtime",
    severity: Severity::Error,
    summary: "Lambda runtime deprecated or outside project.node_runtime",
    docs: r#"## What it does
Flags the `Runtime` of an `AWS::Lambda::Function` or `AWS::Serverless::Function` (after SAM
`Globals`) that is deprecated as of today (dates from the Lambda runtime lifecycle data shipped in
cfn-lint, generated into data/lambda-runtimes.tsv), or a Node.js runtime that is not one of
`project.node_runtime` (default: nodejs22.x, nodejs24.x).

## Why
Deprecated runtimes stop receiving security patches, and Lambda later blocks creating and then
updating functions that use them. One agreed Node version keeps code, types and bundling uniform.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

## Example
```yaml
Fn:
  Type: AWS::Lambda::Function
  Properties:
    Runtime: nodejs16.x
```

## Fix
`Runtime: nodejs22.x` (CDK: `runtime: lambda.Runtime.NODEJS_22_X`), or add the runtime to
`project.node_runtime` in stackwarden.toml when the team adopts it.
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    let allowed = &ctx.config.node_runtimes;
    for resource in ctx.template.resources() {
        if !matches!(
            resource.type_name(),
            "AWS::Lambda::Function" | "AWS::Serverless::Function"
        ) {
            continue;
        }
        let Some(node) = resource.property("Runtime") else {
            continue;
        };
        let Some(runtime) = node.as_str() else {
            continue;
        };
        let lifecycle = runtime_lifecycle(runtime);
        let deprecated_on = lifecycle
            .and_then(|l| l.deprecated)
            .filter(|date| *date <= ctx.today);
        let node_outside = runtime.starts_with("nodejs") && !allowed.iter().any(|a| a == runtime);
        let target = allowed.first().map(String::as_str).unwrap_or("nodejs22.x");
        let (message, help) = match (deprecated_on, node_outside) {
            (Some(date), _) => {
                let successor = if runtime.starts_with("nodejs") {
                    target
                } else {
                    lifecycle
                        .and_then(|l| l.successor)
                        .unwrap_or("a supported runtime")
                };
                (
                    format!(
                        "function `{}` uses runtime {runtime}, deprecated since {date}",
                        resource.id
                    ),
                    format!("use {successor}{}", cdk_hint(successor)),
                )
            }
            (None, true) => (
                format!(
                    "function `{}` uses runtime {runtime}, not one of project.node_runtime ({})",
                    resource.id,
                    allowed.join(", ")
                ),
                format!(
                    "use {target}{}, or add {runtime} to project.node_runtime in stackwarden.toml",
                    cdk_hint(target)
                ),
            ),
            (None, false) => continue,
        };
        out.push(ctx.finding(&META, resource.id, node.span, message, help));
    }
}

/// `nodejs22.x` → ` (CDK: lambda.Runtime.NODEJS_22_X)`.
fn cdk_hint(runtime: &str) -> String {
    match runtime
        .strip_prefix("nodejs")
        .and_then(|v| v.strip_suffix(".x"))
    {
        Some(version) => format!(" (CDK: lambda.Runtime.NODEJS_{version}_X)"),
        None => String::new(),
    }
}
