//! What `eval` and `trap` run. Both take shell text: `eval` runs it now, `trap` when a signal
//! arrives or the shell exits (`trap 'cdk destroy --force' EXIT`), so both are judged as
//! scripts when the text is known.
//!
//! `eval` of text built at run time (`eval "$CMD"`, `eval "$(curl …)"`, `eval "$(echo … |
//! base64 -d)"`) runs something no reading of the command line can know: it is asked about,
//! whatever the text says. One kind of output is known without running it: the shell setup a
//! program prints about itself, made to be `eval`ed into the current shell — `ssh-agent -s`,
//! `direnv hook bash`, `pyenv init -`, `brew shellenv`, `conda shell.bash hook`, `starship init
//! bash`, `aws configure export-credentials --format env`, `kubectl completion bash`. What such a
//! program prints is decided by the program (variables, functions, hooks), not by whoever wrote
//! the command line, so `eval "$(ssh-agent -s)"` is not asked about. The program itself is still
//! judged like any command substitution (`transcript.rs` knows that exporting credentials into
//! the shell prints nothing). A variable the command line set from such output counts as that
//! output (`X=$(ssh-agent -s); eval "$X"`); one from the environment does not. `getopt` prints
//! the arguments it was given, quoted for the shell: safe to `eval` as the arguments of `set --`
//! (`eval set -- "$(getopt -o ab -- "$@")"`, the usual idiom), not as a command.

use brush_parser::ast::{self, Command, CommandPrefixOrSuffixItem as Item};
use brush_parser::word::WordPiece;

use crate::engine::basename;
use crate::words::{self, Arg};
use crate::wrappers::{joined_script, Step};

pub(crate) fn eval(args: &[Arg]) -> Vec<Step> {
    if args.iter().all(|a| a.literal) {
        return joined_script(args, "eval runs a command built at run time");
    }
    let sets_arguments = args.first().and_then(Arg::known) == Some("set");
    if args
        .iter()
        .all(|a| a.literal || is_shell_setup_output(a, sets_arguments))
    {
        return vec![];
    }
    let text = args
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    vec![Step::Unseen(text, "eval runs text built at run time")]
}

/// `trap ACTION SIGNAL…`: the action is a script. `trap -l`/`-p` print, `trap - EXIT` and
/// `trap '' INT` run nothing. An action with run-time parts (`trap "rm -f $tmp" EXIT`, everyday
/// in scripts) is asked about when it names a tool.
pub(crate) fn trap(args: &[Arg]) -> Vec<Step> {
    let args = match args.first().and_then(Arg::known) {
        Some("--") => &args[1..],
        Some(option) if option.starts_with('-') && option.len() > 1 => return vec![],
        _ => args,
    };
    let Some((action, signals)) = args.split_first() else {
        return vec![];
    };
    // One operand alone resets that signal (POSIX).
    if signals.is_empty() {
        return vec![];
    }
    match action.known() {
        Some("-" | "") => vec![],
        Some(text) => vec![Step::Script(text.to_string())],
        None => vec![Step::Unresolved(
            action.text.clone(),
            "a trap runs text built at run time",
        )],
    }
}

/// Whether a word's run-time parts are all the output of shell-setup printers: `"$(ssh-agent
/// -s)"`, `` `brew shellenv` ``, a variable the command line set from one. Arithmetic, or a
/// variable the guard does not know the origin of, is not. `arguments`: the text is the
/// arguments of `set`, where getopt's quoted output is safe too.
pub(crate) fn is_shell_setup_output(arg: &Arg, arguments: bool) -> bool {
    let raw = words::origin_word(&arg.text);
    let Ok(pieces) = brush_parser::word::parse(raw, &words::options()) else {
        return false;
    };
    let mut variables = 0;
    if !pieces_are_setup(&pieces, arguments, &mut variables) {
        return false;
    }
    // Each variable must be one the command line set from such output.
    variables == arg.origins.len()
        && arg.origins.iter().all(|origin| {
            brush_parser::word::parse(origin, &words::options()).is_ok_and(|pieces| {
                let mut nested = 0;
                pieces_are_setup(&pieces, arguments, &mut nested) && nested == 0
            })
        })
}

