//! Which program the hook commands in `.claude/settings.json` run, and where such a program
//! resolves on a machine. `init` writes the native binary it is running as (never the npm
//! package's Node shim or `npx`: a hook runs on every tool call, and a Node start costs ~0.3 s
//! against a few milliseconds for the binary); `doctor` resolves what the settings name the way
//! Claude Code's shell would.
//!
//! Installed through npm in the project, the binary sits in the one platform package npm chose
//! (`node_modules/@stackwarden/cli-linux-x64/bin/stackwarden`). The command names it with a glob,
//! `"$CLAUDE_PROJECT_DIR"/node_modules/@stackwarden/cli-*/bin/stackwarden hook`, which the shell
//! Claude Code runs the hook in expands to that one file (npm installs only the package whose
//! `os`/`cpu`/`libc` fit), so the committed settings work for a teammate on another platform.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The glob `init` writes for a project-local npm install.
pub const NPM_PROGRAM: &str =
    "\"$CLAUDE_PROJECT_DIR\"/node_modules/@stackwarden/cli-*/bin/stackwarden";

/// How the program `init` writes was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The project's npm platform package (the glob above).
    Npm,
    /// `stackwarden` on PATH is the running binary.
    Path,
    /// Neither: the binary's absolute path, which only this machine has.
    Absolute,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookProgram {
    /// The first word of the hook command, as written into the settings.
    pub program: String,
    pub origin: Origin,
}

impl HookProgram {
    /// The whole hook command.
    pub fn command(&self) -> String {
        format!("{} hook", self.program)
    }
}

impl Default for HookProgram {
    fn default() -> Self {
        Self {
            program: "stackwarden".into(),
            origin: Origin::Path,
        }
    }
}

/// The program for the running binary `exe` in the project at `root` (both canonical), with
/// the PATH it would be looked up on.
pub fn hook_program(root: &Path, exe: &Path, path_var: Option<&OsStr>) -> HookProgram {
    if let Ok(relative) = exe.strip_prefix(root) {
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if let [node_modules, scope, package, bin, name] = parts.as_slice() {
            if node_modules == "node_modules"
                && scope == "@stackwarden"
                && package.starts_with("cli-")
                && bin == "bin"
                && (name == "stackwarden" || name == "stackwarden.exe")
            {
                let suffix = if name.ends_with(".exe") { ".exe" } else { "" };
                return HookProgram {
                    program: format!("{NPM_PROGRAM}{suffix}"),
                    origin: Origin::Npm,
                };
            }
        }
    }
    if find_on_path("stackwarden", path_var)
        .and_then(|p| p.canonicalize().ok())
        .is_some_and(|p| p == exe)
    {
        return HookProgram::default();
    }
    HookProgram {
        program: shell_quote(&exe.to_string_lossy()),
        origin: Origin::Absolute,
    }
}

/// `'…'` around a path the shell would split or expand; plain otherwise.
fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The first word of a shell command with its quotes removed and the rest of the command, for
/// the simple commands hooks are (`PROGRAM hook`); `None` for an empty command.
pub fn split_program(command: &str) -> Option<(String, String)> {
    let command = command.trim_start();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut end = command.len();
    for (i, c) in command.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                end = i;
                break;
            }
            _ => word.push(c),
        }
    }
    if word.is_empty() {
        return None;
    }
    Some((word, command[end..].trim().to_string()))
}

/// Where a hook's program resolves, as Claude Code's shell would expand it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// An existing file.
    File(PathBuf),
    /// Nothing: what was looked for, in words.
    Missing(String),
}

/// Resolves `program` (quotes already removed): `$CLAUDE_PROJECT_DIR`/`${CLAUDE_PROJECT_DIR}`
/// and a leading `~/` are expanded, `*` in a path segment matches like the shell's glob (the
/// first match in name order, as the shell sorts them), and a bare name is looked up on PATH.
pub fn resolve_program(
    program: &str,
    project_dir: &Path,
    home: Option<&Path>,
    path_var: Option<&OsStr>,
) -> Resolved {
    let project = project_dir.to_string_lossy();
    let mut expanded = program
        .replace("${CLAUDE_PROJECT_DIR}", &project)
        .replace("$CLAUDE_PROJECT_DIR", &project);
    if let (Some(rest), Some(home)) = (expanded.strip_prefix("~/"), home) {
        expanded = home.join(rest).to_string_lossy().into_owned();
    }
    if !expanded.contains('/') && !expanded.contains('\\') {
        return match find_on_path(&expanded, path_var) {
            Some(path) => Resolved::File(path),
            None => Resolved::Missing(format!("`{expanded}` is not on PATH")),
        };
    }
    if !expanded.contains('*') {
        let path = PathBuf::from(&expanded);
        return if path.is_file() {
            Resolved::File(path)
        } else {
            Resolved::Missing(format!("{expanded} does not exist"))
        };
    }
    match glob_first(&expanded) {
        Some(path) => Resolved::File(path),
        None => Resolved::Missing(format!("nothing matches {expanded}")),
    }
}

