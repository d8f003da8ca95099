//! Monorepo task runners: `turbo run deploy` (`turbo deploy`), `nx run infra:deploy`, `nx deploy
//! infra`, `nx run-many -t deploy`, `nx affected -t deploy`, `lerna run deploy`, `lerna exec --
//! cmd`. A task is the package.json script of that name in each workspace package the runner
//! selects (`--filter`, `--scope`, `--projects`, or every package), or, for nx, a target of
//! the project's `project.json` (`nx:run-commands` with `options.command`/`commands`,
//! `nx:run-script`). The packages are the workspace's (`pnpm-workspace.yaml`, package.json
//! `workspaces`, `lerna.json`): the guard reads files, it does not list folders, so a glob
//! (`apps/*`) is a set it cannot see. When no selected package's task can be read, the command
//! is asked about if it names a tool or a deploy (`guard/unresolved`), like `pnpm -r run deploy`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::context::Context;
use crate::engine::describe;
use crate::launchers::{quote, scripts};
use crate::tools::glob_match;
use crate::words::Arg;
use crate::wrappers::Step;

/// Folders looked at on the way up for the workspace root.
const MAX_PARENTS: usize = 8;

pub(crate) fn unwrap(ctx: &Context<'_>, name: &str, argv: &[Arg], cwd: &Path) -> Option<Vec<Step>> {
    let rest = argv.get(1..).unwrap_or_default();
    let steps = match name {
        "turbo" => turbo(ctx, rest, cwd),
        "nx" => nx(ctx, rest, cwd),
        "lerna" => lerna(ctx, rest, cwd),
        _ => return None,
    };
    // Nothing could be read: ask when the command names a tool or a deploy.
    Some(steps.unwrap_or_else(|why| vec![Step::Unresolved(describe(argv), why)]))
}

/// A runner's command line, split: positional words, selectors, and what follows `--`.
#[derive(Default)]
struct Parsed {
    words: Vec<String>,
    /// `--filter`, `--scope`, `--projects` values.
    selectors: Vec<String>,
    /// `-t`/`--target`/`--targets` values (nx).
    targets: Vec<String>,
    /// The words after `--`, passed on to the scripts.
    passed: Vec<Arg>,
    /// A word of the command line built at run time.
    dynamic: bool,
}

fn parse(args: &[Arg], selector_flags: &[&str], with_value: &[&str]) -> Parsed {
    let mut p = Parsed::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            p.dynamic = true;
            continue;
        };
        if text == "--" {
            p.passed = args.get(i..).unwrap_or_default().to_vec();
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            p.words.push(text.to_string());
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (text, None),
        };
        let is_selector = selector_flags.contains(&name);
        let is_target = matches!(name, "-t" | "--target" | "--targets");
        let value = match inline {
            Some(v) => Some(v),
            None if is_selector || is_target || with_value.contains(&name) => {
                i += 1;
                match args.get(i - 1) {
                    Some(a) if a.literal => Some(a.text.clone()),
                    Some(_) => {
                        p.dynamic = true;
                        None
                    }
                    None => None,
                }
            }
            None => None,
        };
        let Some(value) = value else { continue };
        let list = value.split(',').map(str::to_string);
        if is_selector {
            p.selectors.extend(list);
        } else if is_target {
            p.targets.extend(list);
        }
    }
    p
}

/// `turbo run TASK… [--filter X]`, `turbo TASK…`; `pkg#task` names one package's task.
fn turbo(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Result<Vec<Step>, &'static str> {
    const WITH_VALUE: &[&str] = &[
        "--concurrency",
        "--cache-dir",
        "--output-logs",
        "--log-order",
        "--env-mode",
        "--cwd",
        "--team",
        "--token",
        "--api",
        "--cache",
        "--log-prefix",
        "--ui",
        "--summarize",
        "--profile",
        "--graph",
        "--remote-cache-timeout",
    ];
    const COMMANDS: &[&str] = &[
        "prune",
        "login",
        "logout",
        "link",
        "unlink",
        "gen",
        "generate",
        "daemon",
        "ls",
        "query",
        "info",
        "boundaries",
        "scan",
        "telemetry",
        "bin",
        "completion",
        "devtools",
        "docs",
    ];
    let p = parse(args, &["--filter", "-F"], WITH_VALUE);
    let tasks: Vec<&str> = match p.words.first().map(String::as_str) {
        Some("run" | "watch") => p.words[1..].iter().map(String::as_str).collect(),
        Some(command) if COMMANDS.contains(&command) => return Ok(vec![]),
        _ => p.words.iter().map(String::as_str).collect(),
    };
    run_tasks(ctx, cwd, &tasks, &p, "turbo")
}

