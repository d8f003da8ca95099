use oxc::ast::ast::{BinaryOperator, BindingPattern, Expression, LogicalOperator, UnaryOperator};
use oxc::ast::AstKind;
use oxc::span::GetSpan;
use oxc::syntax::node::NodeId;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::context::{callee_name, SourceContext};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/env-unchecked",
    severity: Severity::Warn,
    summary: "`process.env.X` used without a fail-fast check",
    docs: r#"## What it does
Flags a read of `process.env.X` whose value is used without being checked: passed on directly,
or stored in a variable that nothing tests. Fine: `process.env.X ?? 'default'` (or `||`), a read
tested in an `if`/`!`/comparison, a variable tested by an `if` (the `requireEnv` pattern), and a
read passed to a `require...`/`assert...` helper (`assert(process.env.X)`, `assert.ok(...)`), and
every read of a variable the file checks once with a fail-fast test (`if (!process.env.T) throw
...; export const T = process.env.T`). Names taken by destructuring (`const { BUCKET } =
process.env`) are reads too (a default, `{ BUCKET = 'x' }`, is fine). Variables the Lambda runtime
always sets (`AWS_REGION`, `AWS_LAMBDA_*`, the execution role's `AWS_ACCESS_KEY_ID` /
`AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, ...) are not reported, nor `CDK_DEFAULT_ACCOUNT` /
`CDK_DEFAULT_REGION`, whose absence means an environment-agnostic stack (CDK's documented
meaning).

## Why
A missing variable becomes `undefined` deep inside an SDK call (`Bucket: undefined`), failing
late with a confusing error on the first invocation instead of at cold start.

Precision: 87% on the classified real-world sample of bench/PRECISION.md (13 true, 1 false: a
create-react-app service worker's `PUBLIC_URL`; 1 debatable: a log key). A warning for that reason.

## Example
```js
await s3.send(new PutObjectCommand({ Bucket: process.env.REPORTS_BUCKET, Key, Body }));
```

## Fix
```ts
function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}
const REPORTS_BUCKET = requireEnv('REPORTS_BUCKET'); // at module load
```
"#,
};

const RUNTIME_VARS: &[&str] = &[
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "TZ",
    // The execution role's credentials, which the runtime always sets.
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_XRAY_DAEMON_ADDRESS",
    "AWS_XRAY_CONTEXT_MISSING",
    "LANG",
    "PATH",
    "LD_LIBRARY_PATH",
    "NODE_PATH",
];

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    let mut reads = Vec::new();
    for node in ctx.nodes() {
        let (object, name, span) = match node.kind() {
            AstKind::StaticMemberExpression(m) => (&m.object, m.property.name.as_str(), m.span),
            AstKind::ComputedMemberExpression(m) => match m.static_property_name() {
                Some(name) => (&m.object, name.as_str(), m.span),
                None => continue,
            },
            // `const { BUCKET, STAGE = 'dev' } = process.env`: one read per name taken.
            AstKind::VariableDeclarator(d) => {
                let (BindingPattern::ObjectPattern(pattern), Some(init)) = (&d.id, &d.init) else {
                    continue;
                };
                if !is_process_env(ctx, init) {
                    continue;
                }
                for property in &pattern.properties {
                    let name = match property.key.static_name() {
                        Some(std::borrow::Cow::Borrowed(n)) => n,
                        _ => continue,
                    };
                    if is_exempt(name) {
                        continue;
                    }
                    let checked = match &property.value {
                        // A default value covers the unset case.
                        BindingPattern::AssignmentPattern(_) => true,
                        BindingPattern::BindingIdentifier(id) => {
                            id.symbol_id.get().is_some_and(|s| {
                                ctx.semantic
                                    .scoping()
                                    .get_resolved_references(s)
                                    .any(|r| is_test_position(ctx, r.node_id()))
                            })
                        }
                        _ => true,
                    };
                    reads.push((node.id(), name, property.span, checked));
                }
                continue;
            }
            _ => continue,
        };
        if !is_process_env(ctx, object) || is_exempt(name) {
            continue;
        }
        // `process.env.X = ...` sets the variable; it does not read it.
        if let AstKind::AssignmentExpression(a) = ctx.parent_kind(node.id()) {
            if a.left.span() == span {
                continue;
            }
        }
        reads.push((node.id(), name, span, is_checked_use(ctx, node.id())));
    }
    // A variable checked once anywhere in the file (`if (!process.env.T) throw ...`,
    // `assert(process.env.T)`) is known to be set wherever the file reads it: the check fails
    // the module or the call before the read matters.
    let fail_fast: Vec<&str> = reads
        .iter()
        .filter(|&&(id, _, _, _)| is_fail_fast_check(ctx, id))
        .map(|&(_, name, _, _)| name)
        .collect();
    for &(id, name, span, checked) in &reads {
        if checked || fail_fast.contains(&name) || is_guarded(ctx, id, name, &reads) {
            continue;
        }
        out.push(ctx.finding(
            &META,
            span,
            format!("`process.env.{name}` is used without checking that it is set"),
            format!("read it once at module load with a check (`const {name} = requireEnv('{name}')`), or give it a default with `??`"),
        ));
    }
}

/// Inside `if (process.env.X) {...}`, `process.env.X ? ... : ...` or `process.env.X && ...`.
fn is_guarded(
    ctx: &SourceContext<'_, '_>,
    id: NodeId,
    name: &str,
    reads: &[(NodeId, &str, oxc::span::Span, bool)],
) -> bool {
    ctx.semantic.nodes().ancestors(id).any(|a| {
        let test = match a.kind() {
            AstKind::IfStatement(s) => s.test.span(),
            AstKind::ConditionalExpression(c) => c.test.span(),
            AstKind::LogicalExpression(l) if l.operator == LogicalOperator::And => l.left.span(),
            _ => return false,
        };
        reads
            .iter()
            .any(|&(_, n, s, _)| n == name && s.start >= test.start && s.end <= test.end)
    })
}

/// Variables the Lambda runtime always sets, and the CDK CLI's `CDK_DEFAULT_ACCOUNT`/`_REGION`,
/// whose absence is documented to mean an environment-agnostic stack (`env: { account:
/// process.env.CDK_DEFAULT_ACCOUNT }` is CDK's own template).
fn is_exempt(name: &str) -> bool {
    RUNTIME_VARS.contains(&name)
        || name.starts_with("AWS_LAMBDA_")
        || matches!(name, "CDK_DEFAULT_ACCOUNT" | "CDK_DEFAULT_REGION")
}

/// A read that fails fast when the variable is unset: the test of an `if` whose branch throws,
/// returns or exits, or the argument of an assert/require helper.
fn is_fail_fast_check(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    let (child, parent) = value_parent(ctx, id);
    let child_span = ctx.kind(child).span();
    if let AstKind::CallExpression(call) = ctx.kind(parent) {
        return call
            .arguments
            .first()
            .is_some_and(|a| a.span() == child_span)
            && is_check_helper(&call.callee);
    }
    if !is_test_position(ctx, id) {
        return false;
    }
    ctx.semantic.nodes().ancestors(id).take(4).any(|a| match a.kind() {
        AstKind::IfStatement(s) => {
            s.test.span().start <= child_span.start
                && child_span.end <= s.test.span().end
                && ctx.descendants(a.id()).any(|n| {
                    n.kind().span().start >= s.consequent.span().start
                        && n.kind().span().end <= s.consequent.span().end
                        && (matches!(n.kind(), AstKind::ThrowStatement(_) | AstKind::ReturnStatement(_))
                            || matches!(n.kind(), AstKind::CallExpression(c) if ctx.is_global_member(&c.callee, "process", "exit")))
                })
        }
        _ => false,
    })
}

/// `assert(...)`, `assert.ok(...)`, `invariant(...)`, `requireEnv(...)`, `mustGet(...)`.
fn is_check_helper(callee: &Expression<'_>) -> bool {
    let named = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.contains("require")
            || n.contains("assert")
            || n.contains("must")
            || n.contains("invariant")
            || n.contains("expect")
    };
    if callee_name(callee).is_some_and(named) {
        return true;
    }
    match callee.get_inner_expression() {
        Expression::StaticMemberExpression(m) => match m.object.get_inner_expression() {
            Expression::Identifier(i) => named(i.name.as_str()),
            _ => false,
        },
        _ => false,
    }
}

