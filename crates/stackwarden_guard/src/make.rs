//! Simple Makefiles: `make [-C dir] [-f file] [target...] [VAR=value]` runs the targets' recipes
//! (and their prerequisites'). Plain `VAR = value` definitions and command-line overrides are
//! substituted; everything fancier (pattern rules, functions) is left as text, which the shell
//! parser then sees (`$(shell ...)` reads as a command substitution and is judged too).
//! `include other.mk` (and `-include`, `sinclude`) of literal paths, relative to the Makefile's
//! folder, are read and their rules and variables merged, as make does; an include whose name
//! is built from variables or functions is not followed, and a requested target missing from
//! what was read is then unresolved (it may be defined in that include).
//! Hand-written because no maintained crate parses Makefiles for this purpose.

use std::collections::BTreeMap;
use std::path::Path;

use crate::context::Context;
use crate::words::Arg;
use crate::wrappers::Step;

/// Targets expanded for one `make` run; prerequisites chains in real projects are short.
const MAX_TARGETS: usize = 64;
/// Included makefiles read for one `make` run (includes of includes count).
const MAX_INCLUDES: usize = 32;

#[derive(Default)]
struct Makefile {
    vars: BTreeMap<String, String>,
    rules: BTreeMap<String, (Vec<String>, Vec<String>)>,
    default: Option<String>,
    includes: Vec<String>,
    /// An include the guard did not read (a name built at run time, past the bound): targets
    /// missing here may be defined there.
    unread_include: bool,
}

pub(crate) fn unwrap(ctx: &Context<'_>, name: &str, argv: &[Arg], cwd: &Path) -> Option<Vec<Step>> {
    if !matches!(name, "make" | "gmake") {
        return None;
    }
    let mut dir = cwd.to_path_buf();
    let mut file: Option<String> = None;
    let mut targets = Vec::new();
    let mut overrides = BTreeMap::new();
    let args = argv.get(1..).unwrap_or_default();
    let mut i = 0;
    while i < args.len() {
        let text = args[i].text.as_str();
        i += 1;
        match text {
            "-n" | "--dry-run" | "--just-print" | "--recon" | "-q" | "--question" => {
                return Some(vec![])
            }
            "-C" | "--directory" => {
                dir = crate::scope::normalize(
                    &dir.join(args.get(i).map(|a| a.text.as_str()).unwrap_or(".")),
                );
                i += 1;
            }
            "-f" | "--file" | "--makefile" => {
                file = args.get(i).map(|a| a.text.clone());
                i += 1;
            }
            "-o" | "-W" | "-I" | "-l" => i += 1,
            "-j" => {
                if args
                    .get(i)
                    .is_some_and(|a| a.text.chars().all(|c| c.is_ascii_digit()))
                {
                    i += 1;
                }
            }
            _ if text.starts_with("--directory=") => {
                dir = crate::scope::normalize(&dir.join(&text["--directory=".len()..]))
            }
            _ if text.starts_with("--file=") => file = Some(text["--file=".len()..].to_string()),
            _ if text.starts_with('-') => {}
            _ => match crate::wrappers::assignment(text) {
                Some((k, v)) => {
                    overrides.insert(k, v);
                }
                None => targets.push(text.to_string()),
            },
        }
    }
    let candidates = match &file {
        Some(f) => vec![f.clone()],
        None => vec!["GNUmakefile".into(), "makefile".into(), "Makefile".into()],
    };
    let Some(text) = candidates.iter().find_map(|c| ctx.files.read(&dir.join(c))) else {
        return Some(vec![]);
    };
    let mut makefile = parse(&text);
    let mut read = 0;
    include(ctx, &dir, &mut makefile, &mut read);
    makefile.vars.extend(overrides);
    if targets.is_empty() {
        targets.extend(makefile.default.clone());
    }
    let mut recipes = Vec::new();
    let mut visited = Vec::new();
    let mut steps = Vec::new();
    for target in &targets {
        if makefile.unread_include && !makefile.rules.contains_key(target) {
            steps.push(Step::Unresolved(
                format!("make {target}"),
                "make runs a target from an include the guard does not read",
            ));
        }
        collect(&makefile, target, &mut visited, &mut recipes);
    }
    let cd = format!("cd {} && ", crate::launchers::quote(&dir.to_string_lossy()));
    steps.extend(
        recipes
            .into_iter()
            .map(|r| Step::Script(format!("{cd}{}", expand(&r, &makefile.vars)))),
    );
    Some(steps)
}

