//! A cheap fingerprint of a project's sources, so a recorded `cdk diff` stops counting once the
//! sources change. It hashes the path, size and modification time of every source file without
//! reading contents: a stat per file. It is taken right after the diff succeeds and again when a
//! deploy that diff could cover is judged; any edit, added or removed file in between changes
//! it. Touching a file without changing it also counts as a change: the safe direction.
//!
//! Which files: in a git work tree, the files git tracks (read from its index, no walk) plus
//! whatever is new beside them and not ignored (one directory listing per folder that holds
//! tracked files); elsewhere, a walk honouring .gitignore. Build output, dependencies and the
//! ledger itself ([`SKIPPED_DIRS`]) never count. The stats are spread over the machine's cores:
//! on a 20,000-file repository this is the whole cost of judging a covered deploy (measured with
//! `bench/hook.sh`; a walk with the `ignore` crate took twice as long, mostly in per-folder
//! `.gitignore` probes and matching).

mod git_index;

use std::path::{Path, PathBuf};

/// Files hashed at most; past it the fingerprint covers the first ones (in sorted order).
const MAX_FILES: usize = 50_000;

const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "cdk.out",
    ".git",
    ".stackwarden",
    "target",
    ".venv",
    "__pycache__",
];

/// What is hashed of one file: its path below the root, size and modification time (ns).
type Stamp = (String, u64, u128);

pub fn source_fingerprint(root: &Path) -> String {
    let (hash, files) = match git_index::tracked(root) {
        Some(tracked) => from_index(root, &tracked),
        None => digest(walked(root)),
    };
    format!("{hash:016x}-{files}")
}

/// The hash of a set of stamps, whatever order they were found in, and their number.
fn digest(mut stamps: Vec<Stamp>) -> (u64, usize) {
    stamps.sort();
    stamps.truncate(MAX_FILES);
    let mut hash = Fnv::default();
    for (path, len, modified) in &stamps {
        hash.stamp(path, *len, *modified);
    }
    (hash.0, stamps.len())
}

fn skipped(relative: &str) -> bool {
    relative.split('/').any(|part| SKIPPED_DIRS.contains(&part))
}

fn stamp(relative: String, path: &Path) -> Stamp {
    let (len, modified) = metadata_stamp(path);
    (relative, len, modified)
}

/// Size and modification time (ns) of the file at `path`, or [`MISSING`].
fn metadata_stamp(path: &Path) -> (u64, u128) {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            (meta.len(), modified)
        }
        Err(_) => MISSING,
    }
}

/// The tracked files below `root`, and the untracked, unignored entries beside them. One pass
/// per folder: its tracked files are stat-ed relative to the folder (a fraction of the kernel's
/// work of resolving each full path) and the folder is listed once for what git does not know.
fn from_index(root: &Path, tracked: &git_index::Tracked) -> (u64, usize) {
    let prefix = match root.strip_prefix(&tracked.work_tree) {
        Ok(rel) if rel.as_os_str().is_empty() => String::new(),
        Ok(rel) => format!("{}/", rel.to_string_lossy().replace('\\', "/")),
        Err(_) => return digest(walked(root)),
    };
    let mine: Vec<&str> = tracked
        .paths
        .iter()
        .filter_map(|p| p.strip_prefix(prefix.as_str()))
        .filter(|p| !skipped(p))
        .take(MAX_FILES)
        .collect();
    // Sorted paths do not keep a folder's files together (`a/x`, `a/b/y`, `a/z`): sort by folder.
    let mut split: Vec<(&str, &str)> = mine
        .iter()
        .map(|p| p.rsplit_once('/').unwrap_or(("", p)))
        .collect();
    split.sort_unstable();
    let mut folders: Vec<Folder<'_>> = Vec::new();
    for (dir, name) in split {
        match folders.last_mut() {
            Some(folder) if folder.dir == dir => folder.tracked.push(name),
            _ => folders.push(Folder {
                dir,
                tracked: vec![name],
            }),
        }
    }
    let dirs: Vec<&str> = folders.iter().map(|f| f.dir).collect();
    let ignores = Ignores::new(root, &tracked.work_tree, &mine);
    let digests = parallel(&folders, mine.len() >= 1_000, |folder| {
        folder.digest(root, &dirs, &ignores)
    });
    // Folders are sorted by path: the combination does not depend on which thread did what.
    let mut hash = Fnv::default();
    let mut files = 0;
    for (folder, (folder_hash, count)) in folders.iter().zip(digests) {
        hash.write(folder.dir.as_bytes());
        hash.write(&[0]);
        hash.write(&folder_hash.to_le_bytes());
        files += count;
    }
    (hash.0, files)
}

/// A folder holding tracked files, with their names (sorted).
struct Folder<'a> {
    dir: &'a str,
    tracked: Vec<&'a str>,
}

