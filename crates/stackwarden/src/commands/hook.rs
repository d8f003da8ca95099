//! `stackwarden hook`: reads one Claude Code hook event on stdin and answers per the hook
//! contract. The library decides; this file only gathers the process's inputs and prints.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use stackwarden_agent::{FileChecker, HookEnv};
use stackwarden_core::config::Config;
use stackwarden_core::{Report, RuleFilter};

use crate::budget::{self, Overrun, JUDGE_BUDGET, SIMPLER_COMMAND};
use crate::{engine, registry};

#[derive(clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        write_stderr(&format!(
            "stackwarden hook: cannot read the event from stdin: {e}"
        ));
        return Ok(ExitCode::from(2));
    }
    let env = process_env();
    // A bug must block, never allow: exit 2 makes Claude Code refuse the tool call, while a
    // panic's exit code 101 would let it run.
    // The judgement runs on its own thread with a time budget: fuzzing found 53-byte commands
    // (unclosed `$(` with heredocs) on which the shell parser takes close to a minute. A command
    // the guard cannot analyse in time is blocked, never let through; returning from main ends
    // the still-running thread.
    let outcome = match budget::within(JUDGE_BUDGET, move || {
        stackwarden_agent::handle(&input, &env)
    }) {
        Ok(outcome) => outcome,
        // The event is a shell command or a file edit: the advice covers both.
        Err(overrun) => {
            write_stderr(&format!(
                "stackwarden hook: {}; blocking it to be safe. {}",
                overrun.explain("this tool call"),
                if overrun == Overrun::TimedOut {
                    format!("For a shell command: {SIMPLER_COMMAND} For a file: `stackwarden check FILE` shows the findings.")
                } else {
                    "Please report it with the event.".to_string()
                }
            ));
            return Ok(ExitCode::from(2));
        }
    };
    for line in &outcome.stderr {
        write_stderr(line);
    }
    if let Some(answer) = outcome.stdout {
        let mut out = std::io::stdout().lock();
        // A deny that cannot be written must still block: exit 2 makes Claude Code refuse.
        if out
            .write_all(answer.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::from(outcome.exit_code))
}

/// The environment, AWS config text, folder and clock of this process.
pub(crate) fn process_env() -> HookEnv {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    HookEnv {
        aws_config: aws_config_text(&env),
        process_cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        now_ms: now_ms(),
        env,
        checker: &EngineChecker,
    }
}

/// The edit hook's file check: `check`'s own dispatch, every rule enabled that the project's
/// config enables, so the agent hears what CI would say about the file.
struct EngineChecker;

impl FileChecker for EngineChecker {
    fn check_file(&self, path: &std::path::Path, config: &Config) -> Report {
        let known = registry::rule_ids();
        let today = super::check::today();
        engine::check_file(
            path,
            &engine::Options {
                config,
                filter: &RuleFilter::default(),
                stage: None,
                today: &today,
                known_rules: &known,
            },
        )
    }
}

/// `$AWS_CONFIG_FILE`, else `~/.aws/config` (`%USERPROFILE%` on Windows).
pub(crate) fn aws_config_text(env: &BTreeMap<String, String>) -> Option<String> {
    let path = match env.get("AWS_CONFIG_FILE") {
        Some(file) => PathBuf::from(file),
        None => PathBuf::from(env.get("HOME").or_else(|| env.get("USERPROFILE"))?)
            .join(".aws")
            .join("config"),
    };
    std::fs::read_to_string(path).ok()
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn write_stderr(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}
