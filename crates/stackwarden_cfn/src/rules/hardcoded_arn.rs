use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;
use crate::literals::{parse_arn, property_literals, LiteralKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/hardcoded-arn",
    severity: Severity::Error,
    summary: "literal ARN where a reference belongs",
    docs: r#"## What it does
Flags a fully literal ARN in resource properties (`arn:aws:sns:eu-west-2:123456789012:topic`).
AWS-managed ARNs (account `aws`, such as `arn:aws:iam::aws:policy/...`), ARNs in an account listed
in `accounts.trusted`, and ARNs in the account a CDK stack was synthesized for are fine.

## Why
A literal ARN ties the template to one account, region and resource: it breaks in every other
stage and silently keeps pointing at the old resource after a rename.

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
                && (ctx.config.is_known_account(arn.account)
                    || ctx.stack_account() == Some(arn.account));
            if aws_managed || allowed_account {
                continue;
            }
            let sub = format!(
                "arn:${{AWS::Partition}}:{}:{}:{}:...",
                arn.service,
                if arn.region.is_empty() {
                    ""
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
