//! Command runners with recipe files: `just RECIPE [args]` (a justfile) and `task NAME` (a
//! Taskfile.yml). The recipes run, with their dependencies, are judged as shell text in the
//! file's folder.
//!
//! A justfile is read with a small line reader (no maintained crate parses justfiles): a
//! recipe is a line `name params…: dependencies…` at the start of a line, and its body is the
//! indented lines after it; `name := value` variables and the recipe's parameters are
//! substituted into `{{name}}`, any other `{{…}}` expression becomes a value known only at run
//! time. A shebang body (`#!/usr/bin/env python3`) is a script in that interpreter, asked about
//! when it names a tool unless it is a POSIX shell's.
//!
//! A Taskfile is YAML, read with saphyr-parser (the workspace's YAML 1.2 parser) into a tree:
//! `tasks.NAME.cmds` (strings, `{cmd: …}`, `{task: other}`), `deps`, `dir`, the `name: cmd`
//! and `name: [cmds]` shorthands; `{{.CLI_ARGS}}` is the words after `--` and `{{.VAR}}` the
//! file's or the command line's `vars`, anything else a value known only at run time. Included
//! Taskfiles (`ns:task`) are read when `includes` names a literal file.
//!
//! Both runners look for their file in the folder and its parents, as they do. A recipe file
//! that cannot be found or read leaves the command to the shell's judgement of its words: no
//! recipe is invented.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::context::Context;
use crate::launchers::quote;
use crate::words::Arg;
use crate::wrappers::Step;

/// Folders looked at on the way up for the recipe file.
const MAX_PARENTS: usize = 12;
/// Recipes (with dependencies) expanded for one run.
const MAX_RECIPES: usize = 64;
/// What `{{…}}` that the guard cannot evaluate becomes: a variable nobody set.
const UNKNOWN: &str = "\"${__value_known_at_run_time}\"";

// ---------------------------------------------------------------------------------------------
// just

#[derive(Debug, Default)]
struct Recipe {
    params: Vec<String>,
    /// Dependencies run before (and, after `&&`, after) the body.
    before: Vec<String>,
    after: Vec<String>,
    body: Vec<String>,
}

#[derive(Debug, Default)]
struct Justfile {
    vars: BTreeMap<String, String>,
    recipes: BTreeMap<String, Recipe>,
    aliases: BTreeMap<String, String>,
    first: Option<String>,
    /// `import`, `mod` or `set fallback`: recipes may live in files the guard does not read.
    elsewhere: bool,
    /// `set shell := [...]` naming a program that is no POSIX shell: bodies are not shell text.
    foreign_shell: bool,
}

