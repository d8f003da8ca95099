use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::aws_owned::{arn_requires_us_east_1, bootstrap_names, ArnParts};
use crate::context::TemplateContext;
use crate::literals::{parse_arn, property_literals, LiteralKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/hardcoded-arn",
    severity: Severity::Error,
    summary: "literal ARN where a reference belongs",
    docs: r#"## What it does
Flags a fully literal ARN in resource properties (`arn:aws:sns:eu-west-2:123456789012:topic`).
AWS-managed ARNs (account `aws`, such as `arn:aws:iam::aws:policy/...`), ARNs in an account listed
in `accounts.trusted`, ARNs in the account of a stack of the same CDK app (this one's, or
another's in a cross-environment reference) and ARNs with no account in the region a CDK stack
was synthesized for are fine. So are
the CDK bootstrap resources (`arn:aws:s3:::cdk-hnb659fds-assets-<account>-<region>`, the deploy
and publishing roles), which the CDK synthesizer writes from the stack's environment, and ARNs tied to
no account and no region (account and region empty or wildcards) that are patterns
(`arn:aws:logs:*:*:*`, `arn:aws:s3:::*-reports/*`), name what AWS offers in every region
(`arn:aws:bedrock:*::foundation-model/*`) or a Step Functions service integration
(`arn:aws:states:::sqs:sendMessage`), and ARNs whose account is a wildcard
(`arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole`: the same role in every account).
A Serverless Application Repository application id
(`arn:aws:serverlessrepo:us-east-1:451282441545:applications/aws-lambda-power-tuning`) is the
publisher's and must be written as published. `arn:aws:s3:::reports/*` (the objects of one bucket) is still reported.

An ARN in an account AWS owns (`data/aws-accounts.tsv`, generated from aws-cdk-lib's region
facts: `arn:aws:iam::127311923021:root`, the Elastic Load Balancing log delivery account of
us-east-1) is AWS's, and fine unless its region is written literally (then the fix keeps the
account). A Lambda layer ARN in another account than the stack's is a published layer (Powertools for AWS
Lambda, Lambda Insights, a vendor's): the account is the publisher's and stays. It is reported only
when its region is written literally (a function can only use a layer of its own region), with
the fix `arn:${AWS::Partition}:lambda:${AWS::Region}:<publisher>:layer:...`. Where AWS requires
`us-east-1` (see `cfn/hardcoded-region`: CloudFront's certificates, Lambda@Edge, WAFv2 of
CLOUDFRONT scope), the suggested fix keeps it.

## Why
A literal ARN ties the template to one account, region and resource: it breaks in every other
stage and silently keeps pointing at the old resource after a rename.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true, after
wildcard accounts and Serverless Application Repository ids stopped being reported; 21 findings in
the sweep).

## Example
```yaml
Environment:
  Variables:
    TOPIC_ARN: arn:aws:sns:eu-west-2:123456789012:reports-ready
```

