//! Programs that run commands given to them as arguments, each in its own way: `kubectl exec
//! POD -- cmd` (and `oc`; the pod's role acts like the local command would, so the command is
//! judged as if run here), file watchers (`watchexec`, `entr`, `nodemon --exec`), benchmarkers
//! (`hyperfine`), parallel script runners (`concurrently`, `npm-run-all`/`run-p`/`run-s`),
//! shells with other grammars (`fish`, `pwsh`, `tcsh`, …: their `-c` text is judged when it
//! parses as POSIX shell, and asked about when it does not and names a tool), git (aliases and
//! command-valued settings given with `-c`, `submodule foreach`, `bisect run`, `rebase --exec`,
//! `filter-branch` filters), and programs with languages of their own: awk (`awk.rs`), sed
//! (`sed.rs`), expect (`expect.rs`), just and Task (`recipes.rs`), and interpreters
//! (`interpreters.rs`).

use std::path::Path;

use crate::context::Context;
use crate::launchers::quote;
use crate::words::Arg;
use crate::wrappers::{joined_script, options_end, Step};

pub(crate) fn unwrap(ctx: &Context<'_>, name: &str, argv: &[Arg], cwd: &Path) -> Option<Vec<Step>> {
    let rest = argv.get(1..).unwrap_or_default();
    Some(match name {
        "kubectl" | "oc" | "kubectl.exe" => kubectl(rest),
        "watchexec" => watchexec(rest),
        "entr" => entr(rest),
        "nodemon" => nodemon(rest),
        "hyperfine" => hyperfine(rest),
        "concurrently" | "conc" => concurrently(rest),
        "npm-run-all" | "run-p" | "run-s" | "npm-run-all2" => npm_run_all(ctx, rest, cwd),
        "fish" | "tcsh" | "csh" | "nu" | "elvish" | "xonsh" | "yash" | "osh" | "rc" => {
            foreign_shell(rest)
        }
        "pwsh" | "powershell" | "pwsh.exe" | "powershell.exe" | "pwsh-preview" => powershell(rest),
        "git" => git(rest),
        "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk" => crate::awk::unwrap(ctx, rest, cwd),
        "sed" | "gsed" => crate::sed::unwrap(ctx, rest, cwd),
        "expect" => crate::expect::unwrap(ctx, rest, cwd),
        "just" => crate::recipes::just(ctx, rest, cwd),
        "task" | "go-task" => crate::recipes::task(ctx, rest, cwd),
        _ => return crate::interpreters::unwrap(ctx, name, argv, cwd),
    })
}

/// Shell text, judged when it parses as POSIX shell; otherwise asked about when it names a
/// tool (a grammar the guard does not read).
pub(crate) fn foreign_text(arg: &Arg, why: &'static str) -> Step {
    match arg.known() {
        Some(text) if crate::walk::parse_program(text).is_some() => Step::Script(text.to_string()),
        _ => Step::Unresolved(arg.text.clone(), why),
    }
}

/// `kubectl [global options] exec [options] POD [-c C] [--] cmd …`; `kubectl run|debug … --
/// cmd …`.
fn kubectl(args: &[Arg]) -> Vec<Step> {
    const GLOBAL: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "-s",
        "--server",
        "--token",
        "--as",
        "--as-group",
        "--as-uid",
        "--request-timeout",
        "-v",
        "--cache-dir",
        "--certificate-authority",
        "--client-certificate",
        "--client-key",
        "--tls-server-name",
        "--profile",
        "--profile-output",
    ];
    const EXEC: &[&str] = &[
        "-c",
        "--container",
        "-f",
        "--filename",
        "--pod-running-timeout",
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
    ];
    let at = options_end(args, GLOBAL);
    let Some(sub) = args.get(at).and_then(Arg::known) else {
        return vec![];
    };
    let rest = args.get(at + 1..).unwrap_or_default();
    let after_dash = rest.iter().position(|a| a.known() == Some("--"));
    match (sub, after_dash) {
        ("exec" | "run" | "debug" | "attach", Some(end)) => match rest.get(end + 1..) {
            Some(command) if !command.is_empty() => vec![Step::run(command.to_vec())],
            _ => vec![],
        },
        // The old form without `--`: `kubectl exec POD cmd …`.
        ("exec", None) => {
            let at = options_end(rest, EXEC);
            match rest.get(at + 1..) {
                Some(command) if !command.is_empty() => vec![Step::run(command.to_vec())],
                _ => vec![],
            }
        }
        _ => vec![],
    }
}

