use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::literals::{
    is_account_id, is_example_account, is_region, parse_arn, under_region_key, value_literals,
};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/hardcoded-arn",
    severity: Severity::Warn,
    summary: "a literal ARN with an account id or region in CDK or handler code",
    docs: r#"## What it does
Flags a string (or the fixed text of a template literal) that is an ARN with a literal account id
or region. Fine: AWS-owned ARNs (`arn:aws:iam::aws:policy/...`; ARNs with no account, such as
Bedrock foundation models `arn:aws:bedrock:us-east-1::foundation-model/...`); ARNs whose account
is in `accounts.trusted`; values of per-region tables at any depth (`{ 'eu-west-2': { arm64:
'arn:...' } }`, AWS-published layers and the like); ARNs of AWS's documented example
accounts (`123456789012`, ...), placeholders as a whole; Lambda layers published by another
account for every region (`arn:aws:lambda:${region}:094274105915:layer:...`) and Serverless
Application Repository applications, which are only ever referenced by ARN; ARNs built from
`${...}` parts for account and region.

## Why
A literal ARN ties the code to one account and region and to a resource that may be renamed or
replaced; references keep the dependency visible to CloudFormation.

Precision: 75% on the classified real-world sample of bench/PRECISION.md (6 true, 1 false, 1
debatable of all 8 findings; the true ones are API Gateway integration URIs and topic ARNs with a
literal region). It is off by default until it reaches 90%.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/hardcoded-arn" = "warn"`) or `--select code/hardcoded-arn` names it.

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
        // An ARN with a documented example account is a placeholder as a whole.
        if is_example_account(arn.account) {
            continue;
        }
        // A published layer written for every region (`arn:aws:lambda:${region}:<publisher>:
        // layer:...`) and a public Serverless Application Repository application are another
        // account's resources, only ever referenced by ARN.
        if (arn.service == "lambda" && arn.region == "${}" && arn.resource.starts_with("layer:"))
            || (arn.service == "serverlessrepo" && arn.resource.starts_with("applications/"))
        {
            continue;
        }
        let literal_account = is_account_id(arn.account)
            && !ctx.config.trusted_accounts.iter().any(|a| a == arn.account);
        // An ARN with no account names a resource AWS owns in that region (a Bedrock
        // foundation model, `arn:aws:bedrock:us-east-1::foundation-model/...`): there is no
        // account to take from the stack, and the region is part of the resource's name.
        let literal_region = is_region(arn.region) && !arn.account.is_empty();
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
