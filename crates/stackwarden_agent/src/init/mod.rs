//! `stackwarden init`: from a project's files to the contents of `stackwarden.toml`, `CLAUDE.md`,
//! `.claude/settings.json` and `.gitignore`, and to the drift report `init --check` prints.
//!
//! [`plan`] reads the project and returns what each file should contain; it writes nothing. An
//! existing `stackwarden.toml` is kept and is the configuration everything is rendered from;
//! without one, detection writes a first one and the rest is rendered from that. Only our parts
//! of the other files change: the CLAUDE.md block between markers, our permission entries and
//! hook registrations, one `.gitignore` line.

pub mod claude_md;
pub mod detect;
pub mod hook_program;
pub mod permissions;
pub mod render_toml;
pub mod settings_json;

use std::path::{Path, PathBuf};

use stackwarden_core::config::{Config, ConfigError, CONFIG_FILE};
use stackwarden_core::LineIndex;

pub use detect::{detect, Detection};
pub use hook_program::{HookProgram, Origin};

pub const CLAUDE_MD: &str = "CLAUDE.md";
pub const SETTINGS: &str = ".claude/settings.json";
pub const GITIGNORE: &str = ".gitignore";
const GITIGNORE_LINE: &str = ".stackwarden/";

#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Reset our entries the user changed (and drop stage-dependent entries no longer rendered).
    pub force: bool,
    /// The program the hook commands run (see [`hook_program`]).
    pub hook: HookProgram,
    /// Text of `~/.aws/config` (or `$AWS_CONFIG_FILE`): which profiles exist, for the deploy
    /// commands CLAUDE.md names. `None`: there is none, and CLAUDE.md names no profile.
    pub aws_config: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Created,
    Updated,
    Unchanged,
}

/// One file `init` would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWrite {
    /// Relative to the project root, `/`-separated.
    pub path: String,
    pub contents: String,
    pub status: WriteStatus,
    /// What changed, in a few words.
    pub what: String,
}

/// A part of CLAUDE.md or .claude/settings.json that differs from what the config renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub path: String,
    pub section: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub root: PathBuf,
    pub writes: Vec<PlannedWrite>,
    pub drift: Vec<Drift>,
    /// Things kept on purpose, for the user to know.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}:{line}:{column}: {message}; fix the file (it was left untouched)", path.display())]
    Settings {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
}

/// Reads the project at `root` and plans every write.
pub fn plan(root: &Path, options: &InitOptions) -> Result<Plan, InitError> {
    let detection = detect(root);
    let config_path = root.join(CONFIG_FILE);
    let existing_config = read_optional(&config_path)?;
    let (config_text, config_status) = match &existing_config {
        Some(text) => (text.clone(), WriteStatus::Unchanged),
        None => (render_toml::render(&detection), WriteStatus::Created),
    };
    let config = Config::parse(&config_path, &config_text)?;

    let mut writes = Vec::new();
    let mut drift = Vec::new();
    let mut notes = Vec::new();
    if existing_config.is_none() {
        drift.push(Drift {
            path: CONFIG_FILE.into(),
            section: "file".into(),
            message: "does not exist".into(),
        });
    }
    writes.push(PlannedWrite {
        path: CONFIG_FILE.into(),
        what: match config_status {
            WriteStatus::Created => "detected settings; check the lines marked \"guess\"".into(),
            _ => "kept; everything below is rendered from it".into(),
        },
        contents: config_text,
        status: config_status,
    });

    // CLAUDE.md
    let claude_path = root.join(CLAUDE_MD);
    let claude_existing = read_optional(&claude_path)?;
    let profiles =
        stackwarden_guard::profiles::AwsConfig::parse(options.aws_config.as_deref().unwrap_or(""));
    let block = claude_md::render_block(&config, &detection, &profiles);
    let title = config
        .project_name
        .clone()
        .unwrap_or_else(|| detection.name.value.clone());
    let claude_text =
        claude_md::merge(claude_existing.as_deref(), &block, &title).map_err(|message| {
            InitError::File {
                path: claude_path.clone(),
                message,
            }
        })?;
    for (section, message) in claude_md::drift(claude_existing.as_deref(), &block) {
        drift.push(Drift {
            path: CLAUDE_MD.into(),
            section,
            message,
        });
    }
    writes.push(planned(
        CLAUDE_MD,
        claude_existing.as_deref(),
        claude_text,
        "the stackwarden block",
    ));

    // .claude/settings.json
    let settings_path = root.join(SETTINGS);
    let settings_existing = read_optional(&settings_path)?;
    let ours = permissions::render(&config, &detection);
    let merged = settings_json::merge(
        settings_existing.as_deref(),
        &ours,
        &options.hook.command(),
        options.force,
    )
    .map_err(|e| {
        let text = settings_existing.as_deref().unwrap_or("");
        let at = LineIndex::new(text).position(text, e.offset);
        InitError::Settings {
            path: settings_path.clone(),
            line: at.line,
            column: at.column,
            message: format!("not valid Claude Code settings: {}", e.message),
        }
    })?;
    for d in merged.drift {
        drift.push(Drift {
            path: SETTINGS.into(),
            section: d.section,
            message: d.message,
        });
    }
    notes.extend(merged.notes);
    writes.push(planned(
        SETTINGS,
        settings_existing.as_deref(),
        merged.text,
        "permissions and hooks",
    ));

    // .gitignore
    let gitignore_existing = read_optional(&root.join(GITIGNORE))?;
    writes.push(planned(
        GITIGNORE,
        gitignore_existing.as_deref(),
        gitignore(gitignore_existing.as_deref()),
        "`.stackwarden/` (the guard's ledger)",
    ));

    notes.push(hook_note(&options.hook));

    Ok(Plan {
        root: root.to_path_buf(),
        writes,
        drift,
        notes,
    })
}