/// `watchexec [options] [--] cmd …`: the words are joined and run by a shell.
fn watchexec(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-w",
        "--watch",
        "-W",
        "--watch-non-recursive",
        "-e",
        "--exts",
        "-f",
        "--filter",
        "--filter-file",
        "-i",
        "--ignore",
        "--ignore-file",
        "-d",
        "--debounce",
        "--delay-run",
        "-s",
        "--signal",
        "--stop-signal",
        "--stop-timeout",
        "--shell",
        "--project-origin",
        "--workdir",
        "-E",
        "--env",
        "--emit-events-to",
        "--on-busy-update",
        "--poll",
        "--color",
        "--log-file",
        "--wrap-process",
        "--socket",
        "--timeout",
    ];
    let command = args
        .get(options_end(args, WITH_VALUE)..)
        .unwrap_or_default();
    if command.is_empty() {
        return vec![];
    }
    joined_script(command, "watchexec runs a command built at run time")
}

/// `entr [-acdnprsz] utility [args…]`; with `-s` the utility is shell text.
fn entr(args: &[Arg]) -> Vec<Step> {
    let at = options_end(args, &[]);
    let shell = args[..at].iter().any(|a| {
        a.known()
            .is_some_and(|t| !t.starts_with("--") && t.contains('s'))
    });
    match args.get(at..) {
        Some([script, ..]) if shell => vec![foreign_text(
            script,
            "entr runs a command built at run time",
        )],
        Some(command) if !command.is_empty() => vec![Step::run(command.to_vec())],
        _ => vec![],
    }
}

/// `nodemon --exec 'cmd'` / `-x 'cmd'`.
fn nodemon(args: &[Arg]) -> Vec<Step> {
    args.iter()
        .position(|a| a.known().is_some_and(|t| t == "--exec" || t == "-x"))
        .and_then(|at| args.get(at + 1))
        .map(|script| {
            vec![foreign_text(
                script,
                "nodemon runs a command built at run time",
            )]
        })
        .unwrap_or_default()
}

/// `hyperfine [options] 'cmd'…`: every positional word, and the values of `--prepare`,
/// `--setup`, `--cleanup`, `--conclude` and `--reference`, is a command run by a shell.
fn hyperfine(args: &[Arg]) -> Vec<Step> {
    const COMMANDS: &[&str] = &[
        "-p",
        "--prepare",
        "-s",
        "--setup",
        "-c",
        "--cleanup",
        "--conclude",
        "--reference",
    ];
    const ONE: &[&str] = &[
        "-w",
        "--warmup",
        "-m",
        "--min-runs",
        "-M",
        "--max-runs",
        "-r",
        "--runs",
        "-D",
        "--parameter-step-size",
        "-S",
        "--shell",
        "--style",
        "--sort",
        "-u",
        "--time-unit",
        "--export-asciidoc",
        "--export-csv",
        "--export-json",
        "--export-markdown",
        "--export-orgmode",
        "--output",
        "--input",
        "-n",
        "--command-name",
        "--min-benchmarking-time",
    ];
    let mut steps = Vec::new();
    let mut i = 0;
    let mut options = true;
    while let Some(arg) = args.get(i) {
        i += 1;
        let text = arg.known().unwrap_or_default();
        if options && text == "--" {
            options = false;
            continue;
        }
        if options && text.starts_with('-') && text.len() > 1 {
            let (name, inline) = match text.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v)),
                _ => (text, None),
            };
            if COMMANDS.contains(&name) {
                match inline {
                    Some(v) => steps.push(Step::Script(v.to_string())),
                    None => {
                        if let Some(value) = args.get(i) {
                            steps.push(foreign_text(
                                value,
                                "hyperfine runs a command built at run time",
                            ));
                        }
                        i += 1;
                    }
                }
            } else if inline.is_none() {
                i += match name {
                    "-P" | "--parameter-scan" => 3,
                    "-L" | "--parameter-list" => 2,
                    _ if ONE.contains(&name) => 1,
                    _ => 0,
                };
            }
            continue;
        }
        steps.push(foreign_text(
            arg,
            "hyperfine runs a command built at run time",
        ));
    }
    steps
}

