//! Commands that run another command: `env`, `sudo`, `time`, `nohup`, `nice`, `timeout`, `watch`,
//! `xargs`, `find -exec`, `command`, `exec`, shells with `-c`, `eval` and `trap` (`eval.rs`),
//! `source` and script files (and, in `session.rs`, `setsid`, `flock`, `su`, `script`,
//! `busybox`, `ssh`; `parallel.rs`; tmux and screen in `multiplexers.rs`; docker and podman in
//! `containers.rs`).
//! Each is peeled off to the command it runs, with the environment changes it makes.

use std::path::PathBuf;

use crate::words::{Arg, Var};

/// What a wrapper runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Another argv, with environment changes for it alone.
    Run {
        argv: Vec<Arg>,
        set: Vec<(String, Var)>,
        unset: Vec<String>,
        clear_env: bool,
        cd: Option<String>,
    },
    /// Shell text to parse and judge (`bash -c`, `eval`, `watch`, npm scripts, make recipes).
    Script(String),
    /// A script file to read and judge, with its arguments (`None`: the caller's, as for
    /// `source file`).
    ScriptFile(PathBuf, Option<Vec<Arg>>),
    /// Text the guard cannot see through (`bash -c "$X"`), with what makes it so: asked about
    /// when it names a tool.
    Unresolved(String, &'static str),
    /// Text that runs and that the guard cannot read at all (`eval "$CMD"`): asked about
    /// whatever it says.
    Unseen(String, &'static str),
    /// Commands a program runs that the guard reads off its text (`os.system('git status')`):
    /// judged on their own, and when any gets a decision the program (the text) is asked
    /// about with the reason given — the guard reads such a program, it does not judge it.
    Probe(Vec<Step>, String, &'static str),
}

impl Step {
    pub(crate) fn run(argv: Vec<Arg>) -> Self {
        Step::Run {
            argv,
            set: Vec::new(),
            unset: Vec::new(),
            clear_env: false,
            cd: None,
        }
    }
}

/// `None` when `name` is no wrapper; `Some(vec![])` when it is one that runs nothing here.
pub(crate) fn unwrap(name: &str, argv: &[Arg], cwd: &std::path::Path) -> Option<Vec<Step>> {
    let rest = argv.get(1..).unwrap_or_default();
    let steps = match name {
        "env" => env(rest),
        "sudo" | "doas" => after_options(
            rest,
            &[
                "-u",
                "-g",
                "-h",
                "-p",
                "-C",
                "-D",
                "-r",
                "-t",
                "-U",
                "-T",
                "--user",
                "--group",
                "--host",
                "--prompt",
                "--chdir",
                "--role",
                "--type",
                "--other-user",
                "--command-timeout",
                "--close-from",
            ],
            true,
        ),
        "time" => after_options(rest, &["-f", "-o", "--format", "--output"], false),
        "nohup" | "builtin" | "chronic" | "unbuffer" => after_options(rest, &[], false),
        "nice" => nice(rest),
        "stdbuf" => after_options(
            rest,
            &["-i", "-o", "-e", "--input", "--output", "--error"],
            false,
        ),
        "ionice" => after_options(rest, &["-c", "-n", "-t", "--class", "--classdata"], false),
        "caffeinate" => after_options(rest, &["-t", "-w"], false),
        "timeout" => timeout(rest),
        "command" => {
            // `command -v cdk` only looks the name up.
            if rest
                .first()
                .and_then(Arg::known)
                .is_some_and(|a| a.starts_with("-v") || a.starts_with("-V"))
            {
                vec![]
            } else {
                after_options(rest, &[], false)
            }
        }
        "exec" => after_options(rest, &["-a"], false),
        "watch" => watch(rest),
        "xargs" => xargs(rest),
        "find" => find(rest),
        "parallel" => crate::parallel::unwrap(rest),
        "tmux" => crate::multiplexers::tmux(rest),
        "screen" => crate::multiplexers::screen(rest),
        "docker" | "podman" | "nerdctl" | "finch" => crate::containers::unwrap(rest),
        "docker-compose" | "podman-compose" => crate::containers::compose(rest),
        "eval" => crate::eval::eval(rest),
        // `at -f job.sh now`: the file is the job (on stdin otherwise: `is_shell_reading_stdin`).
        "at" | "batch" => match rest.iter().position(|a| a.known() == Some("-f")) {
            Some(at) => rest
                .get(at + 1)
                .map(|file| script_file(file, cwd, Some(vec![])))
                .into_iter()
                .collect(),
            None => vec![],
        },
        "trap" => crate::eval::trap(rest),
        "source" | "." => rest
            .split_first()
            .map(|(file, args)| script_file(file, cwd, (!args.is_empty()).then(|| args.to_vec())))
            .into_iter()
            .collect(),
        _ if is_shell(name) => shell(rest, cwd),
        _ => return crate::session::unwrap(name, rest),
    };
    Some(steps)
}

pub(crate) fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "ash" | "mksh" | "busybox-sh"
    )
}

