//! The rule registries of the domain crates, derived from their files (as oxc's lintgen or biome's
//! `declare_group_from_fs!`): adding a rule is one file in `src/rules/` plus its fixtures.
//!
//! A domain crate's `build.rs` describes its registry ([`Registry`]) and calls [`run`], which reads
//! every `src/rules/*.rs` with syn (a real parser, so a `check` in a comment, a string or a nested
//! module is not mistaken for the rule's function) and writes `$OUT_DIR/rules.rs`; the crate's
//! `src/rules/mod.rs` `include!`s that. The generated file holds:
//!
//! - one `mod` per file (`#[path]` to the file, since an `include!`d `mod` would otherwise be
//!   looked for beside the generated file), in file-name order;
//! - each [`Table`]: every file that declares a top-level `fn` named as the table's
//!   [`Table::check`] (`check`, `check_package`) is listed as
//!   `Rule { meta: &file::META, check: file::check }`. That is how a rule file says which table
//!   it belongs to, and the compiler checks it: the table's element type fixes the function's
//!   signature, so a `check` with the wrong one, or one the table cannot see, fails to compile;
//! - the [`Metas`] list (when the crate has one): every rule file with no such function, whose
//!   check runs where its inputs are (`cdk/*` from a cdk.json, the `iam/*` rules about a template
//!   as a whole, the agent and permission rules), as `&file::META`.
//!
//! Every table is in id order whatever the file names are (`credentials_in_env.rs` in
//! stackwarden_cfn declares `secret/credentials-in-env`, which sorts after every `cfn/*`): the
//! generated initializer sorts by `META.id` at compile time, where the ids are known even when a
//! file re-exports its `META` from another crate, and stops the build if two rules in a table
//! share an id.
//!
//! What is not generated, and so is declared in `mod.rs` by hand, is named in [`Registry`]:
//! [`Registry::hand_listed`] files (declared and listed by `mod.rs` itself; no crate has one
//! since the `meta/*` rules moved to core's suppression pass) and [`Registry::helpers`] (modules in the rules folder that are not
//! rules: the generator declares them and lists them nowhere). Any other file without a `META`, or
//! whose `META` fits no table, stops the build with the file's path and what to do, so a rule
//! cannot be silently left out.
//!
//! A `check` that a file imports (`use super::shared::check;`) counts as its own. Files whose
//! name starts with `.` (an editor's lock file, macOS's `._x.rs`) are skipped.
//!
//! `cargo:rerun-if-changed=src/rules` makes a new file (or a renamed `check`) picked up; the run
//! is a syn parse of each rule file, a few milliseconds, and the output is only rewritten when it
//! changes.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// One crate's registry, as its build script describes it.
pub struct Registry<'a> {
    /// Visibility of the generated `mod` declarations (`"pub"`, `"pub(crate)"`, `""`).
    pub mod_visibility: &'a str,
    /// Tables of rules with a check function.
    pub tables: &'a [Table<'a>],
    /// The list of rules with no check function in this folder; without it such a file is an error.
    pub metas: Option<Metas<'a>>,
    /// File stems `mod.rs` declares and lists itself; the generator leaves them out entirely.
    pub hand_listed: &'a [&'a str],
    /// File stems that are not rules (no `META`): declared, listed in no table.
    pub helpers: &'a [&'a str],
}

/// A table `static NAME: &[RULE_TYPE]` whose elements are `RULE_TYPE { meta, check }`.
pub struct Table<'a> {
    pub name: &'a str,
    pub visibility: &'a str,
    /// The element type, a struct with the fields `meta: &'static RuleMeta` and `check`.
    pub rule_type: &'a str,
    /// The function a rule file declares to be in this table.
    pub check: &'a str,
    /// The doc comment of the static (one or more lines, without `///`).
    pub doc: &'a str,
}

/// A list `static NAME: &[&RuleMeta]` of the rules whose checks are not in a table.
pub struct Metas<'a> {
    pub name: &'a str,
    pub visibility: &'a str,
    pub doc: &'a str,
}

