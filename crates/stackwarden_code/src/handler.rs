//! Lambda handler facts: which function is the exported `handler` (directly, or wrapped by
//! `makeIdempotent(fn)`, middy's `middy(fn).use(...)` and the like), whether Powertools
//! idempotency wraps it, and which functions of the same file it reaches through calls.
//!
//! The same facts describe any export ([`HandlerFacts::for_export`]), which is how
//! `crate::imports` follows a handler into the functions it imports from local modules.

use std::collections::{HashMap, HashSet};

use oxc::ast::ast::{
    AssignmentTarget, CallExpression, Class, ClassElement, Declaration, Expression,
    ModuleExportName,
};
use oxc::ast::AstKind;
use oxc::span::{GetSpan, Span as OxcSpan};
use oxc::syntax::node::NodeId;

use crate::context::{property, SourceContext};
use crate::sdk::is_powertools_idempotency;

#[derive(Debug, Clone)]
pub(crate) struct HandlerExport {
    /// Where the export is written (the `handler` name, or the `exports.handler` target).
    pub span: OxcSpan,
    pub idempotent: bool,
}

#[derive(Debug, Default)]
pub(crate) struct HandlerFacts {
    pub exports: Vec<HandlerExport>,
    /// Functions the handler reaches (its own, those it calls in this file, callbacks inside them).
    reachable: HashSet<NodeId>,
    /// Of those, the ones reached only under Powertools idempotency.
    covered: HashSet<NodeId>,
}

/// How deep wrapper calls and variable indirections are followed from the export.
const MAX_DEPTH: usize = 8;

impl HandlerFacts {
    pub(crate) fn is_handler_module(&self) -> bool {
        !self.exports.is_empty()
    }

    /// Whether `node` runs as part of the handler (inside a function the handler reaches).
    pub(crate) fn in_handler(&self, ctx: &SourceContext<'_, '_>, node: NodeId) -> bool {
        ctx.enclosing_function(node)
            .is_some_and(|f| self.reachable.contains(&f))
    }

    /// Whether `node` runs in the handler outside any idempotency wrapper.
    pub(crate) fn in_handler_uncovered(&self, ctx: &SourceContext<'_, '_>, node: NodeId) -> bool {
        ctx.enclosing_function(node)
            .is_some_and(|f| self.reachable.contains(&f) && !self.covered.contains(&f))
    }

    /// The facts of the module's exported `handler`.
    pub(crate) fn build(ctx: &SourceContext<'_, '_>) -> Self {
        Self::for_export(ctx, "handler")
    }

    /// The facts of the module's export `name`, as if it were the handler: what it reaches in
    /// this file, and whether idempotency wraps it (used for the functions a handler imports).
    pub(crate) fn for_export(ctx: &SourceContext<'_, '_>, name: &str) -> Self {
        let mut facts = Self::default();
        let mut entries: Vec<(NodeId, bool)> = Vec::new();
        let decorated = has_idempotent_decorator(ctx);
        // `OrderRepo.remove`: a method of an exported class, or of an exported instance.
        if let Some((object, method)) = name.split_once('.') {
            let scoping = ctx.semantic.scoping();
            let Some(symbol) = scoping.get_root_binding(object.into()) else {
                return facts;
            };
            let decl = scoping.symbol_declaration(symbol);
            let function = match ctx.kind(decl) {
                AstKind::Class(class) => class_method(class, method),
                AstKind::VariableDeclarator(d) => {
                    d.init
                        .as_ref()
                        .and_then(|init| match init.get_inner_expression() {
                            Expression::NewExpression(new) => {
                                local_class(ctx, &new.callee).and_then(|c| class_method(c, method))
                            }
                            other => method_of(ctx, decl, other, method),
                        })
                }
                _ => None,
            };
            if let Some(function) = function {
                facts.exports.push(HandlerExport {
                    span: ctx.kind(function).span(),
                    idempotent: decorated,
                });
                facts.walk(ctx, vec![(function, decorated)]);
            }
            return facts;
        }
        for node in ctx.nodes() {
            let (span, expr) = match node.kind() {
                AstKind::ExportDeclaration(export) => {
                    match &export.declaration {
                        Declaration::VariableDeclaration(v) => {
                            for d in &v.declarations {
                                if let (Some(id), Some(init)) =
                                    (d.id.get_binding_identifier(), &d.init)
                                {
                                    if id.name.as_str() == name {
                                        facts.add_export(
                                            ctx,
                                            id.span,
                                            Target::Expr(init),
                                            decorated,
                                            &mut entries,
                                        );
                                    }
                                }
                            }
                        }
                        Declaration::FunctionDeclaration(f)
                            if f.name().is_some_and(|n| n.as_str() == name) =>
                        {
                            let span = f.id.as_ref().map_or(f.span, |id| id.span);
                            facts.add_export(
                                ctx,
                                span,
                                Target::Function(f.node_id()),
                                decorated,
                                &mut entries,
                            );
                        }
                        _ => {}
                    }
                    continue;
                }
                AstKind::ExportNamedDeclaration(export) => {
                    for specifier in &export.specifiers {
                        if export_name(&specifier.exported) != name {
                            continue;
                        }
                        if let ModuleExportName::IdentifierReference(local) = &specifier.local {
                            let symbol = local
                                .reference_id
                                .get()
                                .and_then(|r| ctx.semantic.scoping().get_reference(r).symbol_id());
                            if let Some(symbol) = symbol {
                                facts.add_export(
                                    ctx,
                                    specifier.span,
                                    Target::Symbol(symbol),
                                    decorated,
                                    &mut entries,
                                );
                            }
                        }
                    }
                    continue;
                }
                AstKind::AssignmentExpression(assign) => match &assign.left {
                    target if is_exports_member(ctx, target, name) => {
                        (assign.left.span(), &assign.right)
                    }
                    AssignmentTarget::StaticMemberExpression(m)
                        if ctx.is_global(&m.object, "module")
                            && m.property.name.as_str() == "exports" =>
                    {
                        match assign.right.get_inner_expression() {
                            Expression::ObjectExpression(o) => match property(o, name) {
                                Some(value) => (assign.left.span(), value),
                                None => continue,
                            },
                            _ => continue,
                        }
                    }
                    _ => continue,
                },
                _ => continue,
            };
            facts.add_export(ctx, span, Target::Expr(expr), decorated, &mut entries);
        }
        if !entries.is_empty() {
            facts.walk(ctx, entries);
        }
        facts
    }