/// `concurrently [options] 'cmd' …`: each positional word is shell text; `npm:x` (and `yarn:`,
/// `pnpm:`, `bun:`) runs that package script.
fn concurrently(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-n",
        "--names",
        "--name-separator",
        "-c",
        "--prefix-colors",
        "-p",
        "--prefix",
        "-l",
        "--prefix-length",
        "-t",
        "--timestamp-format",
        "-s",
        "--success",
        "--kill-signal",
        "-m",
        "--max-processes",
        "--restart-tries",
        "--restart-after",
        "--default-input-target",
        "--teardown",
    ];
    let mut steps = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if let Some(text) = arg.known() {
            if text.starts_with('-') && text.len() > 1 {
                // `--teardown 'cmd'` runs a command too.
                if text == "--teardown" {
                    if let Some(value) = args.get(i) {
                        steps.push(foreign_text(
                            value,
                            "concurrently runs a command built at run time",
                        ));
                    }
                }
                if WITH_VALUE.contains(&text) {
                    i += 1;
                }
                continue;
            }
            if let Some((manager, script)) = text
                .split_once(':')
                .filter(|(m, _)| matches!(*m, "npm" | "yarn" | "pnpm" | "bun"))
            {
                let (script, extra) = script.split_once(' ').unwrap_or((script, ""));
                if script.contains('*') {
                    steps.push(Step::Unresolved(
                        text.to_string(),
                        "concurrently runs package scripts chosen by a pattern",
                    ));
                } else {
                    steps.push(Step::Script(format!(
                        "{manager} run {} {extra}",
                        quote(script)
                    )));
                }
                continue;
            }
        }
        steps.push(foreign_text(
            arg,
            "concurrently runs a command built at run time",
        ));
    }
    steps
}

/// `npm-run-all [-s|-p] NAME…`, `run-p NAME…`, `run-s NAME…`: package scripts by name or glob
/// (`build:*`; a glob is matched over the package.json's scripts).
fn npm_run_all(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &["--max-parallel", "--npm-path"];
    let names = crate::launchers::script_names(ctx, cwd);
    let mut steps = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            steps.push(Step::Unresolved(
                arg.text.clone(),
                "npm-run-all runs scripts chosen at run time",
            ));
            continue;
        };
        if text.starts_with('-') {
            if WITH_VALUE.contains(&text) {
                i += 1;
            }
            continue;
        }
        let (pattern, extra) = text.split_once(' ').unwrap_or((text, ""));
        let extra: Vec<Arg> = extra.split_whitespace().map(Arg::lit).collect();
        if pattern.contains('*') {
            for name in names
                .iter()
                .filter(|n| crate::tools::glob_match(pattern, n))
            {
                steps.extend(crate::launchers::scripts(ctx, cwd, name, &extra, true));
            }
        } else {
            steps.extend(crate::launchers::scripts(ctx, cwd, pattern, &extra, true));
        }
    }
    steps
}

