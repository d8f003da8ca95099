//! The fail/pass tests of every rule, derived from a crate's fixture folders rather than listed:
//! a folder under `tests/fixtures` holding a `fail.*` and a `pass.*` is the fixture of the rule
//! it is named after, so adding a rule and its folder adds its tests with no edit to a test file.
//!
//! A folder is named after a rule's name (`dynamodb-pitr`) or `<domain>-<name>`
//! (`iam-wildcard-action`), possibly with a variant suffix (`sdk-v2-package` is `code/sdk-v2`):
//! the longest known name the folder equals or starts with followed by `-`. Nothing is ignored
//! silently: a folder with fail and pass fixtures that names no known rule, or names a rule that
//! no test runs, or a rule folder lacking one of its two fixtures, fails the test, unless the
//! plan says which other test reads it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use stackwarden_core::RuleMeta;

use crate::fixtures::{assert_only_rule, Fixtures};

/// One rule fixture folder the test runs: `fail.*` and `pass.*` of `rule`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFolder {
    pub folder: String,
    pub rule: &'static str,
    /// The middle part of the snapshot name, `<prefix>__<module>__<folder>-fail`: the folder
    /// without its `<domain>-` prefix, in snake case. It is the module name the hand-listed
    /// tests had, so every snapshot keeps its file.
    pub module: String,
}

/// What a crate's fixture folder holds for one rule test file: the folders it runs, those other
/// tests read, and what is wrong with the rest.
#[derive(Debug, Default)]
pub struct Plan {
    pub run: Vec<RuleFolder>,
    /// `(folder, the test that reads it)`.
    pub elsewhere: Vec<(String, String)>,
    pub problems: Vec<String>,
}

/// Which rule fixture folders one test file runs, and where the others are tested.
#[derive(Debug, Clone)]
pub struct RuleFixtures {
    fixtures: Fixtures,
    known: Vec<&'static str>,
    domain: &'static str,
    census_by: Option<&'static str>,
    domains_elsewhere: Vec<(&'static str, &'static str)>,
    folders_elsewhere: Vec<(&'static str, &'static str)>,
}

impl RuleFixtures {
    /// The folders of `fixtures` whose rule, among `known` (every rule the crate can check, so
    /// that a folder maps to its longest name whichever test runs it), is of `domain`.
    pub fn new(
        fixtures: Fixtures,
        known: impl IntoIterator<Item = &'static RuleMeta>,
        domain: &'static str,
    ) -> Self {
        Self {
            fixtures,
            known: known.into_iter().map(|m| m.id).collect(),
            domain,
            census_by: None,
            domains_elsewhere: Vec::new(),
            folders_elsewhere: Vec::new(),
        }
    }

    /// The folders of `domain`'s rules are run by `test` (a path or test name, for the message).
    pub fn domain_tested_by(mut self, domain: &'static str, test: &'static str) -> Self {
        self.domains_elsewhere.push((domain, test));
        self
    }

    /// `folder` is read by `test`, not as a rule's fail/pass pair (suppressions, input errors,
    /// a rule whose fixture needs more than one rule selected).
    pub fn folder_tested_by(mut self, folder: &'static str, test: &'static str) -> Self {
        self.folders_elsewhere.push((folder, test));
        self
    }

    /// Another test file over the same fixture folder accounts for every folder that is not of
    /// this test's domain, so this one only runs its own (one census per folder, so a new skip
    /// is written once).
    pub fn others_accounted_for_by(mut self, test: &'static str) -> Self {
        self.census_by = Some(test);
        self
    }

