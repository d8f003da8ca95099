//! `stackwarden guard [--cwd DIR] [--format text|json] -- COMMAND...` (or `--command "..."`):
//! the hook's decision for one command, for people, scripts and tests.
//! Exit codes: 0 no objection, 1 deny or ask, 2 usage error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use stackwarden_core::config::Config;
use stackwarden_guard::{AwsConfig, Context, DiskFiles};

use crate::budget::{self, JUDGE_BUDGET, SIMPLER_COMMAND};

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
    let process = super::hook::process_env();
    let cwd = args.cwd.unwrap_or_else(|| process.process_cwd.clone());
    let cwd = std::path::absolute(&cwd)
        .with_context(|| format!("{}: not a usable folder", cwd.display()))?;
    let config = Config::discover(&cwd)?;
    let root = stackwarden_agent::project::project_root(&cwd);
    let judged = {
        let command = command.clone();
        budget::within(JUDGE_BUDGET, move || {
            let ctx = Context {
                config: &config,
                env: process.env.clone(),
                cwd,
                aws_config: process
                    .aws_config
                    .as_deref()
                    .map(AwsConfig::parse)
                    .unwrap_or_default(),
                files: &DiskFiles,
                diffs: &stackwarden_agent::ledger::LedgerDiffs { root },
            };
            stackwarden_guard::judge(&command, &ctx)
        })
    };
    // The command as printed: a key written in it stays masked.
    let shown = stackwarden_secret::mask_text(&command);
    let judgement = match judged {
        Ok(judgement) => judgement,
        // The hook blocks what it cannot judge (exit 2); say the same here.
        Err(overrun) => {
            let reason = format!(
                "{}; the hook blocks such a command. {SIMPLER_COMMAND}",
                overrun.explain("the command")
            );
            let text = match args.format {
                GuardFormat::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "version": 1, "command": shown, "decision": "deny",
                        "rule": null, "reason": reason, "verdicts": [],
                    }))?
                ),
                GuardFormat::Text => format!("deny: {reason}\n"),
            };
            std::io::stdout().lock().write_all(text.as_bytes())?;
            return Ok(ExitCode::from(1));
        }
    };
    let top = judgement.strictest();
    let decision = top.map_or("allow", |v| v.decision.as_str());
    let text = match args.format {
        GuardFormat::Json => {
            let json = serde_json::json!({
                "version": 1,
                "command": shown,
                "decision": decision,
                "rule": top.map(|v| v.rule),
                "reason": judgement.combined_reason(),
                "verdicts": judgement.verdicts,
            });
            format!("{}\n", serde_json::to_string_pretty(&json)?)
        }
        GuardFormat::Text => match (top, judgement.combined_reason()) {
            (Some(v), Some(reason)) => format!("{}: {reason}\n", v.decision.as_str()),
            _ => "allow: no rule objects (Claude Code's own permissions decide)\n".to_string(),
        },
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if top.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