/// What the hook commands run and what a teammate without that program gets.
fn hook_note(hook: &HookProgram) -> String {
    let consequence = "a machine where it does not resolve gets every Bash command and MCP tool call blocked on Claude Code 2.1.295+ (`onFailure: block`) and the guard silently off on older versions; `stackwarden doctor` checks it";
    match hook.origin {
        Origin::Npm => format!(
            "the hooks run `{}`: the native binary of the project's npm install (not the Node shim), so every teammate needs `npm ci`; {consequence}",
            hook.command()
        ),
        Origin::Path => format!(
            "the hooks run `{}` from PATH: every teammate needs stackwarden on PATH (or `npm i -D stackwarden` and `npx stackwarden init --force`); {consequence}",
            hook.command()
        ),
        Origin::Absolute => format!(
            "the hooks run `{}`, a path only this machine has: install it in the project with `npm i -D stackwarden` and run `npx stackwarden init --force` before committing the settings; {consequence}",
            hook.command()
        ),
    }
}

fn planned(path: &str, existing: Option<&str>, contents: String, what: &str) -> PlannedWrite {
    let status = match existing {
        None => WriteStatus::Created,
        Some(old) if old == contents => WriteStatus::Unchanged,
        Some(_) => WriteStatus::Updated,
    };
    PlannedWrite {
        path: path.into(),
        contents,
        status,
        what: what.into(),
    }
}

/// `.gitignore` with `.stackwarden/` in it (added once, at the end).
pub fn gitignore(existing: Option<&str>) -> String {
    let text = existing.unwrap_or("");
    let listed = text.lines().any(|line| {
        matches!(
            line.trim(),
            ".stackwarden" | ".stackwarden/" | "/.stackwarden" | "/.stackwarden/"
        )
    });
    if listed {
        return text.to_string();
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(GITIGNORE_LINE);
    out.push('\n');
    out
}

fn read_optional(path: &Path) -> Result<Option<String>, InitError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(InitError::File {
            path: path.to_path_buf(),
            message: format!("cannot read: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_gets_the_line_once() {
        assert_eq!(gitignore(None), ".stackwarden/\n");
        assert_eq!(
            gitignore(Some("node_modules")),
            "node_modules\n.stackwarden/\n"
        );
        assert_eq!(gitignore(Some("a\n/.stackwarden\n")), "a\n/.stackwarden\n");
        let once = gitignore(Some("cdk.out\n"));
        assert_eq!(gitignore(Some(&once)), once);
    }

    #[test]
    fn plans_a_fresh_project_and_is_idempotent() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), "{\"app\": \"npx tsx bin/app.ts\"}").expect("write");
        let first = plan(root, &InitOptions::default()).expect("plan");
        assert!(first
            .writes
            .iter()
            .all(|w| w.status == WriteStatus::Created));
        assert!(first.drift.iter().any(|d| d.path == CONFIG_FILE));
        for w in &first.writes {
            let path = root.join(&w.path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, &w.contents).expect("write");
        }
        let second = plan(root, &InitOptions::default()).expect("plan");
        assert!(second.drift.is_empty(), "{:?}", second.drift);
        assert!(
            second
                .writes
                .iter()
                .all(|w| w.status == WriteStatus::Unchanged),
            "{:?}",
            second
                .writes
                .iter()
                .map(|w| (&w.path, w.status))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn invalid_settings_name_the_line() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join(".claude")).expect("mkdir");
        std::fs::write(
            dir.path().join(SETTINGS),
            "{\n  \"permissions\": {\n    \"allow\": [\"x\",,]\n}\n",
        )
        .expect("write");
        let err = plan(dir.path(), &InitOptions::default()).expect_err("broken settings");
        match err {
            InitError::Settings { line, .. } => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
    }
}
