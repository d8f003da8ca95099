//! Package-manager launchers and scripts: `npx [-y] [aws-cdk@2] cdk ...`, `npm exec`, `pnpm
//! dlx/exec`, `yarn [dlx|exec]`, `bunx`, and `npm run X` / `yarn X` / `pnpm run X` / `bun run X`
//! resolved through the nearest package.json's `scripts` (with npm's `pre`/`post` scripts).
//! Monorepo selectors (`-w`, `yarn workspace`, `--filter`, …) pick the folder: `workspaces.rs`.

use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::words::Arg;
use crate::wrappers::Step;

/// Options of npx / npm exec that consume the next word.
const NPX_WITH_VALUE: &[&str] = &[
    "-p",
    "--package",
    "--prefix",
    "-w",
    "--workspace",
    "--cache",
    "--userconfig",
];

/// package.json files looked at on the way up; a monorepo is rarely deeper.
const MAX_PARENTS: usize = 12;

pub(crate) fn unwrap(ctx: &Context<'_>, name: &str, argv: &[Arg], cwd: &Path) -> Option<Vec<Step>> {
    let rest = argv.get(1..).unwrap_or_default();
    let first = rest.first().and_then(Arg::known);
    // `bun -e 'code'`, `bun deploy.ts`, `bun run deploy.ts`: a program for bun's runtime
    // (interpreters.rs), not a package script.
    if name == "bun" {
        let file = match first {
            Some("run") => rest.get(1).and_then(Arg::known),
            other => other,
        };
        let code = matches!(first, Some("-e" | "--eval" | "-p" | "--print"));
        if code || file.is_some_and(is_program_file) {
            return None;
        }
    }
    let steps = match (name, first) {
        ("npx" | "bunx", _) => exec(rest),
        ("npm", Some("exec" | "x"))
        | ("pnpm", Some("dlx" | "exec" | "x"))
        | ("yarn", Some("dlx" | "exec"))
        | ("bun", Some("x")) => exec(&rest[1..]),
        ("npm" | "pnpm" | "yarn" | "bun", _) => in_workspaces(ctx, name, argv, rest, cwd),
        _ => return None,
    };
    Some(steps)
}

