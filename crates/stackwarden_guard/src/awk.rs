//! awk programs that run commands: `system("cmd")`, `print … | "cmd"`, `"cmd" | getline`,
//! `|&` (gawk's coprocess). The program is read with a small awk lexer (strings with their
//! escapes, regular-expression literals, comments, `|`, `||`, `|&`) — not parsed: what matters
//! is which string literals are handed to a shell. A literal command is judged as shell text;
//! a command built at run time (a variable, a concatenation, `$0`) is asked about, whatever it
//! says, since the program decides it from its input. Output piped into a shell (`print … |
//! "sh"`) runs what the program prints: asked about. A program that is itself built at run time
//! (`awk "$PROG"`) is asked about when it names a tool; `-f file` and `-i file` programs
//! (also `-ffile`, `--file=file`, `-e'…'`) are read from the project. gawk's extensions
//! (`-l`, `@load`) and `@include` are not read: asked about. A regex literal holding `system`,
//! `getline` or `"` may be a division the lexer misread: asked about.

use std::path::Path;

use crate::context::Context;
use crate::words::Arg;
use crate::wrappers::Step;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    /// A regular-expression literal; `true` when its text holds what looks like program text
    /// (`system`, `getline`, a `"`): the lexer may have misread a division as a regex.
    Regex(bool),
    Word(String),
    Punct(&'static str),
    Other(char),
    End,
}

/// `awk [options] 'program' [files]`, `awk -f prog.awk`, `gawk -e 'program'`.
pub(crate) fn unwrap(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut programs: Vec<Step> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut named = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            if !named {
                programs.push(Step::Unresolved(
                    arg.text.clone(),
                    "awk runs a program built at run time",
                ));
            }
            break;
        };
        // `-fprog.awk`, `--file=prog.awk`, `-e'…'`, `--include=lib.awk`: the value attached.
        let (option, attached) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ if !text.starts_with("--") && text.len() > 2 => match text.get(..2) {
                Some(o @ ("-f" | "-e" | "-i" | "-E" | "-l" | "-v" | "-F")) => (o, text.get(2..)),
                _ => (text, None),
            },
            _ => (text, None),
        };
        if let Some(value) = attached {
            match option {
                "-f" | "--file" | "-E" | "--exec" | "-i" | "--include" => {
                    named |= !matches!(option, "-i" | "--include");
                    read_file(ctx, cwd, &Arg::lit(value), &mut texts, &mut programs);
                    continue;
                }
                "-e" | "--source" => {
                    named = true;
                    texts.push(value.to_string());
                    continue;
                }
                "-l" | "--load" => {
                    programs.push(Step::Unseen(
                        text.to_string(),
                        "awk loads an extension the guard does not read",
                    ));
                    continue;
                }
                // `-vX=1`, `-F:`, `--assign=X=1` and unknown `--opt=value`: nothing to read.
                _ => continue,
            }
        }
        match option {
            "--" => {
                if !named {
                    if let Some(program) = args.get(i) {
                        push_program(program, &mut texts, &mut programs);
                    }
                }
                break;
            }
            "-F" | "-v" | "--assign" | "--field-separator" => i += 1,
            "-l" | "--load" => {
                programs.push(Step::Unseen(
                    crate::engine::describe(args),
                    "awk loads an extension the guard does not read",
                ));
                i += 1;
            }
            // `-i lib.awk` is read as a program too, but does not take the place of the
            // program argument.
            "-f" | "--file" | "-E" | "--exec" | "-i" | "--include" => {
                named |= !matches!(option, "-i" | "--include");
                if let Some(file) = args.get(i) {
                    read_file(ctx, cwd, file, &mut texts, &mut programs);
                }
                i += 1;
            }
            "-e" | "--source" => {
                named = true;
                if let Some(program) = args.get(i) {
                    push_program(program, &mut texts, &mut programs);
                }
                i += 1;
            }
            _ if text.starts_with('-') && text.len() > 1 => {}
            _ => {
                if !named {
                    push_program(arg, &mut texts, &mut programs);
                }
                break;
            }
        }
    }
    for text in texts {
        programs.extend(commands(&text));
    }
    programs
}

