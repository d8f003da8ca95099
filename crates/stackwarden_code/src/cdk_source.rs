//! What a CDK stack's source says about the constructs a synthesized template came from, for the
//! permission rules: the `new NodejsFunction(this, 'Id', { entry })` / `new Function(..., { code:
//! Code.fromAsset(dir), handler })` written on the line a creation trace names, the variable a
//! construct is assigned to (so a fix can say `receipts.grantPut(processOrder)`), and the policy
//! statements written by hand (`new iam.PolicyStatement({ actions: [...] })`).

use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::ast::ast::{Argument, BindingPattern, Expression, NewExpression};
use oxc::ast::AstKind;
use stackwarden_core::config::Config;

use crate::cdk::statements;
use crate::check::{analyse, parse_clean, read_text};
use crate::context::{property, static_string, SourceContext};

/// Where a path written in CDK source is relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourcePath {
    /// `entry: 'src/x.ts'`: relative to the folder `cdk synth` runs in (the app's root).
    AppRelative(String),
    /// `path.join(__dirname, '../lambda/x.ts')`: resolved against the stack file's folder.
    Absolute(PathBuf),
}

/// The construct created on one line of CDK source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConstructSource {
    /// `processOrder` for `const processOrder = new NodejsFunction(...)`, `this.fn` → `this.fn`.
    pub variable: Option<String>,
    /// The class name as written (`NodejsFunction`, `Function`, `Bucket`).
    pub class: Option<String>,
    /// The construct id, when written as a string (`'ProcessOrder'`).
    pub id: Option<String>,
    /// NodejsFunction's `entry`.
    pub entry: Option<SourcePath>,
    /// `Code.fromAsset(dir)`.
    pub asset: Option<SourcePath>,
    /// `handler: 'index.handler'`.
    pub handler: Option<String>,
}

/// A policy statement written in CDK source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementSource {
    pub line: u32,
    pub column: u32,
    pub actions: Vec<String>,
    pub deny: bool,
    /// What the statement is added to, as written: the receiver of `fn.addToRolePolicy(s)` /
    /// `role.addToPolicy(s)` (directly or through a constant), or the variable of the function
    /// whose `initialPolicy` lists it (`archiveOrder`, `this.fn`).
    pub attached_to: Vec<String>,
}

/// What one CDK source file holds.
#[derive(Debug, Clone, Default)]
pub struct CdkSource {
    /// Every `new X(...)` with its line.
    pub constructs: Vec<(u32, ConstructSource)>,
    pub statements: Vec<StatementSource>,
}

impl CdkSource {
    /// The construct whose `new` starts on `line` (the line a creation trace names).
    pub fn construct_at(&self, line: u32) -> Option<&ConstructSource> {
        self.constructs
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, c)| c)
    }
}

/// Reads and parses one CDK source file; `None` when it cannot be read or parsed.
pub fn cdk_source(path: &Path) -> Option<CdkSource> {
    let text = read_text(path).ok()?;
    let allocator = Allocator::default();
    let program = parse_clean(&allocator, path, &text)?;
    let semantic = analyse(&program);
    let config = Config::default();
    let ctx = SourceContext::new(path, &text, &semantic, &config);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut source = CdkSource::default();
    for node in ctx.nodes() {
        let AstKind::NewExpression(new) = node.kind() else {
            continue;
        };
        let line = ctx.line_of(new.span.start);
        source
            .constructs
            .push((line, construct(&ctx, node.id(), new, dir)));
    }
    for statement in statements(&ctx) {
        let object_span = oxc::span::GetSpan::span(statement.object);
        let span = ctx.position(object_span.start);
        let attached_to = ctx
            .nodes()
            .find(|n| matches!(n.kind(), AstKind::ObjectExpression(o) if o.span == object_span))
            .map(|n| attachments(&ctx, n.id()))
            .unwrap_or_default();
        source.statements.push(StatementSource {
            attached_to,
            line: span.line,
            column: span.column,
            actions: statement
                .actions(&ctx)
                .into_iter()
                .map(|(a, _)| a.to_string())
                .collect(),
            deny: statement.is_deny(),
        });
    }
    Some(source)
}