/// `bash` / `sh -s` with no script: it runs what arrives on stdin (a here-document).
pub(crate) fn is_shell_reading_stdin(argv: &[Arg]) -> bool {
    let Some(name) = argv.first().and_then(Arg::known) else {
        return false;
    };
    // `at now <<< 'cmd'`, `echo cmd | batch`: the job is the shell text on stdin, unless a
    // file is named (`-f`) or the queue is only listed or edited.
    if matches!(crate::engine::basename(name), "at" | "batch") {
        return !argv[1..].iter().any(|a| {
            a.known().is_some_and(|t| {
                matches!(
                    t,
                    "-f" | "-l" | "-d" | "-r" | "-c" | "-V" | "--help" | "--version"
                )
            })
        });
    }
    if !is_shell(crate::engine::basename(name)) {
        return false;
    }
    !argv[1..].iter().any(|a| match a.known() {
        Some(opt) if opt.starts_with('-') => short_flags(opt).contains('c'),
        _ => true,
    })
}

fn short_flags(opt: &str) -> &str {
    if opt.starts_with("--") {
        ""
    } else {
        opt.trim_start_matches('-')
    }
}

/// Skips options (those in `with_value` consume the next word) and, when `assignments`, leading
/// `NAME=value` words (sudo accepts them); what remains is the command.
fn after_options(args: &[Arg], with_value: &[&str], assignments: bool) -> Vec<Step> {
    let mut i = 0;
    let mut set = Vec::new();
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else { break };
        if text == "--" {
            i += 1;
            break;
        }
        if text.starts_with('-') && text.len() > 1 {
            let takes_value = with_value.contains(&text) && !text.contains('=')
                || cluster_takes_value(text, with_value);
            i += if takes_value { 2 } else { 1 };
            continue;
        }
        if assignments {
            if let Some((name, value)) = assignment(text) {
                set.push((name, Var::Known(value)));
                i += 1;
                continue;
            }
        }
        break;
    }
    match args.get(i..) {
        Some(rest) if !rest.is_empty() => {
            vec![Step::Run {
                argv: rest.to_vec(),
                set,
                unset: Vec::new(),
                clear_env: false,
                cd: None,
            }]
        }
        _ => vec![],
    }
}

/// A cluster of short flags whose last letter takes a value (`sudo -iu deploy`, `-Eu root`,
/// `-HEu deploy`): the value is the next word. A value letter before the end has its value
/// attached (`-udeploy`), and the next word is not consumed.
fn cluster_takes_value(text: &str, with_value: &[&str]) -> bool {
    if text.starts_with("--")
        || text.len() < 3
        || !text[1..].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    for (at, letter) in text[1..].char_indices() {
        let flag = format!("-{letter}");
        if with_value.contains(&flag.as_str()) {
            return at + 1 + letter.len_utf8() == text.len();
        }
    }
    false
}

/// `NAME=value` with a valid shell name.
pub(crate) fn assignment(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once('=')?;
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then(|| (name.to_string(), value.to_string()))
}