/// `fish -c 'cmd'`, `tcsh -c 'cmd'`, …: the text after `-c` (or `--command=`).
fn foreign_shell(args: &[Arg]) -> Vec<Step> {
    for (i, arg) in args.iter().enumerate() {
        let Some(text) = arg.known() else { break };
        if let Some(script) = text.strip_prefix("--command=") {
            return vec![foreign_text(
                &Arg::lit(script),
                "a shell runs a script built at run time",
            )];
        }
        let cluster = text.starts_with('-') && !text.starts_with("--") && text.contains('c');
        if text == "--command" || cluster {
            return args
                .get(i + 1)
                .map(|script| {
                    vec![foreign_text(
                        script,
                        "a shell runs a script built at run time",
                    )]
                })
                .unwrap_or_default();
        }
        if !text.starts_with('-') {
            // A script file in that shell's language: not read here.
            return vec![Step::Unresolved(
                crate::engine::describe(args),
                "a shell runs a script the guard cannot read",
            )];
        }
    }
    vec![]
}

/// `pwsh -c 'cmd'`, `powershell -Command cmd …` (parameter names are case-insensitive and may
/// be shortened); `-EncodedCommand` is text nobody can read here.
fn powershell(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-executionpolicy",
        "-ex",
        "-ep",
        "-configurationname",
        "-custompipename",
        "-inputformat",
        "-outputformat",
        "-settingsfile",
        "-workingdirectory",
        "-wd",
        "-windowstyle",
        "-version",
        "-psconsolefile",
    ];
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else {
            return vec![Step::Unresolved(
                crate::engine::describe(args),
                "PowerShell runs a command built at run time",
            )];
        };
        let lower = text.to_ascii_lowercase();
        let lower = lower.replacen("--", "-", 1).replacen('/', "-", 1);
        let names = |full: &str, min: usize| lower.len() >= min && full.starts_with(lower.as_str());
        if names("-command", 2) {
            let rest = args.get(i + 1..).unwrap_or_default();
            if rest.is_empty() {
                return vec![];
            }
            return vec![joined_foreign(rest)];
        }
        if names("-encodedcommand", 2) || lower == "-ec" || lower == "-e" {
            return vec![Step::Unseen(
                crate::engine::describe(args),
                "PowerShell runs an encoded command",
            )];
        }
        if names("-file", 2) {
            return vec![Step::Unresolved(
                crate::engine::describe(args),
                "PowerShell runs a script the guard cannot read",
            )];
        }
        if WITH_VALUE.contains(&lower.as_str()) {
            i += 2;
            continue;
        }
        if !lower.starts_with('-') {
            // A positional word: a script file for pwsh, a command for Windows PowerShell.
            return vec![Step::Unresolved(
                crate::engine::describe(&args[i..]),
                "PowerShell runs a command the guard cannot read",
            )];
        }
        i += 1;
    }
    vec![]
}

/// The words joined as PowerShell does for `-Command`, judged like a foreign shell's text.
fn joined_foreign(words: &[Arg]) -> Step {
    let joined = words
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let arg = if words.iter().all(|a| a.literal) {
        Arg::lit(joined)
    } else {
        Arg::dynamic(joined)
    };
    foreign_text(&arg, "PowerShell runs a command the guard cannot read")
}

/// git settings whose value is a command git runs (`-c core.pager='…' log`).
fn runs_setting(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "core.pager"
            | "core.editor"
            | "core.sshcommand"
            | "core.fsmonitor"
            | "core.askpass"
            | "diff.external"
            | "sequence.editor"
            | "gpg.program"
            | "gpg.ssh.program"
            | "gpg.x509.program"
            | "interactive.difffilter"
            | "credential.helper"
            | "uploadpack.packobjectshook"
    ) || key.starts_with("pager.")
        || [
            ".textconv",
            ".clean",
            ".smudge",
            ".process",
            ".driver",
            ".cmd",
            ".command",
        ]
        .iter()
        .any(|end| key.ends_with(end))
}