/// `lerna run SCRIPT [--scope X]`, `lerna exec [options] -- cmd …`.
fn lerna(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Result<Vec<Step>, &'static str> {
    const WITH_VALUE: &[&str] = &["--ignore", "--concurrency", "--since", "--loglevel"];
    let p = parse(args, &["--scope"], WITH_VALUE);
    match p.words.first().map(String::as_str) {
        Some("run") => {
            let tasks: Vec<&str> = p
                .words
                .get(1..2)
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect();
            run_tasks(ctx, cwd, &tasks, &p, "lerna")
        }
        // The command runs in every package: judged once.
        Some("exec") if !p.passed.is_empty() => Ok(vec![Step::run(p.passed.clone())]),
        _ => Ok(vec![]),
    }
}

/// `nx run PROJECT:TARGET[:CONFIG]`, `nx run-many|affected -t TARGET [-p A,B]`, `nx TARGET
/// [PROJECT]`.
fn nx(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Result<Vec<Step>, &'static str> {
    const WITH_VALUE: &[&str] = &[
        "-c",
        "--configuration",
        "--parallel",
        "--base",
        "--head",
        "--exclude",
        "--output-style",
        "--nxBail",
        "--runner",
    ];
    const COMMANDS: &[&str] = &[
        "graph",
        "show",
        "list",
        "report",
        "migrate",
        "generate",
        "g",
        "init",
        "reset",
        "daemon",
        "format",
        "format:check",
        "format:write",
        "print-affected",
        "watch",
        "release",
        "add",
        "connect",
        "login",
        "logout",
        "sync",
        "repair",
        "import",
    ];
    let p = parse(args, &["-p", "--projects"], WITH_VALUE);
    if p.dynamic {
        return Err("nx runs a target chosen at run time");
    }
    let words: Vec<&str> = p.words.iter().map(String::as_str).collect();
    let (projects, targets): (Vec<String>, Vec<String>) = match words.as_slice() {
        ["run", spec, ..] => {
            let mut parts = spec.split(':');
            let project = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            (vec![project], vec![target])
        }
        ["run-many" | "affected", ..] => (p.selectors.clone(), p.targets.clone()),
        [command, ..] if COMMANDS.contains(command) => return Ok(vec![]),
        [target, project, ..] => (vec![(*project).to_string()], vec![(*target).to_string()]),
        // `nx deploy` in a project's folder: that project.
        [target] => {
            let dir = cwd.to_path_buf();
            return Ok(targets_in(ctx, &dir, target, &p.passed).unwrap_or_default());
        }
        [] => return Ok(vec![]),
    };
    let dirs = if projects.is_empty() {
        let (dirs, complete) =
            packages(ctx, cwd).ok_or("nx runs a target in projects the guard cannot find")?;
        if !complete && dirs.is_empty() {
            return Err("nx runs a target in projects the guard cannot list");
        }
        dirs
    } else {
        let mut dirs = Vec::new();
        for project in &projects {
            dirs.push(
                find_project(ctx, cwd, project)
                    .ok_or("nx runs a target of a project the guard cannot find")?,
            );
        }
        dirs
    };
    let mut steps = Vec::new();
    let mut found = false;
    for dir in &dirs {
        for target in &targets {
            if let Some(more) = targets_in(ctx, dir, target, &p.passed) {
                found = true;
                steps.extend(more);
            }
        }
    }
    if found {
        Ok(steps)
    } else {
        Err("nx runs a target the guard cannot read")
    }
}

