//! package.json: the dependency lists, each entry with its position, for the SDK rules
//! (`code/sdk-v2`, `code/sdk-mixed`) that point at the dependency's own line.

use std::path::Path;

use jsonc_parser::{CollectOptions, ParseOptions};
use stackwarden_core::{Finding, LineIndex, Location, RuleMeta};

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
    pub span: Location,
}

pub(crate) struct PackageContext<'a> {
    pub path: &'a Path,
    pub dependencies: Vec<Dependency>,
}

impl PackageContext<'_> {
    pub(crate) fn finding(
        &self,
        meta: &'static RuleMeta,
        dep: &Dependency,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        Finding::new(
            meta,
            self.path.to_path_buf(),
            dep.span,
            message,
            help.into(),
        )
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
            let span = lines.position(&text, error.range().start);
            report.errors.push(stackwarden_core::InputError {
                path: path.to_path_buf(),
                line: Some(span.line),
                column: Some(span.column),
                message: format!("cannot parse package.json: {}", error.kind()),
            });
            return report;
        }
    };
    if parsed.value.is_none() {
        // Like a truncated one: npm cannot read it, and a silent pass would hide that.
        report.errors.push(stackwarden_core::InputError {
            path: path.to_path_buf(),
            line: Some(1),
            column: Some(1),
            message: "package.json is empty (npm cannot read it): write at least `{}` with the package's name and dependencies, or run `npm init -y`".into(),
        });
        return report;
    }
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
                    span: lines.position(&text, entry.range.start),
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
    // package.json has no comments, so no suppressions.
    finish(findings, Vec::new(), path, options, &mut report);
    report
}

/// What a package's own subpath import (`#powertools`, `#lib/logger.js`) maps to, through the
/// `"imports"` field of the nearest package.json above the importing file (Node's subpath
/// imports): another package, or a file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubpathTarget {
    Package(String),
    File(std::path::PathBuf),
}

/// Resolves `#name` from the folder `from`: an exact key, or a pattern key with one `*`
/// (`"#lib/*": "./src/lib/*.ts"`); a conditional target takes the first of `node`, `import`,
/// `require`, `default` (then any other condition) that names a target.
pub(crate) fn subpath_import(from: &Path, specifier: &str) -> Option<SubpathTarget> {
    if !specifier.starts_with('#') {
        return None;
    }
    let manifest = from
        .ancestors()
        .map(|d| d.join("package.json"))
        .find(|p| p.is_file())?;
    let text = read_text(&manifest).ok()?;
    let parsed =
        jsonc_parser::parse_to_ast(&text, &CollectOptions::default(), &ParseOptions::default())
            .ok()?;
    let imports = parsed
        .value
        .as_ref()?
        .as_object()?
        .get("imports")?
        .value
        .as_object()?;
    let mut found = None;
    for entry in &imports.properties {
        let key = entry.name.as_str();
        let substitute = match key.split_once('*') {
            None if key == specifier => Some(String::new()),
            Some((prefix, suffix))
                if specifier.len() >= prefix.len() + suffix.len()
                    && specifier.starts_with(prefix)
                    && specifier.ends_with(suffix) =>
            {
                Some(specifier[prefix.len()..specifier.len() - suffix.len()].to_string())
            }
            _ => None,
        };
        if let Some(part) = substitute {
            if let Some(target) = condition_target(&entry.value) {
                found = Some(target.replace('*', &part));
                break;
            }
        }
    }
    let target = found?;
    let dir = manifest.parent()?;
    Some(if target.starts_with("./") {
        SubpathTarget::File(dir.join(target))
    } else {
        SubpathTarget::Package(target)
    })
}

fn condition_target(value: &jsonc_parser::ast::Value<'_>) -> Option<String> {
    use jsonc_parser::ast::Value;
    match value {
        Value::StringLit(s) => Some(s.value.to_string()),
        Value::Array(a) => a.elements.iter().find_map(condition_target),
        Value::Object(o) => ["node", "import", "require", "default"]
            .iter()
            .filter_map(|c| o.get(c))
            .chain(o.properties.iter())
            .find_map(|p| condition_target(&p.value)),
        _ => None,
    }
}
