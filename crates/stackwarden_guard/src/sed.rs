//! GNU sed's commands that run shell commands: `e COMMAND` runs COMMAND (judged as shell
//! text), `e` alone and the `s///e` flag run the pattern space — text from the input, which
//! nobody can read here (asked about). The script is read with a parser of sed's grammar
//! (addresses, each command's own argument syntax: `s`/`y` delimiters, `a`/`i`/`c` text,
//! `r`/`w` file names, labels), so an `e` inside a regular expression or a text is no command.
//! A script the parser cannot read is asked about when it names a tool; `--sandbox` turns the
//! commands that run or write off.

use std::path::Path;

use crate::context::Context;
use crate::words::Arg;
use crate::wrappers::Step;

/// `sed [options] [-e script]… [-f file]… [script] [files]`.
pub(crate) fn unwrap(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut scripts: Vec<Arg> = Vec::new();
    let mut steps = Vec::new();
    let mut named = false;
    let mut first_operand: Option<&Arg> = None;
    let mut i = 0;
    let read_file = |file: &Arg, steps: &mut Vec<Step>, scripts: &mut Vec<Arg>| match file.known() {
        Some(path) => match ctx.files.read(&crate::scope::normalize(&cwd.join(path))) {
            Some(text) => scripts.push(Arg::lit(text)),
            None => steps.push(Step::Unresolved(
                path.to_string(),
                "sed runs a script file the guard cannot read",
            )),
        },
        None => steps.push(Step::Unresolved(
            file.text.clone(),
            "sed runs a script file chosen at run time",
        )),
    };
    let mut options = true;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known().filter(|_| options) else {
            if first_operand.is_none() {
                first_operand = Some(arg);
            }
            continue;
        };
        match text {
            "--" => options = false,
            "--sandbox" => return vec![],
            "--expression" => {
                named = true;
                scripts.extend(args.get(i).cloned());
                i += 1;
            }
            "--file" => {
                named = true;
                if let Some(file) = args.get(i) {
                    read_file(file, &mut steps, &mut scripts);
                }
                i += 1;
            }
            "--line-length" => i += 1,
            _ if text.starts_with("--expression=") => {
                named = true;
                scripts.push(Arg::lit(&text["--expression=".len()..]));
            }
            _ if text.starts_with("--file=") => {
                named = true;
                read_file(
                    &Arg::lit(&text["--file=".len()..]),
                    &mut steps,
                    &mut scripts,
                );
            }
            _ if text.starts_with("--") => {}
            _ if text.starts_with('-') && text.len() > 1 => {
                // A cluster of short options: `-ne 'script'`, `-escript`, `-i.bak`, `-f file`.
                for (at, letter) in text[1..].char_indices() {
                    let attached = &text[1 + at + letter.len_utf8()..];
                    match letter {
                        'e' | 'f' => {
                            named = true;
                            let value = if attached.is_empty() {
                                i += 1;
                                args.get(i - 1).cloned()
                            } else {
                                Some(Arg::lit(attached))
                            };
                            if let Some(value) = value {
                                if letter == 'e' {
                                    scripts.push(value);
                                } else {
                                    read_file(&value, &mut steps, &mut scripts);
                                }
                            }
                            break;
                        }
                        'l' => {
                            if attached.is_empty() {
                                i += 1;
                            }
                            break;
                        }
                        'i' => break,
                        _ => {}
                    }
                }
            }
            _ => {
                if first_operand.is_none() {
                    first_operand = Some(arg);
                }
            }
        }
    }
    if !named {
        scripts.extend(first_operand.cloned());
    }
    for script in scripts {
        match script.known() {
            Some(text) => steps.extend(commands(text)),
            None => steps.push(Step::Unresolved(
                script.text.clone(),
                "sed runs a script built at run time",
            )),
        }
    }
    steps
}

/// The commands a sed script runs; a script that does not parse is unresolved.
fn commands(script: &str) -> Vec<Step> {
    match parse(script) {
        Ok(steps) => steps,
        Err(()) => vec![Step::Unresolved(
            script.to_string(),
            "sed runs a script the guard cannot read",
        )],
    }
}

