//! Shell expansion the guard must get exactly right or call unknown: parameter-expansion
//! operators, `IFS` splitting, variables set by `read`/`mapfile`/`printf -v`/`getopts`, files
//! sourced into the current shell, dynamic exports, shell text only known at run time, and
//! script files written earlier on the same command line. Found by a red team (sections F, G
//! and H of its report); each row is one of theirs or a close variant.

#![allow(clippy::unwrap_used)]

mod common;

use common::Fixture;
use stackwarden_guard::Decision;

const DENY: Decision = Decision::Deny;
const ASK: Decision = Decision::Ask;

fn check(fixture: &Fixture, cases: &[(&str, Decision, &str)]) {
    let mut failures = Vec::new();
    for (command, decision, rule) in cases {
        let got = fixture.decision(command);
        if got != Some((*decision, *rule)) {
            failures.push(format!(
                "{command:?}: expected {decision:?} {rule}, got {got:?}"
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

fn benign(fixture: &Fixture, commands: &[&str]) {
    let mut failures = Vec::new();
    for command in commands {
        if let Some(v) = fixture.judge(command).strictest() {
            failures.push(format!(
                "{command:?}: {} {} — {}",
                v.decision.as_str(),
                v.rule,
                v.reason
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        commands.len(),
        failures.join("\n")
    );
}

const D: &str = "guard/destructive";
const U: &str = "guard/unresolved";

#[test]
fn parameter_expansion_operators_are_evaluated() {
    check(
        &Fixture::new(),
        &[
            ("v=xws; ${v/x/a} s3 rb s3://b", DENY, D),
            ("v=awsX; ${v%X} s3 rb s3://b", DENY, D),
            ("v=awsXYZ; ${v%%X*} s3 rb s3://b", DENY, D),
            ("v=aws; ${v#} s3 rb s3://b", DENY, D),
            ("v=Xaws; ${v#X} s3 rb s3://b", DENY, D),
            ("v=a/b/aws; ${v##*/} s3 rb s3://b", DENY, D),
            ("v=AWS; ${v,,} s3 rb s3://b", DENY, D),
            ("v=Aws; ${v,} s3 rb s3://b", DENY, D),
            ("v=aws; ${v^^} s3 rb s3://b", DENY, D),
            ("v=axs; ${v//x/w} s3 rb s3://b", DENY, D),
            ("v=aws; ${v:0:3} s3 rb s3://b", DENY, D),
            ("v=xxaws; ${v: -3} s3 rb s3://b", DENY, D),
            ("v=xawsx; \"${v:1:3}\" s3 rb s3://b", DENY, D),
            ("n=v; v=aws; ${!n} s3 rb s3://b", DENY, D),
            ("v=cdk; ${v:-x} destroy --force", DENY, D),
            ("${v:-aws} s3 rb s3://b", DENY, D),
            ("${v:=aws} s3 rb s3://b", DENY, D),
            ("v=1; ${v:+aws} s3 rb s3://b", DENY, D),
            ("v=AWS; ${v@L} s3 rb s3://b", DENY, D),
            ("v=abs; ${v/[b-c]/w} s3 rb s3://b", DENY, D),
            ("v='a*s'; ${v/\\*/w} s3 rb s3://b", DENY, D),
            ("a=(RB); aws s3 ${a[0],,} s3://b", DENY, D),
            ("v=x; aws s3 ${v/x/rb} s3://b", DENY, D),
            // Not evaluated exactly: unknown, so the name is asked about.
            ("v=xws; ${v/$(cat p)/a} s3 rb s3://b", ASK, U),
            ("v=xws; ${v/x/&} s3 rb s3://b", ASK, U),
            ("v=aws; ${v@P} s3 rb s3://b", ASK, U),
            ("v=xws; ${v/[[:alpha:]]/a} s3 rb s3://b", ASK, U),
            ("v=aws; ${v:$n:3} s3 rb s3://b", ASK, U),
            ("${v:-$(printf aws)} s3 rb s3://b", ASK, U),
        ],
    );
}

#[test]
fn operator_look_alikes_are_benign() {
    benign(
        &Fixture::new(),
        &[
            "v=hello; echo ${v^^}",
            "f=report.tar.gz; echo ${f%%.*} ${f#*.}",
            "p=/a/b/c.txt; ls ${p%/*}",
            "name=World; echo \"Hello, ${name,,}\"",
            "v=abc; echo ${#v} ${v:1:1}",
            "${EDITOR:-vi} notes.txt",
            "n=HOME; echo ${!n}",
            "s='a b'; echo ${s// /_}",
        ],
    );
}
