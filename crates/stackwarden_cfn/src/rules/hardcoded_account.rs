use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::aws_owned::{bootstrap_names, is_layer_publisher};
use crate::context::TemplateContext;
use crate::literals::{account_ids, parse_arn, property_literals, LiteralKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/hardcoded-account",
    severity: Severity::Warn,
    summary: "literal AWS account id where AWS::AccountId belongs",
    docs: r#"## What it does
Flags a 12-digit account id written literally in resource properties: a whole value, inside an
`Fn::Sub` template or an `Fn::Join` piece (not in a `Description`). Accounts in `accounts.trusted` are fine, and so is the
account a CDK stack was synthesized for (CDK writes it where the app used `this.account`), and the
account of any other stack of the same CDK app (CDK writes it into cross-environment
references, and the app declares it as a deployment environment). A fully
literal ARN is reported once, by `cfn/hardcoded-arn`.

Not the user's account, so never reported:
- the account of a Lambda layer ARN (`arn:aws:lambda:${AWS::Region}:094274105915:layer:...`) is
  the layer's publisher (Powertools for AWS Lambda, Lambda Insights, a vendor), unless it is one
  of the stage accounts in `[accounts]`; `${AWS::AccountId}` there would name a layer that does
  not exist;
- the CDK bootstrap resources (`cdk-hnb659fds-assets-<account>-<region>`, the deploy and
  publishing roles, the container asset repository), which the CDK synthesizer names from the
  stack's environment;
- the accounts AWS owns and documents per region (`data/aws-accounts.tsv`, generated from
  aws-cdk-lib's region facts): the Elastic Load Balancing log delivery account an access-log
  bucket policy names, the Deep Learning Containers and App Mesh image registries, the
  publishers of AWS's Lambda layers.

## Why
A template with a literal account deploys the same id to every stage: the dev stack ends up
pointing at production, or the template cannot be deployed anywhere else.

Precision: 0% on the classified real-world sample of bench/PRECISION.md (6 findings left in the
sweep after AWS-owned layer accounts and UUID tails stopped being reported; all 6 classified,
debatable: a sample publisher's own artifact bucket, `e2e-rag-deployment-<account>-us-east-1`, that
deployers must read from, where a parameter would be better and `${AWS::AccountId}` would break it).
It is a warning until it reaches 90% on real templates.

## Example
```yaml
Policy:
  Resource: !Sub arn:aws:sqs:${AWS::Region}:123456789012:orders
```

## Fix
```yaml
  Resource: !Sub arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:orders
```
For another account, pass it in as a parameter or list it in `accounts.trusted`.
"#,
};

pub(crate) fn check(ctx: &TemplateContext<'_>, out: &mut Vec<Finding>) {
    for resource in ctx.template.resources() {
        for literal in property_literals(&resource) {
            // Prose, not a value anything deploys with.
            if literal.key == Some("Description") {
                continue;
            }
            // A whole literal ARN is the ARN rule's finding.
            if literal.kind == LiteralKind::Plain && parse_arn(&literal.text).is_some() {
                continue;
            }
            let bootstrap = bootstrap_names(literal.whole());
            for account in account_ids(&literal.text) {
                if ctx.config.is_known_account(account) || ctx.app_account(account) {
                    continue;
                }
                let at = account.as_ptr() as usize - literal.text.as_ptr() as usize;
                let own = ctx.config.stage_of_account(account).is_some();
                if (is_layer_publisher(&literal.text, at, account) && !own)
                    || bootstrap.iter().any(|(a, _)| *a == account)
                    || crate::data::aws_owned_account(account).is_some()
                {
                    continue;
                }
                let stage = ctx
                    .config
                    .stage_of_account(account)
                    .map(|s| format!(" (the `{s}` account)"))
                    .unwrap_or_default();
                out.push(ctx.finding(
                    &META,
                    resource.id,
                    literal.span,
                    format!("`{}` has the account id {account}{stage} written literally", resource.id),
                    format!(
                        "use ${{AWS::AccountId}} in an Fn::Sub (CDK: `Stack.of(this).account`); for another account, pass it as a parameter or add \"{account}\" to accounts.trusted"
                    ),
                ).caused_by(account));
            }
        }
    }
}
