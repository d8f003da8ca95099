//! A CDK app as a whole, seen from its `cdk.json`: whether it has a cloud assembly to check
//! (`cdk/not-synthesized`) and whether that assembly is older than the app's sources
//! (`cdk/stale-synth`). Without this, `check` on an app nobody synthesized says "No findings".

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use stackwarden_core::{Finding, LineIndex, Location, Node, Report, RuleMeta, Span};

use crate::check::Options;
use crate::load::{self, Format};
use crate::rules::{cdk_not_synthesized, cdk_stale_synth};

/// A CDK app's `cdk.json`, read once by whoever needs it: the synth checks below, the check
/// engine (which file creates the app, for the report) and `init` (the values it holds).
#[derive(Debug, Clone)]
pub struct CdkJson {
    /// The whole document, with positions.
    pub root: Node,
}

impl CdkJson {
    /// `cdk.json` text; `None` when it is not JSON.
    pub fn parse(text: &str) -> Option<Self> {
        load::load(text, Format::Json)
            .ok()
            .map(|loaded| Self { root: loaded.root })
    }

    /// The `cdk.json` in the folder `project`; `None` when there is none, or it cannot be read
    /// or is not JSON.
    pub fn read(project: &Path) -> Option<Self> {
        Self::parse(&crate::check::read_text(&project.join("cdk.json")).ok()?)
    }

    /// The `app` command (`npx ts-node --prefer-ts-exts bin/orders-app.ts`) and where its key is
    /// written; `None` for a cdk.json without one (a library's context file).
    pub fn app(&self) -> Option<(Span, &str)> {
        let (key, app) = self.root.as_map()?.entry("app")?;
        Some((key.span, app.as_str()?))
    }

    /// The file the `app` command runs that creates the app, as the command names it
    /// (`bin/orders-app.ts`): its first word that names a JavaScript or TypeScript file.
    pub fn app_entry(&self) -> Option<&str> {
        self.app()?.1.split_whitespace().find(|word| {
            [".ts", ".js", ".mjs", ".cjs", ".mts"]
                .iter()
                .any(|ext| word.ends_with(ext))
        })
    }

    /// The folder `cdk synth` writes the cloud assembly to: `output`, else `cdk.out`.
    pub fn output(&self) -> &str {
        self.root
            .get("output")
            .and_then(Node::as_str)
            .unwrap_or("cdk.out")
    }
}

/// How much newer than the assembly a source must be to count as changed after the synth.
/// A checkout or copy of a project whose `cdk.out` is committed writes `cdk.out/` and then
/// `lib/`, `src/` within milliseconds of each other (git writes in path order), and some file
/// systems keep mtimes to 2 s; a real edit after a synth is minutes later.
const TOLERANCE: Duration = Duration::from_secs(5);
/// Source folders of the app that are looked at, the ones `cdk init` creates (TypeScript,
/// JavaScript) and that the `watch` defaults name.
const SOURCE_DIRS: &[&str] = &["bin", "lib", "src"];
/// The most directory entries read under them: the check stays cheap on a monorepo's `src/`.
const MAX_ENTRIES: usize = 20_000;

/// Checks the CDK app whose `cdk.json` is at `path` (with `text` its content).
pub(crate) fn check(path: &Path, text: &str, options: &Options<'_>, report: &mut Report) {
    let enabled =
        |meta: &RuleMeta| stackwarden_core::rule::runs(meta, options.config, options.filter);
    if !enabled(&cdk_not_synthesized::META) && !enabled(&cdk_stale_synth::META) {
        return;
    }
    // A cdk.json that does not parse, or has no `app`, is not an app `cdk synth` can run (a
    // library's context file, a half-written config): nothing to say about its synth.
    let Some(cdk_json) = CdkJson::parse(text) else {
        return;
    };
    let Some((at, app)) = cdk_json.app() else {
        return;
    };
    let at = LineIndex::new(text).position(text, at.start as usize);
    let root = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let output = cdk_json.output();
    let manifest = root.join(output).join("manifest.json");
    let synth = synth_command(&root);
    match std::fs::metadata(&manifest).and_then(|m| m.modified()) {
        Err(_) => {
            if enabled(&cdk_not_synthesized::META) {
                let message = format!(
                    "this CDK app (`{app}`) has not been synthesized: there is no `{output}/manifest.json`, so none of its stacks was checked"
                );
                let help = format!(
                    "run `{synth}` {}, then check again; in CI, synthesize before `stackwarden check`",
                    beside(path)
                );
                push(
                    &cdk_not_synthesized::META,
                    path,
                    at,
                    message,
                    help,
                    options,
                    report,
                );
            }
        }
        Ok(synthesized) => {
            if !enabled(&cdk_stale_synth::META) {
                return;
            }
            let Some((source, changed)) = newest_source(&root, path, app) else {
                return;
            };
            let Ok(after) = changed.duration_since(synthesized) else {
                return;
            };
            if after <= TOLERANCE {
                return;
            }
            let shown = source.strip_prefix(&root).unwrap_or(&source);
            let message = format!(
                "`{output}` is older than the app it was synthesized from: `{}` changed {} after the last synth, so the templates checked may not be what the app synthesizes now",
                shown.display(),
                describe(after)
            );
            let help = format!("run `{synth}` {} again, then check again", beside(path));
            push(
                &cdk_stale_synth::META,
                path,
                at,
                message,
                help,
                options,
                report,
            );
        }
    }
}