fn pieces_are_setup(
    pieces: &[brush_parser::word::WordPieceWithSource],
    arguments: bool,
    variables: &mut usize,
) -> bool {
    pieces.iter().all(|piece| match &piece.piece {
        WordPiece::Text(_)
        | WordPiece::SingleQuotedText(_)
        | WordPiece::AnsiCQuotedText(_)
        | WordPiece::EscapeSequence(_)
        | WordPiece::TildeExpansion(_) => true,
        WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
            pieces_are_setup(inner, arguments, variables)
        }
        WordPiece::CommandSubstitution(body) | WordPiece::BackquotedCommandSubstitution(body) => {
            prints_shell_setup(body, arguments)
        }
        WordPiece::ParameterExpansion(_) => {
            *variables += 1;
            true
        }
        WordPiece::ArithmeticExpression(_) => false,
    })
}

/// Whether `body` is one plain command (literal words; redirections allowed) of a program that
/// prints its own shell setup (or, for `arguments`, getopt's quoted arguments).
fn prints_shell_setup(body: &str, arguments: bool) -> bool {
    let Some(words) = single_command_words(body) else {
        return false;
    };
    let Some((Some(name), args)) = words.split_first() else {
        return false;
    };
    // getopt quotes whatever it is given, `"$@"` included.
    if basename(name) == "getopt" {
        return arguments;
    }
    let Some(args) = args.iter().cloned().collect::<Option<Vec<String>>>() else {
        return false;
    };
    let positionals: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let first = positionals.first().copied();
    match basename(name) {
        // `ssh-agent [-s|-c] [-t life]`; with a command after the options it runs that command.
        "ssh-agent" | "gpg-agent" => {
            const WITH_VALUE: &[&str] = &["-a", "-E", "-t", "-P", "--options", "--homedir"];
            let mut rest = args.iter().map(String::as_str);
            while let Some(arg) = rest.next() {
                if !arg.starts_with('-') {
                    return false;
                }
                if WITH_VALUE.contains(&arg) {
                    rest.next();
                }
            }
            true
        }
        "direnv" => matches!(first, Some("export" | "hook")),
        "pyenv" | "rbenv" | "nodenv" | "jenv" | "goenv" | "plenv" | "phpenv" | "luaenv"
        | "scalaenv" => matches!(first, Some("init" | "virtualenv-init")),
        "brew" => first == Some("shellenv"),
        "conda" | "mamba" | "micromamba" => first.is_some_and(|f| f.starts_with("shell")),
        "starship" | "zoxide" | "atuin" | "oh-my-posh" | "mcfly" | "navi" => first == Some("init"),
        "mise" | "rtx" => first == Some("activate"),
        "fnm" | "opam" => first == Some("env"),
        "luarocks" => first == Some("path"),
        "minikube" => first == Some("docker-env"),
        "docker-machine" => first == Some("env"),
        "dircolors" => positionals.is_empty(),
        "keychain" => args.iter().any(|a| a == "--eval"),
        "thefuck" => args.iter().any(|a| a == "--alias"),
        "register-python-argcomplete" => true,
        // `aws [--profile p] configure export-credentials [--format env]`: the profile's keys
        // as `export` lines, handed to the shell without being printed.
        "aws" => positionals
            .windows(2)
            .any(|w| w == ["configure", "export-credentials"]),
        // `kubectl completion bash`, `gh completion -s zsh`, `rustup completions bash`.
        _ => matches!(first, Some("completion" | "completions")),
    }
}

/// The words of a text that is exactly one simple command with no assignments, each `None`
/// when built at run time.
fn single_command_words(body: &str) -> Option<Vec<Option<String>>> {
    let program = crate::walk::parse_program(body)?;
    let [list] = program.complete_commands.as_slice() else {
        return None;
    };
    let [ast::CompoundListItem(and_or, _)] = list.0.as_slice() else {
        return None;
    };
    if !and_or.additional.is_empty() || and_or.first.seq.len() != 1 {
        return None;
    }
    let Some(Command::Simple(simple)) = and_or.first.seq.first() else {
        return None;
    };
    let prefix_ok = simple
        .prefix
        .iter()
        .flat_map(|p| p.0.iter())
        .all(|item| matches!(item, Item::IoRedirect(_)));
    if !prefix_ok {
        return None;
    }
    let mut raw = vec![simple.word_or_name.as_ref()?.value.as_str()];
    for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
        match item {
            Item::Word(w) => raw.push(w.value.as_str()),
            Item::IoRedirect(_) => {}
            _ => return None,
        }
    }
    Some(
        raw.into_iter()
            .map(|w| words::expand(w, &|_| None).arg.known().map(str::to_string))
            .collect(),
    )
}
