//! Shell builtins that change the shell for the commands after them: `cd`, `export` and the
//! other declaration builtins, `unset`, `alias`/`unalias`, `set --` and `shift` (the positional
//! parameters). They run nothing themselves, except that an alias's value is judged where it is
//! defined, like a function's body: the guard cannot know whether the alias is used later.

use crate::engine::describe;
use crate::scope::Scope;
use crate::walk::Walker;
use crate::words::{Arg, Var};
use crate::wrappers;

/// Applies the builtin `name` to `outer` (the shell's own state); `false` when `name` is none.
pub(crate) fn apply(
    walker: &mut Walker<'_, '_>,
    name: &str,
    argv: &[Arg],
    outer: &mut Scope,
    depth: usize,
) -> bool {
    let args = argv.get(1..).unwrap_or_default();
    match name {
        "cd" | "pushd" => {
            if let Some(dir) = args.first().and_then(Arg::known) {
                outer.change_dir(dir);
            }
        }
        "export" | "declare" | "typeset" | "local" | "readonly" => {
            let reference = name != "export" && declares_reference(args);
            for arg in args {
                // `export $(cat .env | xargs)`, `declare -x "$name"`: which variables get which
                // values is only known at run time.
                let dynamic_name = !arg.literal && wrappers::assignment(&arg.text).is_none();
                if dynamic_name {
                    outer.set_environment_unknown();
                    continue;
                }
                if let Some((name, value)) = wrappers::assignment(&arg.text) {
                    if reference {
                        // `declare -n P=dev`: P names the variable `dev`; what it reads is
                        // that variable's value later on, which the guard does not follow.
                        outer.set(&name, read_at_run_time(&format!("declare -n {name}")));
                        continue;
                    }
                    let value = if arg.literal {
                        Var::Known(value)
                    } else {
                        Var::Unknown(value)
                    };
                    crate::credentials::check_export(walker, &name, &value, &describe(argv));
                    outer.set(&name, value);
                }
            }
        }
        "unset" => {
            for arg in args
                .iter()
                .filter_map(Arg::known)
                .filter(|a| !a.starts_with('-'))
            {
                outer.unset(arg);
            }
        }
        "alias" => alias(walker, args, outer, depth),
        "unalias" => {
            for arg in args.iter().filter_map(Arg::known) {
                if arg == "-a" {
                    outer.clear_aliases();
                } else {
                    outer.remove_alias(arg);
                }
            }
        }
        "set" => set(args, outer),
        "read" => read(args, &walker.stdin.clone(), walker.ifs.clone(), outer),
        "mapfile" | "readarray" => mapfile(args, &walker.stdin.clone(), outer),
        "printf" => return printf_to_variable(args, outer),
        // `getopts spec NAME`: the option letter and `OPTARG` are read at run time.
        "getopts" => {
            for name in args
                .get(1)
                .and_then(Arg::known)
                .into_iter()
                .chain(["OPTARG"])
            {
                outer.set(name, read_at_run_time(&format!("getopts {name}")));
            }
        }
        "shift" => {
            let n = args.first().map_or(Some(1), |a| a.known()?.parse().ok());
            match n {
                Some(n) => outer.shift(n),
                None => outer.set_positional(None),
            }
        }
        _ => return false,
    }
    true
}

/// Whether `declare`/`typeset`/`local` options make namerefs (`-n`, `-gn`, `-rn`).
pub(crate) fn declares_reference(args: &[Arg]) -> bool {
    args.iter()
        .map(|a| a.text.as_str())
        .take_while(|a| *a != "--")
        .any(|a| a.starts_with('-') && !a.contains('=') && a[1..].contains('n'))
}

/// `alias name='value' …`; `alias name` alone prints it.
fn alias(walker: &mut Walker<'_, '_>, args: &[Arg], outer: &mut Scope, depth: usize) {
    for arg in args {
        let Some((name, value)) = arg.text.split_once('=') else {
            continue;
        };
        if !arg.literal {
            // The value is built at run time (`alias d="$CMD"`): using it is asked about.
            outer.set_alias(name, None);
            continue;
        }
        walker.defined_script(value, outer, depth);
        outer.set_alias(name, Some(value.to_string()));
    }
}

