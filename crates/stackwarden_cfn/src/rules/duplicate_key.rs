//! `cfn/duplicate-key`: a key written twice in one mapping. The loaders record each one (with
//! the mapping's key path) and keep only the last value, as CloudFormation does; this rule turns
//! the record into a finding, so it is suppressed and configured like any other.

use stackwarden_core::{Finding, Location, RuleMeta, Severity};

use crate::context::TemplateContext;
use crate::load::DuplicateKey;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/duplicate-key",
    severity: Severity::Error,
    summary: "a key written twice in one mapping (CloudFormation silently keeps the last one)",
    docs: r#"## What it does
Flags a key that appears a second time in the same mapping of a template, YAML or JSON, at any
depth: two `BucketName` properties, two `Tags` blocks, two resources with one logical id, two
`Outputs` sections. The finding points at the later occurrence and names the line of the first.
The rest of the template is still checked, as CloudFormation would read it (the last value).

## Why
CloudFormation does not reject such a template: it deploys the last value and drops the earlier
one without a word. Whoever reads the template top-down sees the first value and believes it is
deployed; a copy-pasted resource with the same logical id silently replaces the original.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (5 of 5 true: `DependsOn`,
`MfaConfiguration`, `swagger`, `ManagedPolicyName` written twice).

## Example
```yaml
Resources:
  Reports:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
      BucketName: reports-archive
      VersioningConfiguration:
        Status: Suspended
```

## Fix
Delete the occurrence you do not mean, or merge the two into one:
```yaml
    Properties:
      BucketName: reports-archive
      VersioningConfiguration:
        Status: Enabled
```
For two resources that share a logical id, rename one of them.
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for duplicate in &ctx.template.duplicates {
        out.push(finding(ctx, duplicate));
    }
}

/// `Resources.Bucket.Properties.Tags[0]`.
fn dotted(path: &[String]) -> String {
    let mut text = String::new();
    for step in path {
        if !text.is_empty() && !step.starts_with('[') {
            text.push('.');
        }
        text.push_str(step);
    }
    text
}

fn finding(ctx: &TemplateContext<'_>, duplicate: &DuplicateKey) -> Finding {
    let DuplicateKey {
        name,
        span,
        first,
        path,
    } = duplicate;
    let (first, at) = (ctx.location(*first), ctx.location(*span));
    // Minified JSON puts both on line 1: then the column tells them apart.
    let first_at = if first.line == at.line {
        format!("line {}, column {}", first.line, first.column)
    } else {
        format!("line {}", first.line)
    };
    let (message, help) = if path.len() == 1 && path[0] == "Resources" {
        (
            format!(
                "resource `{name}` is declared twice (first at {first_at}); CloudFormation keeps only this last declaration and drops the first"
            ),
            format!(
                "rename one of the two `{name}` resources, or delete the one you do not mean (at {first_at} or here)"
            ),
        )
    } else {
        let within = if path.is_empty() {
            "at the top level of the template".to_string()
        } else {
            format!("in `{}`", dotted(path))
        };
        (
            format!(
                "`{name}` is written twice {within} (first at {first_at}); CloudFormation keeps only this last value and drops the first"
            ),
            format!(
                "delete the `{name}` you do not mean (at {first_at} or here), or merge the two into one"
            ),
        )
    };
    // A duplicate inside a resource belongs to it (so its Metadata suppressions apply); a
    // duplicated logical id belongs to the resource that is kept.
    let resource = match path.as_slice() {
        [top] if top == "Resources" => Some(name.as_str()),
        [top, id, ..] if top == "Resources" && !id.starts_with('[') => Some(id.as_str()),
        _ => None,
    };
    match resource {
        Some(resource) => ctx.finding(&META, resource, *span, message, help),
        None => Finding::new(
            &META,
            ctx.path.to_path_buf(),
            Location::new(at.line, at.column),
            message,
            help,
        ),
    }
}