impl Folder<'_> {
    /// The hash of this folder's tracked files and of what is new beside them, and their
    /// number. No allocation per file: with one allocator arena (the envelope's), threads that
    /// allocate per file mostly wait on each other.
    fn digest(&self, root: &Path, dirs: &[&str], ignores: &Ignores) -> (u64, usize) {
        let path = root.join(self.dir);
        let folder = at::Folder::open(&path);
        let mut hash = Fnv::default();
        for name in &self.tracked {
            let (len, modified) = folder.stamp(&path, name);
            hash.stamp(name, len, modified);
        }
        // What is new beside the tracked files and not ignored: a new source file, a new
        // folder (its modification time covers what is added inside it later).
        let mut new: Vec<Stamp> = Vec::new();
        folder.entries(&path, &mut |name, is_dir| {
            if SKIPPED_DIRS.contains(&name) || self.tracked.binary_search(&name).is_ok() {
                return;
            }
            let rel = if self.dir.is_empty() {
                name.to_string()
            } else {
                format!("{}/{name}", self.dir)
            };
            if is_dir && dirs.binary_search(&rel.as_str()).is_ok() {
                return;
            }
            if !ignores.ignored(&path.join(name), is_dir) {
                let (len, modified) = folder.stamp(&path, name);
                new.push((rel, len, modified));
            }
        });
        new.sort();
        hash.write(b"\0untracked\0");
        for (rel, len, modified) in &new {
            hash.stamp(rel, *len, *modified);
        }
        (hash.0, self.tracked.len() + new.len())
    }
}

/// A file gone since: still a stamp, and a different one.
const MISSING: (u64, u128) = (u64::MAX, 0);

/// Stat-ing and listing names relative to an open folder (`fstatat`, `getdents` without a
/// copy per name), where the platform has them.
#[cfg(unix)]
mod at {
    use std::path::Path;

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};

    pub(super) struct Folder(Option<rustix::fd::OwnedFd>);

    impl Folder {
        pub(super) fn open(path: &Path) -> Self {
            let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
            Self(rustix::fs::open(path, flags, Mode::empty()).ok())
        }

        /// Size and modification time (ns) of `name` in this folder.
        pub(super) fn stamp(&self, dir: &Path, name: &str) -> (u64, u128) {
            let Some(fd) = &self.0 else {
                return super::metadata_stamp(&dir.join(name));
            };
            match rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => {
                    let seconds = u128::try_from(st.st_mtime).unwrap_or(0);
                    // u64 on some targets, i64 on others: `try_from` compiles on both.
                    #[allow(clippy::unnecessary_fallible_conversions)]
                    let nanos = u128::try_from(st.st_mtime_nsec).unwrap_or(0);
                    let size = u64::try_from(st.st_size).unwrap_or(0);
                    (size, seconds * 1_000_000_000 + nanos)
                }
                Err(_) => super::MISSING,
            }
        }

        /// Calls `each` with every entry's name (lossy when not UTF-8) and whether it is a
        /// folder, `.` and `..` left out.
        pub(super) fn entries(&self, dir: &Path, each: &mut dyn FnMut(&str, bool)) {
            let Some(fd) = &self.0 else {
                return super::std_entries(dir, each);
            };
            let Ok(mut entries) = rustix::fs::Dir::read_from(fd) else {
                return super::std_entries(dir, each);
            };
            while let Some(Ok(entry)) = entries.next() {
                let name = entry.file_name().to_string_lossy();
                if name == "." || name == ".." {
                    continue;
                }
                each(&name, entry.file_type() == FileType::Directory);
            }
        }
    }
}

#[cfg(not(unix))]
mod at {
    use std::path::Path;

    pub(super) struct Folder;

    impl Folder {
        pub(super) fn open(_: &Path) -> Self {
            Self
        }

        pub(super) fn stamp(&self, dir: &Path, name: &str) -> (u64, u128) {
            super::metadata_stamp(&dir.join(name))
        }

        pub(super) fn entries(&self, dir: &Path, each: &mut dyn FnMut(&str, bool)) {
            super::std_entries(dir, each)
        }
    }
}

/// [`at::Folder::entries`] through the standard library.
fn std_entries(dir: &Path, each: &mut dyn FnMut(&str, bool)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        each(&entry.file_name().to_string_lossy(), is_dir);
    }
}

/// The .gitignore files that apply below `root` (one matcher per folder, nearest first): the
/// tracked ones below it, those of the folders above it up to the work tree, and the
/// repository's `info/exclude`.
struct Ignores {
    by_folder: Vec<(PathBuf, ignore::gitignore::Gitignore)>,
}