/// Why a registry cannot be generated: a message naming the file and the fix.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The build script's entry point: generates `$OUT_DIR/rules.rs` from `src/rules/`, or fails the
/// build with the reason.
pub fn run(registry: &Registry<'_>) {
    if let Err(error) = generate(registry) {
        // A build script reports to cargo on stderr; cargo shows it when the script fails.
        #[allow(clippy::print_stderr)]
        {
            eprintln!("error: {error}");
        }
        std::process::exit(1);
    }
}

/// [`run`] without the exit: reads `$CARGO_MANIFEST_DIR/src/rules`, writes `$OUT_DIR/rules.rs`
/// when its content changes, and tells cargo when to run again.
pub fn generate(registry: &Registry<'_>) -> Result<(), Error> {
    let manifest = env_path("CARGO_MANIFEST_DIR")?;
    let out = env_path("OUT_DIR")?.join("rules.rs");
    let dir = manifest.join("src/rules");
    let (code, warnings) = render(registry, &dir)?;
    #[allow(clippy::print_stdout)]
    {
        // Cargo reads these from the build script's stdout.
        println!("cargo:rerun-if-changed=src/rules");
        println!("cargo:rerun-if-changed=build.rs");
        for warning in warnings {
            println!("cargo:warning={warning}");
        }
    }
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code)
            .map_err(|e| Error(format!("cannot write {}: {e}", out.display())))?;
    }
    Ok(())
}

fn env_path(name: &str) -> Result<PathBuf, Error> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| Error(format!("{name} is not set: run from a build script")))
}

/// What one rule file declares at its top level.
struct RuleFile {
    stem: String,
    path: PathBuf,
    has_meta: bool,
    fns: BTreeSet<String>,
    /// syn could not parse it: only its `mod` is generated, and rustc reports the syntax error.
    unparsed: bool,
}

/// The generated source for the rules folder `dir`, and warnings for cargo.
pub fn render(registry: &Registry<'_>, dir: &Path) -> Result<(String, Vec<String>), Error> {
    let files = read_rules(dir)?;
    let mut warnings = Vec::new();
    for stem in registry.hand_listed.iter().chain(registry.helpers) {
        if !files.iter().any(|f| f.stem == *stem) {
            return Err(Error(format!(
                "build.rs names `{stem}`, but {} does not exist: remove it from the list",
                dir.join(format!("{stem}.rs")).display()
            )));
        }
    }
    let mut code = format!(
        "// @generated by stackwarden_rulegen from {}: one `mod` per file and the rule tables.\n\
         // Do not edit; the build script regenerates it when the folder changes.\n",
        dir.display()
    );
    let mut table_rows: Vec<Vec<&str>> = vec![Vec::new(); registry.tables.len()];
    let mut metas_rows: Vec<&str> = Vec::new();
    for file in &files {
        if registry.hand_listed.contains(&file.stem.as_str()) {
            continue;
        }
        code.push_str(&format!(
            "\n#[path = {:?}]\n{}mod {};\n",
            file.path.display().to_string(),
            visibility(registry.mod_visibility),
            file.stem
        ));
        if registry.helpers.contains(&file.stem.as_str()) {
            continue;
        }
        if file.unparsed {
            warnings.push(format!(
                "{} does not parse; it is left out of the rule tables until it does",
                file.path.display()
            ));
            continue;
        }
        if !file.has_meta {
            return Err(Error(format!(
                "{} declares no `META`: a file in src/rules/ is a rule (a top-level `META: RuleMeta` \
                 or a `use ... as META;`, and its check), or it is listed in `helpers` in build.rs",
                file.path.display()
            )));
        }
        let mut listed = false;
        for (table, rows) in registry.tables.iter().zip(&mut table_rows) {
            if file.fns.contains(table.check) {
                rows.push(&file.stem);
                listed = true;
            }
        }
        if !listed {
            match &registry.metas {
                Some(_) => metas_rows.push(&file.stem),
                None => {
                    let wanted: Vec<String> = registry
                        .tables
                        .iter()
                        .map(|t| format!("`fn {}` (for {})", t.check, t.name))
                        .collect();
                    return Err(Error(format!(
                        "{} declares `META` but no check: a rule file here declares {}",
                        file.path.display(),
                        wanted.join(" or ")
                    )));
                }
            }
        }
    }
    let mut any_table = false;
    for (table, rows) in registry.tables.iter().zip(&table_rows) {
        let entries: Vec<String> = rows
            .iter()
            .map(|stem| {
                format!(
                    "{} {{ meta: &{stem}::META, check: {stem}::{} }}",
                    table.rule_type, table.check
                )
            })
            .collect();
        code.push_str(&sorted_static(
            table.name,
            table.visibility,
            table.doc,
            table.rule_type,
            &entries,
            ".meta.id",
        ));
        any_table = true;
    }
    if let Some(metas) = &registry.metas {
        let entries: Vec<String> = metas_rows
            .iter()
            .map(|stem| format!("&{stem}::META"))
            .collect();
        code.push_str(&sorted_static(
            metas.name,
            metas.visibility,
            metas.doc,
            "&RuleMeta",
            &entries,
            ".id",
        ));
        any_table = true;
    }
    if any_table {
        code.push_str(ID_BEFORE);
    }
    Ok((code, warnings))
}

