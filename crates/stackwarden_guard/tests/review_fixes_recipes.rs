//! Review findings in the recipe, awk, expect and make readers: each input the reviewer gave
//! gets the decision of the command it runs, or an ask (`guard/unresolved`) where the guard
//! cannot finish reading what could run a command.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use stackwarden_guard::Decision;
use stackwarden_testkit::guard::Fixture;

const PLAIN: &str = "aws s3 rb s3://orders-artifacts --force --profile ops";
const ASK: Option<(Decision, &str)> = Some((Decision::Ask, "guard/unresolved"));

/// The plain command's decision: what each hidden form must get.
fn plain(fx: &Fixture) -> Option<(Decision, &'static str)> {
    let decision = fx.decision(PLAIN);
    assert!(decision.is_some(), "the plain command gets a decision");
    decision
}

fn assert_same_as_plain(fx: &Fixture, commands: &[&str]) {
    let expected = plain(fx);
    for command in commands {
        assert_eq!(fx.decision(command), expected, "{command}");
    }
}

fn assert_asks(fx: &Fixture, commands: &[&str]) {
    for command in commands {
        assert_eq!(fx.decision(command), ASK, "{command}");
    }
}

// 1. Taskfile tasks are remembered by file and name, not by name alone.
#[test]
fn included_task_with_the_same_name_is_read() {
    let fx = Fixture::new()
        .with_file(
            "/proj/Taskfile.yml",
            "version: '3'\nincludes:\n  infra: ./infra\ntasks:\n  deploy:\n    cmds:\n      - task: infra:deploy\n",
        )
        .with_file(
            "/proj/infra/Taskfile.yml",
            &format!("version: '3'\ntasks:\n  deploy:\n    cmds:\n      - {PLAIN}\n"),
        );
    assert_same_as_plain(&fx, &["task deploy", "task infra:deploy"]);
}

// 2. The text of `[…]` runs: read as a script.
#[test]
fn expect_bracket_substitution_is_read() {
    let fx = Fixture::new();
    assert_same_as_plain(
        &fx,
        &[
            &format!("expect -c 'set x [exec {PLAIN}]'"),
            &format!("expect -c 'puts \"[exec {PLAIN}]\"'"),
        ],
    );
    fx.assert_untouched(["expect -c 'set x [exec date]'"]);
}

// 5. `++`/`--` end an operand, so the `/` after them divides.
#[test]
fn awk_division_after_increment() {
    let fx = Fixture::new();
    assert_same_as_plain(
        &fx,
        &[
            &format!("awk 'BEGIN {{ i = 4; x = i++ / 2; system(\"{PLAIN}\") }}'"),
            &format!("awk 'BEGIN {{ i = 4; x = i-- / 2; system(\"{PLAIN}\") }}'"),
        ],
    );
    fx.assert_untouched(["awk 'BEGIN { i = 4; x = i++ / 2; print x }'"]);
    // A regex literal holding program text may be a misread division: asked about.
    assert_asks(
        &fx,
        &[&format!(
            "awk 'BEGIN {{ x = a ? /q/ : /system(\"{PLAIN}\")/ }}'"
        )],
    );
}

// 6. `-i` files are read like `-f`; `-l` and `@include` are asked about.
#[test]
fn awk_include_and_load() {
    let fx = Fixture::new().with_file(
        "/proj/lib.awk",
        &format!("BEGIN {{ system(\"{PLAIN}\") }}\n"),
    );
    assert_same_as_plain(
        &fx,
        &[
            "gawk -i lib.awk 'BEGIN { print 1 }'",
            "gawk --include lib.awk 'BEGIN { print 1 }'",
            "gawk --include=lib.awk 'BEGIN { print 1 }'",
        ],
    );
    assert_asks(
        &fx,
        &[
            "gawk -l ./evil 'BEGIN { print 1 }'",
            "gawk --load=./evil 'BEGIN { print 1 }'",
            "gawk '@include \"other.awk\"; BEGIN { print 1 }'",
        ],
    );
}

// 7. Attached and `=` forms of the program options.
#[test]
fn awk_attached_option_values() {
    let fx = Fixture::new().with_file(
        "/proj/prog.awk",
        &format!("BEGIN {{ system(\"{PLAIN}\") }}\n"),
    );
    assert_same_as_plain(
        &fx,
        &[
            "awk -fprog.awk",
            "awk --file=prog.awk",
            &format!("gawk -e'BEGIN{{system(\"{PLAIN}\")}}'"),
            &format!("gawk --source='BEGIN{{system(\"{PLAIN}\")}}'"),
        ],
    );
    fx.assert_untouched([
        "awk -F: -vX=1 '{ print $1 }' /etc/passwd",
        "awk --assign=X=1 '{ print X }'",
    ]);
}

