//! What the rules see of one parsed source file: the AST and its semantic model (scopes, symbols,
//! references), plus facts derived once per file: which local names are bound to which module's
//! export (ES imports and CommonJS `require`), the function enclosing every node, and positions.
//!
//! Rules ask questions in the vocabulary of the code ("what does this callee refer to?"), never
//! of the text: nothing here matches source with patterns.

use std::collections::HashMap;
use std::path::Path;

use oxc::ast::ast::{
    Argument, BindingPattern, Expression, ImportDeclarationSpecifier, ModuleExportName,
    ObjectExpression, ObjectPropertyKind, PropertyKey, TSModuleReference,
};
use oxc::ast::AstKind;
use oxc::semantic::{AstNode, Semantic, SymbolId};
use oxc::span::{GetSpan, Span as OxcSpan};
use oxc::syntax::node::NodeId;
use stackwarden_core::config::Config;
use stackwarden_core::{Finding, LineIndex, Location, RuleMeta};

use crate::handler::HandlerFacts;

/// How many constants deep a name is followed to its value.
const MAX_CONST_HOPS: usize = 8;

/// What a local name is bound to, when it comes from another module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Binding<'a> {
    pub module: &'a str,
    /// `None` for the module object itself (`import * as m`, `const m = require(...)`).
    pub name: Option<&'a str>,
}

pub(crate) struct SourceContext<'s, 'a> {
    pub path: &'s Path,
    pub text: &'a str,
    pub semantic: &'s Semantic<'a>,
    pub config: &'s Config,
    lines: LineIndex,
    imports: HashMap<SymbolId, Binding<'a>>,
    /// For each node (by id), the nearest enclosing function or arrow function.
    enclosing: Vec<Option<NodeId>>,
    pub handler: HandlerFacts,
}

impl<'s, 'a> SourceContext<'s, 'a> {
    pub(crate) fn new(
        path: &'s Path,
        text: &'a str,
        semantic: &'s Semantic<'a>,
        config: &'s Config,
    ) -> Self {
        let nodes = semantic.nodes();
        let mut enclosing: Vec<Option<NodeId>> = Vec::with_capacity(nodes.len());
        // Node ids are assigned in pre-order, so a parent's entry exists before its children's.
        for node in nodes.iter() {
            let id = node.id();
            let parent = nodes.parent_id(id);
            let value = if parent == id {
                None
            } else {
                match nodes.kind(parent) {
                    AstKind::Function(_) | AstKind::ArrowFunctionExpression(_) => Some(parent),
                    _ => enclosing.get(parent.index()).copied().flatten(),
                }
            };
            enclosing.push(value);
        }
        let mut ctx = Self {
            path,
            text,
            semantic,
            config,
            lines: LineIndex::new(text),
            imports: collect_imports(semantic),
            enclosing,
            handler: HandlerFacts::default(),
        };
        ctx.handler = HandlerFacts::build(&ctx);
        ctx
    }