fn visibility(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!("{v} ")
    }
}

/// A `static` initialised with `entries`, sorted by id at compile time (insertion sort: tables
/// are a few dozen entries) and checked for two entries with one id.
fn sorted_static(
    name: &str,
    vis: &str,
    doc: &str,
    element: &str,
    entries: &[String],
    id: &str,
) -> String {
    let mut s = String::from("\n");
    for line in doc.lines() {
        s.push_str(&format!(
            "///{}{line}\n",
            if line.is_empty() { "" } else { " " }
        ));
    }
    s.push_str(&format!(
        "{}static {name}: &[{element}] = &{{\n    let mut rules: [{element}; {}] = [\n",
        visibility(vis),
        entries.len()
    ));
    for entry in entries {
        s.push_str(&format!("        {entry},\n"));
    }
    s.push_str(&format!(
        "    ];\n\
         \x20   let mut i = 1;\n\
         \x20   while i < rules.len() {{\n\
         \x20       let mut j = i;\n\
         \x20       while j > 0 && id_before(rules[j]{id}, rules[j - 1]{id}) {{\n\
         \x20           rules.swap(j, j - 1);\n\
         \x20           j -= 1;\n\
         \x20       }}\n\
         \x20       i += 1;\n\
         \x20   }}\n\
         \x20   let mut k = 1;\n\
         \x20   while k < rules.len() {{\n\
         \x20       assert!(id_before(rules[k - 1]{id}, rules[k]{id}), \"two rules in {name} share an id\");\n\
         \x20       k += 1;\n\
         \x20   }}\n\
         \x20   rules\n\
         }};\n"
    ));
    s
}

/// Byte order of two ids, usable at compile time (`str`'s `Ord` is not `const`).
const ID_BEFORE: &str = "
/// Whether rule id `a` sorts before `b` (byte order, as `str`'s `Ord`, which is not `const`).
const fn id_before(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}
";

/// The `.rs` files of `dir` other than `mod.rs`, in file-name order.
fn read_rules(dir: &Path) -> Result<Vec<RuleFile>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error(format!(
            "cannot read the rules folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error(format!("cannot read {}: {e}", dir.display())))?;
        let path = entry.path();
        if path.is_dir() {
            return Err(Error(format!(
                "{} is a folder: rule files sit directly in {} (one file per rule)",
                path.display(),
                dir.display()
            )));
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Editors' lock and backup files (`.#x.rs`, macOS's `._x.rs`) are nobody's rule.
        if name.ends_with(".rs") && name != "mod.rs" && !name.starts_with('.') {
            paths.push(path);
        }
    }
    paths.sort();
    paths.into_iter().map(read_rule).collect()
}