impl Ignores {
    fn new(root: &Path, work_tree: &Path, tracked: &[&str]) -> Self {
        let mut by_folder = Vec::new();
        let mut add = |dir: &Path, file: PathBuf| {
            if file.is_file() {
                let (matcher, _) = ignore::gitignore::Gitignore::new(file);
                by_folder.push((dir.to_path_buf(), matcher));
            }
        };
        for rel in tracked {
            if let Some(dir) = rel.strip_suffix(".gitignore") {
                if dir.is_empty() || dir.ends_with('/') {
                    let dir = root.join(dir);
                    add(&dir, dir.join(".gitignore"));
                }
            }
        }
        for dir in root.ancestors().skip(1) {
            if !dir.starts_with(work_tree) {
                break;
            }
            add(dir, dir.join(".gitignore"));
        }
        add(work_tree, work_tree.join(".git/info/exclude"));
        // Nearest folder first: a deeper .gitignore overrides a shallower one.
        by_folder.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.components().count()));
        Self { by_folder }
    }

    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for (dir, matcher) in &self.by_folder {
            if !path.starts_with(dir) {
                continue;
            }
            let matched = matcher.matched(path, is_dir);
            if matched.is_ignore() {
                return true;
            }
            if matched.is_whitelist() {
                return false;
            }
        }
        false
    }
}

/// `work` over `items` on up to four threads when `large` (a thread costs more than a few
/// hundred stats), results in order.
fn parallel<T: Sync, R: Send>(items: &[T], large: bool, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads == 1 || !large || items.len() < 2 {
        return items.iter().map(&work).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Outside git: every file the walk sees, honouring .gitignore.
fn walked(root: &Path) -> Vec<Stamp> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        })
        .build();
    walker
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .take(MAX_FILES)
        .map(|entry| {
            let rel = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .into_owned();
            stamp(rel, entry.path())
        })
        .collect()
}

/// FNV-1a, 64 bit: stable across Rust releases (std's hasher is not promised to be), and change
/// detection needs no cryptographic strength.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn stamp(&mut self, path: &str, len: u64, modified: u128) {
        self.write(path.as_bytes());
        self.write(&[0]);
        self.write(&len.to_le_bytes());
        self.write(&modified.to_le_bytes());
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::git_index::tests::git;
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn changes_with_sources_not_with_build_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("app.ts"), "a").expect("write");
        std::fs::create_dir(dir.path().join("cdk.out")).expect("mkdir");
        let first = source_fingerprint(dir.path());
        std::fs::write(dir.path().join("cdk.out/x.json"), "{}").expect("write");
        assert_eq!(first, source_fingerprint(dir.path()));
        std::fs::write(dir.path().join("app.ts"), "ab").expect("write");
        assert_ne!(first, source_fingerprint(dir.path()));
    }

    #[test]
    fn in_git_tracked_edits_and_new_unignored_files_count_ignored_ones_do_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".gitignore", "*.log\ncoverage/\n");
        write(root, "bin/app.ts", "new App()");
        write(root, "lib/stack.ts", "export class S {}");
        // Sorted, `lib/constructs/queue.ts` falls between `lib/a.ts` and `lib/stack.ts`.
        write(root, "lib/a.ts", "export {}");
        write(root, "lib/constructs/queue.ts", "export class Q {}");
        write(root, "lambda/.gitignore", "!keep.log\n");
        write(root, "lambda/handler.ts", "export const handler = 1;");
        git(root, &["init", "-q", "."]);
        git(root, &["add", "."]);
        assert!(git_index::tracked(root).is_some(), "read from the index");

        let mut last = source_fingerprint(root);
        let mut changed = |what: &str, expected: bool| {
            let now = source_fingerprint(root);
            assert_eq!(now != last, expected, "{what}");
            last = now;
        };
        changed("nothing", false);
        write(root, "build.log", "noise");
        write(root, "coverage/index.html", "noise");
        write(root, "cdk.out/manifest.json", "{}");
        write(root, "node_modules/x/index.js", "x");
        write(root, "lib/node_modules/y.js", "y");
        changed("ignored and build output", false);
        write(root, "lib/stack.ts", "export class S { x = 1 }");
        changed("a tracked file edited", true);
        write(root, "lib/new-construct.ts", "export {}");
        changed("a new untracked source", true);
        write(
            root,
            "lambda/keep.log",
            "re-included by the nested .gitignore",
        );
        changed("a file a nested .gitignore re-includes", true);
        write(root, "assets/logo.txt", "a new folder");
        changed("a new folder", true);
        std::fs::remove_file(root.join("bin/app.ts")).expect("rm");
        changed("a tracked file removed", true);
    }

    #[test]
    fn a_subfolder_project_only_counts_its_own_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "infra/bin/app.ts", "new App()");
        write(root, "web/src/page.ts", "page");
        git(root, &["init", "-q", "."]);
        git(root, &["add", "."]);
        let infra = root.join("infra");
        let first = source_fingerprint(&infra);
        assert!(first.ends_with("-1"), "{first}");
        write(root, "web/src/page.ts", "another page");
        assert_eq!(first, source_fingerprint(&infra));
        write(root, "infra/bin/app.ts", "new App(); // edited");
        assert_ne!(first, source_fingerprint(&infra));
    }
}
