//! What the guard library bounds itself: input size, nesting of scripts in scripts and of
//! compound commands, simple commands per line, parser panics. (What the shell parser does on
//! hostile input — deep recursion, backtracking, loops — is bounded by the binary's resource
//! envelope and tested through the binary in `crates/stackwarden/tests/envelope.rs`.)

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use stackwarden_guard::Decision;

fn timed(command: &str) -> (Option<(Decision, &'static str)>, Duration) {
    let fixture = stackwarden_testkit::guard::Fixture::new();
    let start = Instant::now();
    let judgement = fixture.judge(command);
    (
        judgement.strictest().map(|v| (v.decision, v.rule)),
        start.elapsed(),
    )
}

#[test]
fn nesting_within_the_walk_is_seen_through_and_beyond_it_unresolved() {
    let (verdict, _) = timed(&format!(
        "{}cdk destroy{}",
        "( ".repeat(100),
        " )".repeat(100)
    ));
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
    // Past the walk's own depth limit a person decides.
    let (verdict, _) = timed(&format!(
        "{}cdk destroy{}",
        "if true; then ".repeat(150),
        "; fi".repeat(150)
    ));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    let nested_bash = (0..8).fold("cdk destroy".to_string(), |inner, _| {
        format!("bash -c {}", shell_quote(&inner))
    });
    let (verdict, _) = timed(&nested_bash);
    assert!(verdict.is_some());
    let (verdict, _) = timed("(( $(aws s3 rb s3://x) + 1 ))");
    assert_eq!(verdict, Some((Decision::Deny, "guard/destructive")));
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn one_megabyte_inputs_are_bounded() {
    let limit = Duration::from_secs(30); // debug build on 2 cores; release is ~100x faster
    let many = "echo hello world; ".repeat(((1 << 20) - 64) / 18);
    let (verdict, elapsed) = timed(&many);
    assert_eq!(verdict, None);
    assert!(elapsed < limit, "{elapsed:?}");

    let with_deny = format!("{many}aws s3 rb s3://x");
    let (verdict, elapsed) = timed(&with_deny[..with_deny.len().min(1 << 20)]);
    assert!(elapsed < limit, "{elapsed:?}");
    assert!(
        verdict.is_some_and(|(d, _)| d >= Decision::Ask),
        "{verdict:?}"
    );

    let one_word = format!("echo {}", "a".repeat(1 << 20));
    let (verdict, elapsed) = timed(&one_word[..1 << 20]);
    assert_eq!(verdict, None);
    assert!(elapsed < limit, "{elapsed:?}");

    let over = format!("cdk destroy; {}", "x".repeat(2 << 20));
    let (verdict, _) = timed(&over);
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));

    let quotes = "\"".repeat(1 << 20);
    let (_, elapsed) = timed(&quotes);
    assert!(elapsed < limit, "{elapsed:?}");
}

/// Every prefix of tricky commands (unterminated quotes, half here-documents, dangling
/// operators) is judged without panicking: a poor man's fuzz run that stays in the test suite.
#[test]
fn every_prefix_of_tricky_commands_is_handled() {
    let fixture = stackwarden_testkit::guard::Fixture::new();
    let tricky = [
        "bash -lc 'bash -c \"cdk destroy\"' && echo $(aws s3 rm s3://b/k) `x` <<EOF\n$(y)\nEOF",
        "for s in dev prod; do AWS_PROFILE=$s npx --yes aws-cdk@2 deploy \"${s}-orders\" -c stage=$s; done | tee log",
        "find . -exec sh -c 'aws s3 rb \"s3://$1\"' _ {} + ; eval \"$(printf %s cdk) destroy\"",
        "case \"$x\" in (prod) cdk deploy;; *) ((i++));; esac; f() { (cd a && make -C b deploy-prod); }; f",
        "$'\\x63dk' deploy ${P:-prod}-orders <(aws s3 ls) >> ~/.aws/credentials 2>&1 &",
    ];
    for command in tricky {
        for (end, _) in command.char_indices() {
            let _ = fixture.judge(&command[..end]);
        }
    }
}

#[test]
fn a_parser_panic_is_an_unresolved_command_not_a_crash() {
    // Found by fuzzing (guard_command): brush-parser 0.4 unwraps the fd number of a redirection.
    // What does not parse is not seen at all, so it is asked about whatever it names: bash runs
    // `a\ws s3 rb s3://x; echo 9999999999999999999999>/dev/null` (found by a red-team pass; the
    // backslash hides the tool's name from any reading of the text).
    for command in [
        "cdk destroy 8888888888888888888<44",
        "a\\ws s3 rb s3://x; echo 9999999999999999999999>/dev/null",
        "c\\dk destr\\oy --force; echo 9999999999999999999999>/dev/null",
        "a\\ws s3 rb s3://x\n)",
    ] {
        let (verdict, _) = timed(command);
        assert_eq!(
            verdict,
            Some((Decision::Ask, "guard/unresolved")),
            "{command}"
        );
    }
}

#[test]
fn what_the_walk_cannot_reach_is_asked_about_whatever_it_names() {
    // Past the walk's bounds the rest is unseen (red-team cases: a backslash hides the name).
    let (verdict, _) = timed(&format!("{}a\\ws s3 rb s3://x", ":;".repeat(100_001)));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    let (verdict, _) = timed(&format!(
        "{}a\\ws s3 rb s3://x{}",
        "$(".repeat(102),
        ")".repeat(102)
    ));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    let (verdict, _) = timed(&format!("a\\ws s3 rb s3://x\n#{}", "y".repeat(1 << 20)));
    assert_eq!(verdict, Some((Decision::Ask, "guard/unresolved")));
    // A command name that is another command's output can be anything.
    for command in [
        "$(printf a%ss w) s3 rb s3://x",
        "x=$(printf a%ss w); $x s3 rb s3://x",
    ] {
        let (verdict, _) = timed(command);
        assert_eq!(
            verdict,
            Some((Decision::Ask, "guard/unresolved")),
            "{command}"
        );
    }
    // One from an unknown variable is asked about only when the text names a tool.
    let (verdict, _) = timed("$EDITOR notes.md");
    assert_eq!(verdict, None);
}

#[test]
fn a_pipeline_of_no_command_is_no_crash() {
    // Found by replaying the fuzz corpus through the envelope: a bare `!` is a pipeline with no
    // command, and the stdin-fed shell check indexed past its end (the worker panicked; the
    // envelope blocked it).
    for command in ["!", "!;\n((x\n!))\n<   !!", "! | sh"] {
        let _ = timed(command);
    }
}