fn read_rule(path: PathBuf) -> Result<RuleFile, Error> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| syn::parse_str::<syn::Ident>(s).is_ok())
        .ok_or_else(|| {
            Error(format!(
                "{}: a rule file's name is its module's, a snake_case identifier (`s3_encryption.rs`)",
                path.display()
            ))
        })?
        .to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
    let mut file = RuleFile {
        stem,
        path,
        has_meta: false,
        fns: BTreeSet::new(),
        unparsed: false,
    };
    let Ok(ast) = syn::parse_file(&text) else {
        file.unparsed = true;
        return Ok(file);
    };
    for item in &ast.items {
        match item {
            syn::Item::Const(c) if c.ident == "META" => file.has_meta = true,
            syn::Item::Static(s) if s.ident == "META" => file.has_meta = true,
            syn::Item::Use(u) => {
                // `use other::RULE as META;`, `use super::x::check;`: what a `use` brings in is
                // declared here as much as what is written here.
                let mut names = Vec::new();
                use_names(&u.tree, &mut names);
                file.has_meta |= names.iter().any(|n| n == "META");
                file.fns.extend(names);
            }
            syn::Item::Fn(f) => {
                file.fns.insert(f.sig.ident.to_string());
            }
            _ => {}
        }
    }
    Ok(file)
}

