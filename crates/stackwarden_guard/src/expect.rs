//! expect scripts (Tcl): `spawn prog args` runs a program, `exec prog args` and `system cmd`
//! run commands, and text `send` to a spawned shell is typed into it. The script is split into
//! Tcl commands and words (braces, quotes, backslashes, `[…]` substitutions); every braced word
//! is read again as a script, since bodies of `expect { … }`, `if`, `proc` and loops are. A word
//! with a `$` or `[…]` substitution is known only at run time: the command is then asked about
//! when it names a tool; the text of each `[…]` is read again as a script too, since it runs. `expect -c 'script'`, `expect script.exp` (read from the project) and
//! `expect -f file` are read.

use std::path::Path;

use crate::context::Context;
use crate::words::Arg;
use crate::wrappers::Step;

/// Braced bodies read again as scripts, nested at most this deep.
const MAX_NESTING: usize = 16;

pub(crate) fn unwrap(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut i = 0;
    let read = |file: &Arg, steps: &mut Vec<Step>| match file.known() {
        Some(path) => match ctx.files.read(&crate::scope::normalize(&cwd.join(path))) {
            Some(text) => steps.extend(script(&text, 0, &mut false)),
            None => steps.push(Step::Unresolved(
                path.to_string(),
                "expect runs a script the guard cannot read",
            )),
        },
        None => steps.push(Step::Unresolved(
            file.text.clone(),
            "expect runs a script chosen at run time",
        )),
    };
    while let Some(arg) = args.get(i) {
        i += 1;
        match arg.known() {
            Some("-c") => {
                match args.get(i) {
                    Some(code) if code.literal => steps.extend(script(&code.text, 0, &mut false)),
                    Some(code) => steps.push(Step::Unresolved(
                        code.text.clone(),
                        "expect runs a script built at run time",
                    )),
                    None => {}
                }
                i += 1;
            }
            Some("-f") => {
                if let Some(file) = args.get(i) {
                    read(file, &mut steps);
                }
                break;
            }
            Some("-D") => i += 1,
            Some("--") => {
                if let Some(file) = args.get(i) {
                    read(file, &mut steps);
                }
                break;
            }
            Some(text) if text.starts_with('-') => {}
            _ => {
                read(arg, &mut steps);
                break;
            }
        }
    }
    steps
}

/// One Tcl word: its text with quoting removed, whether it is known (no `$`/`[…]`), whether
/// it was braced (a body), and the scripts of its `[…]` substitutions (which run).
struct Word {
    text: String,
    known: bool,
    braced: bool,
    substitutions: Vec<String>,
}

