use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/s3-versioning",
    severity: Severity::Warn,
    summary: "S3 bucket without versioning enabled",
    docs: r#"## What it does
Flags an `AWS::S3::Bucket` whose `VersioningConfiguration.Status` is not `Enabled`.
A `!Ref` to a template parameter is judged by the parameter's `Default` (what a deploy without
overrides gets); a parameter without a default, `Fn::If` and imports are decided at deploy time
and left alone.

## Why
Without versioning an overwrite or a delete — by a bug, a bad deploy or an agent — loses the data
for good. Versioning (with a lifecycle rule to expire old versions) makes both recoverable.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true). A
warning: versioning costs storage, and not every bucket needs it.

## Example
```yaml
Receipts:
  Type: AWS::S3::Bucket
  Properties:
    VersioningConfiguration:
      Status: Suspended
```

## Fix
```yaml
    VersioningConfiguration:
      Status: Enabled
```
In CDK: `versioned: true`.
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx
        .template
        .resources()
        .filter(|r| r.type_name() == "AWS::S3::Bucket")
    {
        let status = resource
            .property("VersioningConfiguration")
            .and_then(|v| v.get("Status"));
        let mut help = String::new();
        let (span, what) = match status {
            Some(node) => {
                // A condition or import decides it at deploy time: not ours to guess.
                let Some(deployed) = ctx.template.default_value(node) else {
                    continue;
                };
                if deployed.node.as_str() == Some("Enabled") {
                    continue;
                }
                if let Some(parameter) = deployed.parameter {
                    help = format!("make parameter `{parameter}` default to `Enabled`, or ");
                }
                (
                    node.span,
                    format!(
                        "has versioning `{}`{}",
                        deployed.node.as_scalar().unwrap_or_default(),
                        deployed.origin()
                    ),
                )
            }
            None => (
                resource.property_span("VersioningConfiguration"),
                "does not enable versioning".to_string(),
            ),
        };
        out.push(ctx.finding(
            &META,
            resource.id,
            span,
            format!("S3 bucket `{}` {what}", resource.id),
            format!("{help}set VersioningConfiguration.Status: Enabled (CDK: `versioned: true`) and add a lifecycle rule that expires noncurrent versions"),
        ));
    }
}