/// The names a `use` brings into the file (`use x::{META, check as check};` → `META`, `check`).
fn use_names(tree: &syn::UseTree, names: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, names),
        syn::UseTree::Name(n) => names.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => names.push(r.rename.to_string()),
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => g.items.iter().for_each(|item| use_names(item, names)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &[Table<'static>] = &[
        Table {
            name: "RULES",
            visibility: "pub",
            rule_type: "Rule",
            check: "check",
            doc: "Every rule, in id order.",
        },
        Table {
            name: "PACKAGE_RULES",
            visibility: "",
            rule_type: "PackageRule",
            check: "check_package",
            doc: "Package rules.",
        },
    ];

    fn registry<'a>(
        metas: Option<Metas<'a>>,
        hand: &'a [&'a str],
        helpers: &'a [&'a str],
    ) -> Registry<'a> {
        Registry {
            mod_visibility: "pub(crate)",
            tables: TABLES,
            metas,
            hand_listed: hand,
            helpers,
        }
    }

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    const META: &str = "pub(crate) const META: RuleMeta = RuleMeta { id: \"x/y\" };\n";

    /// Found in review: a rule whose `check` is imported was filed as a rule without a check,
    /// listed but never run; an editor's lock file failed the build.
    #[test]
    fn an_imported_check_counts_and_editor_files_are_not_rules() {
        let imported = format!("{META}pub(crate) use super::shared::{{check}};\n");
        let dir = folder(&[
            ("imported.rs", &imported),
            (".#imported.rs", "lock"),
            ("._imported.rs", "resource fork"),
        ]);
        let (code, _) = render(&registry(None, &[], &[]), dir.path()).expect("render");
        let rules = &code[code.find("static RULES").expect("RULES")..];
        assert!(
            rules.contains("Rule { meta: &imported::META, check: imported::check }"),
            "{code}"
        );
        assert!(
            !code.contains("#imported") && !code.contains("._imported"),
            "{code}"
        );
    }

    #[test]
    fn a_file_joins_the_tables_of_the_functions_it_declares() {
        let both =
            format!("{META}pub(crate) fn check() {{}}\npub(crate) fn check_package() {{}}\n");
        let only =
            format!("{META}pub(crate) fn check() {{}}\n// fn check_package() in a comment\n");
        let dir = folder(&[("b_rule.rs", &both), ("a_rule.rs", &only), ("mod.rs", "")]);
        let (code, warnings) = render(&registry(None, &[], &[]), dir.path()).expect("render");
        assert!(warnings.is_empty());
        let a = code.find("mod a_rule;").expect("mod a_rule");
        let b = code.find("mod b_rule;").expect("mod b_rule");
        assert!(a < b, "mods in file-name order:\n{code}");
        assert!(!code.contains("mod mod;"));
        let rules = &code[code.find("static RULES").expect("RULES")..];
        let rules = &rules[..rules.find("];").expect("end")];
        assert!(
            rules.contains("Rule { meta: &a_rule::META, check: a_rule::check }"),
            "{rules}"
        );
        assert!(
            rules.contains("Rule { meta: &b_rule::META, check: b_rule::check }"),
            "{rules}"
        );
        let package = &code[code.find("static PACKAGE_RULES").expect("PACKAGE_RULES")..];
        let package = &package[..package.find("];").expect("end")];
        assert!(
            package.contains("PackageRule { meta: &b_rule::META, check: b_rule::check_package }")
        );
        assert!(!package.contains("a_rule"), "{package}");
        assert!(code.contains("pub static RULES: &[Rule] = &{"));
        assert!(code.contains("\nstatic PACKAGE_RULES: &[PackageRule] = &{"));
        assert!(code.contains("const fn id_before"));
    }

    #[test]
    fn a_rule_without_check_goes_to_the_metas_list_or_is_an_error() {
        let dir = folder(&[
            ("app.rs", META),
            ("reexported.rs", "pub(crate) use other::RULE as META;\n"),
        ]);
        let metas = Metas {
            name: "APP_RULES",
            visibility: "pub",
            doc: "App rules.",
        };
        let (code, _) = render(&registry(Some(metas), &[], &[]), dir.path()).expect("render");
        assert!(
            code.contains("pub static APP_RULES: &[&RuleMeta] = &{"),
            "{code}"
        );
        assert!(
            code.contains("        &app::META,\n        &reexported::META,\n"),
            "{code}"
        );

        let error = render(&registry(None, &[], &[]), dir.path()).expect_err("no metas list");
        let message = error.to_string();
        assert!(
            message.contains("app.rs declares `META` but no check"),
            "{message}"
        );
        assert!(
            message.contains("`fn check` (for RULES) or `fn check_package` (for PACKAGE_RULES)")
        );
    }

    #[test]
    fn a_file_without_meta_must_be_a_declared_helper() {
        let dir = folder(&[("shared.rs", "pub(crate) fn check() {}\n")]);
        let error = render(&registry(None, &[], &[]), dir.path()).expect_err("no META");
        assert!(
            error.to_string().contains("shared.rs declares no `META`"),
            "{error}"
        );
        assert!(error.to_string().contains("`helpers` in build.rs"));

        let (code, _) = render(&registry(None, &[], &["shared"]), dir.path()).expect("helper");
        assert!(code.contains("pub(crate) mod shared;"));
        assert!(
            !code.contains("shared::"),
            "a helper is in no table:\n{code}"
        );
    }

    #[test]
    fn hand_listed_files_are_left_to_mod_rs_and_must_exist() {
        let check = format!("{META}pub(crate) fn check() {{}}\n");
        let dir = folder(&[("engine.rs", META), ("rule.rs", &check)]);
        let (code, _) = render(&registry(None, &["engine"], &[]), dir.path()).expect("render");
        assert!(!code.contains("engine"), "{code}");

        let error = render(&registry(None, &["gone"], &[]), dir.path()).expect_err("stale list");
        assert!(
            error.to_string().contains("build.rs names `gone`"),
            "{error}"
        );
        assert!(error.to_string().contains("gone.rs does not exist"));
    }

    #[test]
    fn a_file_that_does_not_parse_is_declared_for_rustc_to_report() {
        let dir = folder(&[("broken.rs", "pub(crate) fn check( {\n")]);
        let (code, warnings) = render(&registry(None, &[], &[]), dir.path()).expect("render");
        assert!(code.contains("mod broken;"));
        assert!(!code.contains("broken::"));
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("broken.rs does not parse"),
            "{warnings:?}"
        );
    }

    #[test]
    fn folders_and_names_that_are_not_identifiers_are_errors() {
        let dir = folder(&[("s3-encryption.rs", META)]);
        let error = render(&registry(None, &[], &[]), dir.path()).expect_err("bad name");
        assert!(
            error.to_string().contains("snake_case identifier"),
            "{error}"
        );

        let dir = folder(&[]);
        std::fs::create_dir(dir.path().join("app")).expect("mkdir");
        let error = render(&registry(None, &[], &[]), dir.path()).expect_err("folder");
        assert!(error.to_string().contains("is a folder"), "{error}");
    }
}
