//! Following a Lambda handler into the local modules it imports (`import { save } from './store'`,
//! `import * as store from './store'`, `require('./store')`): the module is resolved beside the
//! importing file as Node and TypeScript resolve relative specifiers, read (bounded, like every
//! source file), parsed with oxc, and the imported export judged with the same handler facts as a
//! handler (what it reaches in its own file, whether idempotency wraps it). Modules it imports in
//! turn are followed the same way, up to [`MAX_DEPTH`] modules deep, each (module, export) once.
//!
//! Only relative specifiers are followed: packages are not the project's code. Path aliases
//! (`@/store` from tsconfig `paths`) and default exports are not resolved.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use oxc::allocator::Allocator;
use oxc::ast::ast::Expression;
use oxc::ast::AstKind;
use oxc::span::Span as OxcSpan;
use stackwarden_core::config::Config;
use stackwarden_core::files::lexical;

use crate::check::{analyse, is_skipped, parse_clean, read_text};
use crate::context::{module_loads, Binding, SourceContext};
use crate::handler::HandlerFacts;
use crate::package_json::{subpath_import, SubpathTarget};
use crate::sdk::{mutating_command, mutating_method};

/// How many modules deep imports are followed from the handler's file.
const MAX_DEPTH: usize = 4;

/// Extensions tried for an extension-less specifier, TypeScript first.
const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "mjs", "cjs", "jsx"];

/// A state-changing call found in an imported module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportedMutation {
    pub operation: String,
    pub path: PathBuf,
    pub line: u32,
}

/// The first state-changing call that `facts`' functions make outside idempotency, in this file.
pub(crate) fn direct_mutation(
    ctx: &SourceContext<'_, '_>,
    facts: &HandlerFacts,
) -> Option<(String, OxcSpan)> {
    ctx.nodes().find_map(|node| {
        let (operation, span) = match node.kind() {
            AstKind::NewExpression(new) => (mutating_command(ctx, new)?, new.span),
            AstKind::CallExpression(call) => (mutating_method(ctx, call)?, call.span),
            _ => return None,
        };
        facts
            .in_handler_uncovered(ctx, node.id())
            .then(|| (operation.to_string(), span))
    })
}

/// The functions of relative imports that `facts`' functions call outside idempotency:
/// (specifier, export name), in source order.
pub(crate) fn local_calls<'a>(
    ctx: &SourceContext<'_, 'a>,
    facts: &HandlerFacts,
) -> Vec<(&'a str, String)> {
    let mut calls: Vec<(&'a str, String)> = Vec::new();
    for node in ctx.nodes() {
        let AstKind::CallExpression(call) = node.kind() else {
            continue;
        };
        if !facts.in_handler_uncovered(ctx, node.id()) {
            continue;
        }
        let found = match ctx.binding_of(&call.callee) {
            Some(Binding {
                module,
                name: Some(name),
            }) => Some((module, name.to_string())),
            _ => instance_method(ctx, &call.callee),
        };
        let Some((module, name)) = found.filter(|(m, _)| is_relative(m)) else {
            continue;
        };
        if !calls.contains(&(module, name.clone())) {
            calls.push((module, name));
        }
    }
    calls
}

/// `repo.remove(id)` where `repo` is an instance of a class imported from a local module (`const
/// repo = new OrderRepo()`), or an instance that module exports (`import { repo } from
/// './repo'`): the export to follow is `OrderRepo.remove` / `repo.remove`.
fn instance_method<'a>(
    ctx: &SourceContext<'_, 'a>,
    callee: &Expression<'a>,
) -> Option<(&'a str, String)> {
    let Expression::StaticMemberExpression(member) = callee.get_inner_expression() else {
        return None;
    };
    let method = member.property.name.as_str();
    if let Some(Binding {
        module,
        name: Some(name),
    }) = ctx.binding_of(&member.object)
    {
        return Some((module, format!("{name}.{method}")));
    }
    let Expression::NewExpression(new) = ctx.value_of(&member.object).get_inner_expression() else {
        return None;
    };
    let binding = ctx.binding_of(&new.callee)?;
    Some((binding.module, format!("{}.{method}", binding.name?)))
}

/// The first state-changing call that export `name` of the module `specifier` (relative to the
/// directory `from`) reaches outside idempotency, following that module's own local imports.
pub(crate) fn imported_mutation(
    from: &Path,
    specifier: &str,
    name: &str,
    config: &Config,
) -> Option<ImportedMutation> {
    follow(from, specifier, name, config, 1, &mut HashSet::new())
}

fn follow(
    from: &Path,
    specifier: &str,
    name: &str,
    config: &Config,
    depth: usize,
    visited: &mut HashSet<(PathBuf, String)>,
) -> Option<ImportedMutation> {
    if depth > MAX_DEPTH {
        return None;
    }
    let path = resolve(from, specifier)?;
    if !visited.insert((path.clone(), name.to_string())) {
        return None;
    }
    // Unreadable or unparseable modules are reported when they are checked themselves.
    let text = read_text(&path).ok()?;
    let allocator = Allocator::default();
    let program = parse_clean(&allocator, &path, &text)?;
    let semantic = analyse(&program);
    let ctx = SourceContext::new(&path, &text, &semantic, config);
    let facts = HandlerFacts::for_export(&ctx, name);
    if facts.exports.is_empty() || facts.exports.iter().all(|e| e.idempotent) {
        return None;
    }
    if let Some((operation, span)) = direct_mutation(&ctx, &facts) {
        return Some(ImportedMutation {
            operation,
            line: ctx.line_of(span.start),
            path,
        });
    }
    let dir = path.parent()?;
    local_calls(&ctx, &facts)
        .into_iter()
        .find_map(|(next, export)| follow(dir, next, &export, config, depth + 1, visited))
}