    pub(crate) fn nodes(&self) -> impl Iterator<Item = &'s AstNode<'a>> + 's {
        self.semantic.nodes().iter()
    }

    pub(crate) fn kind(&self, id: NodeId) -> AstKind<'a> {
        self.semantic.nodes().kind(id)
    }

    pub(crate) fn parent_kind(&self, id: NodeId) -> AstKind<'a> {
        self.semantic.nodes().parent_kind(id)
    }

    pub(crate) fn parent_id(&self, id: NodeId) -> NodeId {
        self.semantic.nodes().parent_id(id)
    }

    /// The function or arrow function whose body holds `id`; `None` at module scope.
    pub(crate) fn enclosing_function(&self, id: NodeId) -> Option<NodeId> {
        self.enclosing.get(id.index()).copied().flatten()
    }

    /// Nodes inside `id` (its subtree in pre-order), found by span containment.
    pub(crate) fn descendants(&self, id: NodeId) -> impl Iterator<Item = &'s AstNode<'a>> + 's {
        let outer = self.kind(id).span();
        self.semantic
            .nodes()
            .iter()
            .skip(id.index() + 1)
            .take_while(move |n| {
                let s = n.kind().span();
                s.start >= outer.start && s.end <= outer.end
            })
    }

    /// The line and column of a byte offset (oxc's spans are byte ranges).
    pub(crate) fn position(&self, offset: u32) -> Location {
        self.lines.position(self.text, offset as usize)
    }

    pub(crate) fn line_of(&self, offset: u32) -> u32 {
        self.position(offset).line
    }

    pub(crate) fn finding(
        &self,
        meta: &'static RuleMeta,
        at: OxcSpan,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        let start = self.position(at.start);
        let end = self.position(at.end);
        let mut finding = Finding::new(meta, self.path.to_path_buf(), start, message, help.into());
        // Always an end here, even an empty node's (the start again), as oxc gives it.
        finding.end_line = Some(end.line);
        finding.end_column = Some(end.column);
        finding
    }

    /// The symbol an identifier expression refers to, if it is declared in this file.
    pub(crate) fn symbol_of(&self, expr: &Expression<'a>) -> Option<SymbolId> {
        let Expression::Identifier(ident) = expr.get_inner_expression() else {
            return None;
        };
        let reference = ident.reference_id.get()?;
        self.semantic.scoping().get_reference(reference).symbol_id()
    }

    /// `true` when `expr` is the global `name` (`console`, `process`, `fetch`, `JSON`), not a local.
    pub(crate) fn is_global(&self, expr: &Expression<'a>, name: &str) -> bool {
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => {
                ident.name.as_str() == name && self.symbol_of(expr).is_none()
            }
            _ => false,
        }
    }

    /// `true` when `expr` is `object.property` on the global `object` (`process.exit`).
    pub(crate) fn is_global_member(
        &self,
        expr: &Expression<'a>,
        object: &str,
        property: &str,
    ) -> bool {
        match expr.get_inner_expression() {
            Expression::StaticMemberExpression(m) => {
                m.property.name.as_str() == property && self.is_global(&m.object, object)
            }
            _ => false,
        }
    }

    /// What `expr` refers to in another module: an imported name, a member of an imported module
    /// object (`iam.PolicyStatement`, `AWS.S3`, `(0, lib_1.fn)` as TypeScript compiles it), or a
    /// sub-module of the CDK library (`aws_iam.Role` from `aws-cdk-lib`).
    pub(crate) fn binding_of(&self, expr: &Expression<'a>) -> Option<Binding<'a>> {
        match expr.get_inner_expression() {
            Expression::Identifier(_) => self
                .symbol_of(expr)
                .and_then(|s| self.imports.get(&s).copied())
                .map(normalize),
            Expression::SequenceExpression(seq) => {
                seq.expressions.last().and_then(|e| self.binding_of(e))
            }
            Expression::StaticMemberExpression(member) => {
                let object = self.binding_of(&member.object)?;
                let property = member.property.name.as_str();
                match object.name {
                    // `import AWS from 'aws-sdk'`: a CommonJS module's default export is the
                    // module object itself.
                    None | Some("default") => Some(normalize(Binding {
                        module: object.module,
                        name: Some(property),
                    })),
                    // `AWS.DynamoDB.DocumentClient`: keep the module, name the nested class.
                    // Other nested names (`AWS.Signers.V4`, `AWS.DynamoDB.Converter`) are the
                    // SDK's helpers, not clients, and are not named.
                    Some(_) if object.module == "aws-sdk" && property == "DocumentClient" => {
                        Some(Binding {
                            module: object.module,
                            name: Some(property),
                        })
                    }
                    Some(_) => None,
                }
            }
            _ => None,
        }
    }

    /// The name of an imported export that `expr` refers to, when it comes from a module `accept`s.
    pub(crate) fn imported_name(
        &self,
        expr: &Expression<'a>,
        accept: impl Fn(&str) -> bool,
    ) -> Option<&'a str> {
        self.binding_of(expr)
            .filter(|b| accept(b.module))
            .and_then(|b| b.name)
    }

    /// The initializer of the variable `expr` names (`const s3 = new S3()` for `s3`).
    pub(crate) fn initializer_of(&self, expr: &Expression<'a>) -> Option<&'a Expression<'a>> {
        let symbol = self.symbol_of(expr)?;
        self.symbol_initializer(symbol)
    }

    pub(crate) fn symbol_initializer(&self, symbol: SymbolId) -> Option<&'a Expression<'a>> {
        let decl = self.semantic.scoping().symbol_declaration(symbol);
        match self.kind(decl) {
            AstKind::VariableDeclarator(d)
                if matches!(d.id, BindingPattern::BindingIdentifier(_)) =>
            {
                d.init.as_ref()
            }
            _ => None,
        }
    }

    /// The value a name stands for when it is a constant of this file: `ACTIONS` in
    /// `const ACTIONS = ['kms:*']`, followed through chains of constants (`const B = A`). A
    /// variable that is assigned again is not a constant, so it is not followed. Anything else is
    /// returned as it is.
    pub(crate) fn value_of<'e>(&self, expr: &'e Expression<'a>) -> &'e Expression<'a>
    where
        'a: 'e,
    {
        let mut current = expr;
        for _ in 0..MAX_CONST_HOPS {
            let Some(symbol) = self.symbol_of(current) else {
                break;
            };
            if self.semantic.scoping().symbol_is_mutated(symbol) {
                break;
            }
            match self.symbol_initializer(symbol) {
                Some(init) => current = init,
                None => break,
            }
        }
        current
    }

    /// The object literal of an argument, directly or through a constant
    /// (`new PolicyStatement(STATEMENT)` with `const STATEMENT = {...}`).
    pub(crate) fn object_arg<'o>(
        &self,
        args: &'o [Argument<'a>],
        index: usize,
    ) -> Option<&'o ObjectExpression<'a>>
    where
        'a: 'o,
    {
        match self
            .value_of(args.get(index)?.as_expression()?)
            .get_inner_expression()
        {
            Expression::ObjectExpression(o) => Some(o),
            _ => None,
        }
    }

    /// A string the expression holds, directly or through a constant.
    pub(crate) fn const_string(&self, expr: &Expression<'a>) -> Option<&'a str> {
        static_string(self.value_of(expr))
    }

    /// Whether any comment ends on `line` (for "a same-line comment says why").
    pub(crate) fn has_comment_on_line(&self, line: u32) -> bool {
        self.semantic
            .comments()
            .iter()
            .any(|c| self.line_of(c.span.start) == line || self.line_of(c.span.end) == line)
    }
}

