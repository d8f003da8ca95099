//! The agent's edits: `PostToolUse` on Write/Edit/MultiEdit checks the file just written with
//! every rule that applies to it and hands error-severity findings back as a block, so the agent
//! fixes them in its next step instead of in CI; `PreToolUse` on an edit of a SAM template in a
//! CDK project asks first, because such a template is a legacy stack that only a migration
//! should touch.
//!
//! Which rules apply to which file is [`crate::engine`]'s business: the same dispatch `check`
//! uses, called directly.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use stackwarden_core::config::{Config, Iac};
use stackwarden_core::discover::InputKind;
use stackwarden_core::{Finding, Report, Severity};

use crate::hook::{config_for, event_cwd, HookEnv, HookOutcome};
use crate::protocol::{HookEvent, PreToolUseAnswer};

/// Checks one file with the project's rules, exactly as `stackwarden check FILE` would, and the
/// permissions of the functions whose code it is when the project has a `cdk.out`.
fn check_written(path: &Path, config: &Config, today: &str) -> Report {
    let known = crate::registry::rule_ids();
    let mut report = crate::engine::check_file(
        path,
        &crate::engine::Options {
            config,
            filter: &stackwarden_core::RuleFilter::default(),
            stage: None,
            today,
            known_rules: &known,
            verbose: false,
        },
    );
    report
        .findings
        .extend(crate::engine::missing_permissions_for_edit(path, config));
    report
}

/// How many findings one answer lists; the rest are counted. An agent acts on a short list
/// better than on a wall of text, and the next edit is checked again anyway.
const MAX_LISTED: usize = 10;

/// `tool_input` of Write, Edit and MultiEdit: all three name the file; Write carries the whole
/// new content.
#[derive(Debug, Deserialize)]
struct EditInput {
    file_path: String,
    #[serde(default)]
    content: Option<String>,
}

/// The PostToolUse answers: `{"decision":"block","reason":...}` makes Claude Code show the
/// reason to the model as feedback on the tool call it just made; `additionalContext` adds
/// non-blocking context (warnings).
#[derive(Debug, Serialize)]
struct PostToolUseAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(rename = "hookSpecificOutput", skip_serializing_if = "Option::is_none")]
    hook_specific_output: Option<AdditionalContext>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AdditionalContext {
    hook_event_name: &'static str,
    additional_context: String,
}

fn edit_input(event: &HookEvent) -> Result<EditInput, String> {
    let input = event
        .tool_input
        .clone()
        .ok_or("the edit event has no tool_input")?;
    serde_json::from_value(input)
        .map_err(|e| format!("the edit tool_input has no usable `file_path` ({e})"))
}

