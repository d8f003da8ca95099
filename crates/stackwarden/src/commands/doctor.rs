//! `stackwarden doctor [DIR]`: whether the hooks registered in `.claude/settings*.json` resolve
//! to a runnable stackwarden of this version, and what happens when they do not.
//!
//! A teammate who pulls the settings without the binary is the case this is for: Claude Code
//! 2.1.295+ blocks every tool call whose `"onFailure": "block"` hook cannot run (every Bash
//! command and MCP call), and older versions run the session with the hook silently failing,
//! so the guard is off without a word. Exit 0 when every hook resolves to this version, 1
//! otherwise.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use stackwarden_agent::init::hook_program::{
    find_on_path, resolve_program, split_program, Resolved,
};
use stackwarden_agent::registration::{self, is_stackwarden_command, matcher_covers, HOOKS};
use stackwarden_agent::settings::ClaudeSettings;

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The first Claude Code release that honours `onFailure` on command hooks.
const ON_FAILURE_SINCE: (u32, u32, u32) = (2, 1, 295);
/// A `--version` that takes longer than this is as good as not running, for a 10 s hook timeout.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The project folder (where .claude/ is).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

/// One hook registration of ours found in a settings file.
struct Registered {
    file: &'static str,
    label: String,
    command: String,
    blocks_on_failure: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = args
        .dir
        .canonicalize()
        .with_context(|| format!("{}: no such folder", args.dir.display()))?;
    let mut out = String::new();
    let mut problems = 0usize;
    let claude = claude_code_version();
    match &claude {
        Some((version, path)) => out.push_str(&format!(
            "Claude Code {}.{}.{} ({}): {}\n",
            version.0,
            version.1,
            version.2,
            path.display(),
            if *version >= ON_FAILURE_SINCE {
                "honours `onFailure: block`, so a hook that cannot run blocks its tool call"
            } else {
                "older than 2.1.295: ignores `onFailure`, so a hook that cannot run is skipped and the guard is off"
            }
        )),
        None => out.push_str(
            "Claude Code: `claude` is not on PATH, so which failure applies is not known: 2.1.295+ blocks the tool call of a hook that cannot run (`onFailure: block`), older versions skip the hook (the guard is off)\n",
        ),
    }