// 8. Past the bound on recipes and tasks, the rest is asked about, not dropped.
#[test]
fn recipe_and_task_bounds_ask() {
    let mut justfile = String::new();
    let mut taskfile = String::from("version: '3'\ntasks:\n");
    for n in 0..70 {
        let next = n + 1;
        justfile.push_str(&format!("r{n}: r{next}\n    echo {n}\n\n"));
        taskfile.push_str(&format!(
            "  r{n}:\n    deps: [r{next}]\n    cmds:\n      - echo {n}\n"
        ));
    }
    justfile.push_str(&format!("r70:\n    {PLAIN}\n"));
    taskfile.push_str(&format!("  r70:\n    cmds:\n      - {PLAIN}\n"));
    let fx = Fixture::new()
        .with_file("/proj/justfile", &justfile)
        .with_file("/proj/Taskfile.yml", &taskfile);
    assert_asks(&fx, &["just r0", "task r0"]);
}

// 9. Recipes from `import`/`mod`/`set fallback`, and bodies run by a non-shell `set shell`.
#[test]
fn justfile_imports_and_foreign_shell() {
    let fx = Fixture::new()
        .with_file(
            "/proj/justfile",
            "import 'infra.just'\n\nbuild:\n    cargo build\n",
        )
        .with_file("/proj/infra.just", &format!("deploy:\n    {PLAIN}\n"));
    assert_asks(&fx, &["just deploy"]);
    fx.assert_untouched(["just build"]);
    let fx = Fixture::new().with_file("/proj/justfile", "mod infra\n\nbuild:\n    cargo build\n");
    assert_asks(&fx, &["just infra deploy"]);
    let fx = Fixture::new().with_file(
        "/proj/justfile",
        "set shell := [\"python3\", \"-c\"]\n\nnuke:\n    import os; os.system('aws s3 rb s3://orders-artifacts --force')\n",
    );
    assert_asks(&fx, &["just nuke"]);
    let fx = Fixture::new().with_file(
        "/proj/justfile",
        &format!("set shell := [\"bash\", \"-uc\"]\n\nnuke:\n    {PLAIN}\n"),
    );
    assert_same_as_plain(&fx, &["just nuke"]);
}

// 10. A recipe file chosen at run time is asked about; `--opt=value` is read.
#[test]
fn recipe_file_options() {
    let fx = Fixture::new()
        .with_file("/proj/justfile", "deploy:\n    echo hi\n")
        .with_file("/proj/other.just", &format!("deploy:\n    {PLAIN}\n"))
        .with_file(
            "/proj/Taskfile.yml",
            "version: '3'\ntasks:\n  deploy: echo hi\n",
        )
        .with_file(
            "/proj/other.yml",
            &format!("version: '3'\ntasks:\n  deploy: {PLAIN}\n"),
        );
    assert_asks(&fx, &["just -f \"$F\" deploy", "task -t \"$F\" deploy"]);
    assert_same_as_plain(
        &fx,
        &[
            "just --justfile=other.just deploy",
            "just -fother.just deploy",
            "just -f other.just deploy",
            "task --taskfile=other.yml deploy",
            "task -t other.yml deploy",
        ],
    );
    fx.assert_untouched(["just deploy", "task deploy"]);
}

// 11. An included Taskfile that does not parse, and a task found nowhere.
#[test]
fn unreadable_included_taskfile_and_missing_task() {
    let fx = Fixture::new()
        .with_file(
            "/proj/Taskfile.yml",
            "version: '3'\nincludes:\n  infra: ./infra\ntasks:\n  build: cargo build\n",
        )
        .with_file(
            "/proj/infra/Taskfile.yml",
            "tasks: [deploy: {cmds: [aws s3 rb s3://b\n",
        );
    assert_asks(
        &fx,
        &["task infra:deploy", "task deploy", "task ops:deploy"],
    );
    fx.assert_untouched(["task build"]);
}

// 16. An unterminated quoted value no longer panics.
#[test]
fn justfile_unterminated_value() {
    let fx = Fixture::new().with_file("/proj/justfile", "x := \"\n\nbuild:\n    echo {{x}}\n");
    fx.assert_untouched(["just build"]);
    let fx = Fixture::new().with_file("/proj/justfile", "x := '\n\nbuild:\n    cargo build\n");
    fx.assert_untouched(["just build"]);
}

// 20. Nested aliases are bounded by the values they copy ("billion laughs").
#[test]
fn taskfile_nested_aliases_are_bounded() {
    let mut taskfile =
        String::from("version: '3'\nvars:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for n in 1..10 {
        let p = n - 1;
        taskfile.push_str(&format!(
            "  l{n}: &l{n} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    taskfile.push_str(&format!("tasks:\n  deploy: {PLAIN}\n"));
    let fx = Fixture::new().with_file("/proj/Taskfile.yml", &taskfile);
    let started = Instant::now();
    assert_asks(&fx, &["task deploy"]);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A few aliases still read as their anchors.
    let fx = Fixture::new().with_file(
        "/proj/Taskfile.yml",
        &format!("version: '3'\nx-cmds: &cmds\n  - {PLAIN}\ntasks:\n  deploy:\n    cmds: *cmds\n"),
    );
    assert_same_as_plain(&fx, &["task deploy"]);
}

// 22. A target missing from what was read, when an include was not followed.
#[test]
fn make_target_in_unread_include() {
    let fx = Fixture::new().with_file(
        "/proj/Makefile",
        "include $(ENV).mk\n\nbuild:\n\tnpm run build\n",
    );
    assert_asks(&fx, &["make deploy"]);
    fx.assert_untouched(["make build"]);
}
