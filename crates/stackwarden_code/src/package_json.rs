//! package.json: the package's name, scripts and dependency lists, each dependency with its
//! position, read once for the SDK rules (`code/sdk-v2`, `code/sdk-mixed`, which point at the
//! dependency's own line) and for `init` (which tool and SDK the project is built on).

use std::path::Path;

use jsonc_parser::{CollectOptions, ParseOptions};
use stackwarden_core::{Finding, InputError, LineIndex, Location, RuleMeta};

use stackwarden_core::Report;

use crate::check::{finish, read_text, Options};
use crate::rules::PACKAGE_RULES;

const SECTIONS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

/// What a package.json says about its package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageJson {
    /// `name`, when it is a string.
    pub name: Option<String>,
    /// Every entry of the dependency lists, in file order.
    pub dependencies: Vec<Dependency>,
    /// `scripts` whose command is a string, name and command, in file order.
    pub scripts: Vec<(String, String)>,
}

/// One entry of a dependency list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    /// `dependencies`, `devDependencies`, `peerDependencies` or `optionalDependencies`.
    pub section: &'static str,
    /// Where its name is written.
    pub at: Location,
}

/// Reads the package.json at `path` (see [`parse_package_json`]).
pub fn read_package_json(path: &Path) -> Result<PackageJson, InputError> {
    parse_package_json(path, &read_text(path)?)
}

/// Parses package.json text, leniently: a comment or a trailing comma does not hide the rest of
/// the file. An error, with its line and column, when the text does not parse even so, or is
/// empty.
pub fn parse_package_json(path: &Path, text: &str) -> Result<PackageJson, InputError> {
    let lines = LineIndex::new(text);
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
            .map_err(|error| {
                let span = lines.position(text, error.range().start);
                InputError {
                    path: path.to_path_buf(),
                    line: Some(span.line),
                    column: Some(span.column),
                    message: format!("cannot parse package.json: {}", error.kind()),
                }
            })?;
    let Some(value) = parsed.value else {
        // Like a truncated one: npm cannot read it, and a silent pass would hide that.
        return Err(InputError {
            path: path.to_path_buf(),
            line: Some(1),
            column: Some(1),
            message: "package.json is empty (npm cannot read it): write at least `{}` with the package's name and dependencies, or run `npm init -y`".into(),
        });
    };
    let mut package = PackageJson::default();
    let Some(root) = value.as_object() else {
        return Ok(package);
    };
    package.name = root
        .get("name")
        .and_then(|name| name.value.as_string_lit())
        .map(|name| name.value.to_string());
    for &section in SECTIONS {
        let Some(list) = root.get(section).and_then(|p| p.value.as_object()) else {
            continue;
        };
        for entry in &list.properties {
            package.dependencies.push(Dependency {
                name: entry.name.as_str().to_string(),
                section,
                at: lines.position(text, entry.range.start),
            });
        }
    }
    if let Some(scripts) = root.get("scripts").and_then(|p| p.value.as_object()) {
        for entry in &scripts.properties {
            if let Some(command) = entry.value.as_string_lit() {
                package
                    .scripts
                    .push((entry.name.as_str().to_string(), command.value.to_string()));
            }
        }
    }
    Ok(package)
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
        Finding::new(meta, self.path.to_path_buf(), dep.at, message, help.into())
    }
}

/// Reads one package.json and runs the package rules on its dependencies.
pub fn check_package_json(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    if crate::check::is_skipped(path) {
        return report;
    }
    let package = match read_package_json(path) {
        Ok(package) => package,
        Err(error) => {
            report.errors.push(error);
            return report;
        }
    };
    report.files += 1;
    let ctx = PackageContext {
        path,
        dependencies: package.dependencies,
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_scripts_and_dependencies_are_read_with_their_positions() {
        let text = r#"{
  "name": "shop",
  // a comment and the trailing comma below are read past
  "scripts": {"test": "vitest run", "weird": 3, "deploy": "cdk deploy"},
  "dependencies": {"aws-cdk-lib": "2.0.0"},
  "optionalDependencies": {"aws-sdk": "2.0.0"},
}"#;
        let package = parse_package_json(Path::new("package.json"), text).expect("parses");
        assert_eq!(package.name.as_deref(), Some("shop"));
        assert_eq!(
            package.scripts,
            [
                ("test".to_string(), "vitest run".to_string()),
                ("deploy".to_string(), "cdk deploy".to_string())
            ]
        );
        let deps: Vec<(&str, &str, u32, u32)> = package
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.section, d.at.line, d.at.column))
            .collect();
        assert_eq!(
            deps,
            [
                ("aws-cdk-lib", "dependencies", 5, 20),
                ("aws-sdk", "optionalDependencies", 6, 28)
            ]
        );
    }

    #[test]
    fn a_package_json_npm_cannot_read_is_an_error_at_its_position() {
        let broken = parse_package_json(Path::new("p/package.json"), "{\n  \"name\": \n}")
            .expect_err("broken");
        assert_eq!((broken.line, broken.column), (Some(3), Some(1)));
        assert!(broken.message.starts_with("cannot parse package.json"));
        let empty = parse_package_json(Path::new("p/package.json"), "  \n").expect_err("empty");
        assert!(empty.message.starts_with("package.json is empty"));
        // Not an object: nothing to read, but nothing npm would reject here either.
        let list = parse_package_json(Path::new("package.json"), "[]").expect("parses");
        assert_eq!(list, PackageJson::default());
    }
}
