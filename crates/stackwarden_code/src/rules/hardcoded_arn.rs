use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::literals::{is_account_id, is_region, parse_arn, under_region_key, value_literals};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/hardcoded-arn",
    severity: Severity::Error,
    summary: "a literal ARN with an account id or region in CDK or handler code",
    docs: r#"## What it does
Flags a string (or the fixed text of a template literal) that is an ARN with a literal account id
or region. AWS-owned ARNs (`arn:aws:iam::aws:policy/...`, no account) and ARNs whose account is in
`accounts.trusted` are fine, and so are values of per-region tables (`{ 'eu-west-2': 'arn:...' }`,
AWS-published layers and the like); ARNs built from `${...}` parts for account and region are fine.

## Why
A literal ARN ties the code to one account and region and to a resource that may be renamed or
replaced; references keep the dependency visible to CloudFormation.

## Example
```ts
NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-2:333333333333:reports-ready',
```

## Fix
Pass the construct (`topic.topicArn`), import it (`Topic.fromTopicArn(this, 'T', Fn.importValue(...))`),
or build it: `Stack.of(this).formatArn({ service: 'sns', resource: 'reports-ready' })`.
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for literal in value_literals(ctx) {
        let Some(arn) = parse_arn(&literal.text) else {
            continue;
        };
        let literal_account = is_account_id(arn.account)
            && !ctx.config.trusted_accounts.iter().any(|a| a == arn.account);
        let literal_region = is_region(arn.region);
        if (!literal_account && !literal_region) || under_region_key(ctx, literal.node) {
            continue;
        }
        out.push(ctx.finding(
            &META,
            literal.span,
            format!("the ARN {} is written literally", literal.text),
            "pass the construct's ARN attribute, import it, or build it with `Stack.of(this).formatArn(...)` / `${Aws.ACCOUNT_ID}`",
        ).caused_by(literal.text.clone()));
    }
}
