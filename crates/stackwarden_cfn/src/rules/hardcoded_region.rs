use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::aws_owned::{bootstrap_names, region_required};
use crate::context::TemplateContext;
use crate::literals::{parse_arn, property_literals, regions, LiteralKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/hardcoded-region",
    severity: Severity::Warn,
    summary: "literal region name where AWS::Region belongs",
    docs: r#"## What it does
Flags a region name (`eu-west-2`) written literally in resource properties: as a whole value, in
an ARN's region field or a `*.eu-west-2.amazonaws.com` host, including inside `Fn::Sub` and
`Fn::Join`. Values under a key that is about regions (`Region`, `Regions`, `RegionName`, as in a
global table's replica list, and an event pattern's `region`) are fine, so is prose (`Description`), and so is the region a CDK stack was synthesized for. A fully
literal ARN is reported once, by `cfn/hardcoded-arn`.

`us-east-1` where AWS requires it is fine: in a CloudFront distribution, the ARNs of its ACM
certificate, Lambda@Edge functions and WAFv2 web ACL; any WAFv2 ARN of CLOUDFRONT scope
(`arn:aws:wafv2:us-east-1:...:global/...`); the ACM certificate (`CertificateArn`) of an
edge-optimised API Gateway domain, a Cognito user pool domain and an AppSync domain, which
CloudFront serves. So is the region of a CDK bootstrap resource name
(`cdk-hnb659fds-assets-<account>-<region>`), which the CDK synthesizer writes.

## Why
A literal region breaks the template in any other region and hides cross-region calls.

Precision: 85% on the classified real-world sample of bench/PRECISION.md (11 true, 2 debatable of
all 13 findings: the debatable ones are Step Functions Local test templates; no false one). It is a
warning until it reaches 90%.

## Example
```yaml
Environment:
  Variables:
    QUEUE_URL: https://sqs.eu-west-2.amazonaws.com/123456789012/orders
```

## Fix
`!Sub https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/orders`, or better `!Ref Queue`
(CDK: `queue.queueUrl`, `Stack.of(this).region`).
"#,
};

const REGION_KEYS: &[&str] = &[
    "Region",
    // An EventBridge event pattern matches on the event's `region`.
    "region",
    "Regions",
    "RegionName",
    "ReplicaRegion",
    "SourceRegion",
    "DestinationRegion",
];

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx.template.resources() {
        for literal in property_literals(&resource) {
            if literal
                .key
                .is_some_and(|k| REGION_KEYS.contains(&k) || k == "Description")
            {
                continue;
            }
            if literal.kind == LiteralKind::Plain && parse_arn(&literal.text).is_some() {
                continue;
            }
            let mut seen = Vec::new();
            let bootstrap = bootstrap_names(literal.whole());
            for region in regions(&literal.text) {
                if ctx.stack_region() == Some(region)
                    || seen.contains(&region)
                    || bootstrap.iter().any(|(_, r)| *r == region)
                    || region_required(resource.type_name(), literal.key, literal.whole(), region)
                {
                    continue;
                }
                seen.push(region);
                out.push(ctx.finding(
                    &META,
                    resource.id,
                    literal.span,
                    format!("`{}` has the region {region} written literally", resource.id),
                    "use ${AWS::Region} in an Fn::Sub, or a reference (!Ref, !GetAtt) to the resource itself; in CDK `Stack.of(this).region`".into(),
                ));
            }
        }
    }
}