fn construct<'a>(
    ctx: &SourceContext<'_, 'a>,
    id: oxc::syntax::node::NodeId,
    new: &NewExpression<'a>,
    dir: &Path,
) -> ConstructSource {
    let class = match new.callee.get_inner_expression() {
        Expression::Identifier(i) => Some(i.name.to_string()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.to_string()),
        _ => None,
    };
    let props = props_of(ctx, new);
    let lookup = |key: &str| props.iter().rev().find_map(|p| property(p, key));
    let path_of = |key: &str| lookup(key).and_then(|e| source_path(ctx, e, dir));
    let asset = lookup("code").and_then(|code| {
        let Expression::CallExpression(call) = code.get_inner_expression() else {
            return None;
        };
        let member = call.callee.get_member_expr()?;
        (member.static_property_name()? == "fromAsset")
            .then(|| call.arguments.first().and_then(Argument::as_expression))
            .flatten()
            .and_then(|e| source_path(ctx, e, dir))
    });
    // NodejsFunction without `entry` bundles `<stack file>.<id>.ts` beside the stack file
    // (aws-cdk-lib's `findEntry`), when the props are all known.
    let construct_id = new
        .arguments
        .get(1)
        .and_then(Argument::as_expression)
        .and_then(static_string);
    let entry = path_of("entry").or_else(|| {
        let stem = ctx.path.file_stem()?.to_str()?;
        (class.as_deref() == Some("NodejsFunction"))
            .then(|| construct_id.map(|id| SourcePath::Absolute(dir.join(format!("{stem}.{id}")))))
            .flatten()
    });
    ConstructSource {
        variable: assigned_to(ctx, id),
        class,
        id: construct_id.map(str::to_string),
        entry,
        asset,
        handler: lookup("handler")
            .and_then(static_string)
            .map(str::to_string),
    }
}

/// The props object of `new X(scope, id, props)` and the objects it spreads in (`{ ...common,
/// entry }`, or a variable holding an object literal), outermost last.
fn props_of<'o, 'a>(
    ctx: &SourceContext<'_, 'a>,
    new: &'o NewExpression<'a>,
) -> Vec<&'o oxc::ast::ast::ObjectExpression<'a>>
where
    'a: 'o,
{
    let mut out = Vec::new();
    let Some(expr) = new.arguments.get(2).and_then(Argument::as_expression) else {
        return out;
    };
    collect_props(ctx, expr, 0, &mut out);
    out
}