/// The module a string literal `require('m')` / `__importStar(require('m'))` loads.
pub(crate) fn require_source<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    let Expression::CallExpression(call) = expr.get_inner_expression() else {
        return None;
    };
    let callee = match call.callee.get_inner_expression() {
        Expression::Identifier(ident) => ident.name.as_str(),
        Expression::StaticMemberExpression(m) => m.property.name.as_str(),
        _ => return None,
    };
    match callee {
        "require" => match call.arguments.first()? {
            Argument::StringLiteral(lit) => Some(lit.value.as_str()),
            _ => None,
        },
        // TypeScript's CommonJS interop helpers wrap the require.
        "__importStar"
        | "__importDefault"
        | "_interopRequireWildcard"
        | "_interopRequireDefault" => call
            .arguments
            .first()
            .and_then(Argument::as_expression)
            .and_then(require_source),
        _ => None,
    }
}

/// `aws_iam` imported from `aws-cdk-lib` is the `aws-cdk-lib/aws-iam` module.
fn normalize(binding: Binding<'_>) -> Binding<'_> {
    if binding.module == "aws-cdk-lib" {
        if let Some(sub) = binding.name.and_then(|n| n.strip_prefix("aws_")) {
            return Binding {
                module: cdk_submodule(sub),
                name: None,
            };
        }
    }
    binding
}

/// The handful of CDK sub-modules the rules care about, as `'static` names.
fn cdk_submodule(sub: &str) -> &'static str {
    match sub {
        "iam" => "aws-cdk-lib/aws-iam",
        "lambda" => "aws-cdk-lib/aws-lambda",
        "s3" => "aws-cdk-lib/aws-s3",
        _ => "aws-cdk-lib/other",
    }
}

