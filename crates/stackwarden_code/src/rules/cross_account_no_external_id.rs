use oxc::ast::ast::{Argument, Expression};
use oxc::ast::AstKind;
use oxc::span::Span as OxcSpan;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::cdk::iam_class;
use crate::context::{has_spread, property, SourceContext};
use crate::literals::{is_account_id, parse_arn};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/cross-account-no-external-id",
    severity: Severity::Error,
    summary: "a CDK Role assumable by another account without `externalIds`",
    docs: r#"## What it does
Flags `new iam.Role(this, id, { assumedBy })` whose `assumedBy` is an `AccountPrincipal` or
`ArnPrincipal` (directly or in a `CompositePrincipal`) of a literal account (written in place or
held by a constant of the file, `new AccountPrincipal(PARTNER)` with `const PARTNER = '...'`) that is not one of the
stages in `[accounts]`, while the role sets no `externalIds`. Service and OIDC principals are out
of scope. The template rule `iam/cross-account-no-external-id` reports the same after synth.

## Why
Without an external id, anyone who can make the other account's principal call `AssumeRole`
(a vendor's multi-tenant service, for example) can be tricked into acting on your account: the
confused-deputy problem.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```ts
new iam.Role(this, 'VendorAccess', { assumedBy: new iam.AccountPrincipal('999999999999') });
```

## Fix
```ts
new iam.Role(this, 'VendorAccess', {
  assumedBy: new iam.AccountPrincipal('999999999999'),
  externalIds: [vendorExternalId],
});
```
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let AstKind::NewExpression(new) = node.kind() else {
            continue;
        };
        if iam_class(ctx, &new.callee) != Some("Role") {
            continue;
        }
        let Some(props) = ctx.object_arg(&new.arguments, 2) else {
            continue;
        };
        if has_spread(props)
            || property(props, "externalIds").is_some()
            || property(props, "externalId").is_some()
        {
            continue;
        }
        let Some(principal) = property(props, "assumedBy") else {
            continue;
        };
        let mut accounts = Vec::new();
        foreign_accounts(ctx, principal, &mut accounts);
        if let Some((account, _)) = accounts.first() {
            out.push(ctx.finding(
                &META,
                new.span,
                format!("role can be assumed by account {account} without an external id"),
                "add `externalIds: [<id agreed with the other account>]` to the role (sts:ExternalId condition)",
            ).caused_by(account.to_string()));
        }
    }
}

fn foreign_accounts<'a>(
    ctx: &SourceContext<'_, 'a>,
    principal: &Expression<'a>,
    found: &mut Vec<(&'a str, OxcSpan)>,
) {
    let Expression::NewExpression(new) = ctx.value_of(principal).get_inner_expression() else {
        return;
    };
    let args = || new.arguments.iter().filter_map(Argument::as_expression);
    match iam_class(ctx, &new.callee) {
        Some("CompositePrincipal") => args().for_each(|p| foreign_accounts(ctx, p, found)),
        Some(class @ ("AccountPrincipal" | "ArnPrincipal")) => {
            let Some(text) = new
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(|e| ctx.const_string(e))
            else {
                return;
            };
            let account = if class == "AccountPrincipal" {
                Some(text)
            } else {
                parse_arn(text).map(|a| a.account)
            };
            if let Some(account) = account.filter(|a| is_account_id(a)) {
                if !ctx.config.accounts.values().any(|a| a == account) {
                    found.push((account, new.span));
                }
            }
        }
        _ => {}
    }
}