    let mut parsed: Vec<(&'static str, ClaudeSettings)> = Vec::new();
    for file in [".claude/settings.json", ".claude/settings.local.json"] {
        let path = root.join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match ClaudeSettings::parse(&text) {
            Ok(settings) => parsed.push((file, settings)),
            Err(e) => {
                problems += 1;
                let at = stackwarden_core::LineIndex::new(&text).position(&text, e.offset);
                out.push_str(&format!(
                    "problem: {file}:{}:{}: not valid Claude Code settings ({}): Claude Code ignores the file, hooks included\n  fix: correct the file, then run `stackwarden init`\n",
                    at.line, at.column, e.message
                ));
            }
        }
    }
    if parsed.is_empty() && problems == 0 {
        out.push_str("problem: no .claude/settings.json: no stackwarden hook is registered, so nothing guards this project's sessions\n  fix: run `stackwarden init` (or `npx stackwarden init`) and commit .claude/settings.json\n");
        return finish(out, 1);
    }

    let files: Vec<&ClaudeSettings> = parsed.iter().map(|(_, s)| s).collect();
    for spec in registration::missing(&files) {
        problems += 1;
        out.push_str(&format!(
            "problem: {} is not registered: the hook that {} does not run\n  fix: run `stackwarden init`\n",
            spec.label(),
            spec.purpose
        ));
    }

    let registered = registered_hooks(&parsed);
    let mut by_command: BTreeMap<&str, Vec<&Registered>> = BTreeMap::new();
    for r in &registered {
        by_command.entry(r.command.as_str()).or_default().push(r);
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    let path_var = std::env::var_os("PATH");
    for (command, uses) in &by_command {
        let labels: Vec<String> = uses
            .iter()
            .map(|r| format!("{} ({})", r.label, r.file))
            .collect();
        let blocking = uses.iter().any(|r| r.blocks_on_failure);
        let Some((program, _)) = split_program(command) else {
            continue;
        };
        let verdict = match resolve_program(&program, &root, home.as_deref(), path_var.as_deref()) {
            Resolved::File(path) => probe(&path),
            Resolved::Missing(what) => Err(what),
        };
        match verdict {
            Ok((path, version)) if version == VERSION => {
                out.push_str(&format!(
                    "ok: `{command}` runs {} (stackwarden {version}) for {}\n",
                    path.display(),
                    labels.join(", ")
                ));
                if let Some(slow) = slow_launcher(&program, &path) {
                    problems += 1;
                    out.push_str(&format!(
                        "problem: `{command}` {slow}: every tool call pays for it\n  fix: run `stackwarden init --force` from the installed binary (`npx stackwarden init --force`), which writes the native binary\n"
                    ));
                }
            }
            Ok((path, version)) => {
                problems += 1;
                out.push_str(&format!(
                    "problem: `{command}` runs {} (stackwarden {version}), not {VERSION} (this doctor): its rules and hook answers differ from the ones this project was set up with\n  fix: {}\n",
                    path.display(),
                    install_fix(&program)
                ));
            }
            Err(why) => {
                problems += 1;
                let consequence = consequence(blocking, claude.as_ref().map(|(v, _)| *v));
                out.push_str(&format!(
                    "problem: `{command}` does not run here ({why}), for {}: {consequence}\n  fix: {}\n",
                    labels.join(", "),
                    install_fix(&program)
                ));
            }
        }
    }
    for r in &registered {
        let spec = HOOKS.iter().find(|s| r.label == s.label());
        if spec.is_some_and(|s| s.on_failure.is_some()) && !r.blocks_on_failure {
            problems += 1;
            out.push_str(&format!(
                "problem: {} ({}) has no `\"onFailure\": \"block\"`: if the hook cannot run, Claude Code lets the tool call through\n  fix: `stackwarden init --force`\n",
                r.label, r.file
            ));
        }
    }
    if problems == 0 {
        out.push_str(&format!(
            "Every stackwarden hook resolves to stackwarden {VERSION}.\n"
        ));
        return finish(out, 0);
    }
    out.push_str(&format!("{problems} problem(s).\n"));
    finish(out, 1)
}

fn finish(out: String, code: u8) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(ExitCode::from(code))
}

/// Our handlers in each file, labelled by the registration they serve.
fn registered_hooks(parsed: &[(&'static str, ClaudeSettings)]) -> Vec<Registered> {
    let mut found = Vec::new();
    for (file, settings) in parsed {
        for group in &settings.hooks {
            for handler in &group.handlers {
                let Some(command) = handler.command.as_deref() else {
                    continue;
                };
                if handler.kind.as_deref().is_some_and(|k| k != "command")
                    || !is_stackwarden_command(command)
                {
                    continue;
                }
                let label = HOOKS
                    .iter()
                    .find(|spec| {
                        spec.event == group.event
                            && spec
                                .tools
                                .iter()
                                .all(|t| matcher_covers(group.matcher.as_deref(), t))
                    })
                    .map(|spec| spec.label())
                    .unwrap_or_else(|| {
                        format!(
                            "{} {}",
                            group.event,
                            group.matcher.as_deref().unwrap_or("*")
                        )
                    });
                found.push(Registered {
                    file,
                    label,
                    command: command.to_string(),
                    blocks_on_failure: handler.on_failure.as_deref() == Some("block"),
                });
            }
        }
    }
    found
}

/// What a hook that cannot run does to a session, for the Claude Code version at hand.
fn consequence(blocking: bool, claude: Option<(u32, u32, u32)>) -> String {
    let blocked = "every Bash command and MCP tool call is blocked (`onFailure: block`)";
    let off = "Claude Code skips the failing hook, so the guard is silently off";
    match (blocking, claude) {
        (true, Some(v)) if v >= ON_FAILURE_SINCE => format!("with this Claude Code {blocked}"),
        (true, Some(_)) => format!("with this Claude Code (older than 2.1.295) {off}"),
        (true, None) => format!("on Claude Code 2.1.295+ {blocked}; on older versions {off}"),
        (false, _) => format!("{off} for these events (no edit feedback, no recorded `cdk diff`)"),
    }
}

/// How to get the program a hook names onto this machine.
fn install_fix(program: &str) -> String {
    if program.contains("node_modules/@stackwarden/cli-") {
        "run `npm ci` (or `npm i -D stackwarden`) in the project: the hook runs the native binary of the npm package's platform package".into()
    } else if !program.contains('/') && !program.contains('\\') {
        format!("put stackwarden {VERSION} on PATH (`cargo install --locked --path crates/stackwarden` from a clone), or `npm i -D stackwarden` and `npx stackwarden init --force` so the hooks name the project's own binary")
    } else {
        "that path is one machine's: `npm i -D stackwarden` and `npx stackwarden init --force` write a command that resolves on every teammate's machine".into()
    }
}

/// The program is a Node or npx launcher rather than the native binary.
fn slow_launcher(program: &str, path: &Path) -> Option<&'static str> {
    let name = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program);
    if matches!(name, "npx" | "node" | "pnpx" | "bunx") {
        return Some("starts a JavaScript launcher (npx ~2 s, node ~0.3 s a call) instead of the native binary");
    }
    let head = std::fs::read(path).ok()?;
    let head = &head[..head.len().min(128)];
    (head.starts_with(b"#!") && head.windows(4).any(|w| w == b"node"))
        .then_some("is the npm package's Node shim (~0.3 s a call), not the native binary")
}

/// Runs `path --version` and reads `stackwarden X.Y.Z` from it.
fn probe(path: &Path) -> Result<(PathBuf, String), String> {
    let output = run_with_timeout(Command::new(path).arg("--version"))
        .map_err(|e| format!("{} cannot be run: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&output);
    let version = text
        .split_whitespace()
        .skip_while(|w| *w != "stackwarden")
        .nth(1)
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "{} --version did not say `stackwarden X.Y.Z`: {}",
                path.display(),
                text.trim()
            )
        })?;
    Ok((path.to_path_buf(), version))
}

