//! `guard/self-protection`: a shell command that changes the guard's own configuration — the
//! Claude Code settings that register its hooks and hold the permissions (`.claude/settings.json`,
//! `.claude/settings.local.json`) or the project's `stackwarden.toml` — is asked about. The edit
//! hook asks the same for a Write/Edit/MultiEdit of those files ([`is_guard_configuration`]).
//!
//! Paths are compared after the shell and the file system would resolve them: relative to the
//! folder the command runs in (`cd .claude && echo '{}' > settings.json`), with `//`, `./` and
//! `..` removed, letter case ignored (macOS and Windows file systems ignore it), variables the
//! command line set expanded (`f=stackwarden.toml; echo x > $f`), and globs matched against the
//! files (`rm *.toml`). What counts as a change:
//!
//! - writing a file: a redirection, `tee`, `truncate`, `sed -i`, `perl -pi`/`ruby -pi`, `awk -i
//!   inplace`, an editor run on it (`ex`, `vim -c`, `ed`), `dd of=`, `git checkout … -- FILE`,
//!   `git restore FILE`;
//! - copying, moving or linking onto it, or into the `.claude` folder (`cp x .claude/`, `cp -t
//!   .claude x`, `install -t`, `rsync … .claude/`, `tar -C .claude`, `unzip -d .claude`);
//! - removing or renaming it, the `.claude` folder, or a folder that holds them (`rm -rf
//!   .claude`, `mv .claude x`, `rm -rf .` in the project);
//! - a patch that names one of them (`git apply`, `git am`, `patch`), read through the project
//!   files; a patch the guard cannot read (from a pipe, a file that does not exist yet) is asked
//!   about too, since it may touch any file;
//! - an interpreter one-liner whose code names one of them and writes
//!   (`open('stackwarden.toml','w')`, `writeFileSync('.claude/settings.json', …)`).

use std::path::{Component, Path, PathBuf};

use stackwarden_core::files::lexical;

use brush_parser::ast::{IoFileRedirectKind, IoFileRedirectTarget, IoRedirect};

use crate::decision::{Decision, SELF_PROTECTION};
use crate::engine::basename;
use crate::scope::Scope;
use crate::walk::Walker;
use crate::words::Arg;

/// Whether `path` is one of the files that configure the guard. `.`, `..` and repeated slashes
/// are resolved and letter case is ignored, so `/repo/.claude/./Settings.json` counts.
pub fn is_guard_configuration(path: &str) -> bool {
    is_configuration_path(&lexical(Path::new(path)))
}

fn is_configuration_path(path: &Path) -> bool {
    let mut names = path.components().rev().filter_map(|c| match c {
        Component::Normal(name) => Some(name.to_string_lossy().to_ascii_lowercase()),
        _ => None,
    });
    let name = names.next().unwrap_or_default();
    let parent = names.next().unwrap_or_default();
    name == "stackwarden.toml"
        || (parent == ".claude" && name.starts_with("settings") && name.ends_with(".json"))
}

fn is_claude_folder(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().eq_ignore_ascii_case(".claude"))
}

/// What the agent is told; the edit hook words its own subject the same way.
pub fn reason(subject: &str) -> String {
    format!("{subject} changes the guard's own configuration (the Claude Code hooks and permissions, or stackwarden.toml): a person should confirm it. If the change is intended, say why; to change a rule's severity, edit `[rules]` in stackwarden.toml with the person's agreement.")
}

/// The files a command changes: those its redirections write, and the operands of the file
/// tools that write (`tee`, `cp`'s destination, `sed -i`, `dd of=`). As written, not resolved:
/// the AWS config check reads them.
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
        Some("tee" | "rm" | "unlink" | "truncate" | "shred" | "mv") => {
            written.extend(operands().map(|a| a.text.as_str()));
        }
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

