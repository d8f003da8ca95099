//! `stackwarden guard [--cwd DIR] [--format text|json] -- COMMAND...` (or `--command "..."`):
//! the hook's decision for one command, for people, scripts and tests.
//! Exit codes: 0 no objection, 1 deny or ask, 2 usage error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use stackwarden_agent::ProjectLedger;
use stackwarden_core::config::Config;
use stackwarden_guard::Judgement;

use crate::envelope::worker::phase;
use crate::envelope::{self, Answer, Job, SIMPLER_COMMAND};

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum GuardFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The folder the command would run in (default: the current folder).
    #[arg(long)]
    cwd: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: GuardFormat,
    /// The command as one string, as an agent would send it.
    #[arg(long, conflicts_with = "words")]
    command: Option<String>,
    /// The command as words, after `--`.
    #[arg(last = true)]
    words: Vec<String>,
}

/// The parent: gather the command, judge it in the envelope, print the worker's answer.
pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let command = match (args.command, args.words.is_empty()) {
        (Some(command), _) => command,
        // `guard -- "cdk deploy --all"`: one word after `--` is a whole command line, as
        // `sh -c` would take it (a program name never contains a space by accident).
        (None, false) if args.words.len() == 1 => args.words[0].clone(),
        (None, false) => args
            .words
            .iter()
            .map(|w| quote(w))
            .collect::<Vec<_>>()
            .join(" "),
        (None, true) => anyhow::bail!("give the command after `--` or with --command \"...\""),
    };
    let cwd = match args.cwd {
        Some(cwd) => cwd,
        None => std::env::current_dir().context("the current folder is not usable")?,
    };
    let cwd = std::path::absolute(&cwd)
        .with_context(|| format!("{}: not a usable folder", cwd.display()))?;
    let json = matches!(args.format, GuardFormat::Json);
    let job = Job::Guard {
        command: command.clone(),
        cwd,
        json,
    };
    let answer = envelope::run(&job).unwrap_or_else(|breach| {
        // The hook blocks what it cannot judge (exit 2); say the same here.
        let reason = format!(
            "{}; the hook blocks such a command. {SIMPLER_COMMAND}",
            breach.explain("the command")
        );
        Answer {
            stdout: Some(render_deny(&command, &reason, json)),
            stderr: Vec::new(),
            exit_code: 1,
        }
    });
    for line in &answer.stderr {
        super::hook::write_stderr(line);
    }
    if let Some(text) = &answer.stdout {
        std::io::stdout().lock().write_all(text.as_bytes())?;
    }
    Ok(ExitCode::from(answer.exit_code))
}

/// The worker: one command judged in `cwd` with this process's environment and AWS config.
/// Exit codes as for the command: 0 no objection, 1 deny or ask, 2 unusable configuration.
pub(crate) fn answer(command: &str, cwd: &Path, json: bool) -> Answer {
    let config = match Config::discover(cwd) {
        Ok(config) => config,
        Err(e) => {
            return Answer {
                stdout: None,
                stderr: vec![format!("stackwarden: {e:#}")],
                exit_code: 2,
            }
        }
    };
    let process = super::hook::process_env();
    let ledger = ProjectLedger::new(&stackwarden_agent::project::project_root(cwd), phase);
    let judgement = stackwarden_agent::judge_in_project(command, cwd, &config, &process, &ledger);
    match render(command, &judgement, json) {
        Ok(text) => Answer {
            stdout: Some(text),
            stderr: Vec::new(),
            exit_code: u8::from(judgement.strictest().is_some()),
        },
        Err(e) => Answer {
            stdout: None,
            stderr: vec![format!("stackwarden: cannot write the decision: {e}")],
            exit_code: 2,
        },
    }
}

fn render(command: &str, judgement: &Judgement, json: bool) -> serde_json::Result<String> {
    let top = judgement.strictest();
    let decision = top.map_or("allow", |v| v.decision.as_str());
    Ok(if json {
        let json = serde_json::json!({
            "version": 1,
            // The command as printed: a key written in it stays masked.
            "command": stackwarden_secret::mask_text(command),
            "decision": decision,
            "rule": top.map(|v| v.rule),
            "reason": judgement.combined_reason(),
            "verdicts": judgement.verdicts,
        });
        format!("{}\n", serde_json::to_string_pretty(&json)?)
    } else {
        match (top, judgement.combined_reason()) {
            (Some(v), Some(reason)) => format!("{}: {reason}\n", v.decision.as_str()),
            _ => "allow: no rule objects (Claude Code's own permissions decide)\n".to_string(),
        }
    })
}

/// The deny printed for a command the envelope could not judge.
fn render_deny(command: &str, reason: &str, json: bool) -> String {
    if !json {
        return format!("deny: {reason}\n");
    }
    let json = serde_json::json!({
        "version": 1, "command": stackwarden_secret::mask_text(command), "decision": "deny",
        "rule": null, "reason": reason, "verdicts": [],
    });
    // Plain values: serializing cannot fail.
    format!(
        "{}\n",
        serde_json::to_string_pretty(&json).unwrap_or_default()
    )
}

/// Quotes a word so the guard parses it back as the same single word.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