fn push(
    meta: &'static RuleMeta,
    path: &Path,
    at: Location,
    message: String,
    help: String,
    options: &Options<'_>,
    report: &mut Report,
) {
    let Some(severity) =
        stackwarden_core::rule::level(meta.id, meta.severity, options.config, options.filter)
    else {
        return;
    };
    report.findings.push(Finding {
        severity,
        ..Finding::new(meta, path.to_path_buf(), at, message, help)
    });
}

/// `in examples/orders-app` (the folder of this cdk.json), or nothing when it is the working one.
fn beside(cdk_json: &Path) -> String {
    match cdk_json.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && dir != Path::new(".") => {
            format!("in `{}`", dir.display())
        }
        _ => "here".to_string(),
    }
}

/// The project's own synth script when package.json has one (it may set `CDK_DEBUG`, contexts
/// or a build step), run with the package manager its lock file names; `npx cdk synth` otherwise.
fn synth_command(root: &Path) -> String {
    let has_synth_script = std::fs::read_to_string(root.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|json| {
            json.pointer("/scripts/synth")
                .is_some_and(|s| s.is_string())
        });
    if !has_synth_script {
        return "npx cdk synth".into();
    }
    match stackwarden_core::discover::package_manager(root) {
        // yarn runs a script by its name alone.
        "yarn" => "yarn synth".into(),
        runner => format!("{runner} run synth"),
    }
}

/// The most recently changed input of the synth: cdk.json, the files the `app` command names
/// (`bin/app.ts` in `npx ts-node bin/app.ts`, `app.py` in `python3 app.py`) and the sources under
/// [`SOURCE_DIRS`].
///
/// Modification times, because they are what is exact and cheap here: the assembly records no
/// hash of the app's sources (asset hashes cover Lambda code only, creation stacks give paths
/// and lines), and `cdk synth` writes `manifest.json` last, after reading every source, so any
/// source newer than it changed after that synth. One `stat` per file, no reads.
fn newest_source(root: &Path, cdk_json: &Path, app: &str) -> Option<(PathBuf, SystemTime)> {
    let mut newest: Option<(PathBuf, SystemTime)> = None;
    let mut consider = |path: PathBuf| {
        if let Ok(time) = std::fs::metadata(&path).and_then(|m| m.modified()) {
            if newest.as_ref().is_none_or(|(_, t)| time > *t) {
                newest = Some((path, time));
            }
        }
    };
    consider(cdk_json.to_path_buf());
    // The command's words that name a file of the project. Only names confirmed on disk count,
    // so a word that is not a path (`npx`, `--prefer-ts-exts`) is simply not found.
    for word in app.split_whitespace() {
        let word = word.trim_matches(['"', '\'']);
        let candidate = root.join(word);
        if !word.starts_with('-') && !word.contains("..") && candidate.is_file() {
            consider(candidate);
        }
    }
    let mut budget = MAX_ENTRIES;
    let mut pending: Vec<PathBuf> = SOURCE_DIRS.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if budget == 0 {
                return newest;
            }
            budget -= 1;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !(name.starts_with('.') || name == "node_modules" || name == "cdk.out") {
                    pending.push(path);
                }
            } else if kind.is_file() && is_app_source(&path, &name) {
                consider(path);
            }
        }
    }
    newest
}