fn read_file(
    ctx: &Context<'_>,
    cwd: &Path,
    file: &Arg,
    texts: &mut Vec<String>,
    steps: &mut Vec<Step>,
) {
    match file.known() {
        Some(path) => match ctx.files.read(&crate::scope::normalize(&cwd.join(path))) {
            Some(text) => texts.push(text),
            None => steps.push(Step::Unresolved(
                path.to_string(),
                "awk runs a program file the guard cannot read",
            )),
        },
        None => steps.push(Step::Unresolved(
            file.text.clone(),
            "awk runs a program file chosen at run time",
        )),
    }
}

fn push_program(arg: &Arg, texts: &mut Vec<String>, steps: &mut Vec<Step>) {
    match arg.known() {
        Some(text) => texts.push(text.to_string()),
        None => steps.push(Step::Unresolved(
            arg.text.clone(),
            "awk runs a program built at run time",
        )),
    }
}

/// The commands an awk program runs.
fn commands(program: &str) -> Vec<Step> {
    let tokens = lex(program);
    let mut steps = Vec::new();
    let unseen = |why: &'static str| Step::Unseen(crate::walk::shorten(program), why);
    for (i, token) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).unwrap_or(&Token::End);
        match token {
            Token::Regex(true) => steps.push(unseen(
                "awk has a regular expression the guard may have misread, holding program text",
            )),
            // gawk's `@include "file"` and `@load "ext"`: files the guard does not read here.
            Token::Other('@') if matches!(next, Token::Word(w) if w == "include" || w == "load") => {
                steps.push(unseen("awk includes a file the guard does not read"))
            }
            Token::Word(word) if word == "system" && *next == Token::Punct("(") => {
                match (tokens.get(i + 2), tokens.get(i + 3)) {
                    (Some(Token::Str(command)), Some(Token::Punct(")"))) => {
                        steps.push(Step::Script(command.clone()))
                    }
                    _ => steps.push(unseen("awk runs a command built at run time")),
                }
            }
            Token::Punct("|" | "|&") => {
                let previous = i.checked_sub(1).and_then(|p| tokens.get(p));
                let after = tokens.get(i + 2).unwrap_or(&Token::End);
                match next {
                    // `"cmd" | getline [var]`
                    Token::Word(word) if word == "getline" => match previous {
                        Some(Token::Str(command)) => steps.push(Step::Script(command.clone())),
                        _ => steps.push(unseen(
                            "awk reads the output of a command built at run time",
                        )),
                    },
                    // `print … | "cmd"`: the command reads what the program prints.
                    Token::Str(command) if ends_expression(after) => {
                        if feeds_a_shell(command) {
                            steps.push(unseen("awk pipes what it prints into a shell"));
                        } else {
                            steps.push(Step::Script(command.clone()));
                        }
                    }
                    _ => steps.push(unseen("awk pipes into a command built at run time")),
                }
            }
            _ => {}
        }
    }
    steps
}

fn ends_expression(token: &Token) -> bool {
    matches!(
        token,
        Token::End | Token::Punct(";" | "}" | ")" | "\n" | "||" | "&&" | ",")
    )
}

/// Whether a command line runs what it reads on stdin as a program (`sh`, `bash -s`, `at`).
fn feeds_a_shell(command: &str) -> bool {
    let words: Vec<Arg> = command.split_whitespace().map(Arg::lit).collect();
    crate::wrappers::is_shell_reading_stdin(&words)
        || words
            .first()
            .and_then(Arg::known)
            .is_some_and(|w| crate::interpreters::reads_program_on_stdin(&words, w))
}

fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            ' ' | '\t' | '\r' => {}
            '\\' if chars.get(i) == Some(&'\n') => i += 1,
            '\n' => tokens.push(Token::Punct("\n")),
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let mut s = String::new();
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                        s.push(match chars[i] {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            other => other,
                        });
                    } else {
                        s.push(chars[i]);
                    }
                    i += 1;
                }
                i += 1;
                tokens.push(Token::Str(s));
            }
            '/' if !after_operand(tokens.last()) => {
                // A regular expression literal: `/a|b/`.
                let start = i;
                let mut in_bracket = false;
                while i < chars.len() && (in_bracket || chars[i] != '/') && chars[i] != '\n' {
                    match chars[i] {
                        '\\' => i += 1,
                        '[' => in_bracket = true,
                        ']' => in_bracket = false,
                        _ => {}
                    }
                    i += 1;
                }
                let body: String = chars[start..i.min(chars.len())].iter().collect();
                i += 1;
                tokens.push(Token::Regex(
                    body.contains("system") || body.contains("getline") || body.contains('"'),
                ));
            }
            '|' => match chars.get(i) {
                Some('|') => {
                    i += 1;
                    tokens.push(Token::Punct("||"));
                }
                Some('&') => {
                    i += 1;
                    tokens.push(Token::Punct("|&"));
                }
                _ => tokens.push(Token::Punct("|")),
            },
            // `i++` and `i--` end an operand: a `/` after them divides.
            '+' | '-' if chars.get(i) == Some(&c) => {
                i += 1;
                tokens.push(Token::Punct(if c == '+' { "++" } else { "--" }));
            }
            '&' if chars.get(i) == Some(&'&') => {
                i += 1;
                tokens.push(Token::Punct("&&"));
            }
            '(' => tokens.push(Token::Punct("(")),
            ')' => tokens.push(Token::Punct(")")),
            ';' => tokens.push(Token::Punct(";")),
            '{' => tokens.push(Token::Punct("{")),
            '}' => tokens.push(Token::Punct("}")),
            ',' => tokens.push(Token::Punct(",")),
            _ if c.is_alphanumeric() || c == '_' => {
                let mut word = c.to_string();
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    word.push(chars[i]);
                    i += 1;
                }
                tokens.push(Token::Word(word));
            }
            other => tokens.push(Token::Other(other)),
        }
    }
    tokens
}

/// Whether a `/` after this token divides (it follows an operand) rather than opens a regex.
fn after_operand(token: Option<&Token>) -> bool {
    match token {
        Some(Token::Str(_) | Token::Regex(_) | Token::Punct(")" | "++" | "--")) => true,
        Some(Token::Word(w)) => !matches!(
            w.as_str(),
            "print" | "printf" | "return" | "in" | "if" | "while"
        ),
        Some(Token::Other(c)) => matches!(c, ']' | '$'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_commands() {
        assert_eq!(
            commands(r#"BEGIN{system("aws s3 rb s3://b")}"#),
            vec![Step::Script("aws s3 rb s3://b".into())]
        );
        assert_eq!(
            commands(r#"{ print $1 | "sort -u" }"#),
            vec![Step::Script("sort -u".into())]
        );
        assert_eq!(
            commands(r#"BEGIN { "date" | getline d; print d }"#),
            vec![Step::Script("date".into())]
        );
        assert!(commands("/a|b/ { print $1 } $2 > 3 || $3 ~ /x|y/").is_empty());
        assert!(matches!(commands("{ system($0) }")[..], [Step::Unseen(..)]));
        assert!(matches!(
            commands(r#"{ print | "sh" }"#)[..],
            [Step::Unseen(..)]
        ));
        assert!(matches!(
            commands(r#"{ print | "sort " $2 }"#)[..],
            [Step::Unseen(..)]
        ));
        assert!(commands("{ n = $1 / 2; print n / 3 }").is_empty());
    }
}
