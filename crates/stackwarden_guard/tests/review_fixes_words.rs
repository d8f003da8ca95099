//! Review findings in word expansion, glob matching, self-protection, wrappers and
//! interpreters: each row is the reviewer's input (or the large input of a performance item)
//! with the decision it must get.

#![allow(clippy::unwrap_used)]

use stackwarden_guard::Decision;
use stackwarden_testkit::guard::Fixture;

const DENY: Decision = Decision::Deny;
const ASK: Decision = Decision::Ask;

const W: &str = "aws lambda update-function-code --function-name orders --zip-file fileb://f.zip";

/// The command as a failure lists it: long inputs cut short.
fn show(command: &str) -> String {
    match command.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &command[..at]),
        None => command.to_string(),
    }
}

fn check(fixture: &Fixture, cases: &[(String, Option<Decision>)]) {
    let mut failures = Vec::new();
    for (command, decision) in cases {
        let got = fixture.decision(command).map(|(d, _)| d);
        if got != *decision {
            failures.push(format!(
                "{:?}: expected {decision:?}, got {:?}",
                show(command),
                fixture.decision(command)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn w(rest: &str) -> String {
    W.to_string() + rest
}

#[test]
fn substring_offsets_near_the_integer_limit_do_not_panic() {
    check(
        &Fixture::new(),
        &[
            ("v=abc; echo ${v:1:9223372036854775807}".into(), None),
            (
                "v=abc; echo ${v:9223372036854775807:9223372036854775807}".into(),
                None,
            ),
            (
                "v=abc; echo ${v:-9223372036854775807:9223372036854775807}".into(),
                None,
            ),
            (
                "v=xawsx; ${v:1:9223372036854775807} s3 rb s3://b".into(),
                None,
            ),
            (
                "v=aws; ${v:0:9223372036854775807} s3 rb s3://b".into(),
                Some(DENY),
            ),
        ],
    );
}

#[test]
fn failing_star_patterns_in_redirect_targets_are_not_exponential() {
    let stars = "*".repeat(40);
    check(
        &Fixture::new(),
        &[
            (format!("echo hi > s{stars}q"), None),
            (format!("echo hi > .c{stars}q/settings.json"), None),
            (format!("cat ~/.aws/{stars}x"), None),
        ],
    );
}

#[test]
fn pattern_replacement_over_long_values_is_bounded() {
    let long = "a".repeat(1000);
    let huge = "a".repeat(5000);
    check(
        &Fixture::new(),
        &[
            (format!("v={long}; echo ${{v//*x/y}}"), None),
            (format!("v={long}; echo ${{v/*x/y}}"), None),
            (format!("v={long}; echo ${{v%%*x}}"), None),
            (format!("v={long}; echo ${{v##*x}}"), None),
            (
                format!("v={long}x; ${{v//*x/}}aws s3 rb s3://b"),
                Some(DENY),
            ),
            (format!("v={huge}; ${{v//*x/y}} s3 rb s3://b"), Some(ASK)),
            ("v=axs; ${v//x/w} s3 rb s3://b".into(), Some(DENY)),
        ],
    );
}

#[test]
fn many_sdk_imports_are_scanned_in_linear_time() {
    let imports = "boto3, ".repeat(20_000);
    check(
        &Fixture::new(),
        &[
            (format!("python3 -c 'import {imports}os'"), Some(ASK)),
            (
                format!("python3 -c 'x = 1; {}'", "y = 2; ".repeat(20_000)),
                None,
            ),
        ],
    );
}

#[test]
fn assign_default_expansion_assigns_the_variable() {
    check(
        &Fixture::new(),
        &[
            (w(" --profile \"${P:=ops}\""), Some(DENY)),
            (
                format!(": ${{P:=ops}}; {W} --profile \"${{P:-dev}}\""),
                Some(DENY),
            ),
            (format!(": ${{P=ops}}; {W} --profile \"$P\""), Some(DENY)),
            (format!("P=dev; : ${{P:=ops}}; {W} --profile \"$P\""), None),
        ],
    );
}

#[test]
fn namerefs_are_not_plain_values() {
    check(
        &Fixture::new(),
        &[
            (
                format!("declare -n P=dev; dev=ops; {W} --profile \"$P\""),
                Some(ASK),
            ),
            (
                format!("typeset -n P=dev; dev=ops; {W} --profile \"$P\""),
                Some(ASK),
            ),
            (
                format!("local -n P=dev; dev=ops; {W} --profile \"$P\""),
                Some(ASK),
            ),
            (format!("declare P=dev; {W} --profile \"$P\""), None),
        ],
    );
}

#[test]
fn globs_in_folder_parts_of_guard_paths_are_asked() {
    check(
        &Fixture::new(),
        &[
            ("echo '{}' > .cl*de/settings.json".into(), Some(ASK)),
            ("cp /tmp/x .c?aude/settings.local.json".into(), Some(ASK)),
            ("echo '{}' > .claude/settings.json".into(), Some(ASK)),
            ("echo hi > src*/notes.txt".into(), None),
        ],
    );
}

#[test]
fn links_to_guard_folders_are_changes_to_them() {
    check(
        &Fixture::new(),
        &[
            (
                "ln -s .claude c && echo '{}' > c/settings.json".into(),
                Some(ASK),
            ),
            ("ln -s .claude/settings.json s".into(), Some(ASK)),
            ("ln -sf /proj/.claude c".into(), Some(ASK)),
            ("ln -s src lib".into(), None),
        ],
    );
}

#[test]
fn tracer_option_clusters_and_values_are_skipped() {
    check(
        &Fixture::new(),
        &[
            (
                format!("strace -fe trace=execve {W} --profile ops"),
                Some(DENY),
            ),
            (
                format!("strace -f -e trace=execve {W} --profile ops"),
                Some(DENY),
            ),
            (
                format!("strace -o out.txt -s 200 {W} --profile ops"),
                Some(DENY),
            ),
            (format!("strace -fo out.txt {W} --profile ops"), Some(DENY)),
            (format!("ltrace -l libc.so.6 {W} --profile ops"), Some(DENY)),
            (
                format!("ltrace -n 2 -e malloc {W} --profile ops"),
                Some(DENY),
            ),
            (format!("strace -f {W} --profile dev"), None),
        ],
    );
}

#[test]
fn python_modules_and_unknown_scripts_are_looked_at() {
    let fixture = Fixture::new()
        .with_file(
            "/proj/deploy.py",
            "import boto3\nboto3.client('lambda').update_function_code(FunctionName='orders')\n",
        )
        .with_file(
            "/proj/tools/__main__.py",
            "import boto3\nboto3.client('s3').delete_bucket(Bucket='b')\n",
        )
        .with_file("/proj/hello.py", "print('hi')\n");
    check(
        &fixture,
        &[
            ("python3 deploy.py".into(), Some(ASK)),
            ("python3 -m deploy".into(), Some(ASK)),
            ("python3 -m tools".into(), Some(ASK)),
            ("python3 -m hello".into(), None),
            ("python3 \"$(ls *.py | head -1)\"".into(), Some(ASK)),
            ("python3 hello.py".into(), None),
        ],
    );
}

#[test]
fn a_named_script_in_a_run_time_folder_is_not_asked_about_unless_it_names_a_tool() {
    // Found by bench/guard-sweep.sh in perf's test scripts after the fix above.
    let fixture = Fixture::new();
    assert_eq!(
        fixture.decision("python \"$(dirname \"$0\")/lib/perf_json_output_lint.py\" --no-args"),
        None
    );
    assert_eq!(
        fixture.decision("python3 \"$(ls *.py | head -1)\""),
        Some((stackwarden_guard::Decision::Ask, "guard/unresolved"))
    );
}
