//! Helpers shared by the binary's integration tests.
#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// A temporary project with the example app's configuration (CDK, production stage `prod`).
pub fn example_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        repo_root().join("examples/orders-app/stackwarden.toml"),
        dir.path().join("stackwarden.toml"),
    )
    .expect("copy config");
    dir
}

/// Runs `stackwarden hook` in `cwd` with `event` on stdin, as Claude Code does. The decisions
/// must not depend on the machine's own AWS profiles, so none is visible.
pub fn hook(cwd: &Path, event: &serde_json::Value) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stackwarden"))
        .arg("hook")
        .current_dir(cwd)
        .env("STACKWARDEN_TODAY", TODAY)
        .env("AWS_CONFIG_FILE", cwd.join("no-aws-config"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stackwarden hook");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(event.to_string().as_bytes())
        .expect("write event");
    child.wait_with_output().expect("hook output")
}