/// `set -- a b c` / `set a b` sets the positional parameters; `set -euo pipefail` only options.
fn set(args: &[Arg], outer: &mut Scope) {
    let mut i = 0;
    // `set --` alone empties them; `set -e` alone leaves them.
    let mut ended = false;
    while let Some(arg) = args.get(i) {
        match arg.known() {
            Some("--") => {
                i += 1;
                ended = true;
                break;
            }
            // `-o name` / `+o name` take the option's name.
            Some("-o" | "+o") => i += 2,
            Some(option) if option.starts_with(['-', '+']) => i += 1,
            Some(_) => break,
            // A word built at run time may be an option or a parameter: neither is known.
            None => {
                outer.set_positional(None);
                return;
            }
        }
    }
    let rest = args.get(i..).unwrap_or_default();
    if ended || !rest.is_empty() {
        let values = rest
            .iter()
            .map(|a| {
                if a.literal {
                    Var::Known(a.text.clone())
                } else {
                    Var::Unknown(a.text.clone())
                }
            })
            .collect();
        outer.set_positional(Some(values));
    }
}

/// What a builtin reads on its standard input, when the command line says: a here-string, a
/// here-document, or a file the guard can read. `None`: a pipe, the terminal, a file it cannot.
pub(crate) type Input = Option<String>;

/// The field splitting of `IFS` (bash rules): IFS white space (space, tab, newline) around
/// a field is dropped and runs of it separate once; every other IFS character separates on its
/// own, so `a,,b` with `IFS=,` is three fields. An empty `IFS` splits nothing.
pub(crate) fn split_fields(text: &str, ifs: &str) -> Vec<String> {
    split_at_most(text, ifs, usize::MAX)
}

/// Splits off at most `max - 1` fields; the last holds the rest of the text (its trailing IFS
/// white space dropped), as `read a b` gives `b` the rest of the line.
fn split_at_most(text: &str, ifs: &str, max: usize) -> Vec<String> {
    if ifs.is_empty() {
        return if text.is_empty() {
            vec![]
        } else {
            vec![text.to_string()]
        };
    }
    let white = |c: char| ifs.contains(c) && matches!(c, ' ' | '\t' | '\n');
    let delimiter = |c: char| ifs.contains(c) && !white(c);
    let chars: Vec<char> = text.chars().collect();
    let mut fields = Vec::new();
    let mut i = 0;
    while i < chars.len() && white(chars[i]) {
        i += 1;
    }
    while i < chars.len() {
        if fields.len() + 1 >= max {
            let rest: String = chars[i..].iter().collect();
            fields.push(rest.trim_end_matches(white).to_string());
            return fields;
        }
        let start = i;
        while i < chars.len() && !ifs.contains(chars[i]) {
            i += 1;
        }
        fields.push(chars[start..i].iter().collect());
        while i < chars.len() && white(chars[i]) {
            i += 1;
        }
        if i < chars.len() && delimiter(chars[i]) {
            i += 1;
            while i < chars.len() && white(chars[i]) {
                i += 1;
            }
        }
    }
    fields
}

/// The `IFS` the shell splits with: `None` when it is only known at run time.
pub(crate) fn ifs(
    scope: &Scope,
    env: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    match scope.get("IFS", env) {
        Some(Var::Known(ifs)) => Some(ifs),
        None => Some(" \t\n".to_string()),
        Some(_) => None,
    }
}

/// A variable whose value is read at run time: it counts as a command's output.
fn read_at_run_time(what: &str) -> Var {
    Var::Unknown(crate::scope::run_time_origin(what))
}

/// `read [-r] [-a array] [-d delim] NAME…`: the names get the first line of the input, split
/// with `IFS`, when the input is known; else they get values only known at run time (never
/// left looking unset).
fn read(args: &[Arg], input: &Input, ifs: Option<String>, scope: &mut Scope) {
    let mut raw = false;
    let mut array = None;
    let mut delim = '\n';
    let mut exact = true;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        let Some(text) = arg.known() else {
            // An option or name built at run time: nothing is known about what is set.
            scope.set_environment_unknown();
            return;
        };
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text.len() < 2 {
            break;
        }
        i += 1;
        let mut flags = text[1..].chars();
        while let Some(flag) = flags.next() {
            // Options with a value take the rest of the word or the next word.
            if matches!(flag, 'a' | 'd' | 'i' | 'n' | 'N' | 'p' | 't' | 'u') {
                let rest: String = flags.collect();
                let value = if rest.is_empty() {
                    i += 1;
                    args.get(i - 1).and_then(Arg::known).map(str::to_string)
                } else {
                    Some(rest)
                };
                match flag {
                    'a' => array = value,
                    'd' => match value.as_deref().map(|v| v.chars().next()) {
                        Some(Some(c)) => delim = c,
                        Some(None) => delim = '\0',
                        None => exact = false,
                    },
                    'n' | 'N' | 'u' | 'i' => exact = false,
                    _ => {}
                }
                break;
            }
            match flag {
                'r' => raw = true,
                's' | 'e' => {}
                _ => exact = false,
            }
        }
    }
    let mut names: Vec<String> = args
        .get(i..)
        .unwrap_or_default()
        .iter()
        .map(|a| a.known().map(str::to_string))
        .collect::<Option<_>>()
        .unwrap_or_else(|| {
            exact = false;
            Vec::new()
        });
    if let Some(array) = &array {
        names = vec![array.clone()];
    } else if names.is_empty() {
        names.push("REPLY".to_string());
    }
    let line = input.as_deref().filter(|_| exact).map(|text| {
        let mut line = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == delim {
                break;
            }
            if c == '\\' && !raw {
                match chars.next() {
                    Some('\n') => continue,
                    Some(next) => line.push(next),
                    None => {}
                }
                continue;
            }
            line.push(c);
        }
        line
    });
    let (Some(line), Some(ifs)) = (line, ifs) else {
        for name in names {
            let value = read_at_run_time(&format!("read {name}"));
            scope.set(
                &name,
                if array.is_some() {
                    Var::List(vec![value])
                } else {
                    value
                },
            );
        }
        return;
    };
    if array.is_some() {
        let items = split_fields(&line, &ifs)
            .into_iter()
            .map(Var::Known)
            .collect();
        scope.set(&names[0], Var::List(items));
        return;
    }
    let mut fields = split_at_most(&line, &ifs, names.len()).into_iter();
    for name in names {
        scope.set(&name, Var::Known(fields.next().unwrap_or_default()));
    }
}