/// Source a synth reads. Not `.d.ts` files or JavaScript that `tsc` compiled beside its
/// TypeScript (the `cdk init` layout): `npm run build` after a synth rewrites those without
/// changing what the app synthesizes.
fn is_app_source(path: &Path, name: &str) -> bool {
    if name.ends_with(".d.ts") {
        return false;
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "ts" | "tsx" | "mts" | "cts" | "py" | "go" | "java" | "cs" | "fs" | "json" | "yaml"
        | "yml" => true,
        "js" | "mjs" | "cjs" => !path.with_extension("ts").is_file(),
        _ => false,
    }
}

/// `3 minutes`, `2 hours`, `5 days`.
fn describe(after: Duration) -> String {
    let seconds = after.as_secs();
    let (count, unit) = match seconds {
        0..=119 => (seconds, "second"),
        120..=7_199 => (seconds / 60, "minute"),
        7_200..=172_799 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(describe(Duration::from_secs(6)), "6 seconds");
        assert_eq!(describe(Duration::from_secs(180)), "3 minutes");
        assert_eq!(describe(Duration::from_secs(3 * 3_600 + 5)), "3 hours");
        assert_eq!(describe(Duration::from_secs(86_400 * 4)), "4 days");
        assert_eq!(describe(Duration::from_secs(60)), "60 seconds");
    }

    #[test]
    fn cdk_json_names_the_app_entry_and_the_output_folder() {
        let cdk_json = CdkJson::parse(
            r#"{"app": "npx ts-node --prefer-ts-exts bin/orders-app.ts", "output": "build/cdk"}"#,
        )
        .expect("json");
        assert_eq!(
            cdk_json.app().map(|(at, app)| (at.start, app)),
            Some((1, "npx ts-node --prefer-ts-exts bin/orders-app.ts"))
        );
        assert_eq!(cdk_json.app_entry(), Some("bin/orders-app.ts"));
        assert_eq!(cdk_json.output(), "build/cdk");

        // A Python app names no JavaScript entry; a context-only file names no app at all.
        let python = CdkJson::parse(r#"{"app": "python3 app.py"}"#).expect("json");
        assert_eq!(python.app_entry(), None);
        assert_eq!(python.output(), "cdk.out");
        let context = CdkJson::parse(r#"{"context": {"stage": "dev"}}"#).expect("json");
        assert_eq!(context.app(), None);
        assert!(CdkJson::parse("app: bin/app.ts\n").is_none());
    }

    #[test]
    fn cdk_json_is_read_from_the_project_folder() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(CdkJson::read(dir.path()).is_none());
        std::fs::write(
            dir.path().join("cdk.json"),
            r#"{"app": "node bin/app.mjs"}"#,
        )
        .expect("write");
        assert_eq!(
            CdkJson::read(dir.path()).and_then(|c| c.app_entry().map(str::to_string)),
            Some("bin/app.mjs".to_string())
        );
    }

    #[test]
    fn the_synth_command_is_the_projects_script_run_by_its_package_manager() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::write(
            root.join("package.json"),
            r#"{"scripts": {"build": "tsc"}}"#,
        )
        .expect("write");
        assert_eq!(synth_command(root), "npx cdk synth");
        std::fs::write(
            root.join("package.json"),
            r#"{"scripts": {"synth": "CDK_DEBUG=true cdk synth"}}"#,
        )
        .expect("write");
        assert_eq!(synth_command(root), "npm run synth");
        std::fs::write(root.join("yarn.lock"), "").expect("write");
        assert_eq!(synth_command(root), "yarn synth");
        std::fs::write(root.join("pnpm-lock.yaml"), "").expect("write");
        assert_eq!(synth_command(root), "pnpm run synth");
    }

    #[test]
    fn compiled_javascript_beside_typescript_is_not_a_source() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("stack.ts"), "").expect("write");
        std::fs::write(dir.path().join("stack.js"), "").expect("write");
        std::fs::write(dir.path().join("handler.js"), "").expect("write");
        assert!(is_app_source(&dir.path().join("stack.ts"), "stack.ts"));
        assert!(!is_app_source(&dir.path().join("stack.js"), "stack.js"));
        assert!(!is_app_source(&dir.path().join("stack.d.ts"), "stack.d.ts"));
        assert!(is_app_source(&dir.path().join("handler.js"), "handler.js"));
        assert!(!is_app_source(&dir.path().join("README.md"), "README.md"));
    }
}
