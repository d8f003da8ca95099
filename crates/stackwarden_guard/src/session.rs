//! Commands that run a command in another session, as another user or on another host:
//! `setsid`, `flock`, `su`/`runuser`, `script`, `busybox`, `ssh`, `ssh-agent`, `aws-vault exec`,
//! `op run`, `dotenv`, `direnv exec`, tracers and schedulers (`strace`, `taskset`, `chrt`,
//! `unshare`, `systemd-run`, `pkexec`). Each is peeled off to what it
//! runs, like the wrappers in `wrappers.rs`: a remote command is judged as if run here, since
//! the host it reaches may hold the same AWS credentials.

use crate::words::Arg;
use crate::wrappers::{command_after, options_end, Step};

/// `None` when `name` is none of these.
pub(crate) fn unwrap(name: &str, rest: &[Arg]) -> Option<Vec<Step>> {
    Some(match name {
        "setsid" => command_after(rest, &[]),
        "flock" => flock(rest),
        "su" | "runuser" => su(rest),
        "script" => option_script(rest, &["-c", "--command"]).unwrap_or_default(),
        // A multi-call binary: `busybox sh -c '…'`, `busybox rm …`.
        "busybox" => command_after(rest, &[]),
        "ssh" => ssh(rest),
        // `ssh-agent [options] command …` runs the command with the agent's environment.
        "ssh-agent" => command_after(rest, &["-a", "-E", "-t", "-P"]),
        // Tracers and schedulers run the command after their options.
        "strace" => command_after(
            rest,
            &[
                "-a", "-b", "-e", "-E", "-I", "-o", "-O", "-p", "-P", "-s", "-S", "-u", "-U", "-X",
            ],
        ),
        "ltrace" => command_after(
            rest,
            &[
                "-A", "-D", "-e", "-F", "-l", "-n", "-o", "-p", "-s", "-u", "-w", "-x",
            ],
        ),
        "pkexec" => command_after(rest, &["--user"]),
        "unshare" => command_after(
            rest,
            &["--map-user", "--map-group", "-S", "-G", "--wd", "-R"],
        ),
        "systemd-run" => command_after(
            rest,
            &[
                "-u",
                "--unit",
                "-p",
                "--property",
                "--uid",
                "--gid",
                "-E",
                "--setenv",
                "-M",
                "--machine",
                "--slice",
                "--description",
                "--on-calendar",
                "--on-active",
                "--working-directory",
            ],
        ),
        // `taskset MASK cmd` / `taskset -c LIST cmd`, `chrt [-f] PRIORITY cmd`: one operand first.
        "taskset" | "chrt" => match rest.get(options_end(rest, &["-p"])..) {
            Some([_, command @ ..]) if !command.is_empty() => vec![Step::run(command.to_vec())],
            _ => vec![],
        },
        // `direnv exec DIR cmd …`
        "direnv" if rest.first().and_then(Arg::known) == Some("exec") => match rest.get(2..) {
            Some(command) if !command.is_empty() => vec![Step::run(command.to_vec())],
            _ => vec![],
        },
        // `op run [--env-file f] -- cmd …`, `dotenv [-e file] -- cmd …`: the command after `--`.
        "op" | "dotenv" | "dotenvx" => after_double_dash(rest),
        "aws-vault" => aws_vault(rest),
        _ => return crate::toolchains::unwrap(name, rest),
    })
}

/// The text after one of `flags` (`-c '…'`, `--command=…`), as a script.
fn option_script(args: &[Arg], flags: &[&str]) -> Option<Vec<Step>> {
    for (i, arg) in args.iter().enumerate() {
        let inline = flags
            .iter()
            .filter(|f| f.starts_with("--"))
            .find_map(|f| arg.text.strip_prefix(&format!("{f}=")));
        let script = match inline {
            Some(text) => Some(Arg {
                text: text.to_string(),
                ..arg.clone()
            }),
            None if arg.literal && names_flag(&arg.text, flags) => args.get(i + 1).cloned(),
            None => continue,
        };
        return Some(match script {
            Some(script) if script.literal => vec![Step::Script(script.text)],
            Some(script) => vec![Step::Unresolved(
                script.text,
                "a command built at run time is run",
            )],
            None => vec![],
        });
    }
    None
}

/// `-c`, or a cluster of short flags ending in it (`-qc`), the value following.
fn names_flag(word: &str, flags: &[&str]) -> bool {
    flags.contains(&word)
        || flags.iter().any(|flag| {
            flag.len() == 2
                && !word.starts_with("--")
                && word.len() > 2
                && word.starts_with('-')
                && word.ends_with(&flag[1..])
                && word[1..].bytes().all(|b| b.is_ascii_alphabetic())
        })
}

/// The command after a `--` word.
fn after_double_dash(args: &[Arg]) -> Vec<Step> {
    match args.iter().position(|a| a.literal && a.text == "--") {
        Some(end) => args
            .get(end + 1..)
            .filter(|rest| !rest.is_empty())
            .map(|rest| vec![Step::run(rest.to_vec())])
            .unwrap_or_default(),
        None => vec![],
    }
}

/// `aws-vault exec PROFILE [--] command …`: the command runs with that profile's credentials,
/// judged as if `AWS_PROFILE` named it (the account it reaches is the profile's).
fn aws_vault(args: &[Arg]) -> Vec<Step> {
    if args.first().and_then(Arg::known) != Some("exec") {
        return vec![];
    }
    let rest = args.get(1..).unwrap_or_default();
    let with_value = [
        "-d",
        "--duration",
        "--region",
        "-t",
        "--mfa-token",
        "--ec2-server",
        "--ecs-server",
        "--lazy",
        "--prompt",
    ];
    let at = options_end(rest, &with_value);
    let Some(profile) = rest.get(at) else {
        return vec![];
    };
    let mut command = rest.get(at + 1..).unwrap_or_default();
    if command.first().and_then(Arg::known) == Some("--") {
        command = &command[1..];
    }
    if command.is_empty() {
        return vec![];
    }
    let profile = match profile.known() {
        Some(name) => crate::words::Var::Known(name.to_string()),
        None => crate::words::Var::Unknown(profile.text.clone()),
    };
    vec![Step::Run {
        argv: command.to_vec(),
        set: vec![("AWS_PROFILE".to_string(), profile)],
        unset: Vec::new(),
        clear_env: false,
        cd: None,
    }]
}

/// `flock [options] FILE (-c '…' | command …)`.
fn flock(args: &[Arg]) -> Vec<Step> {
    let with_value = ["-w", "--timeout", "-E", "--conflict-exit-code"];
    let after_file = args
        .get(options_end(args, &with_value) + 1..)
        .unwrap_or_default();
    option_script(after_file, &["-c", "--command"])
        .unwrap_or_else(|| command_after(after_file, &[]))
}

/// `su [-] [user] -c '…'`, `runuser -u user -- command …`.
fn su(args: &[Arg]) -> Vec<Step> {
    if let Some(steps) = option_script(args, &["-c", "--command"]) {
        return steps;
    }
    after_double_dash(args)
}

/// `ssh [options] host command …`: the command words are joined into a script, as the remote
/// shell reads them.
fn ssh(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p",
        "-Q", "-R", "-S", "-W", "-w", "-B",
    ];
    let command = args
        .get(options_end(args, WITH_VALUE) + 1..)
        .unwrap_or_default();
    if command.is_empty() {
        return vec![]; // an interactive login: nothing to judge here
    }
    crate::wrappers::joined_script(command, "a remote command built at run time is run")
}
