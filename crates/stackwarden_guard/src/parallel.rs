//! GNU `parallel`: it builds a command line for each input value and hands it to a shell.
//! `parallel ::: "cdk destroy --force"` (no command: the values are the command lines),
//! `parallel cdk {} ::: destroy` (`{}` and the other replacement strings take the value, which
//! parallel quotes), `parallel aws s3 rb ::: s3://a` (no replacement string: the value is
//! appended). Several `:::` groups combine every value of one with every value of the next
//! (`:::+` pairs them instead). Values read from stdin or a file (`::::`, `-a`) are only known
//! at run time.

use crate::launchers::quote;
use crate::words::Arg;
use crate::wrappers::Step;

/// Command lines built at most; past it the first ones are judged.
const MAX_LINES: usize = 16;

/// Options that take a value (GNU parallel 2024).
const WITH_VALUE: &[&str] = &[
    "-j",
    "--jobs",
    "-P",
    "--max-procs",
    "-S",
    "--sshlogin",
    "--slf",
    "--sshloginfile",
    "--colsep",
    "-C",
    "-d",
    "--delimiter",
    "-E",
    "--eof",
    "--joblog",
    "--results",
    "--res",
    "--tmpdir",
    "--workdir",
    "--wd",
    "-n",
    "--max-args",
    "-N",
    "-L",
    "--max-lines",
    "-l",
    "--timeout",
    "--delay",
    "--retries",
    "--halt",
    "--halt-on-error",
    "--memfree",
    "--load",
    "--basefile",
    "--bf",
    "--transfer-file",
    "--tf",
    "--return",
    "--env",
    "--tagstring",
    "--tag-string",
    "--shebang-wrap",
    "--nice",
    "--block",
    "--block-size",
    "--header",
    "--id",
    "--semaphorename",
    "--fg-delay",
    "--limit",
    "--ssh",
    "--sqlmaster",
    "--sqlworker",
    "--sqlandworker",
    "--profile",
    "-J",
    "--termseq",
];

/// Where the input values come from.
enum Input {
    /// `::: a b` groups, `true` when linked to the previous group (`:::+`).
    Groups(Vec<(Vec<Arg>, bool)>),
    /// stdin, `::::` files, `-a file`: known only at run time.
    RunTime,
}

pub(crate) fn unwrap(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    let mut replace = "{}".to_string();
    let mut from_file = false;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        match text {
            // It prints the command lines instead of running them.
            "--dry-run" => return vec![],
            "-I" | "--replace" => {
                if let Some(r) = args.get(i + 1).and_then(Arg::known) {
                    replace = r.to_string();
                }
                i += 2;
            }
            "-a" | "--arg-file" => {
                from_file = true;
                i += 2;
            }
            _ if text.starts_with("-I") && text.len() > 2 => {
                replace = text[2..].to_string();
                i += 1;
            }
            _ if text.starts_with("--replace=") => {
                replace = text["--replace=".len()..].to_string();
                i += 1;
            }
            _ if text.starts_with("--arg-file=") => {
                from_file = true;
                i += 1;
            }
            _ => i += if WITH_VALUE.contains(&text) { 2 } else { 1 },
        }
    }
    let rest = args.get(i..).unwrap_or_default();
    let is_separator = |a: &Arg| {
        a.known()
            .is_some_and(|t| matches!(t, ":::" | ":::+" | "::::" | "::::+"))
    };
    let split = rest.iter().position(is_separator).unwrap_or(rest.len());
    let (command, sources) = rest.split_at(split);
    let input = if from_file || sources.is_empty() {
        Input::RunTime
    } else {
        groups(sources)
    };
    match input {
        Input::Groups(groups) => lines(command, &groups, &replace),
        Input::RunTime if command.is_empty() => vec![Step::Unresolved(
            "parallel".into(),
            "parallel runs command lines it reads at run time",
        )],
        Input::RunTime => {
            // Like xargs: the command runs with values nobody can read here.
            let mut argv: Vec<Arg> = command
                .iter()
                .map(|a| {
                    if has_replacement(&a.text, &replace) {
                        Arg::dynamic(a.text.as_str())
                    } else {
                        a.clone()
                    }
                })
                .collect();
            if !command.iter().any(|a| has_replacement(&a.text, &replace)) {
                argv.push(Arg::dynamic("<input from parallel>"));
            }
            vec![Step::run(argv)]
        }
    }
}