fn script(text: &str, depth: usize, shell_spawned: &mut bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if depth > MAX_NESTING {
        return vec![Step::Unresolved(
            text.to_string(),
            "expect nests scripts too deeply",
        )];
    }
    for command in commands(text) {
        for word in command.iter().filter(|w| w.braced) {
            steps.extend(script(&word.text, depth + 1, shell_spawned));
        }
        for substitution in command.iter().flat_map(|w| &w.substitutions) {
            steps.extend(script(substitution, depth + 1, shell_spawned));
        }
        let Some((name, args)) = command.split_first() else {
            continue;
        };
        let joined = || {
            args.iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let known = args.iter().all(|w| w.known);
        match name.text.as_str() {
            "spawn" => {
                let mut rest = args;
                while let Some((first, more)) = rest.split_first() {
                    match first.text.as_str() {
                        "-ignore" | "-open" | "-leaveopen" => {
                            rest = more.get(1..).unwrap_or_default()
                        }
                        t if t.starts_with('-') => rest = more,
                        _ => break,
                    }
                }
                if rest.is_empty() {
                    continue;
                }
                if !rest.iter().all(|w| w.known) {
                    steps.push(Step::Unresolved(
                        joined(),
                        "expect spawns a command built at run time",
                    ));
                    continue;
                }
                let argv: Vec<Arg> = rest.iter().map(|w| Arg::lit(w.text.as_str())).collect();
                if crate::wrappers::is_shell_reading_stdin(&argv) || is_login(&argv) {
                    *shell_spawned = true;
                }
                steps.push(Step::run(argv));
            }
            "exec" | "system" => {
                let args: Vec<&Word> = args
                    .iter()
                    .skip_while(|w| w.text.starts_with('-'))
                    .collect();
                if args.is_empty() {
                    continue;
                }
                let text = args
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if args.iter().all(|w| w.known) {
                    steps.push(Step::Script(text));
                } else {
                    steps.push(Step::Unresolved(
                        text,
                        "expect runs a command built at run time",
                    ));
                }
            }
            // Text typed into a spawned shell is a command line once a newline ends it.
            "send" if *shell_spawned => {
                let Some(typed) = args.iter().rfind(|w| !w.text.starts_with('-')) else {
                    continue;
                };
                if known {
                    steps.push(Step::Script(typed.text.clone()));
                } else {
                    steps.push(Step::Unresolved(
                        typed.text.clone(),
                        "expect types a command built at run time",
                    ));
                }
            }
            _ => {}
        }
    }
    steps
}

/// `ssh host`, `su`, `sudo -i`: an interactive login whose typed lines run as commands.
fn is_login(argv: &[Arg]) -> bool {
    matches!(
        argv.first()
            .and_then(Arg::known)
            .map(crate::engine::basename),
        Some("ssh" | "su" | "sudo" | "docker" | "kubectl" | "telnet")
    )
}

/// The script's commands, each a list of words.
fn commands(text: &str) -> Vec<Vec<Word>> {
    let chars: Vec<char> = text.chars().collect();
    let mut commands = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' | ';' => {
                i += 1;
                if !current.is_empty() {
                    commands.push(std::mem::take(&mut current));
                }
            }
            '#' if current.is_empty() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '{' => {
                let mut level = 0;
                let start = i + 1;
                while i < chars.len() {
                    match chars[i] {
                        '\\' => i += 1,
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                let end = i.min(chars.len());
                current.push(Word {
                    text: chars[start.min(end)..end].iter().collect(),
                    known: true,
                    braced: true,
                    substitutions: Vec::new(),
                });
                i += 1;
            }
            _ => {
                let quoted = c == '"';
                if quoted {
                    i += 1;
                }
                let mut word = String::new();
                let mut known = true;
                let mut substitutions = Vec::new();
                while i < chars.len() {
                    let c = chars[i];
                    if quoted && c == '"' {
                        i += 1;
                        break;
                    }
                    if !quoted && (c.is_whitespace() || c == ';') {
                        break;
                    }
                    match c {
                        '\\' => {
                            i += 1;
                            if let Some(&e) = chars.get(i) {
                                word.push(match e {
                                    'n' | 'r' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        '$' => {
                            known = false;
                            word.push(c);
                        }
                        '[' => {
                            // A command substitution: its text runs too, and the word is
                            // known only at run time.
                            known = false;
                            let mut level = 0;
                            let start = i + 1;
                            while i < chars.len() {
                                match chars[i] {
                                    '\\' => {
                                        word.push(chars[i]);
                                        i += 1;
                                        if i >= chars.len() {
                                            break;
                                        }
                                    }
                                    '[' => level += 1,
                                    ']' => {
                                        level -= 1;
                                        if level == 0 {
                                            break;
                                        }
                                    }
                                    _ => {}
                                }
                                word.push(chars[i]);
                                i += 1;
                            }
                            let end = i.min(chars.len());
                            substitutions.push(chars[start.min(end)..end].iter().collect());
                            word.push(']');
                        }
                        _ => word.push(c),
                    }
                    i += 1;
                }
                current.push(Word {
                    text: word,
                    known,
                    braced: false,
                    substitutions,
                });
            }
        }
    }
    if !current.is_empty() {
        commands.push(current);
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawned_and_executed_commands() {
        let steps = script("spawn aws s3 rb s3://b; expect eof", 0, &mut false);
        assert_eq!(
            steps,
            vec![Step::run(
                ["aws", "s3", "rb", "s3://b"]
                    .into_iter()
                    .map(Arg::lit)
                    .collect()
            )]
        );
        let steps = script(
            "spawn bash\nexpect \"$ \" { send \"aws s3 rb s3://b\\r\" }\n",
            0,
            &mut false,
        );
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(script("expect \"password:\"\nsend \"secret\\r\"", 0, &mut false).is_empty());
    }
}