/// How a command changes a path.
enum Change<'a> {
    /// Its content is replaced.
    Write(&'a str),
    /// Files land there: a destination that is a file, or a folder the sources go into.
    Into(&'a str, Vec<&'a str>),
    /// It is removed or renamed, with everything under it.
    Remove(&'a str),
    /// Files of content unknown here land in this folder (`tar -C DIR`, `rsync -a src/ DIR`).
    Unpack(&'a str),
    /// A patch file (or text) that may change any file it names.
    Patch(&'a str),
    /// A link to this path is made (`ln -s .claude c`): what is written through the link
    /// changes the path.
    Link(&'a str),
}

/// Paths as one command sees them.
struct Paths<'w, 'c, 'a> {
    walker: &'w Walker<'c, 'a>,
    cwd: PathBuf,
}

impl Paths<'_, '_, '_> {
    fn path(&self, text: &str) -> PathBuf {
        lexical(&self.cwd.join(text))
    }

    fn exists(&self, path: &Path) -> bool {
        self.walker.ctx.files.read(path).is_some()
    }

    /// A folder that holds the guard's files: the project the command line runs in (or one
    /// above it), or one with a stackwarden.toml or `.claude/settings*.json`.
    fn holds_configuration(&self, dir: &Path) -> bool {
        self.walker.ctx.cwd.starts_with(dir)
            || self.exists(&dir.join("stackwarden.toml"))
            || self.exists(&dir.join(".claude/settings.json"))
            || self.exists(&dir.join(".claude/settings.local.json"))
    }

    /// The guard files a glob's last component can match in its (literal) folder.
    fn glob_hits(&self, text: &str) -> Vec<PathBuf> {
        let path = self.path(text);
        let (Some(dir), Some(pattern)) = (path.parent(), path.file_name()) else {
            return vec![];
        };
        let pattern = pattern.to_string_lossy();
        // A glob in a folder part (`.cl*de/settings.json`): a part that can match `.claude` is
        // taken as it; any other globbed folder may be one that holds the guard's files.
        let mut unknown_folder = false;
        let dir: PathBuf = dir
            .components()
            .map(|part| match part {
                Component::Normal(name) => {
                    let name = name.to_string_lossy();
                    if !name.contains(['*', '?', '[']) {
                        return PathBuf::from(name.as_ref());
                    }
                    if crate::transcript::glob(&name.to_ascii_lowercase(), ".claude") {
                        return PathBuf::from(".claude");
                    }
                    unknown_folder = true;
                    PathBuf::from(name.as_ref())
                }
                other => PathBuf::from(other.as_os_str()),
            })
            .collect();
        let dir = dir.as_path();
        let mut candidates = vec![];
        if unknown_folder || self.holds_configuration(dir) {
            candidates.push("stackwarden.toml");
            candidates.push(".claude");
        }
        if is_claude_folder(dir) {
            candidates.push("settings.json");
            candidates.push("settings.local.json");
        }
        candidates
            .into_iter()
            .filter(|name| crate::transcript::glob(&pattern, name))
            .map(|name| dir.join(name))
            .collect()
    }

    /// The paths a word stands for: itself, or the guard files its glob matches.
    fn expand(&self, text: &str) -> Vec<PathBuf> {
        if text.contains(['*', '?', '[']) {
            self.glob_hits(text)
        } else {
            vec![self.path(text)]
        }
    }

    /// Why the change touches the guard's configuration, if it does.
    fn touches(&self, change: &Change<'_>) -> Option<String> {
        match change {
            Change::Write(text) => self
                .expand(text)
                .iter()
                .any(|p| is_configuration_path(p))
                .then(|| format!("The command writes `{text}`, which")),
            Change::Into(dest, sources) => {
                let dir = self.path(dest);
                let direct = self
                    .expand(dest)
                    .iter()
                    .any(|p| is_configuration_path(p) || is_claude_folder(p));
                // The sources land inside `dest` only when it is a folder: as far as the guard
                // can tell, when it says so (`dir/`, `.`, several sources) or holds the guard's
                // files. (`cp stackwarden.toml /tmp/backup.toml` makes no guard file.)
                let folder = dest.ends_with('/')
                    || Path::new(dest).file_name().is_none()
                    || sources.len() > 1
                    || is_claude_folder(&dir)
                    || self.holds_configuration(&dir);
                let landing = folder
                    && sources.iter().any(|source| {
                        Path::new(source.trim_end_matches('/'))
                            .file_name()
                            .is_some_and(|name| {
                                let into = dir.join(name);
                                is_configuration_path(&into) || is_claude_folder(&into)
                            })
                    });
                (direct || landing).then(|| format!("The command puts files into `{dest}`, which"))
            }
            Change::Remove(text) => self
                .expand(text)
                .iter()
                .any(|p| {
                    is_configuration_path(p) || is_claude_folder(p) || self.holds_configuration(p)
                })
                .then(|| format!("The command removes or renames `{text}`, which")),
            Change::Unpack(text) => self
                .expand(text)
                .iter()
                .any(|p| is_claude_folder(p) || self.holds_configuration(p))
                .then(|| {
                    format!("The command unpacks files of unknown names into `{text}`, which")
                }),
            Change::Link(text) => self
                .expand(text)
                .iter()
                .any(|p| {
                    is_configuration_path(p) || is_claude_folder(p) || self.holds_configuration(p)
                })
                .then(|| format!("The command links to `{text}`, which")),
            Change::Patch(file) => {
                let text = self.walker.ctx.files.read(&self.path(file));
                match text {
                    Some(text) => patch_names_configuration(&text)
                        .map(|named| format!("The patch `{file}` changes `{named}`, which")),
                    None => Some(format!(
                        "The patch `{file}` cannot be read here, so it may change any file; it"
                    )),
                }
            }
        }
    }
}

/// The guard file a patch changes, if any (unified, git and context diff headers).
fn patch_names_configuration(text: &str) -> Option<String> {
    for line in text.lines() {
        let paths: Vec<&str> = if let Some(rest) = line.strip_prefix("diff --git ") {
            rest.split_whitespace().collect()
        } else {
            let rest = [
                "--- ",
                "+++ ",
                "*** ",
                "rename from ",
                "rename to ",
                "copy to ",
                "Index: ",
            ]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix));
            match rest {
                Some(rest) => rest.split('\t').next().into_iter().collect(),
                None => continue,
            }
        };
        if let Some(path) = paths.into_iter().find(|p| is_guard_configuration(p.trim())) {
            return Some(path.trim().to_string());
        }
    }
    None
}