fn parse(script: &str) -> Result<Vec<Step>, ()> {
    let chars: Vec<char> = script.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    let pattern_space = || {
        Step::Unseen(
            crate::walk::shorten(script),
            "sed runs text from its input as a command",
        )
    };
    loop {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ';') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] == '#' {
            i = line_end(&chars, i);
            continue;
        }
        address(&chars, &mut i)?;
        if chars.get(i) == Some(&',') {
            i += 1;
            skip_blanks(&chars, &mut i);
            if matches!(chars.get(i), Some('+' | '~')) {
                i += 1;
            }
            address(&chars, &mut i)?;
        }
        skip_blanks(&chars, &mut i);
        while chars.get(i) == Some(&'!') {
            i += 1;
            skip_blanks(&chars, &mut i);
        }
        let Some(&command) = chars.get(i) else {
            return Err(());
        };
        i += 1;
        match command {
            '{' | '}' | '=' | 'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'n' | 'N' | 'p' | 'P' | 'x'
            | 'z' | 'F' => {}
            'l' | 'q' | 'Q' | 'L' => {
                skip_blanks(&chars, &mut i);
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
            }
            'a' | 'i' | 'c' => i = text_end(&chars, i),
            'r' | 'R' | 'w' | 'W' => i = line_end(&chars, i),
            'b' | 't' | 'T' | ':' | 'v' => {
                while i < chars.len() && !matches!(chars[i], ';' | '\n') {
                    i += 1;
                }
            }
            'e' => {
                let end = line_end(&chars, i);
                let command: String = chars[i..end].iter().collect();
                let command = command.trim();
                if command.is_empty() {
                    steps.push(pattern_space());
                } else {
                    steps.push(Step::Script(command.to_string()));
                }
                i = end;
            }
            's' | 'y' => {
                let Some(&delimiter) = chars.get(i) else {
                    return Err(());
                };
                if delimiter == '\n' || delimiter == '\\' {
                    return Err(());
                }
                i += 1;
                for _ in 0..2 {
                    i = delimited(&chars, i, delimiter)?;
                }
                if command == 's' {
                    // Flags: g p i I m M e, a number, `w file` (to the end of the line).
                    while let Some(&flag) = chars.get(i) {
                        match flag {
                            'e' => {
                                steps.push(pattern_space());
                                i += 1;
                            }
                            'w' => {
                                i = line_end(&chars, i);
                                break;
                            }
                            'g' | 'p' | 'i' | 'I' | 'm' | 'M' => i += 1,
                            _ if flag.is_ascii_digit() => i += 1,
                            _ => break,
                        }
                    }
                }
            }
            _ => return Err(()),
        }
    }
    Ok(steps)
}

fn skip_blanks(chars: &[char], i: &mut usize) {
    while chars.get(*i).is_some_and(|c| *c == ' ' || *c == '\t') {
        *i += 1;
    }
}

/// An optional address: a line number (`3`, `1~2`), `$`, `/regex/` or `\cregexc` with its
/// `I`/`M` flags.
fn address(chars: &[char], i: &mut usize) -> Result<(), ()> {
    match chars.get(*i) {
        Some(c) if c.is_ascii_digit() => {
            while chars
                .get(*i)
                .is_some_and(|c| c.is_ascii_digit() || *c == '~')
            {
                *i += 1;
            }
        }
        Some('$') => *i += 1,
        Some('/') => {
            *i = delimited(chars, *i + 1, '/')?;
            while matches!(chars.get(*i), Some('I' | 'M')) {
                *i += 1;
            }
        }
        Some('\\') => {
            let delimiter = *chars.get(*i + 1).ok_or(())?;
            *i = delimited(chars, *i + 2, delimiter)?;
            while matches!(chars.get(*i), Some('I' | 'M')) {
                *i += 1;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The index after the next unescaped `delimiter` from `i`.
fn delimited(chars: &[char], mut i: usize, delimiter: char) -> Result<usize, ()> {
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            i += 2;
            continue;
        }
        i += 1;
        if c == delimiter {
            return Ok(i);
        }
    }
    Err(())
}

fn line_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i] != '\n' {
        i += 1;
    }
    i
}

/// The end of an `a`/`i`/`c` text: the line, continued by a trailing backslash.
fn text_end(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i] != '\n' {
        if chars[i] == '\\' {
            i += 1;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn e_commands_and_flags() {
        assert_eq!(
            parse("1e aws s3 rb s3://b").unwrap(),
            vec![Step::Script("aws s3 rb s3://b".into())]
        );
        assert!(matches!(parse("s/.*/x/e").unwrap()[..], [Step::Unseen(..)]));
        for benign in [
            "1p",
            "s/e/E/g",
            "/exec/d",
            "y/abc/xyz/",
            "1i\\\nheader e",
            "$a end",
            "/x/,/y/ { s/a/b/; p }",
            "s|/usr|/opt|g;s/x/y/2",
            "2q",
            ":a;N;$!ba;s/\\n/ /g",
            "1~3d",
            "0,/re/s//X/",
            "\\,foo,d",
        ] {
            assert_eq!(parse(benign), Ok(vec![]), "{benign}");
        }
    }
}
