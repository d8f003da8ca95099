use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::cdk::statements;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/wildcard-action",
    severity: Severity::Warn,
    summary: "`actions: ['*']` or `'<service>:*'` in an Allow PolicyStatement in CDK code",
    docs: r#"## What it does
Flags an `actions` entry `'*'` or `'<service>:*'` in `new iam.PolicyStatement({...})` (or `Action`
in `PolicyStatement.fromJson({...})`) unless the statement's effect is Deny, written in place or
held by a constant of the file (`const ACTIONS = ['kms:*']`, `actions: ACTIONS`). Bounded patterns
such as `s3:Get*` are not this rule. The template rule `iam/wildcard-action` reports the same after
synth; this one catches it the moment the code is written.

## Why
A service-wide wildcard grants every current and future action of the service, including the
ones that change permissions or delete data.

Precision: 38% on the classified real-world sample of bench/PRECISION.md (3 true, 2 false, 3
debatable of all 8 findings: the default key policy's `kms:*` for the key's own account). It is off by default until it reaches 90%.

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/wildcard-action" = "warn"`) or `--select code/wildcard-action` names it.

## Example
```ts
new iam.PolicyStatement({ actions: ['s3:*'], resources: [bucket.arnForObjects('*')] });
```

## Fix
List the actions the code calls (`s3:GetObject`, `s3:PutObject`), or use the construct's grant
methods (`bucket.grantReadWrite(fn)`).
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    // A constant list used by several statements is reported once, where it is written.
    let mut seen = Vec::new();
    for statement in statements(ctx) {
        if statement.is_deny() {
            continue;
        }
        for (action, span) in statement.actions(ctx) {
            if seen.contains(&span) {
                continue;
            }
            seen.push(span);
            let service_wide = action == "*"
                || action
                    .strip_suffix(":*")
                    .is_some_and(|s| !s.is_empty() && !s.contains('*'));
            if !service_wide {
                continue;
            }
            out.push(ctx.finding(
                &META,
                span,
                format!("action `{action}` allows every action{}", action.strip_suffix(":*").map(|s| format!(" of {s}")).unwrap_or_default()),
                "list the actions the code needs, or use the construct's grant methods (bucket.grantRead(fn), table.grantReadWriteData(fn))",
            ));
        }
    }
}
