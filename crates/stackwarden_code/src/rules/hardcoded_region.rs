use oxc::ast::ast::{Expression, LogicalOperator};
use oxc::ast::AstKind;
use oxc::span::GetSpan;
use oxc::syntax::node::NodeId;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::SourceContext;
use crate::literals::{is_region, under_region_key, value_literals};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/hardcoded-region",
    severity: Severity::Info,
    summary: "a literal region name in CDK or handler code",
    docs: r#"## What it does
Flags a string that is a region name (`eu-west-2`). Fine: the fallback of
`process.env.AWS_REGION ?? 'eu-west-2'` (or of a chain that reads a region first); the configured `project.default_region` as the `region`
of a CDK `env`; region lists and per-region tables (arrays of several regions, values under region
keys, at any depth); comparisons and `case` labels; a region with a comment on the same line saying
why (`region: 'us-east-1', // CloudFront requires its WAF here`). Regions inside ARNs are reported
by `code/hardcoded-arn`.

## Why
A literal region breaks the code in any other region and hides cross-region calls (latency, data
residency, cost).

Precision: 13% on the classified real-world sample of bench/PRECISION.md (2 true, 9 false, 4
debatable of 15): most literal regions in real code are example data (Powertools docs snippets'
client configs), front-end configuration (Amplify `aws-exports`, Angular `environment.ts`) or
regions AWS requires (a CloudFront-scope WAF stack in `us-east-1`), which the code cannot tell apart
from a region that should come from the environment. Even a warning would be mostly wrong, so it is
reported at `info` (it never fails a run; set it to `warn` or `error` in `[rules]` to enforce it).

**Off by default** for that reason (below 90% counting only true and false findings): it runs when
`[rules]` gives it a level (`"code/hardcoded-region" = "info"`) or `--select code/hardcoded-region` names it.

## Example
```ts
const sqs = new SQSClient({ region: 'us-east-1' });
```

## Fix
Let the SDK take the Lambda's region (`AWS_REGION`), use `Stack.of(this).region` in CDK, or keep
the region in `stackwarden.toml`'s `default_region` and the CDK app's `env`.
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for literal in value_literals(ctx) {
        if literal.templated
            || !is_region(&literal.text)
            || is_acceptable(ctx, literal.node, &literal.text)
        {
            continue;
        }
        out.push(ctx.finding(
            &META,
            literal.span,
            format!("region {} is written literally", literal.text),
            "let the SDK use AWS_REGION, use `Stack.of(this).region` in CDK, or `process.env.AWS_REGION ?? '<region>'` as a fallback",
        ));
    }
}

fn is_acceptable(ctx: &SourceContext<'_, '_>, id: NodeId, region: &str) -> bool {
    // Per-region tables, and a region a same-line comment explains (`region: 'us-east-1', //
    // CloudFront's WAF and certificates live there`).
    if under_region_key(ctx, id) || ctx.has_comment_on_line(ctx.line_of(ctx.kind(id).span().start))
    {
        return true;
    }
    let parent = ctx.parent_id(id);
    match ctx.kind(parent) {
        AstKind::LogicalExpression(l)
            if matches!(l.operator, LogicalOperator::Coalesce | LogicalOperator::Or) =>
        {
            reads_region(&l.left)
        }
        AstKind::ArrayExpression(array) => {
            array
                .elements
                .iter()
                .filter_map(|e| e.as_expression())
                .filter(|e| crate::context::static_string(e).is_some_and(is_region))
                .count()
                > 1
        }
        AstKind::ObjectProperty(p) => {
            let Some(key) = p.key.static_name() else {
                return false;
            };
            if is_region(&key) {
                return true;
            }
            // `env: { account, region: 'eu-west-2' }` with the configured default region.
            key == "region"
                && ctx.config.default_region.as_deref() == Some(region)
                && match ctx.kind(ctx.parent_id(ctx.parent_id(parent))) {
                    AstKind::ObjectProperty(outer) => {
                        outer.key.static_name().is_some_and(|k| k == "env")
                    }
                    AstKind::VariableDeclarator(d) => {
                        d.id.get_binding_identifier()
                            .is_some_and(|b| b.name.as_str() == "env")
                    }
                    _ => false,
                }
        }
        _ => false,
    }
}

/// The left side of a fallback reads a region: `process.env.AWS_REGION`, `config.region`, or a
/// chain of fallbacks one of which does (`process.env.AWS_REGION || discovered.region`).
fn reads_region(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::StaticMemberExpression(m) => m
            .property
            .name
            .as_str()
            .to_ascii_lowercase()
            .ends_with("region"),
        Expression::Identifier(i) => i.name.as_str().to_ascii_lowercase().ends_with("region"),
        Expression::LogicalExpression(l) => reads_region(&l.left) || reads_region(&l.right),
        _ => false,
    }
}
