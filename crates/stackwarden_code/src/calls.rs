//! What a Lambda handler's code asks AWS to do: the SDK v3 commands its module and the local
//! modules it imports can send, with what each input names (`Bucket: process.env.BUCKET`,
//! `TableName: 'orders'`), and the library calls that send requests of their own (Powertools'
//! idempotency store and parameter getters), for the permission rules of `stackwarden_permissions`.
//!
//! Every command constructed in a followed module counts, whether or not the handler reaches
//! it: a module's code is what its bundle can run, and a command written is one the author
//! means to send. What cannot be known is said, never guessed: a `send` of a command built
//! elsewhere, SDK v2 calls, computed command classes ([`HandlerCalls::unresolved`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::ast::ast::{Argument, ArrayExpressionElement, Expression, ObjectPropertyKind};
use oxc::ast::AstKind;
use stackwarden_core::config::Config;
use stackwarden_core::InputError;

use crate::check::{analyse, parse_clean, read_text};
use crate::context::{callee_name, module_loads, static_string, SourceContext};
use crate::sdk::{client_of, is_sdk_v2, ClientKind};

/// How many modules deep local imports are followed (as `crate::imports` does for idempotency).
const MAX_DEPTH: usize = 4;
/// How many variable and helper indirections a value is followed through.
const MAX_VALUE_DEPTH: usize = 6;

/// What an input property names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueRef {
    /// `process.env.NAME`, directly or through a constant or a `requireEnv('NAME')` helper.
    Env(String),
    /// A string written in the code.
    Literal(String),
    /// Computed at run time.
    Unknown,
}

/// One command the code constructs: `new PutObjectCommand({ Bucket: ..., Key: ... })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkCall {
    /// `@aws-sdk/client-s3`, `@aws-sdk/lib-dynamodb`.
    pub package: String,
    /// `PutObjectCommand`.
    pub command: String,
    pub path: PathBuf,
    /// Where the `send(...)` that sends it is, else the `new`.
    pub line: u32,
    pub column: u32,
    /// The input's top-level properties and what each names (`Bucket` → `Env("BUCKET")`).
    pub input: Vec<(String, ValueRef)>,
    /// Nested requests: a transaction's items (`Put`, `Update`, ... with their properties) and a
    /// batch's `RequestItems` tables (kind `RequestItems`, property `TableName`).
    pub items: Vec<(String, Vec<(String, ValueRef)>)>,
    /// The input is not an object literal, or spreads one in: its properties are not all known.
    pub input_unknown: bool,
    /// Every property name written in the input, at any depth (`Target.RoleArn` → `RoleArn`).
    pub nested_keys: Vec<String>,
}

/// A call of a library that sends requests of its own (`new DynamoDBPersistenceLayer({...})`,
/// `getParameter('/orders/key')`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryCall {
    pub package: String,
    pub export: String,
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    /// The positional string arguments and the first object argument's properties.
    pub arguments: Vec<ValueRef>,
    pub options: Vec<(String, ValueRef)>,
}

#[derive(Debug, Clone, Default)]
pub struct HandlerCalls {
    pub calls: Vec<SdkCall>,
    pub library: Vec<LibraryCall>,
    /// Why the list may be incomplete, one line each with its place (`src/x.ts:12: ...`).
    pub unresolved: Vec<String>,
    /// The modules read, the handler's first.
    pub modules: Vec<PathBuf>,
}

/// The calls of the handler module at `path` and of the local modules it imports.
pub fn handler_calls(path: &Path, config: &Config) -> Result<HandlerCalls, InputError> {
    let mut out = HandlerCalls::default();
    let mut visited = HashSet::new();
    // The handler itself must be readable and parse; an imported module that does not is noted.
    let text = read_text(path)?;
    let allocator = Allocator::default();
    let Some(program) = parse_clean(&allocator, path, &text) else {
        return Err(InputError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: "cannot parse the handler module".to_string(),
        });
    };
    visited.insert(path.to_path_buf());
    let semantic = analyse(&program);
    let ctx = SourceContext::new(path, &text, &semantic, config);
    let next = collect(&ctx, &mut out);
    for specifier in next {
        follow(path, &specifier, config, 1, &mut visited, &mut out);
    }
    Ok(out)
}

