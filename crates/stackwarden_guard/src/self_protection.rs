//! `guard/self-protection`: a shell command that changes the guard's own configuration — the
//! Claude Code settings that register its hooks and hold the permissions (`.claude/settings.json`,
//! `.claude/settings.local.json`) or the project's `stackwarden.toml` — is asked about. Written
//! with a redirection (`echo '{}' > .claude/settings.json`), `tee`, `cp`/`mv`/`install`/`ln` onto
//! it, `sed -i`, `truncate`, `dd of=`, or removed (`rm`). The edit hook asks the same for a
//! Write/Edit/MultiEdit of those files ([`is_guard_configuration`]).

use crate::decision::{Decision, SELF_PROTECTION};
use crate::engine::basename;
use crate::walk::Walker;
use crate::words::Arg;

/// Whether `path` is one of the files that configure the guard.
pub fn is_guard_configuration(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let parent = dir.rsplit('/').next().unwrap_or(dir);
    name == "stackwarden.toml"
        || (parent == ".claude" && name.starts_with("settings") && name.ends_with(".json"))
}

/// What the agent is told; the edit hook words its own subject the same way.
pub fn reason(subject: &str) -> String {
    format!("{subject} changes the guard's own configuration (the Claude Code hooks and permissions, or stackwarden.toml): a person should confirm it. If the change is intended, say why; to change a rule's severity, edit `[rules]` in stackwarden.toml with the person's agreement.")
}

/// The files a command changes: those its redirections write, and the operands of the file
/// tools that write (`tee`, `cp`'s destination, `sed -i`, `dd of=`).
pub(crate) fn files_written<'a>(argv: &'a [Arg], redirected: &'a [String]) -> Vec<&'a str> {
    let mut written: Vec<&str> = redirected.iter().map(String::as_str).collect();
    let name = argv.first().and_then(Arg::known).map(basename);
    let operands = || {
        argv.get(1..)
            .unwrap_or_default()
            .iter()
            .filter(|a| !a.text.starts_with('-'))
    };
    match name {
        // `mv` removes its sources and replaces its destination.
        Some("tee" | "rm" | "unlink" | "truncate" | "shred" | "mv") => {
            written.extend(operands().map(|a| a.text.as_str()));
        }
        // The destination is the last operand.
        Some("cp" | "install" | "ln" | "rsync") => {
            written.extend(operands().next_back().map(|a| a.text.as_str()));
        }
        Some("sed" | "perl") if argv.iter().any(|a| a.text.starts_with("-i")) => {
            written.extend(operands().map(|a| a.text.as_str()));
        }
        Some("dd") => written.extend(argv.iter().filter_map(|a| a.text.strip_prefix("of="))),
        _ => {}
    }
    written
}

pub(crate) fn check(walker: &mut Walker<'_, '_>, written: &[&str], seen: &str) {
    if let Some(target) = written.iter().find(|t| is_guard_configuration(t)) {
        walker.push(
            Decision::Ask,
            SELF_PROTECTION,
            seen,
            reason(&format!("The command writes `{target}`, which")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_configuration_files() {
        for path in [
            ".claude/settings.json",
            "/repo/.claude/settings.local.json",
            "stackwarden.toml",
            "infra/stackwarden.toml",
        ] {
            assert!(is_guard_configuration(path), "{path}");
        }
        for path in [
            "settings.json",
            ".claude/commands/deploy.md",
            "docs/stackwarden.toml.md",
            ".vscode/settings.json",
        ] {
            assert!(!is_guard_configuration(path), "{path}");
        }
    }
}