fn collect_imports<'a>(semantic: &Semantic<'a>) -> HashMap<SymbolId, Binding<'a>> {
    let mut imports = HashMap::new();
    for node in semantic.nodes().iter() {
        match node.kind() {
            AstKind::ImportDeclaration(decl) => {
                let module = decl.source.value.as_str();
                for specifier in decl.specifiers.iter().flatten() {
                    let (local, name) = match specifier {
                        ImportDeclarationSpecifier::ImportSpecifier(s) => {
                            (&s.local, Some(export_name(&s.imported)))
                        }
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                            (&s.local, Some("default"))
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => (&s.local, None),
                    };
                    if let Some(symbol) = local.symbol_id.get() {
                        imports.insert(symbol, Binding { module, name });
                    }
                }
            }
            AstKind::TSImportEqualsDeclaration(decl) => {
                if let TSModuleReference::ExternalModuleReference(r) = &decl.module_reference {
                    if let Some(symbol) = decl.id.symbol_id.get() {
                        imports.insert(
                            symbol,
                            Binding {
                                module: r.expression.value.as_str(),
                                name: None,
                            },
                        );
                    }
                }
            }
            AstKind::VariableDeclarator(decl) => {
                let Some(init) = &decl.init else { continue };
                // `const x = require('m').X`
                let (module, member) = match init.get_inner_expression() {
                    Expression::StaticMemberExpression(m) => match require_source(&m.object) {
                        Some(module) => (module, Some(m.property.name.as_str())),
                        None => continue,
                    },
                    other => match require_source(other) {
                        Some(module) => (module, None),
                        None => continue,
                    },
                };
                match &decl.id {
                    BindingPattern::BindingIdentifier(id) => {
                        if let Some(symbol) = id.symbol_id.get() {
                            imports.insert(
                                symbol,
                                Binding {
                                    module,
                                    name: member,
                                },
                            );
                        }
                    }
                    BindingPattern::ObjectPattern(pattern) if member.is_none() => {
                        for property in &pattern.properties {
                            let (
                                PropertyKey::StaticIdentifier(key),
                                BindingPattern::BindingIdentifier(id),
                            ) = (&property.key, &property.value)
                            else {
                                continue;
                            };
                            if let Some(symbol) = id.symbol_id.get() {
                                imports.insert(
                                    symbol,
                                    Binding {
                                        module,
                                        name: Some(key.name.as_str()),
                                    },
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    imports
}

fn export_name<'a>(name: &ModuleExportName<'a>) -> &'a str {
    match name {
        ModuleExportName::IdentifierName(n) => n.name.as_str(),
        ModuleExportName::IdentifierReference(n) => n.name.as_str(),
        ModuleExportName::StringLiteral(n) => n.value.as_str(),
    }
}

/// The value of property `key` in an object literal (the last one wins, as in JavaScript).
pub(crate) fn property<'o, 'a>(
    object: &'o ObjectExpression<'a>,
    key: &str,
) -> Option<&'o Expression<'a>> {
    object.properties.iter().rev().find_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) if p.key.static_name().is_some_and(|k| k == key) => {
            Some(&p.value)
        }
        _ => None,
    })
}

/// Whether an object literal spreads another object in (its keys are then unknown).
pub(crate) fn has_spread(object: &ObjectExpression<'_>) -> bool {
    object
        .properties
        .iter()
        .any(|p| matches!(p, ObjectPropertyKind::SpreadProperty(_)))
}

/// The object literal of an argument, if it is one.
pub(crate) fn object_arg<'o, 'a>(
    args: &'o [Argument<'a>],
    index: usize,
) -> Option<&'o ObjectExpression<'a>> {
    match args.get(index)?.as_expression()?.get_inner_expression() {
        Expression::ObjectExpression(o) => Some(o),
        _ => None,
    }
}

/// A string literal, or a template literal without substitutions.
pub(crate) fn static_string<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(lit) => Some(lit.value.as_str()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => {
            t.quasis.first()?.value.cooked.map(|c| c.as_str())
        }
        _ => None,
    }
}

/// The callee's property or identifier name: `send` for `client.send(...)`, `fetch` for `fetch(...)`.
pub(crate) fn callee_name<'a>(callee: &Expression<'a>) -> Option<&'a str> {
    match callee.get_inner_expression() {
        Expression::Identifier(ident) => Some(ident.name.as_str()),
        Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
        Expression::SequenceExpression(seq) => seq.expressions.last().and_then(callee_name),
        _ => None,
    }
}

/// Every module the file loads, with where: static and dynamic imports, `import x = require()`,
/// re-exports and `require('...')` calls of the global `require`.
pub(crate) fn module_loads<'a>(ctx: &SourceContext<'_, 'a>) -> Vec<(&'a str, OxcSpan)> {
    let mut loads = Vec::new();
    for node in ctx.nodes() {
        match node.kind() {
            AstKind::ImportDeclaration(d) => loads.push((d.source.value.as_str(), d.source.span)),
            AstKind::ExportAllDeclaration(d) => {
                loads.push((d.source.value.as_str(), d.source.span))
            }
            AstKind::ExportFromDeclaration(d) => {
                loads.push((d.source.value.as_str(), d.source.span))
            }
            AstKind::TSImportEqualsDeclaration(d) => {
                if let TSModuleReference::ExternalModuleReference(r) = &d.module_reference {
                    loads.push((r.expression.value.as_str(), r.expression.span));
                }
            }
            AstKind::ImportExpression(e) => {
                if let Some(source) = static_string(&e.source) {
                    loads.push((source, e.source.span()));
                }
            }
            AstKind::CallExpression(call) if ctx.is_global(&call.callee, "require") => {
                if let Some(Argument::StringLiteral(lit)) = call.arguments.first() {
                    loads.push((lit.value.as_str(), lit.span));
                }
            }
            _ => {}
        }
    }
    loads
}
