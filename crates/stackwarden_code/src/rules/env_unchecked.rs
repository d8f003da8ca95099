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
read passed to a `require...`/`assert...` helper. Variables the Lambda runtime always sets
(`AWS_REGION`, `AWS_LAMBDA_*`, ...) are not reported.

## Why
A missing variable becomes `undefined` deep inside an SDK call (`Bucket: undefined`), failing
late with a confusing error on the first invocation instead of at cold start.

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
            _ => continue,
        };
        if !is_process_env(ctx, object)
            || RUNTIME_VARS.contains(&name)
            || name.starts_with("AWS_LAMBDA_")
        {
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
    for &(id, name, span, checked) in &reads {
        if checked || is_guarded(ctx, id, name, &reads) {
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
        AstKind::CallExpression(call) => callee_name(&call.callee).is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.contains("require")
                || n.contains("assert")
                || n.contains("must")
                || n.contains("invariant")
                || n == "boolean"
        }),
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
