//! Finding the files to check: a parallel walk that honours `.gitignore`, skips dependency and
//! build folders, and says what each file is so the right parser sees it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a discovered input is. The classification is by name only; content is looked at by the
/// parser that takes the input (a YAML file that turns out not to be a template is skipped there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// A YAML or JSON file that may be a CloudFormation/SAM template.
    TemplateCandidate,
    /// A CDK cloud assembly folder (`cdk.out/`, holding `manifest.json`).
    CdkAssembly,
    /// TypeScript or JavaScript source.
    Source,
    /// A `package.json`.
    PackageJson,
    /// A Claude Code settings file (`.claude/settings*.json`).
    ClaudeSettings,
    /// Anything else that is text: scanned for credentials only.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub path: PathBuf,
    pub kind: InputKind,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Folders never descended into: dependencies and VCS metadata.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".git"];

/// Walks `roots` in parallel and returns every input, sorted by path, plus what could not be read.
///
/// A CDK cloud assembly is one input (its templates are read through its manifest, which knows
/// the stacks), and it is found even when `.gitignore` lists `cdk.out`: synth output is exactly
/// what a check after `cdk synth` is for.
pub fn discover(roots: &[PathBuf]) -> (Vec<Input>, Vec<WalkError>) {
    let found = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut walk_roots = Vec::new();
    for root in roots {
        if !root.exists() {
            lock(&errors).push(WalkError {
                path: root.clone(),
                message: "no such file or directory".into(),
            });
        } else if is_cloud_assembly(root) {
            lock(&found).push(Input {
                path: root.clone(),
                kind: InputKind::CdkAssembly,
            });
        } else if root.is_file() {
            lock(&found).push(Input {
                path: root.clone(),
                kind: classify(root),
            });
        } else {
            walk_roots.push(root.clone());
        }
    }
    if let Some((first, rest)) = walk_roots.split_first() {
        let mut builder = ignore::WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        builder
            .hidden(false)
            .require_git(false)
            .filter_entry(|entry| {
                let name = entry.file_name().to_string_lossy();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && (SKIPPED_DIRS.contains(&name.as_ref()) || is_asset_dir(entry.path())))
            });
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        lock(&errors).push(walk_error(err));
                        return ignore::WalkState::Continue;
                    }
                };
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if is_dir {
                    if is_cloud_assembly(path) {
                        lock(&found).push(Input {
                            path: path.to_path_buf(),
                            kind: InputKind::CdkAssembly,
                        });
                        return ignore::WalkState::Skip;
                    }
                    return ignore::WalkState::Continue;
                }
                // The walk does not follow links to folders (no cycles, no linked node_modules);
                // a link to a file is checked like the file.
                if !path.is_file() {
                    return ignore::WalkState::Continue;
                }
                if entry.file_name() == "cdk.json" {
                    // The app's synth output is usually gitignored; find it anyway.
                    if let Some(out) = path.parent().map(|dir| dir.join("cdk.out")) {
                        if is_cloud_assembly(&out) {
                            lock(&found).push(Input {
                                path: out,
                                kind: InputKind::CdkAssembly,
                            });
                        }
                    }
                }
                lock(&found).push(Input {
                    path: path.to_path_buf(),
                    kind: classify(path),
                });
                ignore::WalkState::Continue
            })
        });
    }
    let mut found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.sort();
    found.dedup();
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort();
    (found, errors)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn walk_error(err: ignore::Error) -> WalkError {
    let path = match &err {
        ignore::Error::WithPath { path, .. } => path.clone(),
        ignore::Error::WithDepth { err, .. } => match err.as_ref() {
            ignore::Error::WithPath { path, .. } => path.clone(),
            _ => PathBuf::new(),
        },
        _ => PathBuf::new(),
    };
    WalkError {
        path,
        message: err.to_string(),
    }
}

/// A CDK cloud assembly: a folder with `manifest.json` beside the `cdk.out` version marker (or
/// named `cdk.out`).
pub fn is_cloud_assembly(path: &Path) -> bool {
    path.is_dir()
        && path.join("manifest.json").is_file()
        && (path.join("cdk.out").is_file() || path.file_name().is_some_and(|n| n == "cdk.out"))
}

/// The package manager of the JavaScript project in `dir`, by the lock file it writes: `pnpm`,
/// `yarn`, else `npm` (with `package-lock.json`, or none yet).
pub fn package_manager(dir: &Path) -> &'static str {
    if dir.join("pnpm-lock.yaml").is_file() {
        "pnpm"
    } else if dir.join("yarn.lock").is_file() {
        "yarn"
    } else {
        "npm"
    }
}

/// `cdk.out/asset.*` folders hold bundled Lambda code and Docker contexts, not templates.
fn is_asset_dir(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("asset."))
}

pub fn classify(path: &Path) -> InputKind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let in_claude_dir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == ".claude");
    if in_claude_dir && name.starts_with("settings") && extension == "json" {
        return InputKind::ClaudeSettings;
    }
    if name == "package.json" {
        return InputKind::PackageJson;
    }
    match extension.as_str() {
        "yaml" | "yml" | "json" | "template" => InputKind::TemplateCandidate,
        // `.jsx` is JavaScript with JSX (React components): source like any other.
        "ts" | "tsx" | "mts" | "cts" | "js" | "mjs" | "cjs" | "jsx" if !name.ends_with(".d.ts") => {
            InputKind::Source
        }
        _ => InputKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(
            classify(Path::new("a/template.yaml")),
            InputKind::TemplateCandidate
        );
        assert_eq!(
            classify(Path::new("a/x.template")),
            InputKind::TemplateCandidate
        );
        assert_eq!(
            classify(Path::new("a/package.json")),
            InputKind::PackageJson
        );
        assert_eq!(
            classify(Path::new("p/.claude/settings.local.json")),
            InputKind::ClaudeSettings
        );
        assert_eq!(classify(Path::new("src/index.ts")), InputKind::Source);
        assert_eq!(classify(Path::new("src/App.jsx")), InputKind::Source);
        assert_eq!(classify(Path::new("src/types.d.ts")), InputKind::Other);
        assert_eq!(classify(Path::new("README.md")), InputKind::Other);
    }

    #[test]
    fn the_lock_file_names_the_package_manager() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(package_manager(dir.path()), "npm");
        std::fs::write(dir.path().join("yarn.lock"), "").expect("write");
        assert_eq!(package_manager(dir.path()), "yarn");
        // Both: a pnpm project that someone once ran `yarn` in.
        std::fs::write(dir.path().join("pnpm-lock.yaml"), "").expect("write");
        assert_eq!(package_manager(dir.path()), "pnpm");
    }

    #[test]
    fn links_to_folders_are_not_inputs_and_links_to_files_are() {
        let dir = tempfile::tempdir().expect("tmp");
        let deps = dir.path().join("elsewhere");
        std::fs::create_dir(&deps).expect("mkdir");
        std::fs::write(deps.join("lib.js"), "x").expect("write");
        std::fs::write(dir.path().join("template.yaml"), "Resources: {}").expect("write");
        std::os::unix::fs::symlink(&deps, dir.path().join("node_deps")).expect("link");
        std::os::unix::fs::symlink(
            dir.path().join("template.yaml"),
            dir.path().join("linked.yaml"),
        )
        .expect("link");
        let (inputs, errors) = discover(&[dir.path().to_path_buf()]);
        let names: Vec<String> = inputs
            .iter()
            .map(|i| {
                i.path
                    .strip_prefix(dir.path())
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(names, ["elsewhere/lib.js", "linked.yaml", "template.yaml"]);
    }
}
