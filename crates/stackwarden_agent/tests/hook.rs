//! The hook end to end (library level): answers, silence, malformed input, the diff-then-deploy
//! flow through the ledger, and a broken ledger that must not turn a deny into an allow.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use stackwarden_agent::{handle, HookEnv, Ledger};
/// These tests are about commands and the ledger; the file checks behind the edit hook are
/// tested end to end in crates/stackwarden/tests/hook_edit.rs.
fn env(cwd: &Path) -> HookEnv {
    HookEnv { env: BTreeMap::new(), aws_config: Some("[profile dev]\nsso_account_id = 123456789012\n[profile ops]\nsso_account_id = 123456789013\n".into()), process_cwd: cwd.to_path_buf(), now_ms: 1_700_000_000_000, today: stackwarden_testkit::TODAY.into(), progress: |_| {} }
}

fn event(name: &str, tool: &str, command: &str, cwd: &Path) -> String {
    serde_json::json!({
        "session_id": "s1", "transcript_path": "/tmp/t.jsonl", "cwd": cwd, "permission_mode": "default",
        "hook_event_name": name, "tool_name": tool, "tool_use_id": "toolu_1",
        "tool_input": {"command": command, "description": "d"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": false}
    })
    .to_string()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stackwarden.toml"),
        "[accounts]\ndev = \"123456789012\"\nprod = \"123456789013\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.ts"), "new App()").unwrap();
    dir
}

#[test]
fn deny_answer_and_log() {
    let dir = project();
    let out = handle(
        &event(
            "PreToolUse",
            "Bash",
            "bash -c 'npx cdk destroy --force'",
            dir.path(),
        ),
        &env(dir.path()),
    );
    assert_eq!(out.exit_code, 0);
    let json: serde_json::Value = serde_json::from_str(out.stdout.as_deref().unwrap()).unwrap();
    assert_eq!(json["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    assert_eq!(json["hookSpecificOutput"]["permissionDecision"], "deny");
    assert!(json["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap()
        .contains("guard/destructive"));
    let ledger = Ledger::open(&dir.path().join(".stackwarden/state.db")).unwrap();
    let logged = ledger.decisions_since(0).unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].rule, "guard/destructive");
    assert_eq!(logged[0].session.as_deref(), Some("s1"));
}

#[test]
fn silence_for_benign_commands_and_other_events() {
    let dir = project();
    for input in [
        event(
            "PreToolUse",
            "Bash",
            "git commit -m 'never cdk destroy'",
            dir.path(),
        ),
        event("PreToolUse", "Read", "x", dir.path()),
        event("PostToolUse", "Grep", "x", dir.path()),
        r#"{"hook_event_name":"SessionStart","session_id":"s"}"#.to_string(),
    ] {
        let out = handle(&input, &env(dir.path()));
        assert_eq!((out.stdout, out.exit_code), (None, 0), "{input}");
    }
    assert!(
        !dir.path().join(".stackwarden").exists(),
        "nothing to log, no ledger created"
    );
}

#[test]
fn malformed_input_exits_2() {
    let dir = project();
    for input in [
        "",
        "{",
        "[]",
        r#"{"tool_name":"Bash"}"#,
        r#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}}"#,
    ] {
        let out = handle(input, &env(dir.path()));
        assert_eq!(out.exit_code, 2, "{input}");
        assert!(out.stdout.is_none() && !out.stderr.is_empty());
    }
}

#[test]
fn diff_then_deploy_then_edit() {
    let dir = project();
    let deploy = "npx cdk deploy dev-orders --profile dev --require-approval broadening";
    let denied = handle(
        &event("PreToolUse", "Bash", deploy, dir.path()),
        &env(dir.path()),
    );
    let reason = denied.stdout.unwrap();
    assert!(
        reason.contains("guard/deploy-without-diff")
            && reason.contains("cdk diff dev-orders --profile dev"),
        "{reason}"
    );

    let recorded = handle(
        &event(
            "PostToolUse",
            "Bash",
            "cdk diff dev-orders --profile dev",
            dir.path(),
        ),
        &env(dir.path()),
    );
    assert_eq!(recorded, Default::default());
    let allowed = handle(
        &event("PreToolUse", "Bash", deploy, dir.path()),
        &env(dir.path()),
    );
    assert_eq!(
        allowed.stdout, None,
        "a matching diff lets the deploy through"
    );

    let other_profile = handle(
        &event(
            "PreToolUse",
            "Bash",
            &deploy.replace("--profile dev", "--profile sandbox"),
            dir.path(),
        ),
        &env(dir.path()),
    );
    assert!(other_profile.stdout.is_some());

    // Editing a source invalidates the diff.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.path().join("app.ts"), "new App(); // changed").unwrap();
    let after_edit = handle(
        &event("PreToolUse", "Bash", deploy, dir.path()),
        &env(dir.path()),
    );
    assert!(after_edit
        .stdout
        .is_some_and(|s| s.contains("guard/deploy-without-diff")));
}

#[test]
fn a_broken_ledger_never_turns_a_deny_into_an_allow() {
    let dir = project();
    std::fs::create_dir_all(dir.path().join(".stackwarden")).unwrap();
    std::fs::write(
        dir.path().join(".stackwarden/state.db"),
        "this is not a database",
    )
    .unwrap();
    let out = handle(
        &event("PreToolUse", "Bash", "aws s3 rb s3://x", dir.path()),
        &env(dir.path()),
    );
    assert!(out.stdout.is_some_and(|s| s.contains("\"deny\"")));
    assert!(
        out.stderr.iter().any(|e| e.contains("not logged")),
        "{:?}",
        out.stderr
    );
    let out = handle(
        &event(
            "PreToolUse",
            "Bash",
            "cdk deploy dev-orders --profile dev --require-approval broadening",
            dir.path(),
        ),
        &env(dir.path()),
    );
    assert!(out
        .stdout
        .is_some_and(|s| s.contains("ledger could not be read")));
}

#[test]
fn a_denied_command_is_logged_with_its_key_masked() {
    let dir = project();
    let key = "Sc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtDDb/xHKas";
    let command = format!("export AWS_SECRET_ACCESS_KEY={key}");
    let out = handle(
        &event("PreToolUse", "Bash", &command, dir.path()),
        &env(dir.path()),
    );
    let answer = out.stdout.expect("an answer");
    assert!(answer.contains("guard/credentials"), "{answer}");
    assert!(!answer.contains(key), "{answer}");
    let ledger = Ledger::open(&dir.path().join(".stackwarden/state.db")).unwrap();
    let logged = ledger.decisions_since(0).unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        logged[0].command,
        "export AWS_SECRET_ACCESS_KEY=Sc7T…(40 chars)"
    );
}