fn collect_props<'o, 'a>(
    ctx: &SourceContext<'_, 'a>,
    expr: &'o Expression<'a>,
    depth: usize,
    out: &mut Vec<&'o oxc::ast::ast::ObjectExpression<'a>>,
) where
    'a: 'o,
{
    if depth > 4 {
        return;
    }
    match expr.get_inner_expression() {
        Expression::ObjectExpression(object) => {
            // Spread objects come first: the literal's own keys override them.
            for property in &object.properties {
                if let oxc::ast::ast::ObjectPropertyKind::SpreadProperty(spread) = property {
                    collect_props(ctx, &spread.argument, depth + 1, out);
                }
            }
            out.push(object);
        }
        Expression::Identifier(_) => {
            if let Some(init) = ctx.initializer_of(expr) {
                collect_props(ctx, init, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The variable or member a `new` is assigned to.
fn assigned_to(ctx: &SourceContext<'_, '_>, id: oxc::syntax::node::NodeId) -> Option<String> {
    match ctx.parent_kind(id) {
        AstKind::VariableDeclarator(d) => match &d.id {
            BindingPattern::BindingIdentifier(ident) => Some(ident.name.to_string()),
            _ => None,
        },
        AstKind::AssignmentExpression(a) => match &a.left {
            oxc::ast::ast::AssignmentTarget::AssignmentTargetIdentifier(i) => {
                Some(i.name.to_string())
            }
            oxc::ast::ast::AssignmentTarget::StaticMemberExpression(m) => {
                let object = match m.object.get_inner_expression() {
                    Expression::ThisExpression(_) => "this".to_string(),
                    Expression::Identifier(i) => i.name.to_string(),
                    _ => return Some(m.property.name.to_string()),
                };
                Some(format!("{object}.{}", m.property.name))
            }
            _ => None,
        },
        AstKind::PropertyDefinition(p) => p.key.static_name().map(|k| format!("this.{k}")),
        _ => None,
    }
}

/// A string path, or `path.join(__dirname, '...', ...)` / `path.resolve(__dirname, ...)` /
/// `join(__dirname, ...)` of string parts.
fn source_path<'a>(
    ctx: &SourceContext<'_, 'a>,
    expr: &Expression<'a>,
    dir: &Path,
) -> Option<SourcePath> {
    if let Some(text) = static_string(expr) {
        return Some(SourcePath::AppRelative(text.to_string()));
    }
    let expr = match expr.get_inner_expression() {
        Expression::Identifier(_) => ctx.initializer_of(expr)?,
        other => other,
    };
    if let Some(text) = static_string(expr) {
        return Some(SourcePath::AppRelative(text.to_string()));
    }
    let Expression::CallExpression(call) = expr.get_inner_expression() else {
        return None;
    };
    let name = crate::context::callee_name(&call.callee)?;
    if !matches!(name, "join" | "resolve") {
        return None;
    }
    let mut parts = call.arguments.iter().filter_map(Argument::as_expression);
    let first = parts.next()?;
    if !ctx.is_global(first, "__dirname") {
        return None;
    }
    let mut path = dir.to_path_buf();
    for part in parts {
        let part = static_string(part)?;
        // `path.join(__dirname, '/../lambda')` appends (a leading `/` is a separator there);
        // `path.resolve` starts again at an absolute part, as PathBuf::push does.
        match name {
            "join" => path.push(part.trim_start_matches('/')),
            _ => path.push(part),
        }
    }
    Some(SourcePath::Absolute(path))
}

/// The methods that add a statement to a principal's policy.
const ADDERS: &[&str] = &[
    "addToRolePolicy",
    "addToPolicy",
    "addToPrincipalPolicy",
    "addStatements",
];

/// What the statement whose literal object is `object` is added to (see
/// [`StatementSource::attached_to`]).
fn attachments(ctx: &SourceContext<'_, '_>, object: oxc::syntax::node::NodeId) -> Vec<String> {
    let mut out = Vec::new();
    // Up from the object to the `new PolicyStatement(...)` or `PolicyStatement.fromJson(...)`.
    let mut current = object;
    for _ in 0..3 {
        let parent = ctx.parent_id(current);
        if parent == current {
            return out;
        }
        current = parent;
        if matches!(
            ctx.kind(current),
            AstKind::NewExpression(_) | AstKind::CallExpression(_)
        ) {
            break;
        }
    }
    attached_at(ctx, current, &mut out);
    // `const s = new PolicyStatement(...)`: wherever `s` is added.
    if let AstKind::VariableDeclarator(d) = ctx.parent_kind(current) {
        if let Some(symbol) =
            d.id.get_binding_identifier()
                .and_then(|b| b.symbol_id.get())
        {
            for reference in ctx.semantic.scoping().get_resolved_references(symbol) {
                attached_at(ctx, reference.node_id(), &mut out);
            }
        }
    }
    out
}

/// When the expression node `id` is an argument of `X.addToRolePolicy(...)`, or an element of a
/// function's `initialPolicy: [...]`: `X`, or that function's variable.
fn attached_at(ctx: &SourceContext<'_, '_>, id: oxc::syntax::node::NodeId, out: &mut Vec<String>) {
    let parent = ctx.parent_id(id);
    match ctx.kind(parent) {
        AstKind::CallExpression(call) => {
            let Some(member) = call.callee.get_member_expr() else {
                return;
            };
            if member
                .static_property_name()
                .is_some_and(|m| ADDERS.contains(&m))
            {
                if let Some(receiver) = receiver_text(member.object()) {
                    if !out.contains(&receiver) {
                        out.push(receiver);
                    }
                }
            }
        }
        AstKind::ArrayExpression(_) => {
            let property = ctx.parent_id(parent);
            let AstKind::ObjectProperty(p) = ctx.kind(property) else {
                return;
            };
            if p.key.static_name().as_deref() != Some("initialPolicy") {
                return;
            }
            // props object → `new Function(this, 'Id', props)` → its variable.
            let props = ctx.parent_id(property);
            let new = ctx.parent_id(props);
            if matches!(ctx.kind(new), AstKind::NewExpression(_)) {
                if let Some(variable) = assigned_to(ctx, new) {
                    if !out.contains(&variable) {
                        out.push(variable);
                    }
                }
            }
        }
        _ => {}
    }
}

/// `fn` → `fn`, `this.fn` → `this.fn`.
fn receiver_text(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::Identifier(i) => Some(i.name.to_string()),
        Expression::StaticMemberExpression(m) => match m.object.get_inner_expression() {
            Expression::ThisExpression(_) => Some(format!("this.{}", m.property.name)),
            Expression::Identifier(i) => Some(format!("{}.{}", i.name, m.property.name)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_assets_resolve_as_node_resolves_them() {
        let dir =
            std::env::temp_dir().join(format!("stackwarden-cdk-source-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lib")).expect("mkdir");
        let stack = dir.join("lib/stack.ts");
        std::fs::write(
            &stack,
            "import * as path from 'path'; import * as iam from 'aws-cdk-lib/aws-iam';\n\
             const a = new NodejsFunction(this, 'A', { entry: 'src/a.ts' });\n\
             const b = new NodejsFunction(this, 'B', { entry: path.join(__dirname, '/../lambda/b/index.ts') });\n\
             this.c = new Function(this, 'C', { code: Code.fromAsset(path.resolve(__dirname, '..', 'lambda/c')), handler: 'app.handler' });\n\
             fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));\n\
             const common = { handler: 'run' };\n\
             const d = new NodejsFunction(this, 'D', { ...common, memorySize: 256 });\n\
             const shared = new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] });\n\
             a.addToRolePolicy(shared); this.c.addToRolePolicy(shared);\n\
             const e = new NodejsFunction(this, 'E', { initialPolicy: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] })] });\n",
        )
        .expect("write");
        let source = cdk_source(&stack).expect("parses");
        let a = source.construct_at(2).expect("a");
        assert_eq!(a.variable.as_deref(), Some("a"));
        assert_eq!(a.entry, Some(SourcePath::AppRelative("src/a.ts".into())));
        let b = source.construct_at(3).expect("b");
        assert_eq!(
            b.entry,
            Some(SourcePath::Absolute(
                dir.join("lib").join("../lambda/b/index.ts")
            ))
        );
        let c = source.construct_at(4).expect("c");
        assert_eq!(c.variable.as_deref(), Some("this.c"));
        assert_eq!(
            c.asset,
            Some(SourcePath::Absolute(
                dir.join("lib").join("..").join("lambda/c")
            ))
        );
        assert_eq!(c.handler.as_deref(), Some("app.handler"));
        // No `entry`: the CDK's default, `<stack file>.<id>.ts` beside it; spread props count.
        let d = source.construct_at(7).expect("d");
        assert_eq!(d.entry, Some(SourcePath::Absolute(dir.join("lib/stack.D"))));
        assert_eq!(d.handler.as_deref(), Some("run"));
        let attached: Vec<(&[String], &[String])> = source
            .statements
            .iter()
            .map(|s| (s.actions.as_slice(), s.attached_to.as_slice()))
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            attached,
            [
                (&strings(&["s3:GetObject"])[..], &strings(&["fn"])[..]),
                (
                    &strings(&["sqs:SendMessage"])[..],
                    &strings(&["a", "this.c"])[..]
                ),
                (&strings(&["sns:Publish"])[..], &strings(&["e"])[..]),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