/// The first file matching a path whose segments may hold `*`.
fn glob_first(pattern: &str) -> Option<PathBuf> {
    let absolute = pattern.starts_with('/');
    let mut candidates = vec![if absolute {
        PathBuf::from("/")
    } else {
        PathBuf::from(".")
    }];
    for segment in pattern.split('/').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        for base in &candidates {
            if !segment.contains('*') {
                let path = base.join(segment);
                if path.exists() {
                    next.push(path);
                }
                continue;
            }
            let Ok(entries) = std::fs::read_dir(base) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| star_match(segment, name))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| base.join(n)));
        }
        candidates = next;
    }
    candidates.into_iter().find(|p| p.is_file())
}

/// `*` matches any run of characters (the only glob character `init` writes); a leading dot is
/// never matched by `*`, as in the shell.
fn star_match(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The first executable file called `name` in `path_var`'s folders (`.exe` tried too on Windows).
pub fn find_on_path(name: &str, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let path_var = path_var?;
    std::env::split_paths(path_var).find_map(|dir| {
        let candidates = [dir.join(name), dir.join(format!("{name}.exe"))];
        candidates.into_iter().find(|p| is_executable(p))
    })
}

#[cfg(unix)]
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
pub fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch_exe(path: &Path) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, "#!/bin/sh\n").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }

    #[test]
    fn an_npm_install_in_the_project_gets_the_platform_glob_which_resolves_back() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().canonicalize().expect("canonical");
        let exe = root.join("node_modules/@stackwarden/cli-linux-x64/bin/stackwarden");
        touch_exe(&exe);
        let program = hook_program(&root, &exe, None);
        assert_eq!(program.origin, Origin::Npm);
        assert_eq!(
            program.command(),
            "\"$CLAUDE_PROJECT_DIR\"/node_modules/@stackwarden/cli-*/bin/stackwarden hook"
        );
        let (word, rest) = split_program(&program.command()).expect("word");
        assert_eq!(rest, "hook");
        assert_eq!(
            resolve_program(&word, &root, None, None),
            Resolved::File(exe.clone())
        );
        // A teammate who has not run `npm ci`: nothing to run.
        std::fs::remove_dir_all(root.join("node_modules")).expect("rm");
        assert!(matches!(
            resolve_program(&word, &root, None, None),
            Resolved::Missing(m) if m.contains("nothing matches")
        ));
    }

    #[test]
    fn the_binary_on_path_is_named_bare_and_anything_else_by_its_absolute_path() {
        let dir = tempfile::tempdir().expect("tmp");
        let base = dir.path().canonicalize().expect("canonical");
        let exe = base.join("bin dir/stackwarden");
        touch_exe(&exe);
        let root = base.join("project");
        std::fs::create_dir_all(&root).expect("mkdir");
        let on_path = std::env::join_paths([base.join("bin dir")]).expect("join");
        assert_eq!(
            hook_program(&root, &exe, Some(&on_path)),
            HookProgram::default()
        );
        let elsewhere = hook_program(&root, &exe, None);
        assert_eq!(elsewhere.origin, Origin::Absolute);
        assert_eq!(elsewhere.program, format!("'{}'", exe.display()));
        let (word, _) = split_program(&elsewhere.command()).expect("word");
        assert_eq!(
            resolve_program(&word, &root, None, None),
            Resolved::File(exe.clone())
        );
        assert_eq!(
            resolve_program("stackwarden", &root, None, Some(&on_path)),
            Resolved::File(exe)
        );
        assert!(matches!(
            resolve_program("stackwarden", &root, None, None),
            Resolved::Missing(_)
        ));
    }

    #[test]
    fn star_matches_like_the_shell() {
        assert!(star_match("cli-*", "cli-linux-x64"));
        assert!(!star_match("cli-*", "stackwarden"));
        assert!(!star_match("*", ".hidden"));
        assert!(star_match("a*b*c", "axxbyyc"));
        assert!(!star_match("a*b*c", "axxc"));
    }
}
