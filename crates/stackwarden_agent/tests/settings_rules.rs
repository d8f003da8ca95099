//! The agent settings rules against their fixtures: `tests/fixtures/<rule>/fail` must produce the
//! listed findings (rule, line, message) and `pass` none.

#![allow(clippy::unwrap_used)]

use stackwarden_agent::{check_hooks_registered, check_settings_file, Options};
use stackwarden_core::config::Config;
use stackwarden_core::{Report, RuleFilter};
use stackwarden_testkit::findings::{lines, sorted, Layout};
use stackwarden_testkit::{CheckRun, Fixtures};

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!()
}

fn render(report: &Report) -> Vec<String> {
    lines(&sorted(report.findings.clone()), Layout::HEADLINE)
}

fn with_options<T>(config: &Config, filter: &RuleFilter, run: impl FnOnce(&Options<'_>) -> T) -> T {
    let check = CheckRun::new(config.clone())
        .filter(filter.clone())
        .known(stackwarden_agent::all_metas());
    run(&check.options())
}

fn broad_allow(kind: &str, config: &Config, filter: &RuleFilter) -> Report {
    let path = fixtures()
        .join("settings-broad-allow")
        .join(kind)
        .join(".claude/settings.json");
    with_options(config, filter, |o| check_settings_file(&path, o))
}

#[test]
fn settings_broad_allow_fail() {
    let config = Config::load(&fixtures().join("stackwarden.toml")).unwrap();
    let report = broad_allow("fail", &config, &RuleFilter::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.files, 1);
    let lines = render(&report);
    let expected = [
        "4:20 error [agent/settings-broad-allow] `defaultMode: \"bypassPermissions\"` lets the agent run every command without asking, including production deploys and destroys",
        "7:7 error [agent/settings-broad-allow] allow rule `Bash(*)` lets the agent run every shell command without a prompt, including production deploys, destroys and IAM user creation",
        "8:7 error [agent/settings-broad-allow] allow rule `Bash(aws:*)` permits production deploys, destroys, IAM user and access key creation, S3 object and bucket deletion and any command of an AWS service without a prompt (e.g. `aws cloudformation deploy --stack-name prod-app --template-file template.yaml --profile prod`)",
        "9:7 error [agent/settings-broad-allow] allow rule `Bash(npx cdk deploy*)` permits production deploys without a prompt (e.g. `cdk deploy prod-app`)",
        "10:7 error [agent/settings-broad-allow] allow rule `Bash(cdk destroy:*)` permits destroys without a prompt (e.g. `cdk destroy --all --force`)",
        "11:7 error [agent/settings-broad-allow] allow rule `Bash(aws s3 rm:*)` permits S3 object and bucket deletion without a prompt (e.g. `aws s3 rm s3://bucket --recursive`)",
        "12:7 error [agent/settings-broad-allow] allow rule `Bash(sam deploy:*)` permits production deploys without a prompt (e.g. `sam deploy --config-env prod`)",
        "13:7 error [agent/settings-broad-allow] allow rule `Bash(npx cdk deploy * --profile prod *)` permits production deploys without a prompt (e.g. `cdk deploy prod-app --profile prod`)",
    ];
    assert_eq!(lines, expected, "\n{}", lines.join("\n"));
    assert!(report
        .findings
        .iter()
        .filter(|f| f.message.starts_with("allow rule"))
        .all(|f| f.help.contains("stackwarden init")));
}

#[test]
fn settings_broad_allow_pass() {
    let config = Config::load(&fixtures().join("stackwarden.toml")).unwrap();
    let report = broad_allow("pass", &config, &RuleFilter::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(render(&report), Vec::<String>::new());
}

#[test]
fn settings_broad_allow_honours_severity_and_filter() {
    let config = Config::parse(
        &fixtures().join("stackwarden.toml"),
        "[rules]\n\"agent/settings-broad-allow\" = \"warn\"\n",
    )
    .unwrap();
    let report = broad_allow("fail", &config, &RuleFilter::default());
    assert!(!report.findings.is_empty());
    assert!(report
        .findings
        .iter()
        .all(|f| f.severity == stackwarden_core::Severity::Warn));
    let off = Config::parse(
        &fixtures().join("stackwarden.toml"),
        "[rules]\n\"agent/settings-broad-allow\" = \"off\"\n",
    )
    .unwrap();
    assert!(broad_allow("fail", &off, &RuleFilter::default())
        .findings
        .is_empty());
    let ignore = RuleFilter {
        select: vec![],
        ignore: vec!["agent".into()],
    };
    assert!(broad_allow("fail", &config, &ignore).findings.is_empty());
}

#[test]
fn unparsable_settings_are_input_errors_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(
        &path,
        "{\n  \"permissions\": {\n    \"allow\": [\"Bash(*)\",,]\n  }\n}\n",
    )
    .unwrap();
    let config = Config::default();
    let report = with_options(&config, &RuleFilter::default(), |o| {
        check_settings_file(&path, o)
    });
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(3));
    assert!(report.findings.is_empty());
}

fn hooks(kind: &str) -> Report {
    let config = Config::load(
        &fixtures()
            .join("hooks-missing")
            .join(kind)
            .join("stackwarden.toml"),
    )
    .unwrap();
    with_options(&config, &RuleFilter::default(), |o| {
        check_hooks_registered(&config, o)
    })
}

#[test]
fn hooks_missing_fail() {
    let report = hooks("fail");
    assert_eq!(
        render(&report),
        ["3:3 warn [agent/hooks-missing] the stackwarden hook is not registered for `PreToolUse Bash`, `PreToolUse mcp__.*` in .claude/settings.json or .claude/settings.local.json, so the agent's shell commands are not checked before they run"]
    );
    let finding = &report.findings[0];
    assert!(finding.path.ends_with(".claude/settings.json"));
    assert!(finding.help.contains("stackwarden init"));
}

#[test]
fn hooks_missing_pass_counts_the_local_settings() {
    assert_eq!(render(&hooks("pass")), Vec::<String>::new());
}

#[test]
fn hooks_missing_without_settings_points_at_the_config() {
    let report = hooks("no-settings");
    assert_eq!(report.findings.len(), 1);
    let finding = &report.findings[0];
    assert!(
        finding.path.ends_with("stackwarden.toml"),
        "{:?}",
        finding.path
    );
    assert_eq!((finding.line, finding.column), (1, 1));
    for label in [
        "PreToolUse Bash",
        "PreToolUse Write|Edit|MultiEdit",
        "PostToolUse Bash",
        "PostToolUse Write|Edit|MultiEdit",
    ] {
        assert!(finding.message.contains(label), "{}", finding.message);
    }
}

#[test]
fn hooks_missing_says_nothing_without_a_config_file() {
    let config = Config::default();
    let report = with_options(&config, &RuleFilter::default(), |o| {
        check_hooks_registered(&config, o)
    });
    assert!(report.findings.is_empty());
}