fn is_process_env(ctx: &SourceContext<'_, '_>, object: &Expression<'_>) -> bool {
    match object.get_inner_expression() {
        Expression::StaticMemberExpression(m) => {
            m.property.name.as_str() == "env" && ctx.is_global(&m.object, "process")
        }
        _ => false,
    }
}

/// The parent, skipping parentheses and TypeScript-only wrappers (`x!`, `x as T`).
fn value_parent(ctx: &SourceContext<'_, '_>, mut id: NodeId) -> (NodeId, NodeId) {
    loop {
        let parent = ctx.parent_id(id);
        match ctx.kind(parent) {
            AstKind::ParenthesizedExpression(_)
            | AstKind::TSNonNullExpression(_)
            | AstKind::TSAsExpression(_) => id = parent,
            _ => return (id, parent),
        }
    }
}

/// Whether the value at `id` is tested (or defaulted) where it is used.
fn is_test_position(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    let (child, parent) = value_parent(ctx, id);
    let child_span = ctx.kind(child).span();
    match ctx.kind(parent) {
        // `process.env.X?.includes(...)`: optional chaining handles the unset case.
        AstKind::StaticMemberExpression(m) => m.optional && m.object.span() == child_span,
        AstKind::ComputedMemberExpression(m) => m.optional && m.object.span() == child_span,
        AstKind::LogicalExpression(l) => {
            l.left.span() == child_span || l.operator == LogicalOperator::And
        }
        AstKind::BinaryExpression(b) => {
            b.operator.is_equality()
                || matches!(
                    b.operator,
                    BinaryOperator::LessThan | BinaryOperator::GreaterThan
                )
        }
        AstKind::UnaryExpression(u) => matches!(
            u.operator,
            UnaryOperator::LogicalNot | UnaryOperator::Typeof
        ),
        AstKind::IfStatement(s) => s.test.span() == child_span,
        AstKind::ConditionalExpression(c) => c.test.span() == child_span,
        AstKind::WhileStatement(_) => true,
        AstKind::CallExpression(call) => {
            is_check_helper(&call.callee)
                || callee_name(&call.callee).is_some_and(|n| n.eq_ignore_ascii_case("boolean"))
        }
        _ => false,
    }
}

fn is_checked_use(ctx: &SourceContext<'_, '_>, id: NodeId) -> bool {
    if is_test_position(ctx, id) {
        return true;
    }
    let (_, parent) = value_parent(ctx, id);
    // `const value = process.env.X` is fine when something tests `value`.
    let AstKind::VariableDeclarator(decl) = ctx.kind(parent) else {
        return false;
    };
    let BindingPattern::BindingIdentifier(binding) = &decl.id else {
        return false;
    };
    let Some(symbol) = binding.symbol_id.get() else {
        return false;
    };
    ctx.semantic
        .scoping()
        .get_resolved_references(symbol)
        .any(|r| is_test_position(ctx, r.node_id()))
}