fn follow(
    from: &Path,
    specifier: &str,
    config: &Config,
    depth: usize,
    visited: &mut HashSet<PathBuf>,
    out: &mut HandlerCalls,
) {
    let Some(dir) = from.parent() else { return };
    let Some(path) = crate::imports::resolve(dir, specifier) else {
        out.unresolved.push(format!(
            "{}: imports `{specifier}`, which does not resolve to a source file",
            from.display()
        ));
        return;
    };
    if depth > MAX_DEPTH {
        out.unresolved.push(format!(
            "{}: not followed (more than {MAX_DEPTH} modules deep)",
            path.display()
        ));
        return;
    }
    if !visited.insert(path.clone()) {
        return;
    }
    let Ok(text) = read_text(&path) else {
        out.unresolved
            .push(format!("{}: cannot be read", path.display()));
        return;
    };
    let allocator = Allocator::default();
    let Some(program) = parse_clean(&allocator, &path, &text) else {
        out.unresolved
            .push(format!("{}: does not parse", path.display()));
        return;
    };
    let semantic = analyse(&program);
    let ctx = SourceContext::new(&path, &text, &semantic, config);
    for next in collect(&ctx, out) {
        follow(&path, &next, config, depth + 1, visited, out);
    }
}

/// Collects one module's calls; returns the relative specifiers it loads.
fn collect(ctx: &SourceContext<'_, '_>, out: &mut HandlerCalls) -> Vec<String> {
    out.modules.push(ctx.path.to_path_buf());
    let mut relative = Vec::new();
    for (module, span) in module_loads(ctx) {
        if module.starts_with("./") || module.starts_with("../") {
            relative.push(module.to_string());
        } else if is_sdk_v2(module) {
            out.unresolved.push(format!(
                "{}:{}: loads the AWS SDK v2 (`{module}`), whose calls are not mapped to IAM actions",
                ctx.path.display(),
                ctx.line_of(span.start)
            ));
        }
    }
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::NewExpression(new) => {
                if let Some(binding) = ctx.binding_of(&new.callee) {
                    let Some(name) = binding.name else { continue };
                    if is_command_package(binding.module) && name.ends_with("Command") {
                        let (line, column) = send_position(ctx, node.id(), new.span.start);
                        let (input, items, input_unknown) = input_of(ctx, new.arguments.first());
                        let nested_keys = nested_keys(ctx, new.arguments.first());
                        out.calls.push(SdkCall {
                            nested_keys,
                            package: binding.module.to_string(),
                            command: name.to_string(),
                            path: ctx.path.to_path_buf(),
                            line,
                            column,
                            input,
                            items,
                            input_unknown,
                        });
                    } else if is_library(binding.module) {
                        out.library.push(library_call(
                            ctx,
                            binding.module,
                            name,
                            &new.arguments,
                            new.span.start,
                        ));
                    }
                } else if let Expression::ComputedMemberExpression(m) =
                    new.callee.get_inner_expression()
                {
                    if ctx
                        .binding_of(&m.object)
                        .is_some_and(|b| is_command_package(b.module))
                    {
                        out.unresolved.push(format!(
                            "{}:{}: constructs a command whose class is computed at run time",
                            ctx.path.display(),
                            ctx.line_of(new.span.start)
                        ));
                    }
                }
            }
            AstKind::CallExpression(call) => {
                if let Some(binding) = ctx.binding_of(&call.callee) {
                    if let (Some(name), true) = (binding.name, is_library(binding.module)) {
                        out.library.push(library_call(
                            ctx,
                            binding.module,
                            name,
                            &call.arguments,
                            call.span.start,
                        ));
                    }
                    continue;
                }
                let Some(member) = call.callee.get_member_expr() else {
                    continue;
                };
                let Some(method) = member.static_property_name() else {
                    continue;
                };
                let Some(client) = client_of(ctx, member.object()) else {
                    continue;
                };
                match client.kind {
                    ClientKind::V3 | ClientKind::DocumentFrom if method == "send" => {
                        let built_here = call
                            .arguments
                            .first()
                            .and_then(Argument::as_expression)
                            .is_some_and(|a| constructs_command(ctx, a));
                        if !built_here {
                            out.unresolved.push(format!(
                                "{}:{}: sends a command built elsewhere (a parameter or a computed value)",
                                ctx.path.display(),
                                ctx.line_of(call.span.start)
                            ));
                        }
                    }
                    // `new S3().putObject({...})`: the aggregated client's method is the
                    // operation, in camel case.
                    ClientKind::V3Aggregated if method != "send" && method != "destroy" => {
                        let Some(package) = client_package(ctx, member.object()) else {
                            continue;
                        };
                        let mut command: String = method
                            .chars()
                            .take(1)
                            .flat_map(char::to_uppercase)
                            .chain(method.chars().skip(1))
                            .collect();
                        command.push_str("Command");
                        let (input, items, input_unknown) = input_of(ctx, call.arguments.first());
                        let nested_keys = nested_keys(ctx, call.arguments.first());
                        let span = ctx.position(call.span.start);
                        out.calls.push(SdkCall {
                            nested_keys,
                            package,
                            command,
                            path: ctx.path.to_path_buf(),
                            line: span.line,
                            column: span.column,
                            input,
                            items,
                            input_unknown,
                        });
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    relative
}

fn is_command_package(module: &str) -> bool {
    module.starts_with("@aws-sdk/client-") || module == "@aws-sdk/lib-dynamodb"
}

fn is_library(module: &str) -> bool {
    module.starts_with("@aws-lambda-powertools/idempotency")
        || module.starts_with("@aws-lambda-powertools/parameters")
}

/// The package of the `new` that made the client an expression holds (`new S3()` → client-s3).
fn client_package<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>) -> Option<String> {
    let init = match expr.get_inner_expression() {
        Expression::NewExpression(_) => expr,
        _ => ctx.initializer_of(expr)?,
    };
    match init.get_inner_expression() {
        Expression::NewExpression(new) => ctx.binding_of(&new.callee).map(|b| b.module.to_string()),
        _ => None,
    }
}

/// Whether an argument is, or is a constant holding, a `new XCommand(...)` of an SDK package.
fn constructs_command<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>) -> bool {
    let expr = match expr.get_inner_expression() {
        Expression::Identifier(_) => match ctx.initializer_of(expr) {
            Some(init) => init,
            None => return false,
        },
        other => other,
    };
    match expr.get_inner_expression() {
        Expression::NewExpression(new) => ctx
            .binding_of(&new.callee)
            .is_some_and(|b| is_command_package(b.module)),
        _ => false,
    }
}

/// The `send(...)` call a command is the argument of (directly or through a constant), for the
/// finding's position; else where the command is constructed.
fn send_position(
    ctx: &SourceContext<'_, '_>,
    id: oxc::syntax::node::NodeId,
    fallback: u32,
) -> (u32, u32) {
    let mut current = id;
    for _ in 0..3 {
        let parent = ctx.parent_id(current);
        if parent == current {
            break;
        }
        match ctx.kind(parent) {
            AstKind::CallExpression(call) if callee_name(&call.callee) == Some("send") => {
                let span = ctx.position(call.span.start);
                return (span.line, span.column);
            }
            AstKind::CallExpression(_)
            | AstKind::Function(_)
            | AstKind::ArrowFunctionExpression(_) => break,
            _ => current = parent,
        }
    }
    let span = ctx.position(fallback);
    (span.line, span.column)
}

type Properties = Vec<(String, ValueRef)>;

/// The property names of an input object literal at any depth (through arrays too).
fn nested_keys<'a>(ctx: &SourceContext<'_, 'a>, argument: Option<&Argument<'a>>) -> Vec<String> {
    fn walk(expr: &Expression<'_>, depth: usize, out: &mut Vec<String>) {
        if depth > 6 {
            return;
        }
        match expr.get_inner_expression() {
            Expression::ObjectExpression(object) => {
                for property in &object.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = property {
                        if let Some(key) = p.key.static_name() {
                            if !out.iter().any(|k| k == key.as_ref()) {
                                out.push(key.to_string());
                            }
                        }
                        walk(&p.value, depth + 1, out);
                    }
                }
            }
            Expression::ArrayExpression(array) => {
                for element in &array.elements {
                    if let Some(e) = element.as_expression() {
                        walk(e, depth + 1, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(expr) = argument.and_then(Argument::as_expression) {
        let expr = match expr.get_inner_expression() {
            Expression::Identifier(_) => ctx.initializer_of(expr).unwrap_or(expr),
            other => other,
        };
        walk(expr, 0, &mut out);
    }
    out
}

/// The properties of a command's input and its nested requests.
fn input_of<'a>(
    ctx: &SourceContext<'_, 'a>,
    argument: Option<&Argument<'a>>,
) -> (Properties, Vec<(String, Properties)>, bool) {
    let Some(expr) = argument.and_then(Argument::as_expression) else {
        // `new ListBucketsCommand()` takes no input.
        return (Vec::new(), Vec::new(), argument.is_some());
    };
    let expr = match expr.get_inner_expression() {
        Expression::Identifier(_) => ctx.initializer_of(expr).unwrap_or(expr),
        other => other,
    };
    let Expression::ObjectExpression(object) = expr.get_inner_expression() else {
        return (Vec::new(), Vec::new(), true);
    };
    let mut unknown = false;
    let mut properties = Vec::new();
    let mut items = Vec::new();
    for property in &object.properties {
        let ObjectPropertyKind::ObjectProperty(p) = property else {
            unknown = true;
            continue;
        };
        let Some(key) = p.key.static_name() else {
            unknown = true;
            continue;
        };
        match key.as_ref() {
            "TransactItems" => items.extend(transact_items(ctx, &p.value)),
            "RequestItems" => items.extend(request_items(ctx, &p.value)),
            _ => {}
        }
        properties.push((key.to_string(), value_of(ctx, &p.value, 0)));
    }
    (properties, items, unknown)
}

/// `TransactItems: [{ Put: { TableName, ... } }, { Update: {...} }]`.
fn transact_items<'a>(
    ctx: &SourceContext<'_, 'a>,
    value: &Expression<'a>,
) -> Vec<(String, Properties)> {
    let Expression::ArrayExpression(array) = value.get_inner_expression() else {
        return vec![("?".to_string(), Vec::new())];
    };
    let mut items = Vec::new();
    for element in &array.elements {
        let Some(Expression::ObjectExpression(item)) = element
            .as_expression()
            .map(Expression::get_inner_expression)
        else {
            // A spread or a computed item: its kind is not known.
            if !matches!(element, ArrayExpressionElement::Elision(_)) {
                items.push(("?".to_string(), Vec::new()));
            }
            continue;
        };
        for property in &item.properties {
            let ObjectPropertyKind::ObjectProperty(p) = property else {
                items.push(("?".to_string(), Vec::new()));
                continue;
            };
            let kind = p
                .key
                .static_name()
                .map_or("?".to_string(), |k| k.to_string());
            let mut properties = Vec::new();
            if let Expression::ObjectExpression(request) = p.value.get_inner_expression() {
                for inner in &request.properties {
                    if let ObjectPropertyKind::ObjectProperty(q) = inner {
                        if let Some(key) = q.key.static_name() {
                            properties.push((key.to_string(), value_of(ctx, &q.value, 0)));
                        }
                    }
                }
            }
            items.push((kind, properties));
        }
    }
    items
}

/// `RequestItems: { [TABLE]: [...], 'orders': {...} }`: each key is a table name.
fn request_items<'a>(
    ctx: &SourceContext<'_, 'a>,
    value: &Expression<'a>,
) -> Vec<(String, Properties)> {
    let Expression::ObjectExpression(object) = value.get_inner_expression() else {
        return vec![(
            "RequestItems".to_string(),
            vec![("TableName".to_string(), ValueRef::Unknown)],
        )];
    };
    object
        .properties
        .iter()
        .map(|property| {
            let table = match property {
                ObjectPropertyKind::ObjectProperty(p) if p.computed => p
                    .key
                    .as_expression()
                    .map_or(ValueRef::Unknown, |e| value_of(ctx, e, 0)),
                ObjectPropertyKind::ObjectProperty(p) => p
                    .key
                    .static_name()
                    .map_or(ValueRef::Unknown, |k| ValueRef::Literal(k.to_string())),
                ObjectPropertyKind::SpreadProperty(_) => ValueRef::Unknown,
            };
            (
                "RequestItems".to_string(),
                vec![("TableName".to_string(), table)],
            )
        })
        .collect()
}

fn library_call<'a>(
    ctx: &SourceContext<'_, 'a>,
    module: &str,
    export: &str,
    arguments: &[Argument<'a>],
    start: u32,
) -> LibraryCall {
    let span = ctx.position(start);
    let mut positional = Vec::new();
    let mut options = Vec::new();
    for argument in arguments {
        let Some(expr) = argument.as_expression() else {
            positional.push(ValueRef::Unknown);
            continue;
        };
        if let Expression::ObjectExpression(object) = expr.get_inner_expression() {
            if options.is_empty() {
                for property in &object.properties {
                    if let ObjectPropertyKind::ObjectProperty(p) = property {
                        if let Some(key) = p.key.static_name() {
                            options.push((key.to_string(), value_of(ctx, &p.value, 0)));
                        }
                    }
                }
            }
            positional.push(ValueRef::Unknown);
        } else {
            positional.push(value_of(ctx, expr, 0));
        }
    }
    LibraryCall {
        package: module.to_string(),
        export: export.to_string(),
        path: ctx.path.to_path_buf(),
        line: span.line,
        column: span.column,
        arguments: positional,
        options,
    }
}

/// What a value names: an environment variable, a literal, or nothing knowable.
fn value_of<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>, depth: usize) -> ValueRef {
    if depth > MAX_VALUE_DEPTH {
        return ValueRef::Unknown;
    }
    if let Some(text) = static_string(expr) {
        return ValueRef::Literal(text.to_string());
    }
    if let Some(name) = env_read(ctx, expr) {
        return ValueRef::Env(name);
    }
    match expr.get_inner_expression() {
        Expression::Identifier(_) => ctx
            .initializer_of(expr)
            .map_or(ValueRef::Unknown, |init| value_of(ctx, init, depth + 1)),
        // `process.env.BUCKET ?? 'fallback'`, `process.env.BUCKET || ''`: the variable is what
        // the deployed function reads.
        Expression::LogicalExpression(logical) => match value_of(ctx, &logical.left, depth + 1) {
            ValueRef::Unknown => value_of(ctx, &logical.right, depth + 1),
            known => known,
        },
        // `requireEnv('TABLE_NAME')`: a helper of this file that reads `process.env[name]`.
        Expression::CallExpression(call) => {
            let Some(name) = call
                .arguments
                .first()
                .and_then(Argument::as_expression)
                .and_then(static_string)
            else {
                return ValueRef::Unknown;
            };
            let Some(symbol) = ctx.symbol_of(&call.callee) else {
                return ValueRef::Unknown;
            };
            let decl = ctx.semantic.scoping().symbol_declaration(symbol);
            let function = match ctx.kind(decl) {
                AstKind::Function(_) => Some(decl),
                AstKind::VariableDeclarator(_) => ctx.descendants(decl).find_map(|n| {
                    matches!(
                        n.kind(),
                        AstKind::ArrowFunctionExpression(_) | AstKind::Function(_)
                    )
                    .then(|| n.id())
                }),
                _ => None,
            };
            let reads_env_by_parameter = function.is_some_and(|f| {
                ctx.descendants(f).any(|n| match n.kind() {
                    AstKind::ComputedMemberExpression(m) => {
                        is_process_env(ctx, &m.object)
                            && matches!(
                                m.expression.get_inner_expression(),
                                Expression::Identifier(_)
                            )
                    }
                    _ => false,
                })
            });
            if reads_env_by_parameter {
                ValueRef::Env(name.to_string())
            } else {
                ValueRef::Unknown
            }
        }
        _ => ValueRef::Unknown,
    }
}

/// `process.env.NAME` / `process.env['NAME']`.
fn env_read<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::StaticMemberExpression(m) if is_process_env(ctx, &m.object) => {
            Some(m.property.name.to_string())
        }
        Expression::ComputedMemberExpression(m) if is_process_env(ctx, &m.object) => {
            static_string(&m.expression).map(str::to_string)
        }
        _ => None,
    }
}

fn is_process_env<'a>(ctx: &SourceContext<'_, 'a>, expr: &Expression<'a>) -> bool {
    match expr.get_inner_expression() {
        Expression::StaticMemberExpression(m) => {
            m.property.name == "env" && ctx.is_global(&m.object, "process")
        }
        _ => false,
    }
}