    /// Reads the fixture folder: what runs here, what runs elsewhere, what is wrong.
    pub fn plan(&self) -> Plan {
        let mut plan = Plan::default();
        let root = self.fixtures.root();
        let mut folders: Vec<String> = match std::fs::read_dir(root) {
            Ok(entries) => entries
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(e) => {
                plan.problems
                    .push(format!("fixture folder {}: {e}", root.display()));
                return plan;
            }
        };
        folders.sort();
        if self.census_by.is_none() {
            for (folder, test) in &self.folders_elsewhere {
                if !folders.iter().any(|f| f == folder) {
                    plan.problems.push(format!(
                        "{folder}: listed as tested by {test}, but there is no such folder in {}: drop it from the list",
                        root.display()
                    ));
                }
            }
            for (domain, test) in &self.domains_elsewhere {
                if !self.known.iter().any(|id| domain_of(id) == *domain) {
                    plan.problems.push(format!(
                        "domain `{domain}`: listed as tested by {test}, but no known rule is of it: drop it from the list"
                    ));
                }
            }
        }
        for folder in folders {
            self.place(&folder, &mut plan);
        }
        if plan.run.is_empty() {
            plan.problems.push(format!(
                "no folder of {} names a `{}/*` rule: is the domain right?",
                root.display(),
                self.domain
            ));
        }
        plan
    }

    fn place(&self, folder: &str, plan: &mut Plan) {
        let census = self.census_by.is_none();
        if census {
            if let Some((_, test)) = self.folders_elsewhere.iter().find(|(f, _)| *f == folder) {
                plan.elsewhere.push((folder.to_string(), test.to_string()));
                return;
            }
        }
        let found = ["fail", "pass"].map(|kind| self.fixtures.cases(folder, kind));
        let cases = found.each_ref().map(|c| !c.is_empty());
        let rule = match rule_of_folder(folder, &self.known) {
            Ok(rule) => rule,
            Err(problem) => {
                plan.problems.push(problem);
                return;
            }
        };
        let Some((rule, by_domain)) = rule else {
            if census && cases == [true, true] {
                plan.problems.push(format!(
                    "{folder}: holds fail and pass fixtures but names no known rule: name the folder after the rule (`<name>` or `<domain>-<name>`, plus `-<variant>`), or list it with `folder_tested_by` and the test that reads it"
                ));
            }
            return;
        };
        let domain = domain_of(rule);
        if domain == self.domain {
            for (kind, found) in ["fail", "pass"].iter().zip(&found) {
                match found.as_slice() {
                    [] => plan.problems.push(format!(
                        "{folder}: the fixture folder of {rule} has no `{kind}.*`: add one"
                    )),
                    [_] => {}
                    // `Fixtures::case` would run one of them, whichever the folder lists first.
                    several => plan.problems.push(format!(
                        "{folder}: {} `{kind}.*` fixtures of {rule}, of which one would run: keep one, and give the others names of their own with a test that reads them",
                        several.len()
                    )),
                }
            }
            if found.iter().all(|c| c.len() == 1) {
                let name = if by_domain {
                    &folder[domain.len() + 1..]
                } else {
                    folder
                };
                plan.run.push(RuleFolder {
                    folder: folder.to_string(),
                    rule,
                    module: name.replace('-', "_"),
                });
            }
        } else if !census {
            // Another test file's folder; that file's census accounts for it.
        } else if let Some((_, test)) = self.domains_elsewhere.iter().find(|(d, _)| *d == domain) {
            plan.elsewhere.push((folder.to_string(), test.to_string()));
        } else if cases == [true, true] {
            plan.problems.push(format!(
                "{folder}: the fixtures of {rule}, which no test runs: this test runs `{}/*` folders; say which test runs `{domain}/*` with `domain_tested_by`",
                self.domain
            ));
        }
    }

