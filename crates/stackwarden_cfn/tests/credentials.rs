//! `secret/credentials-in-env` in templates, against its fixtures: `fail.*` produce the
//! snapshotted findings (rule, line, column, severity, message, help) with every key masked, and
//! `pass.*` produce none. (The rule's id is not `cfn/...`, so it has its own harness beside
//! tests/rules.rs.)

use std::path::{Path, PathBuf};

use stackwarden_cfn::check_template_file;
use stackwarden_testkit::findings::{assert_masked, of_one_file, render, sorted, Layout};
use stackwarden_testkit::CheckRun;

const RULE: &str = "secret/credentials-in-env";

/// Every key written in the fixtures; none may appear in a finding.
const SECRETS: &[&str] = &[
    "AKIAUJZDEGXDNCF32EPF",
    "AKIA3DHODZDOCIS2JHTL",
    "AKIAGMXGEDN73U55XTPL",
    "AKIAPFT7V4SEH2KVJ72C",
    "AKIAIOSFODNN7EXAMPLE",
    "Sc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas",
    "1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po/7",
    "99NksnRH9ucAUsdMlHUvTCQCyEZDz+TddJ8HyS5S",
    "UkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbn",
];

fn fixture(name: &str) -> PathBuf {
    stackwarden_testkit::fixtures!("credentials-in-env").join(name)
}

fn run(path: &Path) -> String {
    let run = CheckRun::default()
        .select(&[RULE])
        .known(stackwarden_cfn::rules::all_metas());
    let findings = sorted(of_one_file(
        check_template_file(path, &run.options()),
        path,
        "a template",
    ));
    assert_masked(&findings, SECRETS);
    assert!(findings.iter().all(|f| f.rule == RULE), "{findings:?}");
    render(&findings, Layout::SNAPSHOT)
}

#[test]
fn fail_fixtures_findings() {
    for name in ["fail.yaml", "fail.json"] {
        let found = run(&fixture(name));
        assert!(!found.is_empty(), "{name} found nothing");
        insta::assert_snapshot!(format!("credentials-in-env-{name}"), found);
    }
}

#[test]
fn pass_fixture_is_clean() {
    assert_eq!(run(&fixture("pass.yaml")), "");
}

#[test]
fn the_rule_is_listed_once_from_its_declaration() {
    let meta = stackwarden_cfn::rules::all_metas()
        .find(|m| m.id == RULE)
        .expect("listed");
    assert!(std::ptr::eq(meta, &stackwarden_secret::CREDENTIALS_IN_ENV));
}
