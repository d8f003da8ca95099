use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/s3-encryption",
    severity: Severity::Error,
    summary: "S3 bucket without a declared default encryption",
    docs: r#"## What it does
Flags an `AWS::S3::Bucket` with no `BucketEncryption.ServerSideEncryptionConfiguration`.

## Why
S3 applies SSE-S3 to new objects by default, but an undeclared setting is one nobody reviewed:
the team's rule is that every bucket states its encryption, and data that needs a customer-managed
KMS key (audit trails, key rotation, cross-account access control) never gets one by default.

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
                format!("S3 bucket `{}` declares no default encryption (BucketEncryption)", resource.id),
                "add BucketEncryption.ServerSideEncryptionConfiguration with SSEAlgorithm `aws:kms` (and a KMSMasterKeyID you control) or `AES256`; in CDK set `encryption: s3.BucketEncryption.KMS` or `S3_MANAGED`".into(),
            ));
        }
    }
}
