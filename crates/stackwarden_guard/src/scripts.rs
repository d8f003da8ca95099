//! Shell scripts as files and as text only known at run time: `source FILE` / `. FILE` runs the
//! file in the current shell (its variables, functions, aliases and `cd` stay); a shell given
//! `-n` only parses (nothing runs, so nothing is judged); `bash -c` of text built at run time is
//! asked about whatever it says, as `eval` of such text is; a script that cannot be read is
//! asked about; and a script written earlier on the same command line (`echo '…' > x.sh && bash
//! x.sh`, `cat > run.sh <<'EOF'`) is judged by the text written, when it is known.

use std::path::Path;

use brush_parser::ast::{self, IoRedirect};

use crate::engine::{basename, describe};
use crate::scope::{normalize, Scope};
use crate::walk::Walker;
use crate::words::{self, Arg};
use crate::wrappers::Step;

/// The text of a here-document as the command reading it gets it, when known: a quoted
/// delimiter (`<<'EOF'`) keeps the body as written; an unquoted one expands `$…`, so a body
/// with any expansion is unknown.
pub(crate) fn heredoc_text(doc: &ast::IoHereDocument) -> Option<String> {
    let body = &doc.doc.value;
    (!doc.requires_expansion || !body.contains(['$', '`', '\\'])).then(|| body.clone())
}

/// A file's text: what this command line wrote into it, else what it holds now.
pub(crate) fn read_file(walker: &Walker<'_, '_>, path: &Path) -> Option<String> {
    let path = normalize(path);
    match walker.written.get(&path) {
        Some(text) => text.clone(),
        None => walker.ctx.files.read(&path),
    }
}

/// What a command prints, when the command line shows it: `echo`/`printf` of literal words,
/// `cat` of its (known) standard input.
fn output(argv: &[Arg], stdin: &Option<String>) -> Option<String> {
    let (name, args) = argv.split_first()?;
    let args: Vec<&str> = args.iter().map(Arg::known).collect::<Option<_>>()?;
    match basename(name.known()?) {
        "echo" => {
            let mut newline = true;
            let mut escapes = false;
            let mut words = args.as_slice();
            while let Some((first, rest)) = words.split_first() {
                let flags = first
                    .strip_prefix('-')
                    .filter(|f| !f.is_empty() && f.chars().all(|c| matches!(c, 'n' | 'e' | 'E')));
                let Some(flags) = flags else { break };
                newline &= !flags.contains('n');
                escapes |= flags.contains('e');
                words = rest;
            }
            let text = words.join(" ");
            if escapes && text.contains('\\') {
                return None;
            }
            Some(if newline { text + "\n" } else { text })
        }
        "printf" => {
            let (format, values) = args.split_first()?;
            crate::builtins::printf(format, values)
        }
        "cat" if args.is_empty() || args == ["-"] => stdin.clone(),
        _ => None,
    }
}

/// Records the files a command writes (see [`Walker::written`]).
pub(crate) fn record_writes(
    walker: &mut Walker<'_, '_>,
    argv: &[Arg],
    redirects: &[&IoRedirect],
    scope: &Scope,
) {
    let env = &walker.ctx.env;
    let path_of = |word: &str| {
        words::expand(word, &|name| scope.get(name, env))
            .arg
            .known()
            .map(|path| normalize(&scope.cwd.join(path)))
    };
    let mut writes = Vec::new();
    for redirect in redirects {
        let (word, stdout, append) = match redirect {
            IoRedirect::File(
                fd,
                kind @ (ast::IoFileRedirectKind::Write
                | ast::IoFileRedirectKind::Clobber
                | ast::IoFileRedirectKind::Append
                | ast::IoFileRedirectKind::ReadAndWrite),
                ast::IoFileRedirectTarget::Filename(w),
            ) => (
                w,
                fd.is_none_or(|fd| fd == 1)
                    && !matches!(kind, ast::IoFileRedirectKind::ReadAndWrite),
                matches!(kind, ast::IoFileRedirectKind::Append),
            ),
            IoRedirect::OutputAndError(w, append) => (w, true, *append),
            _ => continue,
        };
        if let Some(path) = path_of(&word.value) {
            writes.push((path, stdout, append));
        }
    }
    let printed = output(argv, &walker.stdin);
    for (path, stdout, append) in writes {
        let text = match (stdout, append) {
            (false, _) => None,
            (true, false) => printed.clone(),
            (true, true) => read_file(walker, &path)
                .zip(printed.clone())
                .map(|(old, new)| old + &new),
        };
        walker.written.insert(path, text);
    }
    // Files the command writes itself (`tee`, `cp`, `sed -i`, …): `tee` copies its input.
    let tee = argv.first().and_then(Arg::known).map(basename) == Some("tee");
    let appends = argv.iter().any(|a| a.known() == Some("-a"));
    for file in crate::self_protection::files_written(argv, &[]) {
        if !file.contains(['$', '`']) {
            let path = normalize(&scope.cwd.join(file));
            let text = (tee && !appends).then(|| walker.stdin.clone()).flatten();
            walker.written.insert(path, text);
        }
    }
}

