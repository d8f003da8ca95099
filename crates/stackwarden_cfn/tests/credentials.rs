//! `secret/credentials-in-env` in templates, against its fixtures: `fail.*` produce the
//! snapshotted findings (rule, line, column, severity, message, help) with every key masked, and
//! `pass.*` produce none. (The rule's id is not `cfn/...`, so it has its own harness beside
//! tests/rules.rs.)

use std::path::{Path, PathBuf};

use stackwarden_cfn::{check_template_file, Options};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

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
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/credentials-in-env")
        .join(name)
}

fn run(path: &Path) -> String {
    let config = Config::default();
    let filter = RuleFilter {
        select: vec![RULE.into()],
        ignore: vec![],
    };
    let known: Vec<&str> = stackwarden_cfn::rules::all_metas().map(|m| m.id).collect();
    let report = check_template_file(
        path,
        &Options {
            config: &config,
            filter: &filter,
            stage: None,
            today: "2026-11-25",
            known_rules: &known,
            verbose: false,
        },
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.files,
        1,
        "{} is not read as a template",
        path.display()
    );
    let mut findings = report.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let json = serde_json::to_string(&findings).expect("serialize");
    for secret in SECRETS {
        assert!(!json.contains(secret), "{secret} printed in full: {json}");
    }
    findings
        .iter()
        .map(|f| {
            assert_eq!(f.rule, RULE);
            format!(
                "{}:{} {} [{}] {}\n    help: {}",
                f.line,
                f.column,
                f.severity.as_str(),
                f.rule,
                f.message,
                f.help
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
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