/// The edited file as an absolute path (Claude Code sends absolute paths; a relative one is
/// taken from the event's folder).
fn edited_path(input: &EditInput, cwd: &Path) -> PathBuf {
    let path = Path::new(&input.file_path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// The folder whose stackwarden.toml governs `path`.
fn config_dir(path: &Path) -> &Path {
    path.parent().unwrap_or(path)
}

pub(crate) fn post_edit(event: &HookEvent, env: &HookEnv) -> HookOutcome {
    let input = match edit_input(event) {
        Ok(input) => input,
        Err(message) => return HookOutcome::malformed(message),
    };
    let mut outcome = HookOutcome::default();
    let cwd = event_cwd(event, env);
    let path = edited_path(&input, &cwd);
    let config = config_for(config_dir(&path), &mut outcome.stderr);
    (env.progress)("checking the written file");
    let report = check_written(&path, &config, &env.today);
    let shown = display_path(&path, &cwd);
    let answer = answer_for(&report, &shown);
    if let Some(answer) = answer {
        match serde_json::to_string(&answer) {
            Ok(json) => outcome.stdout = Some(json),
            Err(e) => return HookOutcome::malformed(format!("cannot write the answer: {e}")),
        }
    }
    outcome
}

/// Block on errors (findings at error severity, or a file that does not parse); pass warnings
/// on as context; say nothing when the file is clean.
fn answer_for(report: &Report, shown: &str) -> Option<PostToolUseAnswer> {
    let mut findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warn)
        .collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.sort_key().cmp(&b.sort_key()))
    });
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut lines: Vec<String> = report
        .errors
        .iter()
        .map(|e| match e.line {
            Some(line) => format!("{shown}:{line}: error: cannot be read: {}", e.message),
            None => format!("{shown}: error: cannot be read: {}", e.message),
        })
        .collect();
    lines.extend(findings.iter().map(|f| finding_line(f, shown)));
    if lines.is_empty() {
        return None;
    }
    let total = lines.len();
    lines.truncate(MAX_LISTED);
    if total > MAX_LISTED {
        lines.push(format!(
            "... and {} more: run `stackwarden check {shown}` for the full list",
            total - MAX_LISTED
        ));
    }
    let blocking = errors + report.errors.len();
    if blocking > 0 {
        let reason = format!(
            "stackwarden: {shown} has {} to fix now:\n{}",
            count(blocking, "problem"),
            lines.join("\n")
        );
        return Some(PostToolUseAnswer {
            decision: Some("block"),
            reason: Some(reason),
            hook_specific_output: None,
        });
    }
    Some(PostToolUseAnswer {
        decision: None,
        reason: None,
        hook_specific_output: Some(AdditionalContext {
            hook_event_name: "PostToolUse",
            additional_context: format!(
                "stackwarden: {shown} has {} worth fixing:\n{}",
                count(findings.len(), "warning"),
                lines.join("\n")
            ),
        }),
    })
}

