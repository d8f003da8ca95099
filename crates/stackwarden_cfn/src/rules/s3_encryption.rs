use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/s3-encryption",
    severity: Severity::Warn,
    summary: "S3 bucket without a declared default encryption",
    docs: r#"## What it does
Flags an `AWS::S3::Bucket` with no `BucketEncryption.ServerSideEncryptionConfiguration`.

## Why
S3 has applied SSE-S3 (AES-256, S3-managed keys) to every new object in every bucket by default
since January 2023, so a bucket without `BucketEncryption` is encrypted at rest. What the rule asks
for is an explicit declaration: a setting someone reviewed, and a customer-managed KMS key where the
data requires one (audit trails of key use, key rotation you control, cross-account access control),
which S3 never picks by default. It is a warning for that reason; a team that requires KMS-encrypted
buckets sets `"cfn/s3-encryption" = "error"` under `[rules]`.

Precision: 0% on the classified real-world sample of bench/PRECISION.md (15 of 66 findings
classified, all debatable: plain buckets that S3 already encrypts with SSE-S3, where the declaration
changes nothing unless KMS is required), hence `warn`.

## Example
```yaml
Receipts:
  Type: AWS::S3::Bucket
  Properties: {}
```

## Fix
```yaml
Receipts:
  Type: AWS::S3::Bucket
  Properties:
    BucketEncryption:
      ServerSideEncryptionConfiguration:
        - ServerSideEncryptionByDefault:
            SSEAlgorithm: aws:kms
            KMSMasterKeyID: !Ref DataKey
```
In CDK: `new s3.Bucket(this, 'Receipts', { encryption: s3.BucketEncryption.KMS })` (or `S3_MANAGED`).
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx
        .template
        .resources()
        .filter(|r| r.type_name() == "AWS::S3::Bucket")
    {
        let rules = resource
            .property("BucketEncryption")
            .and_then(|e| e.get("ServerSideEncryptionConfiguration"));
        let declared = rules.is_some_and(|r| {
            r.as_intrinsic().is_some()
                || r.one_or_many().iter().any(|rule| {
                    rule.path(&["ServerSideEncryptionByDefault", "SSEAlgorithm"])
                        .is_some()
                })
        });
        if !declared {
            out.push(ctx.finding(
                &META,
                resource.id,
                resource.property_span("BucketEncryption"),
                format!(
                    "S3 bucket `{}` declares no default encryption (BucketEncryption): S3 applies SSE-S3 to it (the default since January 2023), but nothing says so or asks for KMS",
                    resource.id
                ),
                "declare BucketEncryption.ServerSideEncryptionConfiguration: SSEAlgorithm `aws:kms` with a KMSMasterKeyID you control where the data requires KMS, else `AES256`; in CDK set `encryption: s3.BucketEncryption.KMS` or `S3_MANAGED`".into(),
            ));
        }
    }
}
