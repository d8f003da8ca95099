//! `secret/aws-access-key` over its fixtures (`tests/fixtures/aws-access-key/fail.*` produce the
//! snapshotted findings, `pass.*` none), with the secret masked in every field of every finding,
//! and the file handling: configured severities, selection, binary, oversized and Latin-1 files.

use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::{Finding, RuleFilter, Severity};
use stackwarden_secret::{check_file, Report};
use stackwarden_testkit::findings::{assert_masked, of_one_file, render, Layout};
use stackwarden_testkit::{CheckRun, Fixtures};

/// Every secret written in the fixtures; none may appear in a finding.
const SECRETS: &[&str] = &[
    "AKIAUJZDEGXDNCF32EPF",
    "AKIA3DHODZDOCIS2JHTL",
    "AKIAGMXGEDN73U55XTPL",
    "AKIAPFT7V4SEH2KVJ72C",
    "ASIAEUVW75EFR6EDT4SY",
    "Sc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas",
    "1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po/7",
    "99NksnRH9ucAUsdMlHUvTCQCyEZDz+TddJ8HyS5S",
    "UkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbn",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
];

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!("aws-access-key")
}

fn check(path: &Path, config: &Config, filter: &RuleFilter) -> Report {
    let run = CheckRun::new(config.clone())
        .filter(filter.clone())
        .known(stackwarden_secret::all_metas());
    check_file(path, &run.options())
}

fn run(path: &Path) -> Vec<Finding> {
    let report = check(path, &Config::default(), &RuleFilter::default());
    let findings = of_one_file(report, path, "text");
    assert_masked(&findings, SECRETS);
    findings
}

#[test]
fn fail_fixtures_findings() {
    for name in ["fail.env", "fail.json", "fail.yaml", "fail.ini", "fail.md"] {
        let found = render(&run(&fixtures().join(name)), Layout::SNAPSHOT);
        assert!(!found.is_empty(), "{name} found nothing");
        insta::assert_snapshot!(name, found);
    }
}

#[test]
fn pass_fixture_is_clean() {
    assert_eq!(
        render(&run(&fixtures().join("pass.txt")), Layout::SNAPSHOT),
        ""
    );
}

#[test]
fn documented_examples_are_info_and_real_keys_errors() {
    let examples = run(&fixtures().join("fail.md"));
    assert_eq!(examples.len(), 3);
    assert!(examples.iter().all(|f| f.severity == Severity::Info));
    let real = run(&fixtures().join("fail.env"));
    assert!(real.iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn configured_severity_and_selection_apply() {
    let dir = tempfile::tempdir().expect("tmp");
    let config_path = dir.path().join("stackwarden.toml");
    let env = fixtures().join("fail.env");
    let examples = fixtures().join("fail.md");

    std::fs::write(
        &config_path,
        "[rules]\n\"secret/aws-access-key\" = \"warn\"\n",
    )
    .expect("write");
    let config = Config::load(&config_path).expect("config");
    let report = check(&env, &config, &RuleFilter::default());
    assert_eq!(report.findings.len(), 3);
    assert!(report.findings.iter().all(|f| f.severity == Severity::Warn));
    // Examples stay informational.
    let report = check(&examples, &config, &RuleFilter::default());
    assert!(report.findings.iter().all(|f| f.severity == Severity::Info));

    std::fs::write(
        &config_path,
        "[rules]\n\"secret/aws-access-key\" = \"off\"\n",
    )
    .expect("write");
    let config = Config::load(&config_path).expect("config");
    let report = check(&env, &config, &RuleFilter::default());
    assert!(report.findings.is_empty() && report.files == 0);

    let ignore = RuleFilter {
        select: vec![],
        ignore: vec!["secret".into()],
    };
    assert!(check(&env, &Config::default(), &ignore).findings.is_empty());
    let select = RuleFilter {
        select: vec!["secret/aws-access-key".into()],
        ignore: vec![],
    };
    assert_eq!(check(&env, &Config::default(), &select).findings.len(), 3);
    let other = RuleFilter {
        select: vec!["cfn".into()],
        ignore: vec![],
    };
    assert!(check(&env, &Config::default(), &other).findings.is_empty());
}

#[test]
fn binary_and_oversized_files_are_skipped_and_latin1_is_scanned() {
    let dir = tempfile::tempdir().expect("tmp");
    let binary = dir.path().join("blob.bin");
    std::fs::write(
        &binary,
        b"\x7fELF\0\0\0AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF\n",
    )
    .expect("write");
    let report = check(&binary, &Config::default(), &RuleFilter::default());
    assert!(report.findings.is_empty() && report.errors.is_empty() && report.files == 0);

    let big = dir.path().join("big.log");
    let mut text = b"AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF\n".to_vec();
    text.resize(
        usize::try_from(stackwarden_secret::MAX_SCAN_BYTES).expect("fits") + 1,
        b'x',
    );
    std::fs::write(&big, text).expect("write");
    let report = check(&big, &Config::default(), &RuleFilter::default());
    assert!(report.findings.is_empty() && report.errors.is_empty() && report.files == 0);

    let latin1 = dir.path().join("notes.txt");
    std::fs::write(
        &latin1,
        b"caf\xe9 = 1\nclef \xe9t\xe9: AKIAUJZDEGXDNCF32EPF\n",
    )
    .expect("write");
    let found = run(&latin1);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (2, 11));

    let missing = check(
        &dir.path().join("gone.txt"),
        &Config::default(),
        &RuleFilter::default(),
    );
    assert_eq!(missing.errors.len(), 1);
    assert!(missing.errors[0].message.starts_with("cannot read"));
}