fn env(args: &[Arg]) -> Vec<Step> {
    let (mut set, mut unset, mut clear_env, mut cd) = (Vec::new(), Vec::new(), false, None);
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else { break };
        i += 1;
        match text {
            "-i" | "--ignore-environment" | "-" => clear_env = true,
            "-u" | "--unset" => {
                unset.extend(args.get(i).and_then(Arg::known).map(str::to_string));
                i += 1;
            }
            "-C" | "--chdir" => {
                cd = args.get(i).and_then(Arg::known).map(str::to_string);
                i += 1;
            }
            "-S" | "--split-string" => {
                // `env -S "cdk deploy"` splits its argument into a command line.
                let mut text = args.get(i).map(|a| a.text.clone()).unwrap_or_default();
                for more in args.get(i + 1..).unwrap_or_default() {
                    text.push(' ');
                    text.push_str(&more.text);
                }
                return vec![Step::Script(text)];
            }
            "--" => break,
            // `env --split-string='cdk deploy'`, `env -S'cdk deploy'`.
            _ if text.starts_with("--split-string=")
                || (text.starts_with("-S") && text.len() > 2) =>
            {
                let mut script = match text.strip_prefix("--split-string=") {
                    Some(value) => value.to_string(),
                    None => text[2..].to_string(),
                };
                for more in args.get(i..).unwrap_or_default() {
                    script.push(' ');
                    script.push_str(&more.text);
                }
                return vec![Step::Script(script)];
            }
            _ if text.starts_with("--unset=") => unset.push(text["--unset=".len()..].to_string()),
            _ if text.starts_with("--chdir=") => cd = Some(text["--chdir=".len()..].to_string()),
            _ if text.starts_with('-') && text.len() > 1 => {
                if text.contains('i') && !text.starts_with("--") {
                    clear_env = true;
                }
            }
            _ => match assignment(text) {
                Some((name, value)) => set.push((name, Var::Known(value))),
                None => {
                    i -= 1;
                    break;
                }
            },
        }
    }
    match args.get(i..) {
        Some(rest) if !rest.is_empty() => vec![Step::Run {
            argv: rest.to_vec(),
            set,
            unset,
            clear_env,
            cd,
        }],
        _ => vec![],
    }
}

fn nice(args: &[Arg]) -> Vec<Step> {
    // `nice -n 5 cmd`, `nice -5 cmd`, `nice --adjustment=5 cmd`.
    after_options(args, &["-n", "--adjustment"], false)
}

fn timeout(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        match text {
            "-s" | "-k" | "--signal" | "--kill-after" => i += 2,
            _ if text.starts_with('-') && text.len() > 1 => i += 1,
            _ => break,
        }
    }
    // The first plain word is the duration.
    match args.get(i + 1..) {
        Some(rest) if !rest.is_empty() => vec![Step::run(rest.to_vec())],
        _ => vec![],
    }
}

fn watch(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    let mut exec = false;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        match text {
            "-n" | "--interval" | "-q" | "--equexit" => i += 2,
            "-x" | "--exec" => {
                exec = true;
                i += 1;
            }
            _ if text.starts_with('-') && text.len() > 1 => i += 1,
            _ => break,
        }
    }
    let rest = args.get(i..).unwrap_or_default();
    if rest.is_empty() {
        return vec![];
    }
    if exec {
        return vec![Step::run(rest.to_vec())];
    }
    // Without -x, watch hands its arguments, joined by spaces, to `sh -c`.
    joined_script(rest, "watch runs a command built at run time")
}

fn xargs(args: &[Arg]) -> Vec<Step> {
    const WITH_VALUE: &[&str] = &[
        "-I",
        "-L",
        "-n",
        "-P",
        "-s",
        "-d",
        "-E",
        "-a",
        "--arg-file",
        "--delimiter",
        "--max-args",
        "--max-procs",
        "--max-lines",
        "--max-chars",
        "--eof",
        "--replace",
        "--process-slot-var",
    ];
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            i += 1;
            break;
        }
        if text.starts_with('-') && text.len() > 1 {
            i += if WITH_VALUE.contains(&text) { 2 } else { 1 };
            continue;
        }
        break;
    }
    let mut argv = args.get(i..).unwrap_or_default().to_vec();
    if argv.is_empty() {
        return vec![]; // plain `xargs` runs echo
    }
    argv.push(Arg::dynamic("<input from xargs>"));
    vec![Step::run(argv)]
}

