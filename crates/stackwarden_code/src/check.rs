//! Running the code rules over one source file or one package.json: reading (bounded), parsing
//! with oxc, semantic analysis, rule selection, configured severities, and
//! `// stackwarden-ignore RULE: reason` suppressions.

use std::path::Path;

use oxc::allocator::Allocator;
use oxc::ast::ast::Program;
use oxc::parser::{ParseOptions, Parser, ParserReturn};
use oxc::semantic::{Semantic, SemanticBuilder};
use oxc::span::SourceType;
use stackwarden_core::suppression::Suppression;
use stackwarden_core::{Finding, InputError, LineIndex, Report};

use crate::context::SourceContext;
use crate::rules::{IAM_RULES, PACKAGE_RULES, RULES};
use crate::suppress;

/// Source files larger than this are not parsed: hand-written code is far smaller, and anything
/// this big is a bundle or generated output that would only cost time.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

/// The options every domain takes (stackwarden_core's), re-exported where this crate's callers
/// look for them.
pub use stackwarden_core::Options;

/// Whether a path is skipped: declaration files, generated files (`*.generated.*`, which say so in
/// their name and are rewritten by their generator; Amplify's `aws-exports.js`), CDK synth output (`cdk.out`), and the `dist`/
/// `build` output folders of a JavaScript package (a folder of that name beside a package.json or
/// tsconfig.json, so an unrelated `build/` higher up the filesystem does not hide a project).
pub fn is_skipped(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // `aws-exports.js`/`.ts` is the Amplify CLI's generated client configuration (region, pool
    // ids): values, not code, rewritten by `amplify push`.
    let amplify_config = name
        .strip_prefix("aws-exports.")
        .is_some_and(|ext| matches!(ext, "js" | "ts" | "mjs" | "cjs"));
    if [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|s| name.ends_with(s))
        || name.contains(".generated.")
        || amplify_config
    {
        return true;
    }
    path.ancestors()
        .skip(1)
        .any(|dir| match dir.file_name().and_then(|n| n.to_str()) {
            Some("cdk.out") => true,
            Some("dist" | "build") => dir.parent().is_some_and(|p| {
                p.join("package.json").is_file() || p.join("tsconfig.json").is_file()
            }),
            _ => false,
        })
}

/// Reads, parses and checks one TypeScript/JavaScript file.
pub fn check_source_file(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    if is_skipped(path) {
        return report;
    }
    match read_text(path) {
        Ok(text) => check_source_text(path, &text, options, &mut report),
        Err(error) => report.errors.push(error),
    }
    report
}

/// Checks source text as if read from `path` (the extension picks TypeScript or JavaScript).
pub fn check_source_text(path: &Path, text: &str, options: &Options<'_>, report: &mut Report) {
    let allocator = Allocator::default();
    let parsed = parse(&allocator, path, text);
    if parsed.panicked || parsed.diagnostics.has_errors() {
        let lines = LineIndex::new(text);
        let first = parsed.diagnostics.errors().next();
        let span = first
            .and_then(|d| d.labels.first().map(|l| l.offset()))
            .map(|offset| lines.position(text, offset as usize));
        report.errors.push(InputError {
            path: path.to_path_buf(),
            line: span.map(|s| s.line),
            column: span.map(|s| s.column),
            message: format!(
                "cannot parse: {}",
                first.map_or_else(|| "syntax error".to_string(), |d| d.message.to_string())
            ),
        });
        return;
    }
    let semantic = analyse(&parsed.program);
    let ctx = SourceContext::new(path, text, &semantic, options.config);
    report.files += 1;
    let mut findings = Vec::new();
    let test = is_test_file(path, options.config.root());
    for rule in RULES
        .iter()
        .chain(IAM_RULES)
        .filter(|r| options.filter.enabled(r.meta.id))
        .filter(|r| !test || crate::rules::runs_on_tests(r.meta.id))
    {
        (rule.check)(&ctx, &mut findings);
    }
    let suppressions = suppress::collect(&ctx);
    finish(findings, suppressions, path, options, report);
}

