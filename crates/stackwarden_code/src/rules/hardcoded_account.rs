use oxc::ast::AstKind;
use oxc::syntax::node::NodeId;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::literals::{
    is_account_id, is_example_account, is_region, under_region_key, value_literals,
};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/hardcoded-account",
    severity: Severity::Warn,
    summary: "a literal AWS account id in CDK or handler code",
    docs: r#"## What it does
Flags a string that is a 12-digit account id. Fine: ids in `accounts.trusted`; the stage → account
map itself (an object whose keys are the stage names of `[accounts]`, holding those accounts);
per-region lookup tables (values under region-name keys, at any depth); comparisons; AWS's
documented example accounts (`123456789012`, `111122223333`, ...), which are placeholders no code
can be deployed to. Account ids inside ARNs are
reported by `code/hardcoded-arn`.

## Why
A literal account pins code to one environment: the same stack deployed to another stage talks
to the wrong account, and the id spreads through the codebase.

Precision: 0% on the classified real-world sample of bench/PRECISION.md (3 findings in the sweep: 2
false, 1 debatable, all placeholders and test data). It is off by default until it reaches 90% on real
code.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/hardcoded-account" = "warn"`) or `--select code/hardcoded-account` names it.

## Example
```ts
new Stack(app, 'Orders', { env: { account: '333333333333', region } });
```

## Fix
Take it from the environment or the stage configuration: `process.env.CDK_DEFAULT_ACCOUNT`,
`Stack.of(this).account`, or one stage → account map (`accountFor(stage)`).
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for literal in value_literals(ctx) {
        if literal.templated || !is_account_id(&literal.text) {
            continue;
        }
        let account = literal.text.as_str();
        if ctx.config.trusted_accounts.iter().any(|a| a == account)
            || is_table_value(ctx, literal.node, account)
            || under_region_key(ctx, literal.node)
            || is_example_account(account)
        {
            continue;
        }
        out.push(ctx.finding(
            &META,
            literal.span,
            format!("account id {account} is written literally"),
            format!("use `Stack.of(this).account` / `process.env.CDK_DEFAULT_ACCOUNT`, look it up from the stage configuration, or add \"{account}\" to accounts.trusted"),
        ).caused_by(account));
    }
}

/// A value in a stage → account map (key is a configured stage holding this account) or in a
/// per-region table (key is a region name).
fn is_table_value(ctx: &SourceContext<'_, '_>, id: NodeId, account: &str) -> bool {
    let AstKind::ObjectProperty(p) = ctx.parent_kind(id) else {
        return false;
    };
    let Some(key) = p.key.static_name() else {
        return false;
    };
    is_region(&key)
        || ctx
            .config
            .accounts
            .get(key.as_ref())
            .is_some_and(|a| a == account)
}