/// A target of the project in `dir`: `project.json` first, else its package.json script.
/// `None` when neither defines it; a target whose executor the guard does not know is
/// unresolved.
fn targets_in(ctx: &Context<'_>, dir: &Path, target: &str, extra: &[Arg]) -> Option<Vec<Step>> {
    let project = read_json(ctx, &dir.join("project.json"));
    if let Some(def) = project
        .as_ref()
        .and_then(|p| p.pointer(&format!("/targets/{}", pointer(target))))
    {
        let options = def.get("options");
        let cd = format!("cd {} && ", quote(&dir.to_string_lossy()));
        let mut commands: Vec<String> = Vec::new();
        if let Some(command) = options
            .and_then(|o| o.get("command"))
            .and_then(Value::as_str)
        {
            commands.push(command.to_string());
        }
        for item in options
            .and_then(|o| o.get("commands"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match item {
                Value::String(command) => commands.push(command.clone()),
                other => commands.extend(
                    other
                        .get("command")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ),
            }
        }
        if !commands.is_empty() {
            return Some(
                commands
                    .into_iter()
                    .map(|c| Step::Script(format!("{cd}{c}")))
                    .collect(),
            );
        }
        let executor = def.get("executor").and_then(Value::as_str);
        if executor == Some("nx:run-script") {
            let script = options
                .and_then(|o| o.get("script"))
                .and_then(Value::as_str)
                .unwrap_or(target);
            return Some(scripts(ctx, dir, script, extra, true));
        }
        if executor.is_some() {
            return Some(vec![Step::Unresolved(
                format!("nx target `{target}` ({})", executor.unwrap_or_default()),
                "nx runs a target whose executor the guard cannot read",
            )]);
        }
    }
    let steps = scripts(ctx, dir, target, extra, true);
    (!steps.is_empty()).then_some(steps)
}

/// `TASK` (or `pkg#task`) in each selected package, as turbo and lerna run them.
fn run_tasks(
    ctx: &Context<'_>,
    cwd: &Path,
    tasks: &[&str],
    p: &Parsed,
    runner: &str,
) -> Result<Vec<Step>, &'static str> {
    if tasks.is_empty() {
        return Ok(vec![]);
    }
    if p.dynamic {
        return Err("a task runner runs tasks chosen at run time");
    }
    let (known, complete) = packages(ctx, cwd).unwrap_or((Vec::new(), false));
    let mut steps = Vec::new();
    // Every package: those behind a glob are not seen. A selection names its own.
    let mut unsure = !complete && p.selectors.is_empty();
    for task in tasks {
        let (package, task) = match task.split_once('#') {
            Some((package, task)) => (Some(package), task),
            None => (None, *task),
        };
        let dirs = match package {
            Some(package) => match select(ctx, cwd, &known, package) {
                Some(dirs) => dirs,
                None => {
                    unsure = true;
                    vec![]
                }
            },
            None if p.selectors.is_empty() => known.clone(),
            None => {
                let mut dirs = Vec::new();
                for selector in &p.selectors {
                    match select(ctx, cwd, &known, selector) {
                        Some(found) => dirs.extend(found),
                        None => unsure = true,
                    }
                }
                dirs
            }
        };
        for dir in dirs {
            steps.extend(scripts(ctx, &dir, task, &p.passed, true));
        }
    }
    if steps.is_empty() && unsure {
        return Err(match runner {
            "lerna" => "lerna runs a script in packages the guard cannot list",
            _ => "turbo runs a task in packages the guard cannot list",
        });
    }
    Ok(steps)
}

/// The packages a selector names: a path (`./packages/api`, `{./packages/api}`), a name, or
/// a name glob (`@orders/*`); turbo's `...`/`^` graph marks are dropped (the package itself
/// is judged; its dependents and dependencies are not seen).
fn select(
    ctx: &Context<'_>,
    cwd: &Path,
    known: &[PathBuf],
    selector: &str,
) -> Option<Vec<PathBuf>> {
    let selector = selector
        .trim_start_matches("...")
        .trim_end_matches("...")
        .trim_start_matches('^')
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches('!');
    if selector.contains('*') {
        let hits: Vec<PathBuf> = known
            .iter()
            .filter(|dir| package_name(ctx, dir).is_some_and(|name| glob_match(selector, &name)))
            .cloned()
            .collect();
        return (!hits.is_empty()).then_some(hits);
    }
    // By name; the last part of a scoped name or the folder's name count too (`infra` for
    // `@orders/infra` in packages/infra): judging one package too many is the safe mistake.
    let named = |dir: &&PathBuf| {
        let name = package_name(ctx, dir);
        name.as_deref() == Some(selector)
            || name.as_deref().and_then(|n| n.rsplit('/').next()) == Some(selector)
            || dir.file_name().is_some_and(|f| f == selector)
    };
    if let Some(dir) = known.iter().find(named) {
        return Some(vec![dir.clone()]);
    }
    crate::workspaces::find(ctx, cwd, selector).map(|dir| vec![dir])
}