thread_local! {
    static PHASES: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn record_phase(phase: &'static str) {
    PHASES.with(|p| p.borrow_mut().push(phase));
}

/// The steps one hook call reported, in order.
fn phases_of(input: &str, cwd: &Path) -> Vec<&'static str> {
    PHASES.with(|p| p.borrow_mut().clear());
    let mut env = env(cwd);
    env.progress = record_phase;
    handle(input, &env);
    PHASES.with(|p| p.borrow().clone())
}

#[test]
fn the_sources_are_fingerprinted_only_when_a_recorded_diff_could_cover_the_deploy() {
    let dir = project();
    let deploy = "npx cdk deploy dev-orders --profile dev --require-approval broadening";
    let fingerprinting = "fingerprinting the project's sources";
    // No ledger yet: nothing to look up, nothing to fingerprint; the deny is then logged.
    let phases = phases_of(&event("PreToolUse", "Bash", deploy, dir.path()), dir.path());
    assert_eq!(
        phases,
        [
            "parsing and judging the command",
            "looking up the recorded cdk diffs in the ledger",
            "writing the decision to the ledger"
        ]
    );
    // A diff of another stack: looked up, but it cannot cover this deploy.
    let diff = event(
        "PostToolUse",
        "Bash",
        "cdk diff dev-reports --profile dev",
        dir.path(),
    );
    assert!(phases_of(&diff, dir.path()).contains(&fingerprinting));
    let phases = phases_of(&event("PreToolUse", "Bash", deploy, dir.path()), dir.path());
    assert!(!phases.contains(&fingerprinting), "{phases:?}");
    // A diff that covers it: now the sources are compared.
    let diff = event(
        "PostToolUse",
        "Bash",
        "cdk diff dev-orders --profile dev",
        dir.path(),
    );
    handle(&diff, &env(dir.path()));
    let phases = phases_of(&event("PreToolUse", "Bash", deploy, dir.path()), dir.path());
    assert!(phases.contains(&fingerprinting), "{phases:?}");
}

#[test]
fn a_recorded_diff_keeps_a_key_in_its_command_masked() {
    let dir = project();
    let key = "AKIAIOSFODNN7EXAMPLF";
    let command = format!("cdk diff dev-orders --profile dev -c note={key}");
    handle(
        &event("PostToolUse", "Bash", &command, dir.path()),
        &env(dir.path()),
    );
    let db = raw_text(&dir.path().join(".stackwarden/state.db"));
    assert!(!db.contains(key), "the key is stored in full");
}

/// The raw bytes of the database and its WAL, as text: what someone reading the file sees.
fn raw_text(path: &Path) -> String {
    let mut bytes = std::fs::read(path).unwrap_or_default();
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    String::from_utf8_lossy(&bytes).into_owned()
}