/// `npm run X` and friends, in each folder the monorepo selectors pick.
fn in_workspaces(
    ctx: &Context<'_>,
    manager: &str,
    argv: &[Arg],
    args: &[Arg],
    cwd: &Path,
) -> Vec<Step> {
    use crate::workspaces::{select, Selection};
    let run = |rest: &[Arg], dir: &Path| match manager {
        "npm" => npm(ctx, rest, dir),
        _ => run_or_bin(ctx, manager, rest, dir),
    };
    match select(ctx, manager, args, cwd) {
        (Selection::Here, rest) => run(&rest, cwd),
        (Selection::Folders(dirs), rest) => dirs.iter().flat_map(|dir| run(&rest, dir)).collect(),
        (Selection::Unknown(why), _) => {
            let text = argv
                .iter()
                .map(|a| a.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            vec![Step::Unresolved(text, why)]
        }
    }
}

fn is_program_file(name: &str) -> bool {
    [".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// `npx [options] [--] <package-or-bin> args`: the package's bin runs with `args`.
fn exec(args: &[Arg]) -> Vec<Step> {
    let mut i = 0;
    let mut package: Option<String> = None;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            i += 1;
            break;
        }
        if text == "-c" || text == "--call" {
            return match args.get(i + 1) {
                Some(script) if script.literal => vec![Step::Script(script.text.clone())],
                Some(script) => vec![Step::Unresolved(
                    script.text.clone(),
                    "npx --call runs a command built at run time",
                )],
                None => vec![],
            };
        }
        if let Some(p) = text.strip_prefix("--package=") {
            package = Some(p.to_string());
            i += 1;
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            if matches!(text, "-p" | "--package") {
                package = args.get(i + 1).map(|a| a.text.clone());
            }
            i += if NPX_WITH_VALUE.contains(&text) { 2 } else { 1 };
            continue;
        }
        break;
    }
    let mut argv: Vec<Arg> = args.get(i..).unwrap_or_default().to_vec();
    let Some(first) = argv.first_mut() else {
        return vec![];
    };
    if let Some(text) = first.known() {
        // Without -p the first word is a package spec: `aws-cdk@2.150` runs its bin, `cdk`.
        let bin = bin_of_package(text);
        if package.is_none() || bin != text {
            *first = Arg::lit(bin);
        }
    }
    vec![Step::run(argv)]
}

/// The command a package spec runs: version stripped, known packages mapped to their bin.
fn bin_of_package(spec: &str) -> String {
    let name = match spec.strip_prefix('@') {
        Some(scoped) => format!("@{}", scoped.split('@').next().unwrap_or(scoped)),
        None => spec.split('@').next().unwrap_or(spec).to_string(),
    };
    match name.as_str() {
        "aws-cdk" | "cdk" => "cdk".into(),
        "@aws-amplify/cli" => "amplify".into(),
        "cdktf-cli" => "cdktf".into(),
        "serverless" => "serverless".into(),
        "aws-sam-cli" => "sam".into(),
        _ => crate::engine::basename(&name).to_string(),
    }
}

fn npm(ctx: &Context<'_>, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let mut i = 0;
    let mut dir = cwd.to_path_buf();
    while let Some(text) = args.get(i).and_then(Arg::known) {
        match text {
            "--prefix" | "-C" => {
                if let Some(p) = args.get(i + 1).and_then(Arg::known) {
                    dir = crate::scope::normalize(&cwd.join(p));
                }
                i += 2;
            }
            _ if text.starts_with("--prefix=") => {
                dir = crate::scope::normalize(&cwd.join(&text["--prefix=".len()..]));
                i += 1;
            }
            _ if text.starts_with('-') => i += 1,
            _ => break,
        }
    }
    let Some(command) = args.get(i).and_then(Arg::known) else {
        return vec![];
    };
    let rest = args.get(i + 1..).unwrap_or_default();
    match command {
        "run" | "run-script" | "rum" | "urn" => {
            let (script, extra) = script_and_args(rest);
            match script {
                Some(script) => scripts(ctx, &dir, &script, extra, true),
                None => vec![],
            }
        }
        "start" | "test" | "t" | "tst" | "stop" | "restart" => {
            let script = match command {
                "t" | "tst" => "test",
                other => other,
            };
            scripts(ctx, &dir, script, rest, true)
        }
        _ => vec![],
    }
}

/// `pnpm X` / `yarn X` / `bun X`: a package.json script when there is one, else the bin `X`.
fn run_or_bin(ctx: &Context<'_>, manager: &str, args: &[Arg], cwd: &Path) -> Vec<Step> {
    let args: Vec<Arg> = args
        .iter()
        .skip_while(|a| a.known().is_some_and(|t| t.starts_with('-')))
        .cloned()
        .collect();
    let Some(command) = args.first().and_then(Arg::known) else {
        return vec![];
    };
    if command == "run" || command == "run-script" {
        let (script, extra) = script_and_args(&args[1..]);
        return match script {
            Some(script) => scripts(ctx, cwd, &script, extra, manager != "pnpm"),
            None => vec![],
        };
    }
    const BUILTINS: &[&str] = &[
        "install", "i", "add", "remove", "rm", "update", "up", "upgrade", "init", "create",
        "publish", "pack", "link", "unlink", "why", "list", "ls", "outdated", "audit", "config",
        "info", "cache", "build",
    ];
    if BUILTINS.contains(&command) {
        return vec![];
    }
    if has_script(ctx, cwd, command) {
        return scripts(ctx, cwd, command, &args[1..], manager != "pnpm");
    }
    vec![Step::run(args)]
}

fn script_and_args(args: &[Arg]) -> (Option<String>, &[Arg]) {
    let mut i = 0;
    while args
        .get(i)
        .and_then(Arg::known)
        .is_some_and(|t| t.starts_with('-'))
    {
        i += 1;
    }
    let script = args.get(i).and_then(Arg::known).map(str::to_string);
    let extra = args.get(i + 1..).unwrap_or_default();
    let extra = match extra.first().and_then(Arg::known) {
        Some("--") => &extra[1..],
        _ => extra,
    };
    (script, extra)
}

/// The nearest package.json at or above `dir`, parsed.
fn package_json(ctx: &Context<'_>, dir: &Path) -> Option<(PathBuf, serde_json::Value)> {
    dir.ancestors().take(MAX_PARENTS).find_map(|d| {
        let text = ctx.files.read(&d.join("package.json"))?;
        let json = serde_json::from_str(&text).ok()?;
        Some((d.to_path_buf(), json))
    })
}

/// The names of the nearest package.json's scripts.
pub(crate) fn script_names(ctx: &Context<'_>, dir: &Path) -> Vec<String> {
    package_json(ctx, dir)
        .and_then(|(_, json)| {
            json.get("scripts")
                .and_then(|s| s.as_object())
                .map(|table| table.keys().cloned().collect())
        })
        .unwrap_or_default()
}

fn has_script(ctx: &Context<'_>, dir: &Path, name: &str) -> bool {
    package_json(ctx, dir).is_some_and(|(_, json)| {
        json.pointer(&format!("/scripts/{}", escape_pointer(name)))
            .is_some()
    })
}

fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The script (and its pre/post hooks for npm-style runners) as shell text, run in the
/// package's folder, with the extra arguments appended the way npm quotes them.
pub(crate) fn scripts(
    ctx: &Context<'_>,
    dir: &Path,
    name: &str,
    extra: &[Arg],
    hooks: bool,
) -> Vec<Step> {
    let Some((package_dir, json)) = package_json(ctx, dir) else {
        return vec![];
    };
    let Some(table) = json.get("scripts").and_then(|s| s.as_object()) else {
        return vec![];
    };
    let Some(body) = table.get(name).and_then(|s| s.as_str()) else {
        return vec![];
    };
    let mut texts = Vec::new();
    let cd = format!("cd {} && ", quote(&package_dir.to_string_lossy()));
    if hooks {
        if let Some(pre) = table.get(&format!("pre{name}")).and_then(|s| s.as_str()) {
            texts.push(format!("{cd}{pre}"));
        }
    }
    let mut main = format!("{cd}{body}");
    for arg in extra {
        main.push(' ');
        main.push_str(&if arg.literal {
            quote(&arg.text)
        } else {
            arg.text.clone()
        });
    }
    texts.push(main);
    if hooks {
        if let Some(post) = table.get(&format!("post{name}")).and_then(|s| s.as_str()) {
            texts.push(format!("{cd}{post}"));
        }
    }
    texts.into_iter().map(Step::Script).collect()
}

/// Single-quotes a word for re-parsing.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::bin_of_package;

    #[test]
    fn package_specs() {
        assert_eq!(bin_of_package("aws-cdk@2.150.0"), "cdk");
        assert_eq!(bin_of_package("aws-cdk"), "cdk");
        assert_eq!(bin_of_package("@aws-amplify/cli@12"), "amplify");
        assert_eq!(bin_of_package("vitest"), "vitest");
    }
}
