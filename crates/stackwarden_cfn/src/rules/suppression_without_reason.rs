use stackwarden_core::{RuleMeta, Severity};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "meta/suppression-without-reason",
    severity: Severity::Error,
    summary: "a suppression that gives no reason (and so suppresses nothing)",
    docs: r#"## What it does
Flags a suppression with no `reason` (or an empty one): a template resource's
`Metadata.stackwarden.ignore` entry, or a `// stackwarden-ignore RULE` comment without `: reason`.
Such a suppression does not suppress: the finding it aimed at is still reported.

## Why
A suppression is a decision someone made about a risk. Without the why, the next reader cannot
tell a considered exception from a silenced warning.

## Example
```yaml
Metadata:
  stackwarden:
    ignore:
      - rule: cfn/s3-versioning
```

## Fix
```yaml
      - rule: cfn/s3-versioning
        reason: scratch bucket, objects are rebuilt nightly from the warehouse
```
In CDK: `(bucket.node.defaultChild as CfnResource).addMetadata('stackwarden', { ignore: [{ rule, reason }] })`.
"#,
};