    fn add_export<'a>(
        &mut self,
        ctx: &SourceContext<'_, 'a>,
        span: OxcSpan,
        target: Target<'_, 'a>,
        decorated: bool,
        entries: &mut Vec<(NodeId, bool)>,
    ) {
        let mut found = Vec::new();
        let mut idempotent = decorated;
        match target {
            Target::Expr(expr) => resolve(ctx, expr, 0, &mut found, &mut idempotent),
            Target::Function(id) => found.push(id),
            Target::Symbol(symbol) => resolve_symbol(ctx, symbol, 0, &mut found, &mut idempotent),
        }
        entries.extend(found.into_iter().map(|f| (f, idempotent)));
        self.exports.push(HandlerExport { span, idempotent });
    }

    /// Follows calls from the entry functions to functions of this file, and into the callbacks
    /// nested in them; a call through an idempotency-wrapped function marks what it reaches covered.
    fn walk(&mut self, ctx: &SourceContext<'_, '_>, entries: Vec<(NodeId, bool)>) {
        // Edges: function → (function it calls or nests, whether that edge enters idempotency).
        let mut edges: HashMap<NodeId, Vec<(NodeId, bool)>> = HashMap::new();
        for node in ctx.nodes() {
            match node.kind() {
                AstKind::Function(_) | AstKind::ArrowFunctionExpression(_) => {
                    if let Some(outer) = ctx.enclosing_function(node.id()) {
                        edges.entry(outer).or_default().push((node.id(), false));
                    }
                }
                AstKind::CallExpression(call) => {
                    let Some(outer) = ctx.enclosing_function(node.id()) else {
                        continue;
                    };
                    let mut targets = Vec::new();
                    let mut idempotent = false;
                    call_targets(ctx, node.id(), call, &mut targets, &mut idempotent);
                    edges
                        .entry(outer)
                        .or_default()
                        .extend(targets.into_iter().map(|t| (t, idempotent)));
                }
                AstKind::NewExpression(new) => {
                    // `new Promise(run)`, `new Worker(task)`: a function passed by reference runs.
                    let Some(outer) = ctx.enclosing_function(node.id()) else {
                        continue;
                    };
                    let mut targets = Vec::new();
                    let mut idempotent = false;
                    for arg in new.arguments.iter().filter_map(|a| a.as_expression()) {
                        if let Some(symbol) = ctx.symbol_of(arg) {
                            resolve_symbol(ctx, symbol, 0, &mut targets, &mut idempotent);
                        }
                    }
                    edges
                        .entry(outer)
                        .or_default()
                        .extend(targets.into_iter().map(|t| (t, idempotent)));
                }
                _ => {}
            }
        }
        let mut seen: HashSet<(NodeId, bool)> = HashSet::new();
        let mut queue = entries;
        while let Some((function, covered)) = queue.pop() {
            if !seen.insert((function, covered)) {
                continue;
            }
            self.reachable.insert(function);
            for &(next, enters) in edges.get(&function).map(Vec::as_slice).unwrap_or_default() {
                queue.push((next, covered || enters));
            }
        }
        // Covered: reached, and only ever reached under idempotency.
        for &(function, covered) in &seen {
            if covered && !seen.contains(&(function, false)) {
                self.covered.insert(function);
            }
        }
    }
}

