use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::TemplateContext;
use crate::literals::{account_ids, parse_arn, property_literals, LiteralKind};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cfn/hardcoded-account",
    severity: Severity::Error,
    summary: "literal AWS account id where AWS::AccountId belongs",
    docs: r#"## What it does
Flags a 12-digit account id written literally in resource properties: a whole value, inside an
`Fn::Sub` template or an `Fn::Join` piece. Accounts in `accounts.trusted` are fine, and so is the
account a CDK stack was synthesized for (CDK writes it where the app used `this.account`). A fully
literal ARN is reported once, by `cfn/hardcoded-arn`.

## Why
A template with a literal account deploys the same id to every stage: the dev stack ends up
pointing at production, or the template cannot be deployed anywhere else.

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
            // A whole literal ARN is the ARN rule's finding.
            if literal.kind == LiteralKind::Plain && parse_arn(&literal.text).is_some() {
                continue;
            }
            for account in account_ids(&literal.text) {
                if ctx.config.is_known_account(account) || ctx.stack_account() == Some(account) {
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