    /// Runs every rule folder of the plan: the fail fixture must give findings of its rule only,
    /// equal to the snapshot `<prefix>__<module>__<folder>-fail` (`snapshot(name, found)`
    /// asserts it), and the pass fixture none. `run` checks one file with the given rules
    /// selected and renders the findings. Every case runs even when an earlier one fails; the
    /// test fails at the end naming all failed cases and every problem of the plan.
    #[expect(
        clippy::print_stdout,
        reason = "the list of cases run, the test's own log (libtest shows it with --nocapture)"
    )]
    pub fn check(
        &self,
        prefix: &str,
        run: fn(&Path, &[&str]) -> String,
        snapshot: &dyn Fn(&str, &str),
    ) {
        let plan = self.plan();
        let mut failures = plan.problems.clone();
        for case in &plan.run {
            let rule = case.rule;
            let folder = case.folder.as_str();
            println!("{rule} in {folder}: fail, pass");
            let fail = catch_unwind(AssertUnwindSafe(|| {
                let found = run(&self.fixtures.case(folder, "fail"), &[rule]);
                assert_only_rule(&found, rule, folder);
                snapshot(&format!("{prefix}__{}__{folder}-fail", case.module), &found);
            }));
            if let Err(panic) = fail {
                failures.push(format!("{folder}/fail ({rule}): {}", message(&*panic)));
            }
            let pass = catch_unwind(AssertUnwindSafe(|| {
                let found = run(&self.fixtures.case(folder, "pass"), &[rule]);
                assert_eq!(found, "", "the pass fixture of {folder} is not clean");
            }));
            if let Err(panic) = pass {
                failures.push(format!("{folder}/pass ({rule}): {}", message(&*panic)));
            }
        }
        for (folder, test) in &plan.elsewhere {
            println!("{folder}: tested by {test}");
        }
        assert!(
            failures.is_empty(),
            "{} failures among the {} rule fixture folders under {} (every case ran; --nocapture lists them):\n- {}",
            failures.len(),
            plan.run.len(),
            self.fixtures.root().display(),
            failures.join("\n- ")
        );
    }
}