/// Parses source text as the extension of `path` says (TypeScript when it says nothing). Every
/// JavaScript flavour (`.js`, `.mjs`, `.cjs`, `.jsx`) is parsed with JSX on, as oxlint does: a
/// create-react-app component is JSX in a `.js` file, and in JavaScript (unlike TypeScript, where
/// `<T>x` is a type assertion) a `<` that starts an expression can only be JSX, so plain code
/// parses the same either way.
pub(crate) fn parse<'a>(allocator: &'a Allocator, path: &Path, text: &'a str) -> ParserReturn<'a> {
    let source_type = SourceType::from_path(path).map_or_else(
        |_| SourceType::ts(),
        |t| {
            if t.is_javascript() {
                t.with_jsx(true)
            } else {
                t
            }
        },
    );
    Parser::new(allocator, text, source_type)
        .with_options(ParseOptions {
            parse_regular_expression: false,
            ..ParseOptions::default()
        })
        .parse()
}

/// Parses source text that other files' rules only read (a local import, a file `init` looks at):
/// `None` when it does not parse, since its own check reports that.
pub(crate) fn parse_clean<'a>(
    allocator: &'a Allocator,
    path: &Path,
    text: &'a str,
) -> Option<Program<'a>> {
    let parsed = parse(allocator, path, text);
    (!parsed.panicked && !parsed.diagnostics.has_errors()).then_some(parsed.program)
}

/// Scopes, symbols and the node tree with parents, which every rule walks.
pub(crate) fn analyse<'a>(program: &'a Program<'a>) -> Semantic<'a> {
    SemanticBuilder::new()
        .with_build_nodes(true)
        .build(program)
        .semantic
}

/// Applies severities and suppressions, reports bad or unused suppressions, and appends the rest.
pub(crate) fn finish(
    mut findings: Vec<Finding>,
    suppressions: Vec<Suppression>,
    path: &Path,
    options: &Options<'_>,
    report: &mut Report,
) {
    stackwarden_core::rule::configure(&mut findings, options.config, options.filter);
    let about_suppressions = stackwarden_core::suppression::apply(
        &mut findings,
        suppressions,
        path,
        options,
        // The key scanner reads the same comments for `secret/aws-access-key`.
        |id| {
            RULES
                .iter()
                .chain(IAM_RULES)
                .map(|r| r.meta)
                .chain(PACKAGE_RULES.iter().map(|r| r.meta))
                .any(|meta| meta.id == id)
        },
        suppress::describe,
    );
    findings.extend(about_suppressions);
    report.findings.extend(findings);
}

/// Reads a source file as the code rules do (size cap, UTF-8 required, the bad byte's line).
pub fn read_text(path: &Path) -> Result<String, InputError> {
    stackwarden_core::files::read_text(path, MAX_SOURCE_BYTES, |size| {
        format!(
            "file is {:.1} MB; stackwarden checks source files up to {} MB (bundles and generated code belong in a skipped build folder)",
            size as f64 / 1_048_576.0,
            MAX_SOURCE_BYTES / 1_048_576
        )
    })
}

/// A test file: `*.test.*`, `*.spec.*`, or anything under a `test`, `tests`, `__tests__` or
/// `__mocks__` folder (jest's, vitest's and mocha's layouts). Folders are looked at below the
/// project root (the folder of stackwarden.toml), so a project that itself lives in a folder
/// named `tests` is not all tests.
pub fn is_test_file(path: &Path, root: Option<&Path>) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let marked = |marker: &str| name.split('.').skip(1).any(|part| part == marker);
    if marked("test") || marked("spec") {
        return true;
    }
    let relative = stackwarden_core::files::relative_to_root(path, root);
    relative.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("test" | "tests" | "__tests__" | "__mocks__")
        )
    })
}
