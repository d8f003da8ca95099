//! Every code rule against its fixtures: `tests/fixtures/<rule>/fail.*` must produce the
//! snapshotted findings (rule id, line, column, message, help) and `pass.*` must produce none.
//! Package rules use `<rule>-package/` folders holding package.json fixtures.

use std::path::{Path, PathBuf};

use stackwarden_code::{check_package_json, check_source_file, Options, Report};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn known_rules() -> Vec<&'static str> {
    let mut known: Vec<&str> = stackwarden_code::all_metas().map(|m| m.id).collect();
    known.extend(["meta/suppression-without-reason", "meta/unused-suppression"]);
    known
}

fn render(report: Report) -> String {
    let mut findings = report.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
        .iter()
        .map(|f| {
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

/// Runs the rules selected by `select` over one fixture and renders what they found.
fn run(path: &Path, select: &[&str]) -> String {
    let config = Config::load(&fixtures().join("stackwarden.toml")).expect("fixture config");
    let filter = RuleFilter {
        select: select.iter().map(|s| s.to_string()).collect(),
        ignore: vec![],
    };
    let known = known_rules();
    let options = Options {
        config: &config,
        filter: &filter,
        known_rules: &known,
    };
    let report = if path.extension().is_some_and(|e| e == "json") {
        check_package_json(path, &options)
    } else {
        check_source_file(path, &options)
    };
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        report.errors
    );
    assert_eq!(report.files, 1, "{} was not checked", path.display());
    render(report)
}

fn fixture(dir: &str, kind: &str) -> PathBuf {
    let dir = fixtures().join(dir);
    std::fs::read_dir(&dir)
        .expect("fixture folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_stem().is_some_and(|s| s == kind))
        .unwrap_or_else(|| panic!("no {kind} fixture in {}", dir.display()))
}

macro_rules! rule_fixtures {
    ($($name:ident => $rule:literal in $dir:literal),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[test]
            fn fail_fixture_findings() {
                let found = run(&fixture($dir, "fail"), &[concat!("code/", $rule)]);
                assert!(!found.is_empty(), "the fail fixture of {} found nothing", $dir);
                assert!(found.lines().filter(|l| !l.starts_with("    ")).all(|l| l.contains(concat!("[code/", $rule, "]"))));
                insta::assert_snapshot!(concat!($dir, "-fail"), found);
            }

            #[test]
            fn pass_fixture_is_clean() {
                assert_eq!(run(&fixture($dir, "pass"), &[concat!("code/", $rule)]), "");
            }
        }
    )*};
}

rule_fixtures! {
    sdk_v2 => "sdk-v2" in "sdk-v2",
    sdk_v2_package => "sdk-v2" in "sdk-v2-package",
    sdk_mixed => "sdk-mixed" in "sdk-mixed",
    sdk_mixed_package => "sdk-mixed" in "sdk-mixed-package",
    sdk_aggregated_client => "sdk-aggregated-client" in "sdk-aggregated-client",
    client_in_handler => "client-in-handler" in "client-in-handler",
    swallowed_error => "swallowed-error" in "swallowed-error",
    handler_no_rethrow => "handler-no-rethrow" in "handler-no-rethrow",
    missing_timeout => "missing-timeout" in "missing-timeout",
    put_without_condition => "put-without-condition" in "put-without-condition",
    missing_idempotency => "missing-idempotency" in "missing-idempotency",
    missing_observability => "missing-observability" in "missing-observability",
    env_unchecked => "env-unchecked" in "env-unchecked",
    hardcoded_account => "hardcoded-account" in "hardcoded-account",
    hardcoded_region => "hardcoded-region" in "hardcoded-region",
    hardcoded_arn => "hardcoded-arn" in "hardcoded-arn",
    resource_star_comment => "resource-star-comment" in "resource-star-comment",
    wildcard_action => "wildcard-action" in "wildcard-action",
    iam_user => "iam-user" in "iam-user",
    cross_account_no_external_id => "cross-account-no-external-id" in "cross-account-no-external-id",
    policy_string_concat => "policy-string-concat" in "policy-string-concat",
}

#[test]
fn every_rule_has_fixtures() {
    for meta in stackwarden_code::all_metas() {
        let dir = meta.id.trim_start_matches("code/");
        assert!(
            fixtures().join(dir).join("pass.ts").exists()
                || fixtures().join(dir).join("pass.js").exists(),
            "{} has no pass fixture",
            meta.id
        );
        assert!(
            meta.missing_doc_headings().is_empty(),
            "{} docs lack {:?}",
            meta.id,
            meta.missing_doc_headings()
        );
    }
}

#[test]
fn suppressions_need_a_reason_and_must_be_used() {
    let found = run(&fixture("suppressions", "fail"), &["code", "meta"]);
    insta::assert_snapshot!("suppressions", found);
}

#[test]
fn unparseable_source_is_an_input_error_with_a_line() {
    let dir = std::env::temp_dir().join(format!("stackwarden-code-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("broken.ts");
    std::fs::write(&path, "const a = 1;\nconst b = ;\n").expect("write");
    let config = Config::default();
    let filter = RuleFilter::default();
    let known = known_rules();
    let report = check_source_file(
        &path,
        &Options {
            config: &config,
            filter: &filter,
            known_rules: &known,
        },
    );
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, Some(2));
    assert!(
        report.errors[0].message.starts_with("cannot parse"),
        "{}",
        report.errors[0].message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_output_and_declarations_are_skipped() {
    let dir = std::env::temp_dir().join(format!("stackwarden-code-skip-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("app/dist")).expect("temp dir");
    std::fs::write(dir.join("app/package.json"), "{}").expect("write");
    assert!(stackwarden_code::is_skipped(
        &dir.join("app/cdk.out/asset.1/index.js")
    ));
    assert!(stackwarden_code::is_skipped(&dir.join("app/dist/index.js")));
    assert!(stackwarden_code::is_skipped(Path::new("src/types.d.ts")));
    assert!(stackwarden_code::is_skipped(Path::new(
        "lib/region-info/built-ins.generated.js"
    )));
    assert!(!stackwarden_code::is_skipped(Path::new(
        "src/lambda/index.ts"
    )));
    // A `build` folder that is not a package's output folder is ordinary source.
    assert!(!stackwarden_code::is_skipped(
        &dir.join("build/app/src/index.ts")
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
