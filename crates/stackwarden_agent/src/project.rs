//! Where a project's state lives: the nearest folder with stackwarden.toml, else the git root,
//! else the folder the command runs in.

use std::path::{Path, PathBuf};

pub fn project_root(cwd: &Path) -> PathBuf {
    if let Some(config) = stackwarden_core::config::find_config_file(cwd) {
        if let Some(dir) = config.parent() {
            return dir.to_path_buf();
        }
    }
    let absolute = std::path::absolute(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    absolute
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(absolute)
}

/// The ledger file of a project.
pub fn ledger_path(root: &Path) -> PathBuf {
    root.join(".stackwarden").join("state.db")
}