/// An nx project by name: a workspace package named so (`@orders/infra` or its last part) or a
/// folder of that name holding a project.json or package.json.
fn find_project(ctx: &Context<'_>, cwd: &Path, project: &str) -> Option<PathBuf> {
    let (known, _) = packages(ctx, cwd).unwrap_or_default();
    let named = |dir: &PathBuf| {
        let project_name = read_json(ctx, &dir.join("project.json"))
            .and_then(|j| j.get("name").and_then(Value::as_str).map(str::to_string));
        let package = package_name(ctx, dir);
        project_name.as_deref() == Some(project)
            || package.as_deref() == Some(project)
            || package.as_deref().and_then(|n| n.rsplit('/').next()) == Some(project)
    };
    if let Some(dir) = known.iter().find(|d| named(d)) {
        return Some(dir.clone());
    }
    for root in cwd.ancestors().take(MAX_PARENTS) {
        for folder in crate::workspaces::WORKSPACE_FOLDERS {
            let dir = root.join(folder).join(project);
            let exists = ctx.files.read(&dir.join("project.json")).is_some()
                || ctx.files.read(&dir.join("package.json")).is_some();
            if exists {
                return Some(dir);
            }
        }
    }
    None
}

/// The workspace's package folders, and whether that list is complete (no glob the guard
/// cannot expand). `None` when no workspace root is found.
fn packages(ctx: &Context<'_>, cwd: &Path) -> Option<(Vec<PathBuf>, bool)> {
    for root in cwd.ancestors().take(MAX_PARENTS) {
        let Some(patterns) = workspace_patterns(ctx, root) else {
            continue;
        };
        let mut dirs = Vec::new();
        let mut complete = true;
        for pattern in patterns.iter().filter(|p| !p.starts_with('!')) {
            if pattern.contains('*') {
                complete = false;
                continue;
            }
            let dir = crate::scope::normalize(&root.join(pattern));
            if ctx.files.read(&dir.join("package.json")).is_some() {
                dirs.push(dir);
            }
        }
        return Some((dirs, complete));
    }
    None
}

/// The package patterns of a workspace root: pnpm-workspace.yaml, package.json `workspaces`
/// (a list or `{ "packages": [...] }`), lerna.json `packages`.
fn workspace_patterns(ctx: &Context<'_>, root: &Path) -> Option<Vec<String>> {
    if let Some(text) = ctx.files.read(&root.join("pnpm-workspace.yaml")) {
        return Some(pnpm_packages(&text));
    }
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    if let Some(json) = read_json(ctx, &root.join("package.json")) {
        match json.get("workspaces") {
            Some(list @ Value::Array(_)) => return Some(strings(list)),
            Some(Value::Object(o)) => return o.get("packages").map(strings),
            _ => {}
        }
    }
    read_json(ctx, &root.join("lerna.json"))?
        .get("packages")
        .map(strings)
}

/// The `packages:` list of a pnpm-workspace.yaml (`- 'packages/*'` items), read line by line:
/// the file's other keys (catalogs, overrides) do not matter here.
fn pnpm_packages(text: &str) -> Vec<String> {
    let mut in_packages = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_packages = trimmed.starts_with("packages:");
            continue;
        }
        if let Some(item) = trimmed.strip_prefix('-').filter(|_| in_packages) {
            let item = item.split(" #").next().unwrap_or(item).trim();
            out.push(item.trim_matches(['\'', '"']).to_string());
        }
    }
    out
}

fn package_name(ctx: &Context<'_>, dir: &Path) -> Option<String> {
    read_json(ctx, &dir.join("package.json"))?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

fn read_json(ctx: &Context<'_>, path: &Path) -> Option<Value> {
    serde_json::from_str(&ctx.files.read(path)?).ok()
}

fn pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::pnpm_packages;

    #[test]
    fn pnpm_workspace_packages() {
        let text = "packages:\n  - 'packages/*'\n  - \"apps/web\" # the site\n  - '!**/test/**'\ncatalog:\n  - no\n";
        assert_eq!(
            pnpm_packages(text),
            ["packages/*", "apps/web", "!**/test/**"]
        );
    }
}