fn ask(walker: &mut Walker<'_, '_>, why: Option<String>, seen: &str) {
    if let Some(why) = why {
        walker.push(Decision::Ask, SELF_PROTECTION, seen, reason(&why));
    }
}

/// A simple command's redirections: the files they write, and a patch tool's patch read on
/// stdin (`patch -p1 < x.patch`, `git apply <<EOF`, or a pipe, which the guard cannot read).
pub(crate) fn check_redirected(
    walker: &mut Walker<'_, '_>,
    argv: &[Arg],
    redirects: &[&IoRedirect],
    written: &[String],
    scope: &Scope,
    seen: &str,
) {
    let paths = Paths {
        walker,
        cwd: scope.cwd.clone(),
    };
    let mut why = written
        .iter()
        .find_map(|target| paths.touches(&Change::Write(target)));
    if why.is_none() && patch_file(argv).is_some_and(|file| file.is_none()) {
        let mut stdin = None;
        for redirect in redirects {
            match redirect {
                IoRedirect::File(
                    fd,
                    IoFileRedirectKind::Read,
                    IoFileRedirectTarget::Filename(w),
                ) if fd.is_none_or(|fd| fd == 0) => {
                    let env = &paths.walker.ctx.env;
                    let file = crate::words::expand(&w.value, &|v| scope.get(v, env))
                        .arg
                        .text;
                    stdin = Some(paths.touches(&Change::Patch(&file)));
                }
                IoRedirect::HereDocument(_, doc) => {
                    stdin = Some(
                        patch_names_configuration(&doc.doc.value)
                            .map(|named| format!("The patch changes `{named}`, which")),
                    );
                }
                IoRedirect::HereString(_, word) => {
                    stdin = Some(
                        patch_names_configuration(&word.value)
                            .map(|named| format!("The patch changes `{named}`, which")),
                    );
                }
                _ => {}
            }
        }
        why = stdin.unwrap_or_else(|| {
            Some("The patch comes from another command, so it may change any file; it".to_string())
        });
    }
    ask(walker, why, seen);
}

/// For `patch` and `git apply`/`am`: `Some(Some(file))` when the patch is a file operand,
/// `Some(None)` when it is read on stdin, `None` for any other command (or one that only
/// checks: `--dry-run`, `--check`, `--stat`).
fn patch_file(argv: &[Arg]) -> Option<Option<&str>> {
    let name = argv.first().and_then(Arg::known).map(basename)?;
    let words: Vec<&str> = argv[1..].iter().map(|a| a.text.as_str()).collect();
    let checks_only = |flags: &[&str]| words.iter().any(|w| flags.contains(w));
    match name {
        "patch" => {
            if checks_only(&["--dry-run", "-C", "--check"]) {
                return None;
            }
            let mut operands = vec![];
            let mut i = 0;
            while let Some(word) = words.get(i) {
                i += 1;
                match *word {
                    "-i" | "--input" => return Some(words.get(i).copied()),
                    w if w.starts_with("--input=") => return Some(Some(&w["--input=".len()..])),
                    w if w.starts_with("-i") && w.len() > 2 => return Some(Some(&w[2..])),
                    "-p" | "-d" | "--directory" | "-o" | "--output" | "-r" | "-B" | "-z" | "-F"
                    | "-V" | "-D" => i += 1,
                    w if w.starts_with('-') => {}
                    w => operands.push(w),
                }
            }
            // `patch FILE PATCHFILE`; with one operand it is the file to patch.
            Some(operands.get(1).copied())
        }
        "git" => {
            let (sub, rest) = git_subcommand(&words)?;
            if !matches!(sub, "apply" | "am") {
                return None;
            }
            let inspects = ["--check", "--stat", "--numstat", "--summary"];
            if rest.iter().any(|w| inspects.contains(w)) && !rest.contains(&"--apply") {
                return None;
            }
            if rest
                .iter()
                .any(|w| matches!(*w, "--abort" | "--skip" | "--continue" | "--quit"))
            {
                return None;
            }
            Some(rest.iter().copied().find(|w| !w.starts_with('-')))
        }
        _ => None,
    }
}

