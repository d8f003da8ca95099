//! Monorepo selectors of the package managers — `npm -w NAME|PATH` / `--workspace`, `yarn
//! workspace NAME`, `yarn --cwd DIR`, `pnpm --filter NAME` / `-F`, `pnpm -C DIR` / `--dir`, and
//! the run-everywhere forms (`npm -ws`, `pnpm -r`, `yarn workspaces foreach`) — resolved to the
//! package folder whose package.json the script comes from. A workspace given by name is looked
//! for in the usual folders (`packages/`, `apps/`, `services/`, …) by its package.json `name`;
//! the guard reads files, it does not list folders. One it cannot find runs a script it cannot
//! see: asked about when the command names a tool or a deploy (`guard/unresolved`).

use std::path::{Path, PathBuf};

use crate::context::Context;
use crate::words::Arg;

/// Where a package manager command runs its scripts.
pub(crate) enum Selection {
    /// No selector: the current folder.
    Here,
    /// These package folders.
    Folders(Vec<PathBuf>),
    /// A workspace that could not be found, or every workspace (`-ws`, `-r`): not seen.
    Unknown(&'static str),
}

/// Folders workspaces usually live in, below the workspace root.
pub(crate) const WORKSPACE_FOLDERS: &[&str] = &[
    "packages",
    "apps",
    "services",
    "libs",
    "infra",
    "lambdas",
    "functions",
    "modules",
    "",
];

/// Takes the selectors out of `args` (what is left is the command for each selected folder).
pub(crate) fn select(
    ctx: &Context<'_>,
    manager: &str,
    args: &[Arg],
    cwd: &Path,
) -> (Selection, Vec<Arg>) {
    let mut rest = Vec::new();
    let mut folders = Vec::new();
    let mut i = 0;
    if manager == "yarn" {
        match args.first().and_then(Arg::known) {
            Some("workspace") => {
                let Some(name) = args.get(1).and_then(Arg::known) else {
                    return (
                        Selection::Unknown("a workspace built at run time runs a script"),
                        vec![],
                    );
                };
                return match find(ctx, cwd, name) {
                    Some(dir) => (Selection::Folders(vec![dir]), args[2..].to_vec()),
                    None => (
                        Selection::Unknown("a workspace the guard cannot find runs a script"),
                        vec![],
                    ),
                };
            }
            Some("workspaces") => {
                return (Selection::Unknown("every workspace runs a script"), vec![]);
            }
            _ => {}
        }
    }
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else {
            rest.push(arg.clone());
            continue;
        };
        let (flag, inline) = match text.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (text, None),
        };
        let kind = match (manager, flag) {
            ("npm", "-w" | "--workspace") | ("pnpm", "-F" | "--filter") => Some(false),
            ("npm", "-C" | "--prefix") | ("pnpm", "-C" | "--dir") | ("yarn", "--cwd") => Some(true),
            ("npm", "-ws" | "--workspaces") | ("pnpm", "-r" | "--recursive") => {
                return (Selection::Unknown("every workspace runs a script"), vec![]);
            }
            _ => None,
        };
        let Some(is_dir) = kind else {
            rest.push(arg.clone());
            continue;
        };
        let value = match inline {
            Some(v) => Some(v),
            None => {
                i += 1;
                args.get(i - 1).and_then(Arg::known).map(str::to_string)
            }
        };
        let Some(value) = value else {
            return (
                Selection::Unknown("a workspace built at run time runs a script"),
                vec![],
            );
        };
        let found = if is_dir {
            Some(crate::scope::normalize(&cwd.join(&value)))
        } else {
            find(ctx, cwd, &value)
        };
        match found {
            Some(dir) => folders.push(dir),
            None => {
                return (
                    Selection::Unknown("a workspace the guard cannot find runs a script"),
                    vec![],
                )
            }
        }
    }
    if folders.is_empty() {
        (Selection::Here, rest)
    } else {
        (Selection::Folders(folders), rest)
    }
}

/// The folder of the workspace `selector` (a path, or a package name), near `cwd`.
pub(crate) fn find(ctx: &Context<'_>, cwd: &Path, selector: &str) -> Option<PathBuf> {
    let selector = selector.trim_start_matches("./");
    let short = selector.rsplit('/').next().unwrap_or(selector);
    for root in cwd.ancestors().take(6) {
        let by_path = crate::scope::normalize(&root.join(selector));
        if ctx.files.read(&by_path.join("package.json")).is_some() {
            return Some(by_path);
        }
        for folder in WORKSPACE_FOLDERS {
            let dir = root.join(folder).join(short);
            let named = ctx
                .files
                .read(&dir.join("package.json"))
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|json| json.get("name").and_then(|n| n.as_str()) == Some(selector));
            if named {
                return Some(dir);
            }
        }
    }
    None
}
