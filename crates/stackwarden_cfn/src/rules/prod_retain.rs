use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/prod-retain",
    severity: Severity::Error,
    summary: "stateful resource in a production stage that is deleted with its stack",
    docs: r#"## What it does
In a production stage, flags a stateful resource — S3 bucket, DynamoDB table, RDS instance or
cluster, EFS file system, KMS key, Cognito user pool, log group, and the other databases that
support snapshots — whose `DeletionPolicy` or `UpdateReplacePolicy` is not `Retain` (or `Snapshot`,
where the type supports it). The stage comes from `--stage`, the cdk.json context `stage`, the
stack name (`prod-orders`), a `Stage` parameter default, or a `Stage` stack tag; production stages
are `[stages] production`.

## Why
Without a retain policy, deleting the stack or a change that replaces the resource deletes the
data with it: one `cdk destroy` or one renamed property away from losing production data.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md (none names a
production stage).

## Example
```yaml
Orders:
  Type: AWS::DynamoDB::Table
  DeletionPolicy: Delete
```

## Fix
```yaml
Orders:
  Type: AWS::DynamoDB::Table
  DeletionPolicy: Retain
  UpdateReplacePolicy: Retain
```
In CDK: `removalPolicy: isProduction(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY`.
"#,
};

/// Types that hold data, and whether CloudFormation can snapshot them instead of retaining.
const STATEFUL: &[(&str, bool)] = &[
    ("AWS::S3::Bucket", false),
    ("AWS::DynamoDB::Table", false),
    ("AWS::DynamoDB::GlobalTable", false),
    ("AWS::Serverless::SimpleTable", false),
    ("AWS::RDS::DBInstance", true),
    ("AWS::RDS::DBCluster", true),
    ("AWS::DocDB::DBCluster", true),
    ("AWS::Neptune::DBCluster", true),
    ("AWS::Redshift::Cluster", true),
    ("AWS::ElastiCache::ReplicationGroup", true),
    ("AWS::EC2::Volume", true),
    ("AWS::EFS::FileSystem", false),
    ("AWS::KMS::Key", false),
    ("AWS::Cognito::UserPool", false),
    ("AWS::Logs::LogGroup", false),
];

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    let Some(stage) = ctx.stage.as_ref().filter(|s| s.production) else {
        return;
    };
    for resource in ctx.template.resources() {
        let Some(&(type_name, snapshot)) =
            STATEFUL.iter().find(|(t, _)| *t == resource.type_name())
        else {
            continue;
        };
        let keeps = |policy: &str, on_delete: bool| {
            policy == "Retain"
                || (on_delete && policy == "RetainExceptOnCreate")
                || (snapshot && policy == "Snapshot")
        };
        let map = resource.node.as_map();
        let deletion = map.and_then(|m| m.entry("DeletionPolicy"));
        let replace = map.and_then(|m| m.entry("UpdateReplacePolicy"));
        let mut problems = Vec::new();
        let mut span = resource.type_span();
        for (name, entry, on_delete) in [
            ("DeletionPolicy", deletion, true),
            ("UpdateReplacePolicy", replace, false),
        ] {
            match entry {
                Some((key, value)) => {
                    let Some(policy) = value.as_str() else {
                        continue;
                    };
                    if !keeps(policy, on_delete) {
                        problems.push(format!("{name} {policy}"));
                        if problems.len() == 1 {
                            span = key.span;
                        }
                    }
                }
                None => problems.push(format!("no {name}")),
            }
        }
        if problems.is_empty() {
            continue;
        }
        let keep = if snapshot {
            "Retain (or Snapshot)"
        } else {
            "Retain"
        };
        out.push(ctx.finding(
            &META,
            resource.id,
            span,
            format!(
                "{type_name} `{}` in production stage `{}` (from {}) has {}: deleting or replacing it destroys its data",
                resource.id,
                stage.name,
                stage.source.describe(),
                problems.join(" and ")
            ),
            format!(
                "set DeletionPolicy: {keep} and UpdateReplacePolicy: {keep}; in CDK `removalPolicy: isProduction(stage) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY`"
            ),
        ));
    }
}