fn find(args: &[Arg]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let is_exec = args[i]
            .known()
            .is_some_and(|t| matches!(t, "-exec" | "-execdir" | "-ok" | "-okdir"));
        i += 1;
        if !is_exec {
            continue;
        }
        let mut argv = Vec::new();
        while let Some(arg) = args.get(i) {
            i += 1;
            match arg.known() {
                Some(";" | "+") => break,
                Some(t) if t.contains("{}") => argv.push(Arg::dynamic(t)),
                _ => argv.push(arg.clone()),
            }
        }
        if !argv.is_empty() {
            steps.push(Step::run(argv));
        }
    }
    steps
}

/// `args` joined into one script, or unresolved (with `why`) when any is built at run time.
pub(crate) fn joined_script(args: &[Arg], why: &'static str) -> Vec<Step> {
    let text = args
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if args.iter().all(|a| a.literal) {
        vec![Step::Script(text)]
    } else {
        vec![Step::Unresolved(text, why)]
    }
}

fn shell(args: &[Arg], cwd: &std::path::Path) -> Vec<Step> {
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else { break };
        if text == "--" {
            i += 1;
            break;
        }
        if text == "-o"
            || text == "+o"
            || text == "-O"
            || text == "+O"
            || text == "--rcfile"
            || text == "--init-file"
        {
            i += 2;
            continue;
        }
        if (text.starts_with('-') || text.starts_with('+')) && text.len() > 1 {
            if short_flags(text).contains('c') {
                return match args.get(i + 1) {
                    Some(script) if script.literal => vec![Step::Script(with_arguments(
                        &script.text,
                        args.get(i + 3..).unwrap_or_default(),
                    ))],
                    Some(script) => vec![Step::Unresolved(
                        script.text.clone(),
                        "a shell runs a script built at run time",
                    )],
                    None => vec![],
                };
            }
            i += 1;
            continue;
        }
        break;
    }
    match args.get(i) {
        Some(file) => vec![script_file(
            file,
            cwd,
            Some(args.get(i + 1..).unwrap_or_default().to_vec()),
        )],
        None => vec![], // reads stdin: the here-document, judged by the walker
    }
}

/// `bash -c 'script' NAME a b`: the words after the script are `$0`, `$1`, …; the script is
/// judged with `$1`… set to them (a word built at run time stays unknown).
fn with_arguments(script: &str, args: &[Arg]) -> String {
    if args.is_empty() {
        return script.to_string();
    }
    let words: Vec<String> = args
        .iter()
        .map(|a| {
            if a.literal {
                crate::launchers::quote(&a.text)
            } else {
                "\"${__unknown_argument}\"".to_string()
            }
        })
        .collect();
    format!("set -- {}\n{script}", words.join(" "))
}

pub(crate) fn script_file(file: &Arg, cwd: &std::path::Path, args: Option<Vec<Arg>>) -> Step {
    match file.known() {
        Some(path) => Step::ScriptFile(crate::scope::normalize(&cwd.join(path)), args),
        None => Step::Unresolved(
            file.text.clone(),
            "a script whose name is built at run time is run",
        ),
    }
}

/// How many leading words are options (those in `with_value` take the next word, as does a
/// cluster of short flags that ends in one, `-fe trace=x`; a `--` ends them and is counted;
/// `--name=value` is one word).
pub(crate) fn options_end(args: &[Arg], with_value: &[&str]) -> usize {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            return i + 1;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        i += if with_value.contains(&text) || cluster_takes_value(text, with_value) {
            2
        } else {
            1
        };
    }
    i
}

/// The command after the options (those in `with_value` take the next word).
pub(crate) fn command_after(args: &[Arg], with_value: &[&str]) -> Vec<Step> {
    match args.get(options_end(args, with_value)..) {
        Some(rest) if !rest.is_empty() => vec![Step::run(rest.to_vec())],
        _ => vec![],
    }
}