/// `git [-c k=v]… [global options] COMMAND …`.
fn git(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-C",
        "--git-dir",
        "--work-tree",
        "--namespace",
        "--super-prefix",
        "--attr-source",
        "--exec-path",
    ];
    let mut steps = Vec::new();
    let mut aliases: Vec<(String, Arg)> = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else { break };
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        i += 1;
        let setting = match text {
            "-c" => {
                i += 1;
                args.get(i - 1).cloned()
            }
            "--config-env" => {
                i += 1;
                args.get(i - 1).map(|a| Arg::dynamic(a.text.clone()))
            }
            _ if text.starts_with("--config-env=") => {
                Some(Arg::dynamic(text["--config-env=".len()..].to_string()))
            }
            _ if WITH_VALUE.contains(&text) => {
                i += 1;
                None
            }
            _ => None,
        };
        let Some(setting) = setting else { continue };
        let Some((key, value)) = setting.text.split_once('=') else {
            continue;
        };
        let value = Arg {
            text: value.to_string(),
            ..setting.clone()
        };
        if let Some(name) = key.strip_prefix("alias.") {
            aliases.push((name.to_string(), value));
        } else if runs_setting(key) {
            let text = value
                .text
                .strip_prefix('!')
                .unwrap_or(&value.text)
                .to_string();
            steps.push(foreign_text(
                &Arg { text, ..value },
                "git runs a command set at run time",
            ));
        }
    }
    let Some(command) = args.get(i) else {
        return steps;
    };
    let rest = args.get(i + 1..).unwrap_or_default();
    if let Some((_, value)) = command
        .known()
        .and_then(|c| aliases.iter().rev().find(|(name, _)| name == c))
    {
        let quoted: Vec<String> = rest
            .iter()
            .map(|a| {
                if a.literal {
                    quote(&a.text)
                } else {
                    a.text.clone()
                }
            })
            .collect();
        let text = match value.text.strip_prefix('!') {
            // `!cmd`: a shell command, with the alias's arguments after it.
            Some(shell) => format!("{shell} {}", quoted.join(" ")),
            // Otherwise the alias's words are git's.
            None => format!("git {} {}", value.text, quoted.join(" ")),
        };
        steps.push(foreign_text(
            &Arg {
                text,
                ..value.clone()
            },
            "a git alias runs a command set at run time",
        ));
        return steps;
    }
    match command.known() {
        Some("submodule") => {
            let at = rest.iter().position(|a| a.known() == Some("foreach"));
            if let Some(at) = at {
                let command = &rest[at + 1..];
                let skip = command
                    .iter()
                    .take_while(|a| {
                        a.known()
                            .is_some_and(|t| matches!(t, "--recursive" | "-q" | "--quiet" | "--"))
                    })
                    .count();
                let command = &command[skip..];
                if !command.is_empty() {
                    steps.extend(joined_script(
                        command,
                        "git submodule foreach runs a command built at run time",
                    ));
                }
            }
        }
        Some("bisect") if rest.first().and_then(Arg::known) == Some("run") && rest.len() > 1 => {
            steps.push(Step::run(rest[1..].to_vec()));
        }
        Some("rebase" | "filter-branch" | "difftool" | "mergetool" | "bisect") => {
            const RUNS: &[&str] = &[
                "-x",
                "--exec",
                "--tree-filter",
                "--index-filter",
                "--msg-filter",
                "--env-filter",
                "--commit-filter",
                "--parent-filter",
                "--tag-name-filter",
                "--extcmd",
            ];
            let mut j = 0;
            while let Some(arg) = rest.get(j) {
                j += 1;
                let Some(text) = arg.known() else { continue };
                if RUNS.contains(&text) {
                    if let Some(value) = rest.get(j) {
                        steps.push(foreign_text(value, "git runs a command built at run time"));
                    }
                    j += 1;
                } else if let Some((name, value)) = text.split_once('=') {
                    if RUNS.contains(&name) {
                        steps.push(foreign_text(
                            &Arg::lit(value),
                            "git runs a command built at run time",
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    steps
}
