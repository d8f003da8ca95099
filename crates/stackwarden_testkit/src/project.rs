//! Project folders built by a test in a temporary directory: files written with their folders,
//! and copies of a fixture tree a test may change (modification times, a rewritten file).

use std::path::Path;

/// Writes `text` to `name` under `dir`, creating the folders between.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a file has a parent folder")).expect("mkdir");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Copies the tree at `from` to `to`, leaving out every file or folder named in `skip` (an
/// installed `node_modules`).
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .flatten()
    {
        let name = entry.file_name();
        if skip.iter().any(|s| name == **s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target, skip);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_holds_every_file_but_the_skipped_ones() {
        let from = tempfile::tempdir().expect("tmp");
        write(from.path(), "lib/stack.ts", "new Stack()");
        write(from.path(), "node_modules/aws-cdk-lib/index.js", "x");
        write(from.path(), "cdk.json", "{}");
        let to = tempfile::tempdir().expect("tmp");
        copy_tree(from.path(), &to.path().join("app"), &["node_modules"]);
        let app = to.path().join("app");
        assert_eq!(
            std::fs::read_to_string(app.join("lib/stack.ts")).expect("copied"),
            "new Stack()"
        );
        assert!(app.join("cdk.json").is_file());
        assert!(!app.join("node_modules").exists());
    }
}
