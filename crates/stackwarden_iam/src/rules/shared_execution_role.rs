//! Checked where the template is (`stackwarden_cfn::policies`).

use stackwarden_core::{RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "iam/shared-execution-role",
    severity: Severity::Warn,
    summary: "two or more Lambda functions of a stack share one execution role",
    docs: r#"## What it does
Flags an execution role (an `AWS::IAM::Role` referenced by `Ref` or `Fn::GetAtt ... .Arn`, or a
literal role ARN) used as the `Role` of two or more `AWS::Lambda::Function` or
`AWS::Serverless::Function` resources of one template. The finding is on each function after
the first.

## Why
A shared role holds the union of what every function needs: the order-reading function can also
delete payments. One role per function keeps each function to its own least privilege, and makes
CloudTrail say which function did what.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true).

## Example
```yaml
ReadOrders:
  Type: AWS::Lambda::Function
  Properties: { Role: !GetAtt LambdaRole.Arn, ... }
DeletePayments:
  Type: AWS::Lambda::Function
  Properties: { Role: !GetAtt LambdaRole.Arn, ... }
```

## Fix
Give each function its own role (the CDK default when `role` is not passed; SAM creates one per
function when `Role` is omitted and `Policies` is used).
"#,
};