/// `git [-C DIR] [-c k=v] SUB ARGS…`: the subcommand and its words (`-C` is applied by the
/// caller through [`git_dir`]).
fn git_subcommand<'w>(words: &[&'w str]) -> Option<(&'w str, Vec<&'w str>)> {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        match *word {
            "-C" | "-c" | "--git-dir" | "--work-tree" | "--namespace" => i += 2,
            w if w.starts_with('-') => i += 1,
            sub => return Some((sub, words[i + 1..].to_vec())),
        }
    }
    None
}

/// The folder `git -C DIR` runs in.
fn git_dir(words: &[&str]) -> Option<String> {
    let at = words.iter().position(|w| *w == "-C")?;
    words.get(at + 1).map(|d| d.to_string())
}

const EDITORS: &[&str] = &[
    "ex", "vi", "vim", "nvim", "view", "vimdiff", "ed", "red", "nano", "pico", "emacs", "micro",
    "joe", "kak", "hx",
];

/// The changes an (unwrapped) command makes to files named by its arguments.
fn changes<'a>(name: &str, words: &[&'a str]) -> Vec<Change<'a>> {
    let operands = || -> Vec<&'a str> {
        words
            .iter()
            .copied()
            .filter(|w| !w.starts_with('-') || *w == "-")
            .collect()
    };
    // `-t DIR`, `--target-directory=DIR`.
    let target_dir = || {
        words.iter().enumerate().find_map(|(i, w)| match *w {
            "-t" | "--target-directory" => words.get(i + 1).copied(),
            w => w
                .strip_prefix("--target-directory=")
                .or_else(|| w.strip_prefix("-t").filter(|d| !d.is_empty())),
        })
    };
    match name {
        "tee" | "truncate" => operands().into_iter().map(Change::Write).collect(),
        "rm" | "unlink" | "shred" | "rmdir" | "srm" | "trash" | "trash-put" | "gio" => {
            operands().into_iter().map(Change::Remove).collect()
        }
        "mv" | "cp" | "install" | "ln" | "link" | "rsync" => {
            let mut ops = operands();
            if let Some(dir) = target_dir() {
                ops.retain(|o| *o != dir);
                if matches!(name, "ln" | "link") {
                    return ops.into_iter().map(Change::Link).collect();
                }
                let mut out = vec![Change::Into(dir, ops.clone())];
                if name == "mv" {
                    out.extend(ops.into_iter().map(Change::Remove));
                }
                return out;
            }
            let Some(dest) = ops.pop() else { return vec![] };
            // `rsync src host:path` leaves this machine.
            if name == "rsync" && dest.contains(':') {
                return vec![];
            }
            let mut out = vec![];
            if name == "mv" {
                out.extend(ops.iter().copied().map(Change::Remove));
            }
            if matches!(name, "ln" | "link") {
                out.extend(ops.iter().copied().map(Change::Link));
            }
            // `rsync -a dir/ dest/` copies the folder's content, unknown here, into dest.
            if name == "rsync" && ops.iter().any(|o| o.ends_with('/')) {
                out.push(Change::Unpack(dest));
            }
            out.push(Change::Into(dest, ops));
            out
        }
        "dd" => words
            .iter()
            .filter_map(|w| w.strip_prefix("of="))
            .map(Change::Write)
            .collect(),
        "sed" => match in_place_sed(words) {
            Some(files) => files.into_iter().map(Change::Write).collect(),
            None => vec![],
        },
        "perl" | "ruby" => match in_place_perl(words) {
            Some(files) => files.into_iter().map(Change::Write).collect(),
            None => vec![],
        },
        "awk" | "gawk" => {
            let inplace = words
                .windows(2)
                .any(|w| w[0] == "-i" && w[1].starts_with("inplace"))
                || words
                    .iter()
                    .any(|w| *w == "-iinplace" || w.starts_with("--include=inplace"))
                || words
                    .windows(2)
                    .any(|w| w[0] == "--include" && w[1].starts_with("inplace"));
            if !inplace {
                return vec![];
            }
            operands().into_iter().map(Change::Write).collect()
        }
        _ if EDITORS.contains(&name) => operands()
            .into_iter()
            .filter(|w| !w.starts_with('+'))
            .map(Change::Write)
            .collect(),
        "tar" | "bsdtar" | "gtar" => {
            let first = words.first().copied().unwrap_or_default();
            let extracts = (!first.starts_with('-') && first.contains('x'))
                || words.iter().any(|w| {
                    matches!(*w, "--extract" | "--get")
                        || (w.starts_with('-') && !w.starts_with("--") && w.contains('x'))
                });
            if !extracts {
                return vec![];
            }
            let dir = words.iter().enumerate().find_map(|(i, w)| match *w {
                "-C" | "--directory" => words.get(i + 1).copied(),
                w => w.strip_prefix("--directory="),
            });
            dir.map(|d| vec![Change::Unpack(d)]).unwrap_or_default()
        }
        "unzip" => {
            let dir = words
                .iter()
                .position(|w| *w == "-d")
                .and_then(|i| words.get(i + 1).copied());
            dir.map(|d| vec![Change::Unpack(d)]).unwrap_or_default()
        }
        "git" => {
            let Some((sub, rest)) = git_subcommand(words) else {
                return vec![];
            };
            let paths = || rest.iter().copied().filter(|w| !w.starts_with('-'));
            match sub {
                "checkout" | "restore" => paths().map(Change::Write).collect(),
                "rm" => paths().map(Change::Remove).collect(),
                "mv" => {
                    let all: Vec<&str> = paths().collect();
                    let mut out: Vec<Change<'_>> =
                        all.iter().copied().map(Change::Remove).collect();
                    if let Some(dest) = all.last() {
                        out.push(Change::Into(dest, all[..all.len() - 1].to_vec()));
                    }
                    out
                }
                _ => vec![],
            }
        }
        _ => vec![],
    }
}