/// `just [options] [VAR=value…] [RECIPE [args…]]…`.
pub(crate) fn just(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut file: Option<PathBuf> = None;
    let mut dir: Option<PathBuf> = None;
    let mut overrides = BTreeMap::new();
    let mut words: Vec<&Arg> = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            words.push(arg);
            continue;
        };
        // `--justfile=x` and `-fx` are `--justfile x`.
        let (option, attached) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => match text.strip_prefix("-f").or_else(|| text.strip_prefix("-d")) {
                Some(v) if !v.is_empty() && !text.starts_with("--") => (&text[..2], Some(v)),
                _ => (text, None),
            },
        };
        match option {
            "-f" | "--justfile" | "-d" | "--working-directory" => {
                let value = match attached {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        match args.get(i - 1) {
                            Some(a) => match a.known() {
                                Some(v) => Some(v),
                                None => {
                                    return vec![Step::Unresolved(
                                        crate::engine::describe(args),
                                        "just runs a justfile chosen at run time",
                                    )]
                                }
                            },
                            None => None,
                        }
                    }
                };
                let path = value.map(|v| cwd.join(v));
                if matches!(option, "-f" | "--justfile") {
                    file = path;
                } else {
                    dir = path;
                }
            }
            "--set" => {
                if let (Some(k), Some(v)) = (
                    args.get(i).and_then(Arg::known),
                    args.get(i + 1).and_then(Arg::known),
                ) {
                    overrides.insert(k.to_string(), v.to_string());
                }
                i += 2;
            }
            // They print, list or edit; nothing runs.
            "-n" | "--dry-run" | "-l" | "--list" | "-s" | "--show" | "--summary" | "--dump"
            | "--evaluate" | "--fmt" | "--edit" | "--init" | "--variables" | "--completions"
            | "--help" | "-h" | "--version" | "-V" | "--groups" => return vec![],
            "--shell" | "--shell-arg" | "--color" | "--dotenv-filename" | "--dotenv-path"
            | "--command-color" | "--list-heading" | "--list-prefix" | "--chooser" => i += 1,
            "--choose" => {
                return vec![Step::Unresolved(
                    crate::engine::describe(args),
                    "just runs a recipe chosen at run time",
                )]
            }
            _ if text.starts_with('-') => {}
            _ => match crate::wrappers::assignment(text) {
                Some((k, v)) if words.is_empty() => {
                    overrides.insert(k, v);
                }
                _ => words.push(arg),
            },
        }
    }
    let found = match &file {
        Some(path) => ctx.files.read(path).map(|text| (path.clone(), text)),
        None => find_up(ctx, cwd, &["justfile", "Justfile", ".justfile", "JUSTFILE"]),
    };
    let Some((path, text)) = found else {
        return vec![];
    };
    let folder = dir.unwrap_or_else(|| path.parent().map_or(cwd.to_path_buf(), Path::to_path_buf));
    let mut justfile = parse_justfile(&text);
    justfile.vars.extend(overrides);
    // The recipes named, each followed by its arguments (a word naming a recipe starts the
    // next one; just counts parameters, the guard need not be as exact).
    let mut calls: Vec<(String, Vec<&Arg>)> = Vec::new();
    let named = !words.is_empty();
    for word in words {
        let name = word.known().map(|w| justfile.resolve(w));
        match name.filter(|n| justfile.recipes.contains_key(n.as_str())) {
            Some(name) => calls.push((name, Vec::new())),
            None => match calls.last_mut() {
                Some((_, args)) => args.push(word),
                None => {
                    if !word.literal {
                        return vec![Step::Unresolved(
                            word.text.clone(),
                            "just runs a recipe chosen at run time",
                        )];
                    }
                    if justfile.elsewhere {
                        return vec![Step::Unresolved(
                            crate::engine::describe(args),
                            "just runs a recipe from an imported justfile or module the guard does not read",
                        )];
                    }
                }
            },
        }
    }
    if calls.is_empty() {
        match &justfile.first {
            Some(first) if !named => calls.push((first.clone(), Vec::new())),
            _ => return vec![],
        }
    }
    let mut steps = Vec::new();
    let mut seen = Vec::new();
    for (name, args) in calls {
        justfile.run(&name, &args, &folder, &mut seen, &mut steps);
    }
    steps
}