/// Reads the makefiles `makefile` includes (literal paths only) and merges them in.
fn include(ctx: &Context<'_>, dir: &Path, makefile: &mut Makefile, read: &mut usize) {
    for name in std::mem::take(&mut makefile.includes) {
        if *read >= MAX_INCLUDES || name.contains(['$', '*', '?', '[']) {
            makefile.unread_include = true;
            continue;
        }
        *read += 1;
        let Some(text) = ctx.files.read(&crate::scope::normalize(&dir.join(&name))) else {
            continue;
        };
        let mut included = parse(&text);
        include(ctx, dir, &mut included, read);
        makefile.unread_include |= included.unread_include;
        for (k, v) in included.vars {
            makefile.vars.entry(k).or_insert(v);
        }
        for (target, (prerequisites, recipe)) in included.rules {
            let entry = makefile.rules.entry(target).or_default();
            entry.0.extend(prerequisites);
            entry.1.extend(recipe);
        }
        if makefile.default.is_none() {
            makefile.default = included.default;
        }
    }
}

fn collect(makefile: &Makefile, target: &str, visited: &mut Vec<String>, out: &mut Vec<String>) {
    if visited.len() >= MAX_TARGETS || visited.iter().any(|v| v == target) {
        return;
    }
    visited.push(target.to_string());
    let Some((prerequisites, recipe)) = makefile.rules.get(target) else {
        return;
    };
    for p in prerequisites {
        collect(makefile, p, visited, out);
    }
    out.extend(recipe.iter().cloned());
}

fn parse(text: &str) -> Makefile {
    let mut makefile = Makefile::default();
    let mut current: Vec<String> = Vec::new();
    let mut logical = Vec::new();
    let mut pending = String::new();
    // Join backslash-continued lines first, keeping whether the line was a recipe line.
    for line in text.lines() {
        if let Some(stripped) = line.strip_suffix('\\') {
            pending.push_str(stripped);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        logical.push(std::mem::take(&mut pending));
    }
    for line in logical {
        if let Some(recipe) = line.strip_prefix('\t') {
            let command = recipe.trim_start_matches(['@', '-', '+', ' ']).trim();
            for target in &current {
                if let Some(rule) = makefile.rules.get_mut(target) {
                    if !command.is_empty() {
                        rule.1.push(command.to_string());
                    }
                }
            }
            continue;
        }
        let trimmed = line.split('#').next().unwrap_or("").trim();
        if trimmed.is_empty() {
            continue;
        }
        // `include a.mk b.mk`, `-include x.mk`, `sinclude x.mk`.
        if let Some(files) = ["include ", "-include ", "sinclude "]
            .iter()
            .find_map(|word| trimmed.strip_prefix(word))
        {
            makefile
                .includes
                .extend(files.split_whitespace().map(str::to_string));
            current.clear();
            continue;
        }
        if let Some((name, value)) = variable(trimmed) {
            makefile.vars.insert(name, value);
            current.clear();
            continue;
        }
        if let Some((targets, prerequisites)) = trimmed.split_once(':') {
            let prerequisites = prerequisites.split(';').next().unwrap_or("");
            current = targets.split_whitespace().map(str::to_string).collect();
            for target in &current {
                let entry = makefile.rules.entry(target.clone()).or_default();
                entry
                    .0
                    .extend(prerequisites.split_whitespace().map(str::to_string));
                if makefile.default.is_none() && !target.starts_with('.') && !target.contains('%') {
                    makefile.default = Some(target.clone());
                }
            }
        }
    }
    makefile
}

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `export NAME = value`.
fn variable(line: &str) -> Option<(String, String)> {
    let line = line.strip_prefix("export ").unwrap_or(line);
    let at = line.find('=')?;
    let (left, value) = (&line[..at], &line[at + 1..]);
    let name = left.trim_end_matches([':', '?', '+', '!']).trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((name.to_string(), value.trim().to_string()))
}

/// Substitutes `$(NAME)` / `${NAME}` (a few rounds, for variables defined through others) and
/// turns `$$` into `$`.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for _ in 0..4 {
        let mut next = out.clone();
        for (name, value) in vars {
            next = next
                .replace(&format!("$({name})"), value)
                .replace(&format!("${{{name}}}"), value);
        }
        if next == out {
            break;
        }
        out = next;
    }
    out.replace("$$", "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_recipes_and_variables() {
        let mf = parse("STAGE ?= dev\nPROFILE = $(STAGE)\n\ndeploy: build\n\t@npx cdk deploy --profile $(PROFILE)\nbuild:\n\tnpm run build \\\n\t  --silent\n.PHONY: deploy\n");
        assert_eq!(mf.default.as_deref(), Some("deploy"));
        let mut out = Vec::new();
        collect(&mf, "deploy", &mut Vec::new(), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(expand(&out[1], &mf.vars), "npx cdk deploy --profile dev");
    }
}
