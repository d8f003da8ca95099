//! Terminal multiplexers: `tmux` and `screen` start a command in a session of their own, or
//! type one into a running shell. `tmux new-session -d 'cmd'`, `tmux new -d cmd args`,
//! `tmux split-window|new-window|respawn-pane|run-shell|display-popup 'cmd'`,
//! `tmux send-keys -t x 'cmd' Enter`, `screen -dmS name cmd args`, `screen -X stuff 'cmd\n'`.
//! Text typed with `send-keys`/`stuff` is judged whether or not a key ends the line: a later
//! `Enter` runs it.

use crate::words::Arg;
use crate::wrappers::{joined_script, Step};

/// tmux's options before the command that take a value.
const TMUX_GLOBAL_WITH_VALUE: &[&str] = &["-L", "-S", "-f", "-c", "-T"];

pub(crate) fn tmux(args: &[Arg]) -> Vec<Step> {
    let i = crate::wrappers::options_end(args, TMUX_GLOBAL_WITH_VALUE);
    // tmux runs several commands separated by a `;` word (`\;` on the shell's command line).
    let rest = args.get(i..).unwrap_or_default();
    rest.split(|a| a.known() == Some(";"))
        .flat_map(tmux_command)
        .collect()
}

fn tmux_command(words: &[Arg]) -> Vec<Step> {
    let Some((name, args)) = words.split_first() else {
        return vec![];
    };
    // Each command's options that take a value.
    let with_value: &[char] = match name.known() {
        Some("new-session" | "new") => &['c', 'e', 'F', 'f', 'n', 's', 't', 'x', 'y'],
        Some("new-window" | "neww") => &['c', 'e', 'F', 'n', 't'],
        Some("split-window" | "splitw") => &['c', 'e', 'F', 'l', 'p', 't'],
        Some("respawn-pane" | "respawnp" | "respawn-window" | "respawnw") => &['c', 'e', 't'],
        Some("run-shell" | "run") => &['c', 'd', 't'],
        Some("display-popup" | "popup") => {
            &['b', 'c', 'd', 'e', 'h', 's', 'S', 't', 'T', 'w', 'x', 'y']
        }
        Some("send-keys" | "send") => return send_keys(args),
        _ => return vec![],
    };
    let command = after_options(args, with_value);
    if command.is_empty() {
        return vec![];
    }
    joined_script(command, "tmux runs a command built at run time")
}

/// The words after a command's options.
fn after_options<'a>(args: &'a [Arg], with_value: &[char]) -> &'a [Arg] {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        i += if takes_next(text, with_value) { 2 } else { 1 };
    }
    args.get(i..).unwrap_or_default()
}

/// Whether a cluster of short options (`-dmS`, `-ds`) ends in one that takes the next word as
/// its value; one that takes a value earlier in the cluster has the rest of it (`-Sname`).
fn takes_next(cluster: &str, with_value: &[char]) -> bool {
    let letters: Vec<char> = cluster.chars().skip(1).collect();
    letters
        .iter()
        .position(|l| with_value.contains(l))
        .is_some_and(|at| at + 1 == letters.len())
}

/// `send-keys [-lHRMX] [-N n] [-t target] key …`: each key is a key name (`Enter`, `C-m`,
/// `Space`) or text typed as is; the keys are typed one after the other, with no space between.
fn send_keys(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    let mut literal_only = false;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        match text {
            "-t" | "-N" | "-c" => i += 2,
            // Copy-mode commands and hex keys are no typed text.
            "-X" | "-H" => return vec![],
            "-l" => {
                literal_only = true;
                i += 1;
            }
            _ => i += 1,
        }
    }
    let keys = args.get(i..).unwrap_or_default();
    if keys.is_empty() {
        return vec![];
    }
    let mut typed = String::new();
    for key in keys {
        let Some(text) = key.known() else {
            return vec![Step::Unresolved(
                key.text.clone(),
                "tmux types text built at run time into a shell",
            )];
        };
        match (literal_only, text) {
            (false, "Enter" | "C-m" | "KPEnter" | "C-j") => typed.push('\n'),
            (false, "Space") => typed.push(' '),
            (false, "Tab" | "C-i") => typed.push('\t'),
            // Other key names (C-c, Escape, Up) type no text of a command.
            (false, name) if is_key_name(name) => typed.push('\n'),
            _ => typed.push_str(text),
        }
    }
    vec![Step::Script(typed)]
}

/// `C-c`, `M-x`, `Escape`, `Up`, `F1`…: a key, not text.
fn is_key_name(word: &str) -> bool {
    let modified = ["C-", "M-", "S-"]
        .iter()
        .any(|m| word.starts_with(m) && word.len() > 2);
    const NAMES: &[&str] = &[
        "Escape", "Up", "Down", "Left", "Right", "Home", "End", "BSpace", "BTab", "DC", "IC",
        "NPage", "PPage", "PageUp", "PageDown",
    ];
    let function_key =
        word.starts_with('F') && word.len() <= 3 && word[1..].bytes().all(|b| b.is_ascii_digit());
    modified || NAMES.contains(&word) || (function_key && word.len() > 1)
}

/// screen's options that take a value; in a cluster (`-dmS name`) the last letter may take it.
const SCREEN_WITH_VALUE: &[char] = &['S', 'c', 'e', 'h', 'p', 's', 't', 'T'];

/// `screen [-d -m -S name …] [command args]`, `screen -S name -X stuff 'text'`.
pub(crate) fn screen(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        if text == "-X" {
            return screen_command(args.get(i + 1..).unwrap_or_default());
        }
        // `-Logfile file` is the long form taking a value; `-L` alone turns logging on.
        if text == "-Logfile" {
            i += 2;
            continue;
        }
        i += if takes_next(text, SCREEN_WITH_VALUE) {
            2
        } else {
            1
        };
    }
    match args.get(i..) {
        Some(command) if !command.is_empty() => vec![Step::run(command.to_vec())],
        _ => vec![],
    }
}

/// `-X stuff 'text'` types text into the session's window; other `-X` commands run nothing.
fn screen_command(words: &[Arg]) -> Vec<Step> {
    match words.split_first() {
        Some((name, text)) if name.known() == Some("stuff") => match text.first() {
            Some(typed) if typed.literal => {
                // screen reads `\n`, `\r` and `^M` in the text as the keys that end a line.
                let typed = typed
                    .text
                    .replace("\\n", "\n")
                    .replace("\\r", "\n")
                    .replace("^M", "\n");
                vec![Step::Script(typed)]
            }
            Some(typed) => vec![Step::Unresolved(
                typed.text.clone(),
                "screen types text built at run time into a shell",
            )],
            None => vec![],
        },
        _ => vec![],
    }
}