/// The program's stdout, or why there is none (does not start, exits non-zero, hangs).
fn run_with_timeout(command: &mut Command) -> Result<Vec<u8>, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let mut out = Vec::new();
                if let Some(mut stdout) = child.stdout.take() {
                    let _ = std::io::Read::read_to_end(&mut stdout, &mut out);
                }
                return if status.success() {
                    Ok(out)
                } else {
                    Err(format!("exited with {status}"))
                };
            }
            Ok(None) if start.elapsed() > PROBE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// `claude --version` (`2.1.332 (Claude Code)`) of the `claude` on PATH.
fn claude_code_version() -> Option<((u32, u32, u32), PathBuf)> {
    let path = find_on_path("claude", std::env::var_os("PATH").as_deref())?;
    let output = run_with_timeout(Command::new(&path).arg("--version")).ok()?;
    let text = String::from_utf8_lossy(&output);
    let version = parse_version(text.split_whitespace().next()?)?;
    Some((version, path))
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts
        .next()?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_against_the_on_failure_release() {
        assert_eq!(parse_version("2.1.332"), Some((2, 1, 332)));
        assert!(parse_version("2.1.294").is_some_and(|v| v < ON_FAILURE_SINCE));
        assert!(parse_version("2.1.295").is_some_and(|v| v >= ON_FAILURE_SINCE));
        assert_eq!(parse_version("2.1.300-beta"), Some((2, 1, 300)));
        assert_eq!(parse_version("Claude"), None);
    }

    #[test]
    fn the_consequence_names_the_failure_mode_of_the_version() {
        assert!(consequence(true, Some((2, 1, 300))).contains("blocked"));
        assert!(consequence(true, Some((2, 1, 200))).contains("silently off"));
        let unknown = consequence(true, None);
        assert!(unknown.contains("blocked") && unknown.contains("silently off"));
        assert!(consequence(false, Some((2, 1, 300))).contains("silently off"));
    }
}
