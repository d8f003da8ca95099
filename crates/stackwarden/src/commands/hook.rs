//! `stackwarden hook`: reads one Claude Code hook event on stdin and answers per the hook
//! contract. The library decides; this file only gathers the process's inputs and prints.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use stackwarden_agent::HookEnv;

use crate::envelope::{self, Answer, Cause, Job, SIMPLER_COMMAND};

#[derive(clap::Args)]
pub(crate) struct Args {}

/// Events larger than this are blocked unread. Claude Code's are kilobytes; a Write carries the
/// file's content, and no template or source the rules read is this large. The bound keeps the
/// parent, which holds the event while the worker judges it, small.
const MAX_EVENT_BYTES: u64 = 16 << 20;

/// The parent: read the event, hand it to the envelope, relay the answer. A bug, a crash or a
/// limit must block, never allow: exit 2 makes Claude Code refuse the tool call, while any
/// other exit (a panic's 101, a signal) would let it run.
pub(crate) fn run(_args: Args) -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    let read = std::io::stdin()
        .take(MAX_EVENT_BYTES + 1)
        .read_to_string(&mut input);
    if let Err(e) = read {
        write_stderr(&format!(
            "stackwarden hook: cannot read the event from stdin: {e}"
        ));
        return Ok(ExitCode::from(2));
    }
    if input.len() as u64 > MAX_EVENT_BYTES {
        write_stderr(&format!(
            "stackwarden hook: the event is larger than {} MB; blocking it unread.",
            MAX_EVENT_BYTES >> 20
        ));
        return Ok(ExitCode::from(2));
    }
    let answer = match envelope::run(&Job::Hook { event: input }) {
        Ok(answer) => answer,
        Err(breach) => {
            // The event is a shell command or a file edit: the advice covers both.
            let advice = match breach.cause {
                Cause::Limit => format!("For a shell command: {SIMPLER_COMMAND} For a file: `stackwarden check FILE` shows the findings."),
                Cause::Start => "The machine refused a new process or thread: end background jobs that are no longer needed, then retry.".to_string(),
                Cause::Fault => "Please report it with the event.".to_string(),
            };
            write_stderr(&format!(
                "stackwarden hook: {}; blocking it to be safe. {advice}",
                breach.explain("this tool call")
            ));
            return Ok(ExitCode::from(2));
        }
    };
    for line in &answer.stderr {
        write_stderr(line);
    }
    if let Some(text) = answer.stdout {
        let mut out = std::io::stdout().lock();
        // A deny that cannot be written must still block: exit 2 makes Claude Code refuse.
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::from(answer.exit_code))
}

/// The worker: one event, decided.
pub(crate) fn answer(event: &str) -> Answer {
    let outcome = stackwarden_agent::handle(event, &process_env());
    Answer {
        stdout: outcome.stdout,
        stderr: outcome.stderr,
        exit_code: outcome.exit_code,
    }
}

/// The environment, AWS config text, folder and clock of this process.
pub(crate) fn process_env() -> HookEnv {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    HookEnv {
        aws_config: aws_config_text(&env),
        process_cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        now_ms: now_ms(),
        env,
        today: super::check::today(),
        progress: envelope::worker::phase,
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
