//! The resource envelope, end to end through the binary: every input ends in a verdict or a
//! block, never in a crash that Claude Code would treat as "let it run". Each input here once
//! crashed the hook, exhausted its memory or ran past its budget (the stack overflows and the
//! ANSI-C case from the envelope issue; the rest found by fuzzing `guard_command`); valid commands
//! of realistic depth and size must be decided, not blocked.

#![allow(clippy::unwrap_used)]

use std::process::Output;
use std::time::{Duration, Instant};

use stackwarden_testkit::cli::{exe, with_stdin};

/// Debug build on 2 cores: the envelope's own wall clock is 5 s, start-up included.
const WITHIN: Duration = Duration::from_secs(20);

fn hook(command: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let event = serde_json::json!({
        "session_id": "s", "transcript_path": "/tmp/t.jsonl", "cwd": dir.path(),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": { "command": command }, "tool_use_id": "toolu_1"
    });
    let start = Instant::now();
    let output = with_stdin("hook", event.to_string().into_bytes());
    assert!(start.elapsed() < WITHIN, "{:?}", start.elapsed());
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The permission decision of a hook answer (`None`: no objection, or no answer).
fn decision(output: &Output) -> Option<String> {
    let stdout = text(&output.stdout);
    if stdout.trim().is_empty() {
        return None;
    }
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    Some(
        answer["hookSpecificOutput"]["permissionDecision"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

/// Denied, asked about or blocked (exit 2): anything but a silent pass.
#[track_caller]
fn not_allowed(command: &str) {
    let output = hook(command);
    let blocked = output.status.code() == Some(2);
    let refused =
        output.status.success() && matches!(decision(&output).as_deref(), Some("deny" | "ask"));
    assert!(
        blocked || refused,
        "{:?} for {:.80}: {} {}",
        output.status,
        command,
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// Blocked by a limit of the envelope, with a message naming it and the step.
#[track_caller]
fn blocked_by(command: &str, limit: &str) {
    let output = hook(command);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(limit), "{stderr}");
    assert!(
        stderr.contains("while parsing and judging the command; blocking it to be safe"),
        "{stderr}"
    );
}

/// Decided within the limits: exit 0 with this decision (`None`: no objection).
#[track_caller]
fn decided(command: &str, expected: Option<&str>) {
    let output = hook(command);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(decision(&output).as_deref(), expected, "{:.80}", command);
}

#[test]
fn deep_compound_commands_that_overflowed_the_stack_are_not_allowed() {
    // 6 KB of nested `if` aborted both `hook` and `guard` (SIGABRT): the deletion would have run.
    let ifs = format!(
        "{}aws s3 rb s3://x{}",
        "if true; then ".repeat(400),
        "; fi".repeat(400)
    );
    not_allowed(&ifs);
    for (open, close) in [
        ("while true; do ", "; done"),
        ("until false; do ", "; done"),
        ("for x in 1; do ", "; done"),
        ("case x in x) ", " ;; esac"),
        ("{ ", "; }"),
    ] {
        not_allowed(&format!(
            "{}aws s3 rb s3://x{}",
            open.repeat(350),
            close.repeat(350)
        ));
    }
    // Far deeper than the stack or the memory allows: blocked, never a crash.
    not_allowed(&format!(
        "{}aws s3 rb s3://x{}",
        "if true; then ".repeat(5_000),
        "; fi".repeat(5_000)
    ));
    not_allowed(&format!(
        "{}cdk destroy{}",
        "(".repeat(300_000),
        ")".repeat(300_000)
    ));
}

#[test]
fn an_ansi_c_quote_before_a_parser_blow_up_is_blocked_by_the_memory_limit() {
    // Walked past the old pre-checks (their lexer did not read `$'…'`) and grew to 2.5 GB.
    blocked_by("echo $'\\'' ; cat <<$(\t ", "ran out of memory");
}

#[test]
fn a_backtracking_word_is_blocked_by_the_cpu_limit() {
    // `${name[` left open: brush's word parser tries every split after each one.
    blocked_by(
        &format!("aws s3 rb s3://x {}", "${c[A% 0}".repeat(8)),
        "ran out of CPU time",
    );
}

#[test]
fn valid_commands_of_realistic_depth_and_size_are_decided() {
    // 30 subshells around 30 `if` used the whole 5 s budget and was blocked.
    let nested = |inner: &str| {
        format!(
            "{}{}{inner}{}{}",
            "( ".repeat(30),
            "if true; then ".repeat(30),
            "; fi".repeat(30),
            " )".repeat(30)
        )
    };
    decided(&nested("aws s3 ls"), None);
    decided(&nested("aws s3 rb s3://x"), Some("deny"));
    // 22 nested `case` items around an unclosed `[[` used the whole budget too; it does not
    // parse (bash rejects it too), so now it is asked about at once.
    decided(
        &format!("{}[[ -n x", "case x in x) ".repeat(22)),
        Some("ask"),
    );
    not_allowed(&format!(
        "{}aws s3 rb s3://x; [[ -n x",
        "case x in x) ".repeat(22)
    ));
    // A 100 KB script, and 1 MB of plain commands.
    // (A download: an upload is a write the test project cannot place in a stage, so it asks.)
    let script = "if [ -f x ]; then\n  aws s3 cp s3://b/c a --profile dev\nelse\n  echo no\nfi\n"
        .repeat(1_500);
    decided(&script, None);
    decided(&format!("{script}aws s3 rb s3://b\n"), Some("deny"));
    decided(&"echo hello world; ".repeat(58_000), None);
}

#[test]
fn every_input_fuzzing_found_ends_in_a_verdict_or_a_block() {
    // Each grew without end, looped or backtracked for seconds in brush-parser 0.4. Prefixed with
    // a deletion, none may pass; alone (no AWS tool named), they may pass or be blocked.
    let found = [
        " ((((((((((($\u{1}::::::::((((((((((($\u{1}:::::es(((tr$$",
        "zx &$(<< <<\\\"k ",
        "( {ASIA$(aws^secret_ac$<<<c<<'' - ",
        "cat <<'' - ",
        "(  ( {({ (= <\r<<\r< { {%( {({ ( { ",
        "cat <<\x0c ",
        "O= v<<\t\t\t_sec$(\t\t\tO= v1== vk=O= vO=[[ v1=k v=O=&vO= v1===O= ",
        "cat <<$(\t ",
        "$(<< ()) ",
        "echo $(( 1 )) $(<< ()) ",
        "$(<<\t\t}\t",
        "$(cat <<  x ",
        "g[@(\"p${B[\"p${B[$\"B${B[!${B[!)",
        "cat << x\nE$([^'o$(d$(++++++++++++++++++!($((++++++++nn)eslsowasE$(/ (d$(++++!($((++nn)e\nx\n",
        "env 5 <<EOF\nB${B[\"{${B+${B[${B[\"${B$((\u{5}\nEOF\n",
        "cat <<EOF\n$(((('((((((($((((((\0\0`UUU\u{5}\0\nEOF\n",
        "cat <<EOF\n$[$[$[$[$[$[$[$[$[$[$[_[$$_[c[_[$$_[c[$[_[$$_[$$_[c[$$_`\0x\nEOF\n",
        "l[\"\"l[l[$((\"\"l[)h\"\"l[\0\u{3})h[$((!$\"\"l[\0\u{3})[)h[$\"\"k[l[$((l[)h$\"\"l[\u{3})$((!\"\"lk[l[,$((l$\"\"l[\u{3})hTsac7i+p$\"\"l[\0\u{3})h[T$7777b+@\0\u{3}))h[77776>",
        "s$(\0${cdg[A[0} )s$(\0${cd[A% 0}\0${cdg[A% }+)Bs$(\0${cdg[ASIAA$,7fr>\0+\u{1}A,28,$ 0%,_k} ),7",
        "c 8888888888888888888<44",
    ];
    for input in found {
        let output = hook(input);
        assert!(
            output.status.code() == Some(2) || output.status.success(),
            "{input:?}: {:?}",
            output.status
        );
        not_allowed(&format!("aws s3 rb s3://x; {input}"));
        not_allowed(&format!("{input}\naws s3 rb s3://x"));
    }
}

#[test]
fn guard_denies_what_the_envelope_blocks_and_says_which_limit() {
    let output = std::process::Command::new(exe())
        .args(["guard", "--format", "json", "--command", "cat <<'' - "])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["decision"], "deny");
    let reason = answer["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the analysis of the command ran out of memory"),
        "{reason}"
    );
    assert!(
        reason.contains("the hook blocks such a command"),
        "{reason}"
    );
}

#[test]
fn the_worker_refuses_a_job_it_cannot_read_and_the_hook_blocks_oversized_events() {
    let output = with_stdin("envelope-worker", b"not a job".to_vec());
    assert_ne!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "no answer without a job");

    let output = with_stdin("hook", vec![b' '; 17 << 20]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("the event is larger than 16 MB"),
        "{}",
        text(&output.stderr)
    );
}
