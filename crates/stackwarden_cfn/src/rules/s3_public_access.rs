use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/s3-public-access",
    severity: Severity::Error,
    summary: "S3 bucket without all four PublicAccessBlock flags true",
    docs: r#"## What it does
Flags an `AWS::S3::Bucket` whose `PublicAccessBlockConfiguration` is missing or sets any of
`BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls`, `RestrictPublicBuckets` to anything but
`true`. The finding points at the flag that is off, or at the bucket when the block is missing.
A `!Ref` to a template parameter is judged by the parameter's `Default` (what a deploy without
overrides gets); a parameter without a default, `Fn::If` and imports are decided at deploy time
and left alone.

## Why
A bucket is made public by one ACL or one policy statement. With all four flags on, neither can
take effect, whatever a later change writes.

## Example
```yaml
Reports:
  Type: AWS::S3::Bucket
  Properties:
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      BlockPublicPolicy: false
```

## Fix
```yaml
    PublicAccessBlockConfiguration:
      BlockPublicAcls: true
      BlockPublicPolicy: true
      IgnorePublicAcls: true
      RestrictPublicBuckets: true
```
In CDK: `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL`. Serve public content through
CloudFront with origin access control instead.
"#,
};

const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];
const HELP: &str = "set all four PublicAccessBlockConfiguration flags (BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets) to true; in CDK `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL`; serve public content through CloudFront with origin access control";

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx
        .template
        .resources()
        .filter(|r| r.type_name() == "AWS::S3::Bucket")
    {
        let Some(block) = resource.property("PublicAccessBlockConfiguration") else {
            out.push(ctx.finding(
                &META,
                resource.id,
                resource.type_span(),
                format!(
                    "S3 bucket `{}` has no PublicAccessBlockConfiguration",
                    resource.id
                ),
                HELP.into(),
            ));
            continue;
        };
        if block.as_intrinsic().is_some() {
            continue; // decided at deploy time (Fn::If, ...): not ours to guess
        }
        let off: Vec<&str> = FLAGS
            .iter()
            .copied()
            .filter(|flag| {
                !block.get(flag).is_some_and(|v| {
                    ctx.template
                        .default_value(v)
                        .is_none_or(|d| d.node.is_true())
                })
            })
            .collect();
        if off.is_empty() {
            continue;
        }
        let span = block.as_map().and_then(|m| m.entry(off[0])).map_or_else(
            || resource.property_span("PublicAccessBlockConfiguration"),
            |(k, _)| k.span,
        );
        out.push(ctx.finding(
            &META,
            resource.id,
            span,
            format!(
                "S3 bucket `{}` does not block public access: {} not true",
                resource.id,
                off.join(", ")
            ),
            HELP.into(),
        ));
    }
}