/// The files `sed` edits in place (`-i`, `-i.bak`, `-Ei`, `--in-place`), `None` when it does
/// not. Without `-e`/`-f` the first operand is the script.
fn in_place_sed<'a>(words: &[&'a str]) -> Option<Vec<&'a str>> {
    let mut in_place = false;
    let mut script_given = false;
    let mut files = vec![];
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        if word.starts_with("--in-place") {
            in_place = true;
        } else if matches!(*word, "--expression" | "--file") {
            script_given = true;
            i += 1;
        } else if word.starts_with("--expression=") || word.starts_with("--file=") {
            script_given = true;
        } else if word.starts_with("--") {
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (at, c) in cluster.char_indices() {
                match c {
                    'i' => {
                        in_place = true;
                        break;
                    }
                    'e' | 'f' => {
                        script_given = true;
                        if at + 1 == cluster.len() {
                            i += 1;
                        }
                        break;
                    }
                    'l' => {
                        if at + 1 == cluster.len() {
                            i += 1;
                        }
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            files.push(*word);
        }
    }
    if !in_place {
        return None;
    }
    if !script_given && !files.is_empty() {
        files.remove(0);
    }
    Some(files)
}

/// The files `perl`/`ruby` edit in place (`-i`, `-pi`, `-i.bak`, `-pie`), `None` when they do
/// not. Without `-e`/`-E` the first operand is the program file.
fn in_place_perl<'a>(words: &[&'a str]) -> Option<Vec<&'a str>> {
    let mut in_place = false;
    let mut code_given = false;
    let mut files = vec![];
    let mut i = 0;
    let mut ended = false;
    while let Some(word) = words.get(i) {
        i += 1;
        if ended || !word.starts_with('-') || *word == "-" {
            files.push(*word);
            continue;
        }
        if *word == "--" {
            ended = true;
            continue;
        }
        let cluster = &word[1..];
        for (at, c) in cluster.char_indices() {
            match c {
                // `-i[EXT]`: the rest of the cluster is the backup extension.
                'i' => {
                    in_place = true;
                    break;
                }
                'e' | 'E' => {
                    code_given = true;
                    if at + 1 == cluster.len() {
                        i += 1;
                    }
                    break;
                }
                // Options whose value is the rest of the cluster (or, alone, for some, the
                // next word).
                'I' | 'M' | 'm' | 'r' | 'x' | 'C' | 'd' | 'D' | 'F' | 'l' | '0' | 'W' => {
                    if at + 1 == cluster.len() && matches!(c, 'I' | 'r') {
                        i += 1;
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    if !in_place {
        return None;
    }
    if !code_given && !files.is_empty() {
        files.remove(0);
    }
    Some(files)
}

/// Interpreter code that names a guard file and writes, removes or renames something.
fn code_writes_configuration(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    let names = lower.contains("stackwarden.toml")
        || (lower.contains(".claude") && lower.contains("settings"));
    const WRITES: &[&str] = &[
        "'w", "\"w", "'a'", "\"a\"", "'x'", "\"x\"", "r+", "'>", "\">", "write", "unlink",
        "remove", "rename", "rmtree", "replace", "copy", "move", "truncate", "rmsync", "rm(",
        "symlink", "dump(",
    ];
    names && WRITES.iter().any(|w| lower.contains(w))
}

/// An unwrapped command (after `sudo`, `env`, `bash -c`…): the files its arguments name.
pub(crate) fn check_command(
    walker: &mut Walker<'_, '_>,
    name: &str,
    argv: &[Arg],
    seen: &str,
    scope: &Scope,
) {
    let words: Vec<&str> = argv[1..].iter().map(|a| a.text.as_str()).collect();
    let mut cwd = scope.cwd.clone();
    if name == "git" {
        if let Some(dir) = git_dir(&words) {
            cwd = lexical(&cwd.join(dir));
        }
    }
    if crate::interpreters::is_interpreter(name)
        && words.iter().any(|w| code_writes_configuration(w))
    {
        ask(
            walker,
            Some(format!(
                "`{name}` runs code that names and writes a guard file, which"
            )),
            seen,
        );
        return;
    }
    let paths = Paths { walker, cwd };
    let mut all = changes(name, &words);
    if let Some(Some(file)) = patch_file(argv) {
        all.push(Change::Patch(file));
    }
    let why = all.iter().find_map(|change| paths.touches(change));
    ask(walker, why, seen);
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
            ".claude//settings.json",
            ".claude/./settings.local.json",
            "/repo/.claude/../.claude/settings.json",
            "/repo/.CLAUDE/Settings.JSON",
            "/repo/x/../stackwarden.toml",
        ] {
            assert!(is_guard_configuration(path), "{path}");
        }
        for path in [
            "settings.json",
            ".claude/commands/deploy.md",
            "docs/stackwarden.toml.md",
            ".vscode/settings.json",
            ".claude/settings.json/../notes.md",
        ] {
            assert!(!is_guard_configuration(path), "{path}");
        }
    }

    #[test]
    fn in_place_editors() {
        assert_eq!(in_place_sed(&["-i", "s/a/b/", "f"]), Some(vec!["f"]));
        assert_eq!(
            in_place_sed(&["-Ei.bak", "-e", "s/a/b/", "f"]),
            Some(vec!["f"])
        );
        assert_eq!(in_place_sed(&["-n", "p", "f"]), None);
        assert_eq!(
            in_place_perl(&["-pi", "-e", "s/a/b/", "f"]),
            Some(vec!["f"])
        );
        // `-pie`: `-i` with the backup extension `e`; the first operand is then the program.
        assert_eq!(in_place_perl(&["-pie", "s/a/b/", "f"]), Some(vec!["f"]));
        assert_eq!(in_place_perl(&["-ne", "print", "f"]), None);
        assert_eq!(
            in_place_perl(&["-i.bak", "script.pl", "f"]),
            Some(vec!["f"])
        );
    }

    #[test]
    fn patches_name_their_files() {
        let git = "diff --git a/stackwarden.toml b/stackwarden.toml\n--- a/stackwarden.toml\n+++ b/stackwarden.toml\n@@ -1 +1 @@\n-x\n+y\n";
        assert_eq!(
            patch_names_configuration(git),
            Some("a/stackwarden.toml".into())
        );
        let unified = "--- .claude/settings.json\t2024-01-01\n+++ .claude/settings.json\n";
        assert!(patch_names_configuration(unified).is_some());
        let src = "diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n";
        assert_eq!(patch_names_configuration(src), None);
    }
}
