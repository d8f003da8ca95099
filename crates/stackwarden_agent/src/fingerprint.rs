//! A cheap fingerprint of a project's sources, so a recorded `cdk diff` stops counting once the
//! sources change. It hashes the path, size and modification time of every file the walk sees
//! (honouring .gitignore; skipping node_modules, cdk.out, .git, .stackwarden) without reading
//! contents: a stat per file, a few milliseconds for a typical CDK app. It is taken right after
//! the diff succeeds and again when a deploy is judged; any edit, added or removed file in
//! between changes it. (`git write-tree` + dirty files was the alternative; it costs a process
//! spawn per hook and misses untracked-but-not-ignored files.) Touching a file without changing it
//! also counts as a change: the safe direction.

use std::path::Path;

/// Files hashed at most; past it the fingerprint covers the first ones (in walk order).
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

pub fn source_fingerprint(root: &Path) -> String {
    let mut entries: Vec<(String, u64, u128)> = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d))
        })
        .build();
    for entry in walker.flatten().take(MAX_FILES) {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let modified = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .into_owned();
        entries.push((path, meta.len(), modified));
    }
    // The walk order is not guaranteed; the fingerprint must not depend on it.
    entries.sort();
    let mut hash = Fnv::default();
    for (path, len, modified) in &entries {
        hash.write(path.as_bytes());
        hash.write(&[0]);
        hash.write(&len.to_le_bytes());
        hash.write(&modified.to_le_bytes());
    }
    format!("{:016x}-{}", hash.0, entries.len())
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
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
