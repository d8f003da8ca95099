use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/s3-public-access",
    severity: Severity::Error,
    summary: "S3 bucket whose template weakens S3's public-access block",
    docs: r#"## What it does
Flags an `AWS::S3::Bucket` whose template asks for public access, in one of three ways:
- a `PublicAccessBlockConfiguration` that sets `BlockPublicAcls`, `BlockPublicPolicy`,
  `IgnorePublicAcls` or `RestrictPublicBuckets` to anything but `true`, or leaves one out (a flag
  the block does not name is deployed as `false`); the finding points at that flag;
- a public canned ACL: `AccessControl: PublicRead`, `PublicReadWrite` or `AuthenticatedRead`;
- a `WebsiteConfiguration` (S3 static website hosting, which serves objects publicly) on a bucket
  with no `PublicAccessBlockConfiguration`, unless the template's bucket policies for it grant
  only to named principals (a CloudFront origin access identity reads it; the website setting is
  then left over). A bucket reported for its ACL is not reported again for its website.

A plain bucket with no `PublicAccessBlockConfiguration` is not reported: S3 has blocked public
access on every new bucket by default since April 2023, so adding the block to it changes nothing.
A `!Ref` to a template parameter is judged by the parameter's `Default` (what a deploy without
overrides gets); a parameter without a default, `Fn::If` and imports are decided at deploy time
and left alone.

## Why
A bucket is made public by one ACL or one policy statement. With all four flags on, neither can
take effect, whatever a later change writes; a template that turns a flag off, grants a public
ACL or hosts a website is where a bucket becomes public.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (5 of 5 true: a
`PublicRead` ACL on a website bucket, website buckets with a `Principal: "*"` policy). Before the
narrowing above all 59 findings were plain buckets, debatable since S3's own default blocks public
access.

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
CloudFront with origin access control instead of a public ACL or S3 website hosting.
"#,
};

const FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];
/// Canned ACLs that grant read (or write) to everyone or to every AWS account.
const PUBLIC_ACLS: [&str; 3] = ["PublicRead", "PublicReadWrite", "AuthenticatedRead"];
const HELP: &str = "set all four PublicAccessBlockConfiguration flags (BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets) to true; in CDK `blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL`; serve public content through CloudFront with origin access control";
const ACL_HELP: &str = "remove the public AccessControl (keep ObjectOwnership BucketOwnerEnforced, which disables ACLs) and serve public content through CloudFront with origin access control";
const WEBSITE_HELP: &str = "serve the site through CloudFront with origin access control from a private bucket (all four PublicAccessBlockConfiguration flags true) instead of S3 website hosting; if the bucket must be public, say so in a suppression with the reason";

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx
        .template
        .resources()
        .filter(|r| r.type_name() == "AWS::S3::Bucket")
    {
        let public_acl = resource
            .property("AccessControl")
            .and_then(|acl| ctx.template.default_value(acl))
            .and_then(|d| d.node.as_str().map(|name| (name, d)))
            .filter(|(name, _)| PUBLIC_ACLS.contains(name));
        if let Some((name, value)) = public_acl {
            out.push(ctx.finding(
                &META,
                resource.id,
                resource.property_span("AccessControl"),
                format!(
                    "S3 bucket `{}` grants the public canned ACL `{name}`{}",
                    resource.id,
                    value.origin()
                ),
                ACL_HELP.into(),
            ));
        }
        let Some(block) = resource.property("PublicAccessBlockConfiguration") else {
            // A plain bucket is private by S3's default (since April 2023); a website is meant
            // to be read by everyone, unless the bucket's policy grants only to named principals
            // (a CloudFront origin access identity: the website setting is left over).
            if public_acl.is_none()
                && resource.property("WebsiteConfiguration").is_some()
                && !policies_grant_only_named(ctx, resource.id)
            {
                out.push(ctx.finding(
                    &META,
                    resource.id,
                    resource.property_span("WebsiteConfiguration"),
                    format!(
                        "S3 bucket `{}` hosts a website (WebsiteConfiguration) without a PublicAccessBlockConfiguration",
                        resource.id
                    ),
                    WEBSITE_HELP.into(),
                ));
            }
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

/// Whether the template holds a bucket policy for `bucket` (`Bucket: !Ref <bucket>`) and none of
/// the policies for it allows everyone (`Principal: "*"` or `{AWS: "*"}`).
fn policies_grant_only_named(ctx: &TemplateContext<'_>, bucket: &str) -> bool {
    let policies: Vec<_> = ctx
        .template
        .resources()
        .filter(|r| r.type_name() == "AWS::S3::BucketPolicy")
        .filter(|r| {
            r.property("Bucket")
                .and_then(|b| b.as_intrinsic())
                .is_some_and(|i| i.name == "Ref" && i.arg.as_str() == Some(bucket))
        })
        .collect();
    !policies.is_empty()
        && policies.iter().all(|policy| {
            let statements = policy
                .property("PolicyDocument")
                .and_then(|d| d.get("Statement"))
                .map(|s| s.one_or_many())
                .unwrap_or_default();
            statements.iter().all(|statement| {
                statement.get("Effect").and_then(|e| e.as_str()) == Some("Deny")
                    || statement.get("Principal").is_some_and(|p| !is_everyone(p))
            })
        })
}

/// `"*"`, or `{AWS: "*"}` (also in a list): a principal that is everyone.
fn is_everyone(principal: &stackwarden_core::Node) -> bool {
    if principal.as_str() == Some("*") {
        return true;
    }
    principal.as_map().is_some_and(|m| {
        m.iter()
            .any(|(_, v)| v.one_or_many().iter().any(|p| p.as_str() == Some("*")))
    })
}