/// A shell's options before its script: `Some(steps)` when they decide what runs here (`-n`
/// parses only; `-c` of text built at run time is unseen), `None` to let `wrappers` peel it.
pub(crate) fn shell(argv: &[Arg]) -> Option<Vec<Step>> {
    let args = argv.get(1..).unwrap_or_default();
    let mut noexec = false;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else { break };
        match text {
            "--" => break,
            "--version" | "--help" => return Some(vec![]),
            "-o" | "+o" => {
                noexec |= text == "-o" && args.get(i + 1).and_then(Arg::known) == Some("noexec");
                i += 2;
                continue;
            }
            "-O" | "+O" | "--rcfile" | "--init-file" => {
                i += 2;
                continue;
            }
            _ if text.starts_with("--") => {}
            _ if text.starts_with('-') && text.len() > 1 => {
                let flags = &text[1..];
                noexec |= flags.contains('n');
                if flags.contains('c') {
                    if noexec {
                        return Some(vec![]);
                    }
                    return match args.get(i + 1) {
                        Some(script)
                            if !script.literal
                                && !crate::eval::is_shell_setup_output(script, false) =>
                        {
                            Some(vec![Step::Unseen(
                                script.text.clone(),
                                "a shell runs a script built at run time",
                            )])
                        }
                        _ => None,
                    };
                }
                // `bash -s a b`: the words are arguments of the script read on stdin.
                if flags.contains('s') {
                    return Some(vec![]);
                }
            }
            _ if text.starts_with('+') && text.len() > 1 => {}
            _ => break,
        }
        i += 1;
    }
    // `bash -n script.sh`: read for syntax errors, never run.
    noexec.then(Vec::new)
}

/// `source FILE [ARGS]` / `. FILE`: the file runs in the current shell, so what it sets (variables,
/// exports, functions, aliases, the folder) is there for the commands after it.
pub(crate) fn source(
    walker: &mut Walker<'_, '_>,
    argv: &[Arg],
    scope: &mut Scope,
    outer: &mut Scope,
    depth: usize,
) {
    let Some(file) = argv.get(1) else { return };
    let Some(path) = file.known() else {
        walker.unresolved(
            &describe(argv),
            "a script whose name is built at run time is run",
        );
        return;
    };
    // `source ~/.nvm/nvm.sh`: the tilde is the home folder (the word expander keeps it).
    let home = match scope.get("HOME", &walker.ctx.env) {
        Some(crate::words::Var::Known(home)) => Some(home),
        _ => None,
    };
    let path = match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => scope.cwd.join(path),
    };
    let Some(text) = read_file(walker, &path) else {
        cannot_read(walker, &path, &describe(argv));
        return;
    };
    let args = argv.get(2..).unwrap_or_default();
    let saved = scope.positional().map(<[_]>::to_vec);
    if !args.is_empty() {
        scope.set_positional(Some(
            args.iter().cloned().map(crate::walk::as_var).collect(),
        ));
    }
    walker.script(&text, scope, depth + 1);
    if !args.is_empty() {
        scope.set_positional(saved);
    }
    *outer = scope.clone();
}

/// A script runs that the guard cannot read (it does not exist here, or this command line wrote
/// it with text only known at run time).
/// A script that exists but cannot be read (too large, not text, no permission) is asked
/// about. One that does not exist and that this command line did not write cannot run: the
/// shell answers "No such file", so there is nothing to judge (npm scripts name files their
/// package left out of the tarball; a project's own scripts are on disk).
pub(crate) fn cannot_read(walker: &mut Walker<'_, '_>, path: &Path, seen: &str) {
    let path = normalize(path);
    if !walker.written.contains_key(&path) && !walker.ctx.files.exists(&path) {
        return;
    }
    let why = "a script the guard cannot read is run";
    if walker.defining > 0 {
        walker.unresolved(seen, why);
    } else {
        walker.unseen(seen, why);
    }
}