/// The functions of this file a call runs: the function the callee names (`save(x)`), a method
/// of a class of this file (`this.save(x)`, `repo.save(x)` with `const repo = new Repo()`,
/// `Repo.save(x)`) or of an object literal (`store.save(x)` with `const store = { save() {} }`),
/// and functions passed to it by reference (`records.map(one)`, `Promise.all(items.map(send))`).
pub(crate) fn call_targets<'a>(
    ctx: &SourceContext<'_, 'a>,
    call_id: NodeId,
    call: &CallExpression<'a>,
    found: &mut Vec<NodeId>,
    idempotent: &mut bool,
) {
    if let Some(symbol) = ctx.symbol_of(&call.callee) {
        resolve_symbol(ctx, symbol, 0, found, idempotent);
    } else if let Some(member) = call.callee.get_member_expr() {
        if let Some(method) = member.static_property_name() {
            if let Some(function) = method_of(ctx, call_id, member.object(), method) {
                found.push(function);
            }
        }
    }
    for arg in call.arguments.iter().filter_map(|a| a.as_expression()) {
        match arg.get_inner_expression() {
            Expression::Identifier(_) => {
                if let Some(symbol) = ctx.symbol_of(arg) {
                    resolve_symbol(ctx, symbol, 0, found, idempotent);
                }
            }
            // `items.map(this.send)`, `items.forEach(repo.save)`.
            Expression::StaticMemberExpression(m) => {
                if let Some(function) = method_of(ctx, call_id, &m.object, m.property.name.as_str())
                {
                    found.push(function);
                }
            }
            _ => {}
        }
    }
}

/// The function that `object.method` runs, when `object` is `this` in a class of this file, an
/// instance of such a class held by a constant, the class itself (a static method), or an object
/// literal held by a constant.
pub(crate) fn method_of<'a>(
    ctx: &SourceContext<'_, 'a>,
    at: NodeId,
    object: &Expression<'a>,
    method: &str,
) -> Option<NodeId> {
    let object = object.get_inner_expression();
    if let Expression::ThisExpression(_) = object {
        let class = ctx
            .semantic
            .nodes()
            .ancestors(at)
            .find_map(|n| match n.kind() {
                AstKind::Class(c) => Some(c),
                _ => None,
            })?;
        return class_method(class, method);
    }
    let value = ctx.value_of(object).get_inner_expression();
    match value {
        Expression::NewExpression(new) => {
            local_class(ctx, &new.callee).and_then(|c| class_method(c, method))
        }
        Expression::ObjectExpression(o) => match property(o, method)?.get_inner_expression() {
            Expression::FunctionExpression(f) => Some(f.node_id()),
            Expression::ArrowFunctionExpression(f) => Some(f.node_id()),
            other => {
                let symbol = ctx.symbol_of(other)?;
                let mut found = Vec::new();
                resolve_symbol(ctx, symbol, 0, &mut found, &mut false);
                found.first().copied()
            }
        },
        Expression::Identifier(_) => local_class(ctx, value).and_then(|c| class_method(c, method)),
        _ => None,
    }
}