/// The rule `folder` is the fixture of: the longest rule name (`name` or `<domain>-<name>`) of
/// `known` that the folder is, or starts with followed by `-`; with whether it matched with the
/// domain. Two rules matching at the same length is an error (the folder must be renamed).
pub fn rule_of_folder(
    folder: &str,
    known: &[&'static str],
) -> Result<Option<(&'static str, bool)>, String> {
    let mut best: Vec<(&'static str, bool, usize)> = Vec::new();
    for id in known {
        let Some((domain, name)) = id.split_once('/') else {
            continue;
        };
        for (form, by_domain) in [
            (name.to_string(), false),
            (format!("{domain}-{name}"), true),
        ] {
            let matches = folder == form
                || folder
                    .strip_prefix(form.as_str())
                    .is_some_and(|rest| rest.starts_with('-'));
            if !matches {
                continue;
            }
            let len = form.len();
            match best.first() {
                Some(&(_, _, longest)) if longest > len => {}
                Some(&(_, _, longest)) if longest == len => best.push((id, by_domain, len)),
                _ => best = vec![(id, by_domain, len)],
            }
        }
    }
    best.dedup_by_key(|(id, _, _)| *id);
    match best.as_slice() {
        [] => Ok(None),
        [(id, by_domain, _)] => Ok(Some((id, *by_domain))),
        several => Err(format!(
            "{folder}: names {} equally: rename the folder `<domain>-<name>`",
            several
                .iter()
                .map(|(id, _, _)| *id)
                .collect::<Vec<_>>()
                .join(" and ")
        )),
    }
}

fn domain_of(id: &str) -> &str {
    id.split_once('/').map_or(id, |(domain, _)| domain)
}

fn message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".to_string())
}

/// `rule_fixtures`, the test of every rule fixture folder `plan` (a [`RuleFixtures`]) runs. `run`
/// is the crate's own `fn(&Path, &[&str]) -> String`: check one file with those rules selected
/// and render the findings. The snapshots are the calling crate's `tests/snapshots/<test
/// file>__<module>__<folder>-fail.snap`, named explicitly (not by insta from the calling
/// module) so each keeps the file it had when the tests were listed by hand; the assertion is
/// expanded in the calling file so that the snapshots' `source:` header stays that file.
#[macro_export]
macro_rules! rule_fixture_tests {
    (run: $run:path, plan: $plan:expr $(,)?) => {
        #[test]
        fn rule_fixtures() {
            let plan: $crate::rule_fixtures::RuleFixtures = $plan;
            plan.check(module_path!(), $run, &|name: &str, found: &str| {
                let mut settings = $crate::insta::Settings::clone_current();
                settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
                settings.set_prepend_module_to_snapshot(false);
                settings.bind(|| $crate::insta::assert_snapshot!(name, found));
            });
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    const KNOWN: &[&str] = &[
        "cfn/naming",
        "code/sdk-v2",
        "code/sdk-v2-extra",
        "iam/iam-user",
        "iam/wildcard-action",
        "secret/credentials-in-env",
    ];

    #[test]
    fn a_folder_names_the_longest_rule_it_starts_with() {
        let rule = |folder| rule_of_folder(folder, KNOWN);
        assert_eq!(rule("naming"), Ok(Some(("cfn/naming", false))));
        assert_eq!(rule("sdk-v2-package"), Ok(Some(("code/sdk-v2", false))));
        assert_eq!(rule("sdk-v2-extra"), Ok(Some(("code/sdk-v2-extra", false))));
        assert_eq!(
            rule("sdk-v2-extra-x"),
            Ok(Some(("code/sdk-v2-extra", false)))
        );
        assert_eq!(
            rule("iam-wildcard-action"),
            Ok(Some(("iam/wildcard-action", true)))
        );
        assert_eq!(rule("iam-user"), Ok(Some(("iam/iam-user", false))));
        assert_eq!(rule("iam-iam-user"), Ok(Some(("iam/iam-user", true))));
        // A name is matched whole, not as a prefix of a longer word.
        assert_eq!(rule("namings"), Ok(None));
        assert_eq!(rule("sdk-v20"), Ok(None));
        assert_eq!(rule("suppressions"), Ok(None));
        // Where two rules share a name, only `<domain>-<name>` tells them apart.
        let both = ["code/iam-user", "iam/iam-user"];
        let ambiguous = rule_of_folder("iam-user", &both);
        assert!(ambiguous.is_err_and(|e| e.contains("code/iam-user and iam/iam-user")));
        assert_eq!(
            rule_of_folder("iam-iam-user", &both),
            Ok(Some(("iam/iam-user", true)))
        );
        assert!(rule_of_folder("a-b", &["x/a-b", "a/b"]).is_err());
    }

    fn metas() -> Vec<&'static RuleMeta> {
        KNOWN
            .iter()
            .map(|id| {
                &*Box::leak(Box::new(RuleMeta {
                    id,
                    severity: stackwarden_core::Severity::Warn,
                    summary: "",
                    docs: "",
                }))
            })
            .collect()
    }

    fn project(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tmp");
        for file in files {
            crate::project::write(dir.path(), file, "x\n");
        }
        dir
    }

    #[test]
    fn the_plan_runs_its_domain_and_accounts_for_every_other_folder() {
        let dir = project(&[
            "sdk-v2/fail.js",
            "sdk-v2/pass.ts",
            "sdk-v2-package/fail.json",
            "sdk-v2-package/pass.json",
            "iam-wildcard-action/fail.ts",
            "iam-wildcard-action/pass.ts",
            "empty-package/fail/package.json",
            "empty-package/pass/package.json",
            "jsx/App.js",
            "suppressions/fail.ts",
        ]);
        let plan = RuleFixtures::new(Fixtures::new(dir.path()), metas(), "code")
            .domain_tested_by("iam", "tests/iam.rs")
            .folder_tested_by("empty-package", "the input error test")
            .plan();
        assert_eq!(plan.problems, Vec::<String>::new());
        let run: Vec<(&str, &str, &str)> = plan
            .run
            .iter()
            .map(|c| (c.folder.as_str(), c.rule, c.module.as_str()))
            .collect();
        assert_eq!(
            run,
            [
                ("sdk-v2", "code/sdk-v2", "sdk_v2"),
                ("sdk-v2-package", "code/sdk-v2", "sdk_v2_package"),
            ]
        );
        let elsewhere: Vec<&str> = plan.elsewhere.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(elsewhere, ["empty-package", "iam-wildcard-action"]);
        // The iam test strips its domain from the snapshot module, and leaves the rest to the census.
        let iam = RuleFixtures::new(Fixtures::new(dir.path()), metas(), "iam")
            .others_accounted_for_by("tests/code.rs")
            .plan();
        assert_eq!(iam.problems, Vec::<String>::new());
        assert_eq!(
            iam.run,
            [RuleFolder {
                folder: "iam-wildcard-action".into(),
                rule: "iam/wildcard-action",
                module: "wildcard_action".into(),
            }]
        );
    }

    #[test]
    fn nothing_is_ignored_silently() {
        let dir = project(&[
            "naming/fail.yaml",
            "naming/pass.yaml",
            "nameing/fail.yaml",
            "nameing/pass.yaml",
            "sdk-v2/fail.js",
            "sdk-v2/pass.ts",
            "credentials-in-env/fail.yaml",
            "credentials-in-env/pass.yaml",
            "naming-half/fail.yaml",
            "naming-twice/fail.yaml",
            "naming-twice/fail.json",
            "naming-twice/pass.yaml",
        ]);
        let plan = RuleFixtures::new(Fixtures::new(dir.path()), metas(), "cfn")
            .folder_tested_by("gone", "a test that was deleted")
            .domain_tested_by("code", "tests/code.rs")
            .domain_tested_by("cdk", "tests/cdk.rs")
            .plan();
        let problems = plan.problems.join("\n");
        for expected in [
            "gone: listed as tested by a test that was deleted, but there is no such folder",
            "domain `cdk`: listed as tested by tests/cdk.rs, but no known rule is of it",
            "nameing: holds fail and pass fixtures but names no known rule",
            "credentials-in-env: the fixtures of secret/credentials-in-env, which no test runs",
            "naming-half: the fixture folder of cfn/naming has no `pass.*`",
            "naming-twice: 2 `fail.*` fixtures of cfn/naming, of which one would run",
        ] {
            assert!(
                problems.contains(expected),
                "{expected:?} not in:\n{problems}"
            );
        }
        assert_eq!(plan.problems.len(), 6, "{problems}");
        assert_eq!(plan.run.len(), 1);
    }

    static SNAPSHOTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

    /// A fake check: the findings are the file's own text, so a fixture says what it finds.
    fn echo(path: &Path, select: &[&str]) -> String {
        let text = std::fs::read_to_string(path).expect("fixture");
        text.trim_end().replace("RULE", select[0])
    }

    #[test]
    fn every_failing_case_is_reported_not_only_the_first() {
        let dir = tempfile::tempdir().expect("tmp");
        let write = |file, text| crate::project::write(dir.path(), file, text);
        write("naming/fail.yaml", "1:1 warn [RULE] bad\n");
        write("naming/pass.yaml", "");
        write("sdk-v2/fail.js", "1:1 warn [cfn/naming] someone else's\n");
        write("sdk-v2/pass.ts", "2:1 warn [RULE] not clean\n");
        write("sdk-v2-package/fail.json", "");
        write("sdk-v2-package/pass.json", "");
        write("sdk-v2-snap/fail.js", "1:1 warn [RULE] other text\n");
        write("sdk-v2-snap/pass.ts", "");
        let checker = RuleFixtures::new(Fixtures::new(dir.path()), metas(), "code")
            .domain_tested_by("cfn", "tests/cfn.rs");
        let snapshot = |name: &str, found: &str| {
            SNAPSHOTS.lock().expect("lock").push(name.to_string());
            assert!(!found.contains("other"), "snapshot {name} differs");
        };
        let result = catch_unwind(AssertUnwindSafe(|| checker.check("rules", echo, &snapshot)));
        let panic = result.expect_err("failing cases passed");
        let report = message(&*panic);
        for expected in [
            "4 failures among the 3 rule fixture folders",
            "sdk-v2/fail (code/sdk-v2): sdk-v2: not a code/sdk-v2 finding",
            "sdk-v2/pass (code/sdk-v2): assertion `left == right` failed: the pass fixture of sdk-v2 is not clean",
            "sdk-v2-package/fail (code/sdk-v2): the fail fixture of sdk-v2-package found nothing",
            "sdk-v2-snap/fail (code/sdk-v2): snapshot rules__sdk_v2_snap__sdk-v2-snap-fail differs",
        ] {
            assert!(report.contains(expected), "{expected:?} not in:\n{report}");
        }
        // naming is cfn's, run by another test.
        assert!(!report.contains("naming/"), "{report}");
        assert_eq!(
            *SNAPSHOTS.lock().expect("lock"),
            ["rules__sdk_v2_snap__sdk-v2-snap-fail"]
        );
    }
}
