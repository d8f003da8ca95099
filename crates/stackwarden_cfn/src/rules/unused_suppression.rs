use stackwarden_core::{RuleMeta, Severity};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "meta/unused-suppression",
    severity: Severity::Warn,
    summary: "a suppression that suppresses nothing",
    docs: r#"## What it does
Flags a suppression (with a reason) whose rule produced no finding on that resource or line, or
that names no rule at all. Suppressions of rules that are turned off or not selected in this run
are not reported.

## Why
Stale suppressions hide the next real finding of the same rule and mislead readers about what is
risky.

## Example
```yaml
Metadata:
  stackwarden:
    ignore:
      - rule: cfn/s3-encryption
        reason: legacy bucket
```
on a bucket that now declares its encryption.

## Fix
Delete the entry.
"#,
};
