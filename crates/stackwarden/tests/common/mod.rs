//! Helpers shared by the binary's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TODAY: &str = "2026-11-25";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// Runs the real binary from the repository root, with a pinned date and no agent variables.
pub fn stackwarden(args: &[&str]) -> Output {
    stackwarden_in(&repo_root(), args)
}

pub fn stackwarden_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackwarden"))
        .args(args)
        .current_dir(dir)
        .env("STACKWARDEN_TODAY", TODAY)
        .env_remove("CLAUDECODE")
        .env_remove("NO_COLOR")
        .output()
        .expect("run stackwarden")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}
