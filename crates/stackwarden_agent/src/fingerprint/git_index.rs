//! The paths git tracks, read from its index file (`.git/index`, format versions 2 to 4, as
//! documented in git's `gitformat-index`). Only the entry paths are read: the fingerprint stats
//! the files itself. Written by hand because the maintained reader (gix-index) brings about 40
//! gitoxide crates for what is a header, fixed-size records and a path each.
//!
//! Anything unexpected — a SHA-256 repository, a split or sparse index, a truncated file —
//! answers `None`, and the caller walks the folder instead.

use std::path::{Path, PathBuf};

/// The work tree's root and every path in its index, relative to that root, sorted.
pub(super) struct Tracked {
    pub(super) work_tree: PathBuf,
    pub(super) paths: Vec<String>,
}

/// The repository `root` is in, and the paths its index tracks.
pub(super) fn tracked(root: &Path) -> Option<Tracked> {
    let work_tree = root.ancestors().find(|dir| dir.join(".git").exists())?;
    let git_dir = git_dir(work_tree)?;
    // SHA-256 repositories have longer object ids in each entry; rare enough to walk instead.
    let config = std::fs::read_to_string(git_dir.join("config")).unwrap_or_default();
    if config.contains("objectformat") {
        return None;
    }
    let bytes = std::fs::read(git_dir.join("index")).ok()?;
    let mut paths = parse(&bytes)?;
    paths.sort_unstable();
    paths.dedup(); // conflict stages list a path more than once
    Some(Tracked {
        work_tree: work_tree.to_path_buf(),
        paths,
    })
}

/// `.git` is the folder itself, or (worktrees, submodules) a file saying `gitdir: PATH`.
fn git_dir(work_tree: &Path) -> Option<PathBuf> {
    let dot_git = work_tree.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    Some(work_tree.join(target))
}

const SHA1_BYTES: usize = 20;
/// ctime, mtime (seconds and nanoseconds each), dev, ino, mode, uid, gid, size: 4 bytes each.
const STAT_BYTES: usize = 40;
const EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
const MODE_TYPE_MASK: u32 = 0o170_000;
const MODE_DIRECTORY: u32 = 0o040_000;

fn parse(bytes: &[u8]) -> Option<Vec<String>> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(4)? != b"DIRC" {
        return None;
    }
    let version = reader.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(reader.u32()?).ok()?;
    // Every entry takes at least 62 bytes: a count larger than the file can hold is corrupt.
    if count > bytes.len() / 62 {
        return None;
    }
    let mut paths = Vec::with_capacity(count);
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = reader.at;
        let stat = reader.take(STAT_BYTES)?;
        let mode = u32::from_be_bytes(stat[24..28].try_into().ok()?);
        // A sparse index lists whole folders as entries: the files in them are not known here.
        if mode & MODE_TYPE_MASK == MODE_DIRECTORY {
            return None;
        }
        reader.take(SHA1_BYTES)?;
        let flags = reader.u16()?;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return None;
            }
            reader.u16()?;
        }
        let path = if version == 4 {
            // The path is the previous one minus N trailing bytes, plus a NUL-terminated suffix.
            let strip = reader.varint()?;
            let keep = previous.len().checked_sub(strip)?;
            previous.truncate(keep);
            previous.extend_from_slice(reader.until_nul()?);
            previous.clone()
        } else {
            let name_length = usize::from(flags & NAME_MASK);
            let path = reader.until_nul()?.to_vec();
            // A name of 0xFFF or more bytes stores 0xFFF; shorter ones must agree.
            if name_length < usize::from(NAME_MASK) && name_length != path.len() {
                return None;
            }
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes (the terminating
            // NUL, already read, is the first of them).
            let length = reader.at - start;
            reader.take((8 - length % 8) % 8)?;
            path
        };
        paths.push(String::from_utf8(path).ok()?);
    }
    // A split index keeps most entries in a shared file this reader does not follow.
    if has_extension(&bytes[reader.at..], b"link") {
        return None;
    }
    Some(paths)
}

/// Whether the extensions after the entries (4-byte signature, 4-byte length, data) include
/// `signature`. The last 20 bytes are the checksum of the file.
fn has_extension(mut rest: &[u8], signature: &[u8; 4]) -> bool {
    while rest.len() >= 8 + SHA1_BYTES {
        if &rest[..4] == signature {
            return true;
        }
        let Ok(length) = <[u8; 4]>::try_from(&rest[4..8]) else {
            return false;
        };
        let length = u32::from_be_bytes(length) as usize;
        match rest.get(8 + length..) {
            Some(next) => rest = next,
            None => return false,
        }
    }
    false
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// The bytes up to a NUL, which is consumed too.
    fn until_nul(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.at..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        self.at += end + 1;
        Some(&rest[..end])
    }

    /// Git's offset encoding (`varint.c`): 7 bits a byte, high bit set on all but the last,
    /// each continuation adding one.
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = *self.take(1)?.first()?;
            value = value.checked_add(1)?.checked_mul(128)? | usize::from(byte & 0x7f);
        }
        Some(value)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Runs `git ARGS` in `dir`, without the user's global configuration (tests of the
    /// fingerprint use it too).
    pub(in crate::fingerprint) fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// Builds an index the way `git` does for the versions it writes.
    fn git_index(dir: &Path, version: &str) -> Vec<String> {
        let git = |args: &[&str]| git(dir, args);
        git(&["init", "-q", "."]);
        std::fs::create_dir_all(dir.join("lib/stacks")).expect("mkdir");
        let names = [
            "bin/app.ts",
            "lib/stacks/orders-stack.ts",
            "lib/stacks/reports-stack.ts",
            "package.json",
        ];
        for name in names {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, name).expect("write");
        }
        let long = format!("lib/{}/{}.ts", "d".repeat(200), "x".repeat(200));
        std::fs::create_dir_all(dir.join(&long).parent().expect("parent")).expect("mkdir");
        std::fs::write(dir.join(&long), "long").expect("write");
        git(&["add", "."]);
        git(&["update-index", "--index-version", version]);
        let mut expected: Vec<String> = names.iter().map(ToString::to_string).collect();
        expected.push(long);
        expected.sort();
        expected
    }

    #[test]
    fn reads_the_paths_of_every_index_version_git_writes() {
        for version in ["2", "3", "4"] {
            let dir = tempfile::tempdir().expect("tempdir");
            let expected = git_index(dir.path(), version);
            let tracked = tracked(&dir.path().join("lib")).expect("an index");
            assert_eq!(tracked.paths, expected, "index version {version}");
            assert_eq!(tracked.work_tree, dir.path());
        }
    }

    #[test]
    fn anything_unexpected_is_none_not_a_guess() {
        assert!(parse(b"").is_none());
        assert!(parse(b"DIRC\0\0\0\x05\0\0\0\0").is_none());
        let dir = tempfile::tempdir().expect("tempdir");
        git_index(dir.path(), "2");
        let bytes = std::fs::read(dir.path().join(".git/index")).expect("index");
        for cut in [13, 70, bytes.len() / 2] {
            assert!(parse(&bytes[..cut]).is_none(), "truncated at {cut}");
        }
        let mut huge_count = bytes.clone();
        huge_count[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(parse(&huge_count).is_none());
    }
}
