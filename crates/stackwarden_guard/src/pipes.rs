//! How commands pass text to each other, read off the syntax tree: a shell in a pipeline that
//! runs what the command before it prints (`echo 'cdk destroy' | sh`), `source`/shells given a
//! process substitution, commands that print what they read (`| grep`), output redirected to a
//! file. The walker uses these to see through stdin-fed shells and to know whether a command's
//! output reaches the agent's transcript.

use brush_parser::ast::{self, Command, CommandPrefixOrSuffixItem as Item, IoRedirect};

use crate::words::{self, Arg};

/// The literal words of a simple command (its name first), when every one is literal.
fn literal_words(command: &Command) -> Option<Vec<String>> {
    let Command::Simple(simple) = command else {
        return None;
    };
    let name = simple.word_or_name.as_ref()?;
    let suffix = simple.suffix.iter().flat_map(|s| s.0.iter());
    let mut words = vec![name.value.as_str()];
    for item in suffix {
        match item {
            Item::Word(w) | Item::AssignmentWord(_, w) => words.push(w.value.as_str()),
            _ => return None,
        }
    }
    words
        .into_iter()
        .map(|raw| {
            words::expand(raw, &|_| None)
                .arg
                .known()
                .map(str::to_string)
        })
        .collect()
}

/// A shell with no script operand and no `-c`: it runs what arrives on stdin.
pub(crate) fn reads_script_on_stdin(command: &Command) -> bool {
    match literal_words(command) {
        Some(words) => {
            let argv: Vec<Arg> = words.into_iter().map(Arg::lit).collect();
            crate::wrappers::is_shell_reading_stdin(&argv)
        }
        // A shell whose words are not all literal: the name decides.
        None => matches!(command, Command::Simple(s) if s.word_or_name.as_ref().is_some_and(|n| {
            crate::wrappers::is_shell(crate::engine::basename(&n.value))
        })),
    }
}

/// What `echo`/`printf` of literal words prints, as a script.
pub(crate) fn literal_output(command: &Command) -> Option<String> {
    let words = literal_words(command)?;
    let (name, args) = words.split_first()?;
    match crate::engine::basename(name) {
        "echo" => {
            let args: Vec<&str> = args
                .iter()
                .map(String::as_str)
                .skip_while(|a| matches!(*a, "-n" | "-e" | "-E" | "-ne" | "-en"))
                .collect();
            Some(args.join(" "))
        }
        "printf" if args.len() == 1 && !args[0].contains('%') => Some(args[0].replace("\\n", "\n")),
        _ => None,
    }
}

/// `source`, `.` and the shells: they run the file (or substitution) they are given.
pub(crate) fn runs_scripts(name: &str) -> bool {
    let name = crate::engine::basename(name);
    matches!(name, "source" | ".") || crate::wrappers::is_shell(name)
}

/// Whether a command in a pipeline passes what it reads on to the transcript (`| grep x`,
/// `| jq .`). Unknown and compound commands count as consuming it.
pub(crate) fn prints_its_input(command: &Command) -> bool {
    let Command::Simple(simple) = command else {
        return false;
    };
    simple
        .word_or_name
        .as_ref()
        .and_then(|name| {
            words::expand(&name.value, &|_| None)
                .arg
                .known()
                .map(str::to_string)
        })
        .is_some_and(|name| crate::transcript::passes_output_on(&name))
}

/// `> file`, `>> file`, `&> file`: standard output goes to a file, not the transcript.
pub(crate) fn stdout_to_file(redirect: &IoRedirect) -> bool {
    match redirect {
        IoRedirect::File(fd, kind, ast::IoFileRedirectTarget::Filename(_)) => {
            fd.is_none_or(|fd| fd == 1)
                && matches!(
                    kind,
                    ast::IoFileRedirectKind::Write
                        | ast::IoFileRedirectKind::Append
                        | ast::IoFileRedirectKind::Clobber
                )
        }
        IoRedirect::OutputAndError(..) => true,
        _ => false,
    }
}