/// Whether the file loads a module `accept`s, directly or through the project's own modules it
/// loads (relative specifiers and package.json subpath imports such as `#powertools`), up to
/// [`MAX_DEPTH`] modules deep: a shared `lib/observability.ts` that builds the Powertools logger
/// counts for every handler that imports it.
pub(crate) fn loads_through_local(ctx: &SourceContext<'_, '_>, accept: fn(&str) -> bool) -> bool {
    let dir = ctx.path.parent().unwrap_or(Path::new(""));
    let loads: Vec<String> = module_loads(ctx)
        .iter()
        .map(|(m, _)| m.to_string())
        .collect();
    let mut visited = HashSet::new();
    visited.insert(ctx.path.to_path_buf());
    loads
        .iter()
        .any(|m| loads_module(dir, m, accept, ctx.config, 1, &mut visited))
}

fn loads_module(
    from: &Path,
    specifier: &str,
    accept: fn(&str) -> bool,
    config: &Config,
    depth: usize,
    visited: &mut HashSet<PathBuf>,
) -> bool {
    if accept(specifier) {
        return true;
    }
    if depth > MAX_DEPTH {
        return false;
    }
    let path = if is_relative(specifier) {
        resolve(from, specifier)
    } else {
        match subpath_import(from, specifier) {
            Some(SubpathTarget::Package(package)) => return accept(&package),
            Some(SubpathTarget::File(file)) => resolve(&file, "."),
            None => None,
        }
    };
    let Some(path) = path else {
        return false;
    };
    if !visited.insert(path.clone()) {
        return false;
    }
    let Ok(text) = read_text(&path) else {
        return false;
    };
    let allocator = Allocator::default();
    let Some(program) = parse_clean(&allocator, &path, &text) else {
        return false;
    };
    let semantic = analyse(&program);
    let ctx = SourceContext::new(&path, &text, &semantic, config);
    let dir = path.parent().unwrap_or(Path::new(""));
    let loads: Vec<String> = module_loads(&ctx)
        .iter()
        .map(|(m, _)| m.to_string())
        .collect();
    loads
        .iter()
        .any(|m| loads_module(dir, m, accept, config, depth + 1, visited))
}

fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./") || specifier.starts_with("../")
}

/// The file a relative specifier names: itself; the TypeScript source of a `.js`-style
/// specifier (`./store.js` → `store.ts`, as TypeScript's ESM output requires writing it); the
/// specifier plus an extension; or an `index` file in the folder it names.
pub(crate) fn resolve(from: &Path, specifier: &str) -> Option<PathBuf> {
    let base = lexical(&from.join(specifier));
    let with_extension = |stem: &Path, ext: &str| {
        let mut name = OsString::from(stem.as_os_str());
        name.push(".");
        name.push(ext);
        PathBuf::from(name)
    };
    let mut candidates = Vec::new();
    let ts_source = match base.extension().and_then(|e| e.to_str()) {
        Some("js" | "jsx") => Some(["ts", "tsx"].as_slice()),
        Some("mjs") => Some(["mts"].as_slice()),
        Some("cjs") => Some(["cts"].as_slice()),
        _ => None,
    };
    if let Some(exts) = ts_source {
        let stem = base.with_extension("");
        candidates.extend(exts.iter().map(|e| with_extension(&stem, e)));
    }
    candidates.push(base.clone());
    candidates.extend(EXTENSIONS.iter().map(|e| with_extension(&base, e)));
    candidates.extend(
        EXTENSIONS
            .iter()
            .map(|e| with_extension(&base.join("index"), e)),
    );
    candidates
        .into_iter()
        .find(|p| p.is_file() && !is_skipped(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_specifiers_resolve_like_node_and_typescript() {
        let dir = std::env::temp_dir().join(format!("stackwarden-imports-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("lib/db")).expect("dirs");
        for file in ["store.ts", "legacy.js", "lib/db/index.ts", "types.d.ts"] {
            std::fs::write(dir.join(file), "").expect("write");
        }
        assert_eq!(resolve(&dir, "./store"), Some(dir.join("store.ts")));
        assert_eq!(resolve(&dir, "./store.js"), Some(dir.join("store.ts")));
        assert_eq!(
            resolve(&dir.join("lib"), "./../store"),
            Some(dir.join("store.ts"))
        );
        assert_eq!(resolve(&dir, "./legacy"), Some(dir.join("legacy.js")));
        assert_eq!(resolve(&dir, "./legacy.js"), Some(dir.join("legacy.js")));
        assert_eq!(resolve(&dir, "./lib/db"), Some(dir.join("lib/db/index.ts")));
        assert_eq!(
            resolve(&dir.join("lib/db"), "../../store"),
            Some(dir.join("store.ts"))
        );
        // Declarations hold no code; missing modules resolve to nothing.
        assert_eq!(resolve(&dir, "./types"), None);
        assert_eq!(resolve(&dir, "./missing"), None);
        assert!(!is_relative("@aws-sdk/client-s3") && !is_relative("store"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