/// `mapfile [-t] [-d delim] [ARRAY]` / `readarray`: one element per line of known input.
fn mapfile(args: &[Arg], input: &Input, scope: &mut Scope) {
    let mut strip = false;
    let mut delim = '\n';
    let mut exact = true;
    let mut name = "MAPFILE".to_string();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            scope.set_environment_unknown();
            return;
        };
        match text {
            "-t" => strip = true,
            "-d" => {
                match args.get(i).and_then(Arg::known) {
                    Some(d) => delim = d.chars().next().unwrap_or('\0'),
                    None => exact = false,
                }
                i += 1;
            }
            "-n" | "-O" | "-s" | "-u" | "-C" | "-c" => {
                exact = false;
                i += 1;
            }
            option if option.starts_with('-') => exact = false,
            other => name = other.to_string(),
        }
    }
    let value = match input.as_deref().filter(|_| exact) {
        Some(text) => {
            let mut items = Vec::new();
            let mut rest = text;
            while !rest.is_empty() {
                let (item, next) = match rest.find(delim) {
                    Some(at) => {
                        let end = at + delim.len_utf8();
                        (if strip { &rest[..at] } else { &rest[..end] }, &rest[end..])
                    }
                    None => (rest, ""),
                };
                items.push(Var::Known(item.to_string()));
                rest = next;
            }
            Var::List(items)
        }
        None => Var::List(vec![read_at_run_time(&format!("mapfile {name}"))]),
    };
    scope.set(&name, value);
}

/// `printf -v NAME FORMAT ARGS…`: the text when the format uses only `%s` and `%%` and every
/// word is known; else a value only known at run time. `false` for a `printf` that prints.
fn printf_to_variable(args: &[Arg], scope: &mut Scope) -> bool {
    let (Some("-v"), Some(name)) = (args.first().and_then(Arg::known), args.get(1)) else {
        return false;
    };
    let Some(name) = name.known() else {
        scope.set_environment_unknown();
        return true;
    };
    let rest = args.get(2..).unwrap_or_default();
    let rest = match rest.first().and_then(Arg::known) {
        Some("--") => &rest[1..],
        _ => rest,
    };
    let value = rest
        .split_first()
        .and_then(|(format, values)| {
            let format = format.known()?;
            let values: Vec<&str> = values.iter().map(Arg::known).collect::<Option<_>>()?;
            printf(format, &values)
        })
        .map_or_else(
            || read_at_run_time(&format!("printf -v {name}")),
            Var::Known,
        );
    // `printf -v 'a[1]' x` sets an element: the array is then not known.
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        scope.set(name, value);
    } else if let Some((array, _)) = name.split_once('[') {
        scope.set(array, read_at_run_time(&format!("printf -v {name}")));
    }
    true
}

/// bash's printf for `%s`, `%%` and the common backslash escapes; `None` for anything else.
pub(crate) fn printf(format: &str, values: &[&str]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    loop {
        let mut chars = format.chars();
        let mut used = false;
        while let Some(c) = chars.next() {
            match c {
                '%' => match chars.next()? {
                    '%' => out.push('%'),
                    's' => {
                        out.push_str(values.get(next).copied().unwrap_or(""));
                        next += 1;
                        used = true;
                    }
                    _ => return None,
                },
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    _ => return None,
                },
                other => out.push(other),
            }
        }
        // The format is used again while arguments remain.
        if !used || next >= values.len() {
            return Some(out);
        }
    }
}