## Fix
`TOPIC_ARN: !Ref ReportsTopic` for a resource of this stack; `!ImportValue` or a parameter for one
of another stack; `!Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:reports-ready`
when only the name is known. In CDK pass the construct (`topic.topicArn`).
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx.template.resources() {
        for literal in property_literals(&resource) {
            if literal.kind != LiteralKind::Plain {
                continue;
            }
            let Some(arn) = parse_arn(&literal.text) else {
                continue;
            };
            let aws_managed = arn.account == "aws";
            let allowed_account = !arn.account.is_empty()
                && (ctx.config.is_known_account(arn.account) || ctx.app_account(arn.account));
            // No account, and the region is the CDK stack's own: what CDK wrote for
            // `Stack.of(this).region` (`arn:aws:apigateway:<region>:dynamodb:action/GetItem`).
            // (API Gateway's integration ARNs have a service where the account stands.)
            let stack_region_only = !stackwarden_core::aws::is_account_id(arn.account)
                && !arn.region.is_empty()
                && ctx.stack_region() == Some(arn.region);
            let allowed_account = allowed_account || stack_region_only;
            // Names CDK writes, and what AWS offers in every region (no account, any region).
            let cdk_bootstrap = !bootstrap_names(&literal.text).is_empty();
            // Nothing in it is tied to one account or region: a pattern (`arn:aws:logs:*:*:*`,
            // `arn:aws:s3:::*-reports/*`), what AWS offers everywhere
            // (`arn:aws:bedrock:*::foundation-model/...`), or a Step Functions service
            // integration (`arn:aws:states:::sqs:sendMessage`), which AWS defines.
            let unplaced = (arn.account.is_empty() || arn.account.contains('*'))
                && (arn.region.is_empty() || arn.region.contains('*'));
            // An S3 ARN names one bucket unless the bucket part itself is a pattern.
            let pattern = match arn.service {
                "s3" => arn.resource.split('/').next().unwrap_or("").contains('*'),
                _ => arn.resource.contains('*'),
            };
            // A wildcard account (`arn:aws:iam::*:role/StackSetExecutionRole`) names the same
            // resource in every account: no one resource a reference could replace.
            let not_one_resource = unplaced
                && (arn.region.contains('*')
                    || arn.account.contains('*')
                    || pattern
                    || arn.service == "states");
            // A Serverless Application Repository application is named by its publisher's ARN
            // (`arn:aws:serverlessrepo:us-east-1:451282441545:applications/...`), which a
            // deploy must spell exactly, region and account included.
            let published_application = arn.service == "serverlessrepo"
                && arn.resource.starts_with("applications/")
                && ctx.config.stage_of_account(arn.account).is_none();
            if aws_managed
                || allowed_account
                || cdk_bootstrap
                || not_one_resource
                || published_application
            {
                continue;
            }
            let layer = arn.service == "lambda" && arn.resource.starts_with("layer:");
            let publisher_layer = layer
                && !arn.account.is_empty()
                && ctx.config.stage_of_account(arn.account).is_none();
            let aws_owned = crate::data::aws_owned_account(arn.account);
            if publisher_layer || aws_owned.is_some() {
                if arn.region.is_empty() || ctx.stack_region() == Some(arn.region) {
                    continue;
                }
                let sub = format!(
                    "arn:${{AWS::Partition}}:{}:${{AWS::Region}}:{}:{}",
                    arn.service, arn.account, arn.resource
                );
                let (message, owner) = match (layer, aws_owned) {
                    (true, _) => (
                        format!(
                            "`{}` uses the layer {} with its region {} written literally; a function can only use a layer of its own region",
                            resource.id, literal.text, arn.region
                        ),
                        "the layer's publisher".to_string(),
                    ),
                    (false, what) => (
                        format!(
                            "`{}` has the ARN {} written literally, with its region {}",
                            resource.id, literal.text, arn.region
                        ),
                        format!("AWS's ({})", what.unwrap_or("AWS-owned")),
                    ),
                };
                let mut finding = ctx.finding(
                    &META,
                    resource.id,
                    literal.span,
                    message,
                    format!(
                        "build it with !Sub {sub} (the account {} is {owner} and stays); in CDK `Stack.of(this).region`",
                        arn.account
                    ),
                );
                finding.suggestion = Some(sub);
                out.push(finding);
                continue;
            }
            let fixed_region = arn_requires_us_east_1(
                resource.type_name(),
                literal.key,
                &ArnParts {
                    service: arn.service,
                    region: arn.region,
                    resource: arn.resource,
                },
            );
            let sub = format!(
                "arn:${{AWS::Partition}}:{}:{}:{}:...",
                arn.service,
                if arn.region.is_empty() {
                    ""
                } else if fixed_region {
                    arn.region
                } else {
                    "${AWS::Region}"
                },
                if arn.account.is_empty() {
                    ""
                } else {
                    "${AWS::AccountId}"
                }
            );
            let mut finding = ctx.finding(
                &META,
                resource.id,
                literal.span,
                format!("`{}` has the ARN {} written literally", resource.id, literal.text),
                format!(
                    "reference the resource (!Ref / !GetAtt in this stack, !ImportValue or a parameter from another; in CDK pass the construct), or build it with !Sub {sub}"
                ),
            );
            finding.suggestion = Some(sub);
            out.push(finding.caused_by(literal.text.clone()));
        }
    }
}