/// The line `check --format agent` prints for the finding, with the path as the agent wrote it.
fn finding_line(f: &Finding, shown: &str) -> String {
    let mut f = f.clone();
    f.path = PathBuf::from(shown);
    f.agent_line(None, &f.help)
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The path as the agent knows it: relative to its working folder when inside it.
fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// PreToolUse on Write/Edit/MultiEdit: in a CDK project, a SAM template is a legacy stack;
/// editing it is asked about, never silently allowed (or denied: a migration edits it on
/// purpose).
pub(crate) fn pre_edit(event: &HookEvent, env: &HookEnv) -> HookOutcome {
    let input = match edit_input(event) {
        Ok(input) => input,
        Err(message) => return HookOutcome::malformed(message),
    };
    let mut outcome = HookOutcome::default();
    let cwd = event_cwd(event, env);
    let path = edited_path(&input, &cwd);
    let self_protected =
        stackwarden_guard::self_protection::is_guard_configuration(&path.to_string_lossy())
            && config_for(config_dir(&path), &mut outcome.stderr)
                .severity_for(
                    stackwarden_guard::decision::SELF_PROTECTION,
                    stackwarden_core::Severity::Warn,
                )
                .is_some();
    if self_protected {
        let shown = display_path(&path, &cwd);
        let tool = event.tool_name.as_deref().unwrap_or("This edit");
        let reason = stackwarden_guard::self_protection::reason(&format!(
            "[guard/self-protection] {tool} of `{shown}`"
        ));
        let answer = PreToolUseAnswer::new(
            stackwarden_guard::Decision::Ask,
            format!("stackwarden: {reason}"),
        );
        match serde_json::to_string(&answer) {
            Ok(json) => outcome.stdout = Some(json),
            Err(e) => return HookOutcome::malformed(format!("cannot write the answer: {e}")),
        }
        return outcome;
    }
    // Only YAML/JSON files can be templates: a TypeScript edit is not read or parsed here.
    if stackwarden_core::discover::classify(&path) != InputKind::TemplateCandidate {
        return outcome;
    }
    let config = config_for(config_dir(&path), &mut outcome.stderr);
    if config.iac != Some(Iac::Cdk) {
        return outcome;
    }
    // Write replaces the file: judge what it will hold; an edit keeps the template it edits.
    let is_sam =
        |text: &str| matches!(stackwarden_cfn::Template::parse(text), Ok(Some(t)) if t.is_sam());
    let was_sam = std::fs::read_to_string(&path).is_ok_and(|text| is_sam(&text));
    let becomes_sam = input.content.as_deref().is_some_and(is_sam);
    if !(was_sam || becomes_sam) {
        return outcome;
    }
    let shown = display_path(&path, &cwd);
    let config_name = config
        .path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "stackwarden.toml".into());
    let reason = format!(
        "stackwarden: {shown} is a SAM template, but this project builds its infrastructure with CDK (project.iac = \"cdk\" in {config_name}): SAM templates here are legacy stacks, read-only unless you are migrating them. Make the change in the CDK app (lib/) instead, or confirm that this edit is part of a migration."
    );
    let answer = PreToolUseAnswer::new(stackwarden_guard::Decision::Ask, reason);
    match serde_json::to_string(&answer) {
        Ok(json) => outcome.stdout = Some(json),
        Err(e) => return HookOutcome::malformed(format!("cannot write the answer: {e}")),
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: u32, rule: &'static str, severity: Severity) -> Finding {
        // A rule of the test's own: the ids are the code crate's, the metadata does not matter.
        let rule: &'static stackwarden_core::RuleMeta =
            Box::leak(Box::new(stackwarden_core::RuleMeta {
                id: rule,
                severity,
                summary: "",
                docs: "",
            }));
        Finding {
            rule,
            severity,
            message: format!("problem {line}"),
            path: PathBuf::from("/p/a.ts"),
            line,
            column: 1,
            resource: None,
            stack: None,
            source: None,
            help: format!("fix {line}"),
            suggestion: None,
            end_line: None,
            end_column: None,
            cause: None,
        }
    }

    #[test]
    fn clean_file_gets_no_answer() {
        assert!(answer_for(&Report::default(), "a.ts").is_none());
    }

    #[test]
    fn errors_block_and_list_errors_first() {
        let report = Report {
            findings: vec![
                finding(3, "code/missing-timeout", Severity::Warn),
                finding(9, "code/client-in-handler", Severity::Error),
            ],
            errors: vec![],
            files: 1,
            ..Default::default()
        };
        let answer = answer_for(&report, "src/a.ts").expect("an answer");
        assert_eq!(answer.decision, Some("block"));
        assert_eq!(
            answer.reason.as_deref(),
            Some("stackwarden: src/a.ts has 1 problem to fix now:\nsrc/a.ts:9:1: error code/client-in-handler: problem 9 — fix: fix 9\nsrc/a.ts:3:1: warn code/missing-timeout: problem 3 — fix: fix 3")
        );
    }

    #[test]
    fn long_lists_are_capped_with_a_count() {
        let report = Report {
            findings: (1..=14)
                .map(|l| finding(l, "code/hardcoded-arn", Severity::Error))
                .collect(),
            errors: vec![],
            files: 1,
            ..Default::default()
        };
        let reason = answer_for(&report, "a.ts")
            .and_then(|a| a.reason)
            .unwrap_or_default();
        assert_eq!(reason.lines().count(), 1 + MAX_LISTED + 1);
        assert!(reason.ends_with("... and 4 more: run `stackwarden check a.ts` for the full list"));
    }

    #[test]
    fn warnings_only_are_context_not_a_block() {
        let report = Report {
            findings: vec![finding(3, "code/missing-timeout", Severity::Warn)],
            errors: vec![],
            files: 1,
            ..Default::default()
        };
        let json = serde_json::to_string(&answer_for(&report, "a.ts")).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"stackwarden: a.ts has 1 warning worth fixing:\na.ts:3:1: warn code/missing-timeout: problem 3 — fix: fix 3"}}"#
        );
    }
}