fn groups(sources: &[Arg]) -> Input {
    let mut groups: Vec<(Vec<Arg>, bool)> = Vec::new();
    for arg in sources {
        match arg.known() {
            Some(":::") => groups.push((Vec::new(), false)),
            Some(":::+") => groups.push((Vec::new(), true)),
            Some("::::" | "::::+") => return Input::RunTime,
            _ => match groups.last_mut() {
                Some((values, _)) => values.push(arg.clone()),
                None => return Input::RunTime,
            },
        }
    }
    Input::Groups(groups)
}

/// The command lines parallel builds from the value groups.
fn lines(command: &[Arg], groups: &[(Vec<Arg>, bool)], replace: &str) -> Vec<Step> {
    let mut combos: Vec<Vec<Arg>> = vec![Vec::new()];
    for (values, linked) in groups {
        if *linked {
            for (i, combo) in combos.iter_mut().enumerate() {
                combo.extend(values.get(i).cloned());
            }
            continue;
        }
        let mut next = Vec::new();
        for combo in &combos {
            for value in values {
                let mut c = combo.clone();
                c.push(value.clone());
                next.push(c);
                if next.len() >= MAX_LINES {
                    break;
                }
            }
        }
        combos = next;
    }
    combos
        .into_iter()
        .take(MAX_LINES)
        .map(|values| line(command, &values, replace))
        .collect()
}

/// One command line: the template with the values put in, or the values alone.
fn line(command: &[Arg], values: &[Arg], replace: &str) -> Step {
    let known = |a: &Arg| a.literal;
    if !command.iter().all(known) || !values.iter().all(known) {
        let mut text: Vec<&str> = command.iter().map(|a| a.text.as_str()).collect();
        text.extend(values.iter().map(|a| a.text.as_str()));
        return Step::Unresolved(text.join(" "), "parallel runs a command built at run time");
    }
    // No command: each value is a command line of its own (joined when there are several).
    if command.is_empty() {
        let text: Vec<&str> = values.iter().map(|a| a.text.as_str()).collect();
        return Step::Script(text.join(" "));
    }
    let quoted: Vec<String> = values.iter().map(|v| quote(&v.text)).collect();
    let mut used = false;
    let mut words: Vec<String> = command
        .iter()
        .map(|word| {
            let (filled, hit) = fill(&word.text, &quoted, replace);
            used |= hit;
            filled
        })
        .collect();
    if !used {
        words.extend(quoted);
    }
    Step::Script(words.join(" "))
}

/// `{}`, `{.}`, `{/}`, `{//}`, `{/.}` (and the `-I` string) take the first value (the file-name
/// forms are the value itself as far as the guard cares); `{1}`, `{2}`… the numbered one.
fn fill(word: &str, values: &[String], replace: &str) -> (String, bool) {
    let first = values.first().map(String::as_str).unwrap_or("''");
    let mut out = word.to_string();
    let mut hit = false;
    for (n, value) in values.iter().enumerate() {
        let numbered = format!("{{{}}}", n + 1);
        if out.contains(&numbered) {
            out = out.replace(&numbered, value);
            hit = true;
        }
    }
    for form in [replace, "{.}", "{/}", "{//}", "{/.}"] {
        if out.contains(form) {
            out = out.replace(form, first);
            hit = true;
        }
    }
    (out, hit)
}

fn has_replacement(word: &str, replace: &str) -> bool {
    word.contains(replace) || (word.contains('{') && word.contains('}'))
}
