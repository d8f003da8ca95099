//! Every way a shell runs a command, hiding a dangerous one: arrays, positional parameters,
//! functions, aliases, traps, `eval`, job runners, terminal multiplexers, containers, monorepo
//! runners, Terraform and Pulumi. Each must get the decision (and rule) of the plain command,
//! or `ask` with `guard/unresolved` where the guard truly cannot know what runs; each benign
//! look-alike must get no decision.

#![allow(clippy::unwrap_used)]

use stackwarden_guard::Decision;
use stackwarden_testkit::guard::{data_lines as lines, unescape, Fixture};

const HIDDEN: &str = include_str!("data/shell-forms-hidden.tsv");
const BENIGN: &str = include_str!("data/shell-forms-benign.txt");

/// (command, decision, rule) of each hidden form.
fn hidden() -> Vec<(String, Decision, String)> {
    lines(HIDDEN)
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let decision = match fields.next() {
                Some("deny") => Decision::Deny,
                Some("ask") => Decision::Ask,
                other => panic!("bad decision {other:?} in {line}"),
            };
            let rule = fields.next().unwrap().to_string();
            (unescape(fields.next().unwrap()), decision, rule)
        })
        .collect()
}

#[test]
fn hidden_dangerous_commands_get_the_plain_commands_decision() {
    let fixture = Fixture::new();
    let mut failures = Vec::new();
    let hidden = hidden();
    for (command, decision, rule) in &hidden {
        let got = fixture.decision(command);
        if got != Some((*decision, rule.as_str())) {
            failures.push(format!(
                "{command:?}: expected {decision:?} {rule}, got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        hidden.len(),
        failures.join("\n")
    );
    assert!(hidden.len() >= 150);
}

#[test]
fn benign_look_alikes_get_no_decision() {
    let benign: Vec<String> = lines(BENIGN).map(unescape).collect();
    Fixture::new().assert_untouched(benign.iter().map(String::as_str));
    assert!(benign.len() >= 40);
}
