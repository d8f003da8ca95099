//! The built `stackwarden` binary, run the way a user or Claude Code runs it: from a project
//! folder, with [`crate::TODAY`] as the date and none of the caller's agent or colour variables,
//! so the output does not depend on the shell the tests were started from.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::TODAY;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// The binary Cargo built for the calling integration test. `CARGO_BIN_EXE_stackwarden` is set
/// only while the binary crate's own tests compile, not this crate; Cargo puts those test
/// executables in `target/<profile>/deps`, beside the folder that holds the binary.
/// (crates/stackwarden/tests/cli.rs checks this is the path Cargo names.)
pub fn exe() -> PathBuf {
    let test = std::env::current_exe().expect("the test executable's path");
    let mut folder = test.parent().expect("a folder").to_path_buf();
    if folder.ends_with("deps") {
        folder.pop();
    }
    let exe = folder.join(format!("stackwarden{}", std::env::consts::EXE_SUFFIX));
    assert!(
        exe.is_file(),
        "{} is not built: the binary is built for the stackwarden crate's own tests (`cargo test -p stackwarden`)",
        exe.display()
    );
    exe
}

/// `stackwarden` with the pinned date and without `CLAUDECODE` (which switches the default
/// output to the agent format) or `NO_COLOR`, to be given its arguments and folder.
pub fn command() -> Command {
    let mut command = Command::new(exe());
    command
        .env("STACKWARDEN_TODAY", TODAY)
        .env_remove("CLAUDECODE")
        .env_remove("NO_COLOR");
    command
}

/// Runs the binary from the repository root.
pub fn stackwarden(args: &[&str]) -> Output {
    stackwarden_in(&repo_root(), args)
}

/// Runs the binary from `dir`.
pub fn stackwarden_in(dir: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run stackwarden")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The output as JSON, or a panic that shows what was printed instead.
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
    let mut child = Command::new(exe())
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

/// Runs `stackwarden <subcommand>` with `input` fed on stdin from a thread of its own, since the
/// binary may stop reading early (a refused job, an oversized event). No date is pinned and no
/// variable removed: these inputs are about the process, not the report.
pub fn with_stdin(subcommand: &str, input: Vec<u8>) -> Output {
    let mut child = Command::new(exe())
        .arg(subcommand)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run stackwarden");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        // The binary may exit before reading everything; that is what some inputs test.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("stackwarden output");
    feeder.join().expect("stdin feeder");
    output
}
