//! A crate's fixture folder, `tests/fixtures`: one folder per rule holding a `fail.*` and a
//! `pass.*` (any extension: the rule decides which files it reads), plus the folder's own
//! `stackwarden.toml`. The fail/pass tests over it are derived from its folders
//! ([`crate::rule_fixtures`]).

use std::path::{Path, PathBuf};

use stackwarden_core::config::Config;

/// The fixture folder of the crate whose tests call it: `<crate>/tests/fixtures`, or a folder
/// under it. A macro because the crate is the caller's (`CARGO_MANIFEST_DIR` at the call site).
#[macro_export]
macro_rules! fixtures {
    () => {
        $crate::fixtures::Fixtures::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
    };
    ($folder:literal) => {
        $crate::fixtures::Fixtures::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $folder
        ))
    };
}

/// A folder of fixtures.
#[derive(Debug, Clone)]
pub struct Fixtures {
    root: PathBuf,
}

impl Fixtures {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A file or folder in the fixture folder.
    pub fn join(&self, path: impl AsRef<Path>) -> PathBuf {
        self.root.join(path)
    }

    /// The `kind` fixture (`fail` or `pass`) of one rule folder, whatever its extension.
    pub fn case(&self, rule_folder: &str, kind: &str) -> PathBuf {
        let folder = self.root.join(rule_folder);
        std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("fixture folder {}: {e}", folder.display()))
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_stem().is_some_and(|s| s == kind))
            .unwrap_or_else(|| panic!("no {kind} fixture in {}", folder.display()))
    }

    /// Every `kind` fixture of one rule folder, sorted ([`Self::case`] finds one of them): none
    /// when the folder cannot be read.
    pub fn cases(&self, rule_folder: &str, kind: &str) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.root.join(rule_folder)) else {
            return Vec::new();
        };
        let mut cases: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_stem().is_some_and(|s| s == kind))
            .collect();
        cases.sort();
        cases
    }

    /// The configuration the fixtures are checked with: the folder's `stackwarden.toml`.
    pub fn config(&self) -> Config {
        let path = self.root.join("stackwarden.toml");
        Config::load(&path).unwrap_or_else(|e| panic!("fixture config {}: {e}", path.display()))
    }
}

/// Asserts what a rule's fail fixture must show: at least one finding, and only of that rule
/// (`found` rendered with a [`crate::Layout`] that prints `[rule]`).
pub fn assert_only_rule(found: &str, rule: &str, fixture: &str) {
    assert!(
        !found.is_empty(),
        "the fail fixture of {fixture} found nothing"
    );
    let tag = format!("[{rule}]");
    for line in crate::findings::headlines(found) {
        assert!(
            line.contains(&tag),
            "{fixture}: not a {rule} finding: {line}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_is_found_by_its_stem_whatever_its_extension() {
        let dir = tempfile::tempdir().expect("tmp");
        crate::project::write(dir.path(), "s3-versioning/fail.yaml", "Resources: {}\n");
        crate::project::write(dir.path(), "s3-versioning/pass.json", "{}\n");
        crate::project::write(dir.path(), "s3-versioning/failing.yaml", "");
        let fixtures = Fixtures::new(dir.path());
        assert_eq!(
            fixtures.case("s3-versioning", "fail"),
            dir.path().join("s3-versioning/fail.yaml")
        );
        assert_eq!(
            fixtures.case("s3-versioning", "pass"),
            dir.path().join("s3-versioning/pass.json")
        );
    }

    #[test]
    fn cases_lists_every_fixture_of_a_kind() {
        let dir = tempfile::tempdir().expect("tmp");
        crate::project::write(dir.path(), "credentials/fail.yaml", "");
        crate::project::write(dir.path(), "credentials/fail.json", "");
        crate::project::write(dir.path(), "credentials/failing.yaml", "");
        crate::project::write(dir.path(), "empty/fail/template.yaml", "");
        let fixtures = Fixtures::new(dir.path());
        let folder = dir.path().join("credentials");
        assert_eq!(
            fixtures.cases("credentials", "fail"),
            [folder.join("fail.json"), folder.join("fail.yaml")]
        );
        assert_eq!(
            fixtures.cases("empty", "fail"),
            [dir.path().join("empty/fail")]
        );
        assert!(fixtures.cases("credentials", "pass").is_empty());
        assert!(fixtures.cases("absent", "fail").is_empty());
    }

    #[test]
    #[should_panic(expected = "no pass fixture in")]
    fn a_missing_case_names_the_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        crate::project::write(dir.path(), "naming/fail.yaml", "");
        Fixtures::new(dir.path()).case("naming", "pass");
    }

    #[test]
    fn only_the_rules_own_findings_pass() {
        let found = "3:5 warn [cfn/naming] bad name\n    help: rename it [cfn/other]";
        assert_only_rule(found, "cfn/naming", "naming");
        let mixed = format!("{found}\n4:1 error [cfn/other] other");
        let result = std::panic::catch_unwind(|| assert_only_rule(&mixed, "cfn/naming", "naming"));
        assert!(result.is_err(), "a finding of another rule was accepted");
        assert!(std::panic::catch_unwind(|| assert_only_rule("", "cfn/naming", "naming")).is_err());
    }
}
