//! package.json: the dependency lists, each entry with its position, for the SDK rules
//! (`code/sdk-v2`, `code/sdk-mixed`) that point at the dependency's own line.

use std::path::Path;

use jsonc_parser::{CollectOptions, ParseOptions};
use stackwarden_core::{Finding, LineIndex, RuleMeta, Span};

use stackwarden_core::Report;

use crate::check::{finish, read_text, Options};
use crate::rules::PACKAGE_RULES;

const SECTIONS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

pub(crate) struct Dependency {
    pub name: String,
    pub section: &'static str,
    pub span: Span,
}

pub(crate) struct PackageContext<'a> {
    pub path: &'a Path,
    pub dependencies: Vec<Dependency>,
}

impl PackageContext<'_> {
    pub(crate) fn finding(
        &self,
        meta: &RuleMeta,
        dep: &Dependency,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: meta.id,
            severity: meta.severity,
            message,
            path: self.path.to_path_buf(),
            line: dep.span.line,
            column: dep.span.column,
            resource: None,
            stack: None,
            source: None,
            help: help.into(),
            suggestion: None,
            end_line: None,
            end_column: None,
            cause: None,
        }
    }
}

/// Reads one package.json and runs the package rules on its dependencies.
pub fn check_package_json(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    if crate::check::is_skipped(path) {
        return report;
    }
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => {
            report.errors.push(error);
            return report;
        }
    };
    let lines = LineIndex::new(&text);
    let parsed = match jsonc_parser::parse_to_ast(
        &text,
        &CollectOptions::default(),
        &ParseOptions::default(),
    ) {
        Ok(parsed) => parsed,
        Err(error) => {
            let span = lines.span(&text, error.range().start);
            report.errors.push(stackwarden_core::InputError {
                path: path.to_path_buf(),
                line: Some(span.line),
                column: Some(span.column),
                message: format!("cannot parse package.json: {}", error.kind()),
            });
            return report;
        }
    };
    report.files += 1;
    let mut dependencies = Vec::new();
    if let Some(root) = parsed.value.as_ref().and_then(|v| v.as_object()) {
        for &section in SECTIONS {
            let Some(list) = root.get(section).and_then(|p| p.value.as_object()) else {
                continue;
            };
            for entry in &list.properties {
                dependencies.push(Dependency {
                    name: entry.name.as_str().to_string(),
                    section,
                    span: lines.span(&text, entry.range.start),
                });
            }
        }
    }
    let ctx = PackageContext { path, dependencies };
    let mut findings = Vec::new();
    for rule in PACKAGE_RULES
        .iter()
        .filter(|r| options.filter.enabled(r.meta.id))
    {
        (rule.check)(&ctx, &mut findings);
    }
    finish(
        findings,
        Vec::new(),
        |_| Span::new(1, 1),
        path,
        options,
        &mut report,
    );
    report
}
