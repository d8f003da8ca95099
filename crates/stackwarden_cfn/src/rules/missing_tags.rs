use stackwarden_core::{Finding, Node, RuleMeta, Severity, Value};

use crate::context::TemplateContext;
use crate::data::tag_property;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/missing-tags",
    severity: Severity::Error,
    summary: "taggable resource lacking a required tag",
    docs: r#"## What it does
Flags a resource whose type takes tags (per the CloudFormation resource schemas and the SAM
specification, generated into data/taggable-resource-types.tsv) but that lacks one of the tags in
`[tags] required`. Tags set on the stack (CDK `Tags.of(stack)`, `aws:cdk:stack-tags`) and SAM
`Globals` count. Tags built by an intrinsic function (`Fn::If`) are not judged.

## Why
Cost allocation, ownership and incident routing all read tags. A resource without them is one
nobody can attribute or clean up.

Precision: 95% on the classified real-world sample of bench/PRECISION.md, judged under the default
tag policy (21 true, 1 false: a generated Annotations template).

## Example
```yaml
Queue:
  Type: AWS::SQS::Queue
  Properties:
    Tags:
      - Key: Project
        Value: orders
```

## Fix
Add the missing keys to the resource's `Tags`, or once for the whole app in CDK:
`Tags.of(app).add('CostCenter', 'cc-1042')`.
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    let required = &ctx.config.required_tags;
    if required.is_empty() {
        return;
    }
    let stack_tags: Vec<&str> = ctx
        .stack
        .map(|s| s.tags.iter().map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    for resource in ctx.template.resources() {
        let type_name = resource.type_name();
        let Some(property) = tag_property(type_name) else {
            continue;
        };
        let present = match resource.property(property) {
            Some(tags) => match tag_keys(tags) {
                Some(keys) => keys,
                None => continue, // computed at deploy time
            },
            None => Vec::new(),
        };
        let missing: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|tag| !present.iter().any(|p| p == tag) && !stack_tags.contains(tag))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let example = missing
            .iter()
            .map(|t| format!("{{Key: {t}, Value: ...}}"))
            .collect::<Vec<_>>()
            .join(", ");
        let finding = ctx.finding(
            &META,
            resource.id,
            resource.property_span(property),
            format!(
                "{type_name} `{}` lacks required tag{}: {}",
                resource.id,
                plural(missing.len()),
                missing.join(", ")
            ),
            format!(
                "add {property}: [{example}] to the resource, or tag the whole app once in CDK: {}",
                missing
                    .iter()
                    .map(|t| format!("Tags.of(app).add('{t}', '...')"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        // In a CDK app one `Tags.of(app)` call tags every resource of every stack: one mistake.
        // A plain template's resources are tagged one by one (or by the deploy command).
        out.push(match ctx.stack {
            Some(_) => finding.caused_by(missing_cause(ctx, &missing)),
            None => finding,
        });
    }
}

/// One missing tag set is one mistake per CDK app: its cloud assembly's folder.
fn missing_cause(ctx: &TemplateContext<'_>, missing: &[&str]) -> String {
    let app = ctx.path.parent().unwrap_or(ctx.path);
    format!("{} in {}", missing.join(", "), app.display())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The tag keys written in a tag property: a `[{Key, Value}]` list, a `{key: value}` map (SAM,
/// SSM), or `TagSpecifications`-style lists of `{Tags: [...]}`. `None` when an intrinsic
/// decides them.
fn tag_keys(node: &Node) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    match &node.value {
        Value::Seq(items) => {
            for item in items {
                if let Some(key) = item.get("Key") {
                    keys.push(key.as_scalar()?.into_owned());
                } else if let Some(inner) = item.get("Tags") {
                    keys.extend(tag_keys(inner)?);
                } else if item.as_intrinsic().is_some() {
                    return None;
                }
            }
        }
        Value::Map(map) => keys.extend(map.iter().map(|(k, _)| k.name.to_string())),
        Value::Intrinsic(_) => return None,
        _ => {}
    }
    Some(keys)
}