/// The class of this file an expression names (`Repo` in `new Repo()`).
pub(crate) fn local_class<'a>(
    ctx: &SourceContext<'_, 'a>,
    expr: &Expression<'a>,
) -> Option<&'a Class<'a>> {
    let symbol = ctx.symbol_of(expr)?;
    let decl = ctx.semantic.scoping().symbol_declaration(symbol);
    match ctx.kind(decl) {
        AstKind::Class(c) => Some(c),
        AstKind::VariableDeclarator(_) => {
            match ctx.symbol_initializer(symbol)?.get_inner_expression() {
                Expression::ClassExpression(c) => Some(c),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The function of the method (or function-valued property) `name` of a class.
pub(crate) fn class_method(class: &Class<'_>, name: &str) -> Option<NodeId> {
    class.body.body.iter().find_map(|element| match element {
        ClassElement::MethodDefinition(m) if m.key.static_name().is_some_and(|k| k == name) => {
            Some(m.value.node_id())
        }
        ClassElement::PropertyDefinition(p) if p.key.static_name().is_some_and(|k| k == name) => {
            match p.value.as_ref()?.get_inner_expression() {
                Expression::ArrowFunctionExpression(f) => Some(f.node_id()),
                Expression::FunctionExpression(f) => Some(f.node_id()),
                _ => None,
            }
        }
        _ => None,
    })
}

enum Target<'e, 'a> {
    Expr(&'e Expression<'a>),
    Function(NodeId),
    Symbol(oxc::semantic::SymbolId),
}

/// The functions an exported value runs, unwrapping wrapper calls; notes idempotency wrappers.
fn resolve<'a>(
    ctx: &SourceContext<'_, 'a>,
    expr: &Expression<'a>,
    depth: usize,
    found: &mut Vec<NodeId>,
    idempotent: &mut bool,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match expr.get_inner_expression() {
        Expression::FunctionExpression(f) => found.push(f.node_id()),
        Expression::ArrowFunctionExpression(f) => found.push(f.node_id()),
        Expression::Identifier(_) => {
            if let Some(symbol) = ctx.symbol_of(expr) {
                resolve_symbol(ctx, symbol, depth + 1, found, idempotent);
            }
        }
        Expression::CallExpression(call) => {
            if is_idempotency_wrapper(ctx, &call.callee) {
                *idempotent = true;
            }
            if let Some(member) = call.callee.get_member_expr() {
                resolve(ctx, member.object(), depth + 1, found, idempotent);
            }
            for arg in call.arguments.iter().filter_map(|a| a.as_expression()) {
                if let Expression::CallExpression(inner) = arg.get_inner_expression() {
                    if is_idempotency_wrapper(ctx, &inner.callee) {
                        *idempotent = true;
                        continue;
                    }
                }
                resolve(ctx, arg, depth + 1, found, idempotent);
            }
        }
        _ => {}
    }
}

pub(crate) fn resolve_symbol(
    ctx: &SourceContext<'_, '_>,
    symbol: oxc::semantic::SymbolId,
    depth: usize,
    found: &mut Vec<NodeId>,
    idempotent: &mut bool,
) {
    let decl = ctx.semantic.scoping().symbol_declaration(symbol);
    match ctx.kind(decl) {
        AstKind::Function(_) => found.push(decl),
        AstKind::VariableDeclarator(_) => {
            if let Some(init) = ctx.symbol_initializer(symbol) {
                resolve(ctx, init, depth + 1, found, idempotent);
            }
        }
        _ => {}
    }
}

/// `makeIdempotent(...)` or `makeHandlerIdempotent(...)` from `@aws-lambda-powertools/idempotency`.
fn is_idempotency_wrapper(ctx: &SourceContext<'_, '_>, callee: &Expression<'_>) -> bool {
    ctx.imported_name(callee, is_powertools_idempotency)
        .is_some_and(|n| matches!(n, "makeIdempotent" | "makeHandlerIdempotent"))
}

/// `@idempotent(...)` on a class method (Powertools' decorator form).
fn has_idempotent_decorator(ctx: &SourceContext<'_, '_>) -> bool {
    ctx.nodes().any(|n| match n.kind() {
        AstKind::Decorator(d) => {
            let expr = match d.expression.get_inner_expression() {
                Expression::CallExpression(call) => &call.callee,
                other => other,
            };
            ctx.imported_name(expr, is_powertools_idempotency)
                .is_some_and(|n| n == "idempotent")
        }
        _ => false,
    })
}

/// `exports.NAME` or `module.exports.NAME` as an assignment target.
fn is_exports_member(
    ctx: &SourceContext<'_, '_>,
    target: &AssignmentTarget<'_>,
    name: &str,
) -> bool {
    let AssignmentTarget::StaticMemberExpression(m) = target else {
        return false;
    };
    if m.property.name.as_str() != name {
        return false;
    }
    match m.object.get_inner_expression() {
        Expression::Identifier(_) => ctx.is_global(&m.object, "exports"),
        Expression::StaticMemberExpression(inner) => {
            ctx.is_global(&inner.object, "module") && inner.property.name.as_str() == "exports"
        }
        _ => false,
    }
}

fn export_name<'a>(name: &ModuleExportName<'a>) -> &'a str {
    match name {
        ModuleExportName::IdentifierName(n) => n.name.as_str(),
        ModuleExportName::IdentifierReference(n) => n.name.as_str(),
        ModuleExportName::StringLiteral(n) => n.value.as_str(),
    }
}