impl Justfile {
    fn resolve(&self, name: &str) -> String {
        self.aliases
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    fn run(
        &self,
        name: &str,
        args: &[&Arg],
        dir: &Path,
        seen: &mut Vec<String>,
        out: &mut Vec<Step>,
    ) {
        let name = self.resolve(name);
        if seen.contains(&name) {
            return;
        }
        if seen.len() >= MAX_RECIPES {
            let text = self
                .recipes
                .get(&name)
                .map_or_else(|| name.clone(), |r| r.body.join("\n"));
            // Past the bound nothing further is read, not even this recipe's dependencies:
            // asked about whatever the text says.
            out.push(Step::Unseen(
                text,
                "just runs more recipes than the guard reads",
            ));
            return;
        }
        seen.push(name.clone());
        let Some(recipe) = self.recipes.get(&name) else {
            if self.elsewhere {
                out.push(Step::Unresolved(
                    format!("just {name}"),
                    "just runs a recipe from an imported justfile or module the guard does not read",
                ));
            }
            return;
        };
        for dep in &recipe.before {
            self.run(dep, &[], dir, seen, out);
        }
        let mut values = self.vars.clone();
        for (at, param) in recipe.params.iter().enumerate() {
            let variadic = param.starts_with(['*', '+']);
            let param_name = param.trim_start_matches(['*', '+', '$']);
            let (param_name, default) = match param_name.split_once('=') {
                Some((n, d)) => (n, Some(d.trim_matches(['\'', '"']).to_string())),
                None => (param_name, None),
            };
            let given: Vec<&&Arg> = if variadic {
                args.iter().skip(at).collect()
            } else {
                args.get(at).into_iter().collect()
            };
            let value = if given.is_empty() {
                default.unwrap_or_default()
            } else if given.iter().all(|a| a.literal) {
                given
                    .iter()
                    .map(|a| a.text.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                UNKNOWN.to_string()
            };
            values.insert(param_name.to_string(), value);
        }
        let cd = format!("cd {} && ", quote(&dir.to_string_lossy()));
        let body: Vec<String> = recipe
            .body
            .iter()
            .map(|l| interpolate(l, &values))
            .collect();
        match body.first().and_then(|l| l.strip_prefix("#!")) {
            Some(shebang) => {
                let program = shebang
                    .split_whitespace()
                    .find(|w| !w.ends_with("/env") && !w.starts_with('-'))
                    .map(crate::engine::basename)
                    .unwrap_or_default();
                let text = body[1..].join("\n");
                if crate::wrappers::is_shell(program) {
                    out.push(Step::Script(format!("{cd}{text}")));
                } else {
                    out.push(Step::Unresolved(
                        text,
                        "just runs a recipe in a language the guard does not read",
                    ));
                }
            }
            None if self.foreign_shell => out.push(Step::Unresolved(
                body.join("\n"),
                "just runs recipes with a `set shell` the guard does not read",
            )),
            None => {
                for line in body {
                    let line = line.trim_start_matches(['@', '-']).trim();
                    if !line.is_empty() {
                        out.push(Step::Script(format!("{cd}{line}")));
                    }
                }
            }
        }
        for dep in &recipe.after {
            self.run(dep, &[], dir, seen, out);
        }
    }
}

/// `{{name}}` replaced by its value; any other `{{…}}` is known only at run time.
fn interpolate(line: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find("{{") {
        // `{{{{` is a literal `{{`.
        if rest[start..].starts_with("{{{{") {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 4..];
            continue;
        }
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let expression = rest[start + 2..start + end].trim();
        match values.get(expression) {
            Some(value) => out.push_str(value),
            None => out.push_str(UNKNOWN),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// The justfile's recipes, variables and aliases, read line by line.
fn parse_justfile(text: &str) -> Justfile {
    let mut justfile = Justfile::default();
    let mut current: Option<String> = None;
    let mut pending = String::new();
    for raw in text.lines() {
        // Body lines continued with a trailing backslash are one line.
        if let Some(stripped) = raw.strip_suffix('\\') {
            pending.push_str(stripped);
            continue;
        }
        let line = if pending.is_empty() {
            raw.to_string()
        } else {
            std::mem::take(&mut pending) + raw.trim_start()
        };
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim();
        if indented {
            if let Some(recipe) = current.as_ref().and_then(|c| justfile.recipes.get_mut(c)) {
                // Comments in a body are passed to the shell (which ignores them), except a
                // shebang's first line, kept.
                recipe.body.push(trimmed.to_string());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        current = None;
        if trimmed.starts_with('#') || trimmed.starts_with('[') {
            continue;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        match words.as_slice() {
            ["alias", name, ":=", target, ..] => {
                justfile
                    .aliases
                    .insert(name.to_string(), target.to_string());
                continue;
            }
            // Imported files and modules are not followed: a recipe missing here may be there.
            ["import" | "import?" | "mod" | "mod?", ..]
            | ["set", "fallback"]
            | ["set", "fallback", ":=", "true"] => {
                justfile.elsewhere = true;
                continue;
            }
            ["set", "shell", ..] => {
                if let Some(program) = trimmed.split(['"', '\'']).nth(1) {
                    if !crate::wrappers::is_shell(crate::engine::basename(program)) {
                        justfile.foreign_shell = true;
                    }
                }
                continue;
            }
            ["set", ..] => continue,
            _ => {}
        }
        let assignment = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        if let Some((name, value)) = assignment.split_once(":=") {
            let name = name.trim();
            if is_name(name) {
                let value = value.trim();
                let unquoted = ['"', '\'']
                    .iter()
                    .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)));
                let value = match unquoted {
                    Some(inner) => inner.to_string(),
                    None => UNKNOWN.to_string(),
                };
                justfile.vars.insert(name.to_string(), value);
                continue;
            }
        }
        // `name params…: deps… [&& deps…]`, `@name: …` (quiet).
        let Some((head, deps)) = split_header(trimmed) else {
            continue;
        };
        let mut head_words = head.split_whitespace();
        let Some(name) = head_words.next().map(|n| n.trim_start_matches('@')) else {
            continue;
        };
        if !is_name(name) {
            continue;
        }
        let params = head_words.map(str::to_string).collect();
        let (before, after) = deps.split_once("&&").unwrap_or((deps, ""));
        let dep_names = |text: &str| -> Vec<String> {
            text.split_whitespace()
                .map(|d| d.trim_start_matches('(').to_string())
                .filter(|d| is_name(d))
                .collect()
        };
        justfile.recipes.insert(
            name.to_string(),
            Recipe {
                params,
                before: dep_names(before),
                after: dep_names(after),
                body: Vec::new(),
            },
        );
        if justfile.first.is_none() {
            justfile.first = Some(name.to_string());
        }
        current = Some(name.to_string());
    }
    justfile
}

/// A recipe header's name-and-parameters and its dependencies: split at the first `:` that
/// is not in a parameter's quoted default and not part of `:=`.
fn split_header(line: &str) -> Option<(&str, &str)> {
    let mut quote: Option<char> = None;
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ':') if !line[at + 1..].starts_with('=') => {
                return Some((&line[..at], &line[at + 1..]));
            }
            _ => {}
        }
    }
    None
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn find_up(ctx: &Context<'_>, dir: &Path, names: &[&str]) -> Option<(PathBuf, String)> {
    dir.ancestors().take(MAX_PARENTS).find_map(|d| {
        names.iter().find_map(|name| {
            let path = d.join(name);
            ctx.files.read(&path).map(|text| (path, text))
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Task (Taskfile.yml)

const TASKFILES: &[&str] = &[
    "Taskfile.yml",
    "taskfile.yml",
    "Taskfile.yaml",
    "taskfile.yaml",
    "Taskfile.dist.yml",
    "taskfile.dist.yml",
    "Taskfile.dist.yaml",
    "taskfile.dist.yaml",
];

/// `task [options] [VAR=value…] [NAME…] [-- args…]`.
pub(crate) fn task(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut file: Option<PathBuf> = None;
    let mut dir = cwd.to_path_buf();
    let mut vars = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut cli_args = String::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            return vec![Step::Unresolved(
                crate::engine::describe(args),
                "task runs a task chosen at run time",
            )];
        };
        // `--taskfile=x` is `--taskfile x`.
        let (option, attached) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (text, None),
        };
        let value = |i: &mut usize| match attached {
            Some(v) => Ok(Some(v)),
            None => {
                *i += 1;
                match args.get(*i - 1) {
                    Some(a) => a.known().map(Some).ok_or(()),
                    None => Ok(None),
                }
            }
        };
        match option {
            "-t" | "--taskfile" | "-d" | "--dir" => {
                let Ok(value) = value(&mut i) else {
                    return vec![Step::Unresolved(
                        crate::engine::describe(args),
                        "task runs a Taskfile chosen at run time",
                    )];
                };
                if let Some(v) = value {
                    if matches!(option, "-t" | "--taskfile") {
                        file = Some(cwd.join(v));
                    } else {
                        dir = crate::scope::normalize(&cwd.join(v));
                    }
                }
            }
            "--" => {
                cli_args = args[i..]
                    .iter()
                    .map(|a| {
                        if a.literal {
                            quote(&a.text)
                        } else {
                            a.text.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                break;
            }
            "-n" | "--dry" | "-l" | "--list" | "-a" | "--list-all" | "--summary" | "-i"
            | "--init" | "--help" | "-h" | "--version" | "--status" => return vec![],
            "-C" | "--concurrency" | "-o" | "--output" | "--sort" | "--interval" => i += 1,
            _ if text.starts_with('-') => {}
            _ => match crate::wrappers::assignment(text) {
                Some((k, v)) => {
                    vars.insert(k, v);
                }
                None => names.push(text.to_string()),
            },
        }
    }
    let found = match &file {
        Some(path) => ctx.files.read(path).map(|t| (path.clone(), t)),
        None => find_up(ctx, &dir, TASKFILES),
    };
    let Some((path, text)) = found else {
        return vec![];
    };
    let Some(root) = yaml_value(&text) else {
        return vec![Step::Unresolved(
            crate::engine::describe(args),
            "task runs a Taskfile the guard cannot read",
        )];
    };
    let folder = path.parent().map_or(cwd.to_path_buf(), Path::to_path_buf);
    let mut taskfile = Taskfile {
        ctx,
        cli_args,
        seen: Vec::new(),
        steps: Vec::new(),
    };
    if names.is_empty() {
        names.push("default".into());
    }
    for name in names {
        taskfile.run(&root, &path, &folder, &name, &vars);
    }
    taskfile.steps
}

struct Taskfile<'c, 'a> {
    ctx: &'c Context<'a>,
    cli_args: String,
    /// Tasks run, by Taskfile and name: `deploy` of an included file is another task.
    seen: Vec<(PathBuf, String)>,
    steps: Vec<Step>,
}

impl Taskfile<'_, '_> {
    fn run(
        &mut self,
        root: &Value,
        file: &Path,
        folder: &Path,
        name: &str,
        overrides: &BTreeMap<String, String>,
    ) {
        if self.seen.iter().any(|(f, s)| f == file && s == name) {
            return;
        }
        let task = root.get("tasks").and_then(|t| t.get(name));
        if self.seen.len() >= MAX_RECIPES {
            self.steps.push(Step::Unseen(
                task.map_or_else(|| format!("task {name}"), Value::to_string),
                "task runs more tasks than the guard reads",
            ));
            return;
        }
        self.seen.push((file.to_path_buf(), name.to_string()));
        let Some(task) = task else {
            // `ns:task`: a task of an included Taskfile.
            match name.split_once(':') {
                Some((namespace, inner))
                    if root
                        .get("includes")
                        .and_then(|i| i.get(namespace))
                        .is_some() =>
                {
                    self.included(root, folder, namespace, inner, overrides)
                }
                _ => self.steps.push(Step::Unresolved(
                    format!("task {name}"),
                    "task runs a task the guard finds in no Taskfile it reads",
                )),
            }
            return;
        };
        let mut vars = string_vars(root.get("vars"));
        vars.extend(string_vars(task.get("vars")));
        vars.extend(overrides.clone());
        let dir = match task.get("dir").and_then(Value::as_str) {
            Some(d) => {
                crate::scope::normalize(&folder.join(interpolate_task(d, &vars, &self.cli_args)))
            }
            None => folder.to_path_buf(),
        };
        for dep in task
            .get("deps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let dep_name = dep
                .as_str()
                .or_else(|| dep.get("task").and_then(Value::as_str));
            if let Some(dep_name) = dep_name {
                self.run(root, file, folder, dep_name, overrides);
            }
        }
        let cmds: Vec<Value> = match task {
            Value::String(_) => vec![task.clone()],
            Value::Array(items) => items.clone(),
            other => other
                .get("cmds")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| other.get("cmd").map(|c| vec![c.clone()]))
                .unwrap_or_default(),
        };
        let cd = format!("cd {} && ", quote(&dir.to_string_lossy()));
        for cmd in cmds {
            let text = cmd
                .as_str()
                .map(str::to_string)
                .or_else(|| cmd.get("cmd").and_then(Value::as_str).map(str::to_string))
                .or_else(|| cmd.get("defer").and_then(Value::as_str).map(str::to_string));
            if let Some(text) = text {
                let text = interpolate_task(&text, &vars, &self.cli_args);
                self.steps.push(Step::Script(format!("{cd}{text}")));
                continue;
            }
            if let Some(other) = cmd.get("task").and_then(Value::as_str) {
                self.run(root, file, folder, other, overrides);
            }
        }
    }

    fn included(
        &mut self,
        root: &Value,
        folder: &Path,
        namespace: &str,
        inner: &str,
        overrides: &BTreeMap<String, String>,
    ) {
        let Some(include) = root.get("includes").and_then(|i| i.get(namespace)) else {
            return;
        };
        let Some(target) = include
            .as_str()
            .or_else(|| include.get("taskfile").and_then(Value::as_str))
        else {
            return;
        };
        let base = crate::scope::normalize(&folder.join(target));
        let candidates: Vec<PathBuf> = if target.ends_with(".yml") || target.ends_with(".yaml") {
            vec![base]
        } else {
            TASKFILES.iter().map(|n| base.join(n)).collect()
        };
        let Some((path, text)) = candidates
            .into_iter()
            .find_map(|p| self.ctx.files.read(&p).map(|t| (p, t)))
        else {
            self.steps.push(Step::Unresolved(
                format!("task {namespace}:{inner}"),
                "task runs a task of a Taskfile the guard cannot read",
            ));
            return;
        };
        let Some(included) = yaml_value(&text) else {
            self.steps.push(Step::Unresolved(
                format!("task {namespace}:{inner}\n{text}"),
                "task runs a Taskfile the guard cannot read",
            ));
            return;
        };
        let dir = match include.get("dir").and_then(Value::as_str) {
            Some(d) => crate::scope::normalize(&folder.join(d)),
            None => path
                .parent()
                .map_or(folder.to_path_buf(), Path::to_path_buf),
        };
        self.run(&included, &path, &dir, inner, overrides);
    }
}

fn string_vars(vars: Option<&Value>) -> BTreeMap<String, String> {
    vars.and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Number(n) => Some((k.clone(), n.to_string())),
            Value::Bool(b) => Some((k.clone(), b.to_string())),
            _ => None,
        })
        .collect()
}

/// `{{.CLI_ARGS}}` and `{{.VAR}}` replaced; other template expressions are run-time values.
fn interpolate_task(text: &str, vars: &BTreeMap<String, String>, cli_args: &str) -> String {
    let mut values: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (format!(".{k}"), v.clone()))
        .collect();
    values.insert(".CLI_ARGS".into(), cli_args.to_string());
    interpolate(text, &values)
}

/// Nesting and size of the YAML tree built from a Taskfile.
const MAX_YAML_DEPTH: usize = 64;
const MAX_YAML_NODES: usize = 100_000;

/// A YAML document as a JSON-like tree (scalars as strings; aliases resolved), or `None`
/// when it does not parse. saphyr-parser's events are folded into values.
fn yaml_value(text: &str) -> Option<Value> {
    use saphyr_parser::{Event, Parser};
    enum Frame {
        Seq(Vec<Value>),
        Map(serde_json::Map<String, Value>, Option<String>),
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(Frame, usize)> = Vec::new();
    let mut anchors: BTreeMap<usize, (Value, usize)> = BTreeMap::new();
    let mut nodes = 0;
    let mut result: Option<Value> = None;
    // Adds a finished value to the frame on top (or makes it the document).
    fn attach(stack: &mut [(Frame, usize)], result: &mut Option<Value>, value: Value) {
        match stack.last_mut() {
            Some((Frame::Seq(items), _)) => items.push(value),
            Some((Frame::Map(map, key), _)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => {
                    *key = Some(match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                }
            },
            None => {
                if result.is_none() {
                    *result = Some(value);
                }
            }
        }
    }
    loop {
        let (event, _) =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.next_event()))
                .ok()??
                .ok()?;
        nodes += 1;
        if nodes > MAX_YAML_NODES || stack.len() > MAX_YAML_DEPTH {
            return None;
        }
        match event {
            Event::StreamEnd => break,
            Event::Scalar(text, _, anchor, _) => {
                let value = Value::String(text.into_owned());
                if anchor != 0 {
                    anchors.insert(anchor, (value.clone(), tree_size(&value)));
                }
                attach(&mut stack, &mut result, value);
            }
            // Each alias copies its anchor's tree and counts as that many nodes, so nested
            // aliases ("billion laughs") reach the bound instead of growing exponentially.
            Event::Alias(anchor) => {
                let (value, size) = anchors.get(&anchor).cloned().unwrap_or((Value::Null, 1));
                nodes += size;
                if nodes > MAX_YAML_NODES {
                    return None;
                }
                attach(&mut stack, &mut result, value);
            }
            Event::SequenceStart(anchor, _) => stack.push((Frame::Seq(Vec::new()), anchor)),
            Event::MappingStart(anchor, _) => {
                stack.push((Frame::Map(serde_json::Map::new(), None), anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (frame, anchor) = stack.pop()?;
                let value = match frame {
                    Frame::Seq(items) => Value::Array(items),
                    Frame::Map(map, _) => Value::Object(map),
                };
                if anchor != 0 {
                    anchors.insert(anchor, (value.clone(), tree_size(&value)));
                }
                attach(&mut stack, &mut result, value);
            }
            _ => {}
        }
    }
    result
}

/// The values in a tree (itself included).
fn tree_size(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(tree_size).sum::<usize>(),
        Value::Object(map) => map.values().map(tree_size).sum::<usize>(),
        _ => 0,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn justfile_recipes() {
        let jf = parse_justfile(
            "stage := \"dev\"\n\n# comment\nbuild:\n    cargo build\n\nclean: build\n    @aws s3 rb s3://{{stage}}-b\n\ndeploy env='dev': && build\n  cdk deploy {{env}}\nalias c := clean\n",
        );
        assert_eq!(jf.first.as_deref(), Some("build"));
        assert_eq!(jf.recipes["clean"].before, ["build"]);
        assert_eq!(jf.recipes["deploy"].params, ["env='dev'"]);
        assert_eq!(jf.recipes["deploy"].after, ["build"]);
        assert_eq!(jf.resolve("c"), "clean");
        assert_eq!(
            interpolate("x {{stage}} {{ os() }}", &jf.vars),
            format!("x dev {UNKNOWN}")
        );
    }

    #[test]
    fn taskfile_yaml() {
        let v = yaml_value("version: '3'\ntasks:\n  clean:\n    cmds:\n      - aws s3 rb s3://b\n      - task: build\n  build: cargo build\n").unwrap();
        assert_eq!(
            v.pointer("/tasks/clean/cmds/0").and_then(Value::as_str),
            Some("aws s3 rb s3://b")
        );
        assert_eq!(
            v.pointer("/tasks/build").and_then(Value::as_str),
            Some("cargo build")
        );
    }
}
