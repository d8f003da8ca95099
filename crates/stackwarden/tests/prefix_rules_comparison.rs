//! The guard against Claude Code's own `Bash(...)` deny rules (the ones `stackwarden init`
//! writes, matched by `stackwarden_agent::prefix_rule_denies`, a model of Claude Code's
//! matching) on the guard's two corpora: the independent AWS CLI corpus (every command with
//! the production profile, and as written with the default profile) and the shell forms that
//! hide a dangerous command, plus their benign look-alikes. Prints both tools' figures (the
//! numbers README and the closing note quote) and holds the guard to stopping everything
//! dangerous the rules stop, and more.
//!
//! Run with `cargo test -p stackwarden --test prefix_rules_comparison -- --nocapture`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use stackwarden_testkit::guard::{data_lines as lines, unescape, Fixture};

const AWS_CORPUS: &str = include_str!("../../stackwarden_guard/tests/data/aws-cli-corpus.tsv");
const HIDDEN: &str = include_str!("../../stackwarden_guard/tests/data/shell-forms-hidden.tsv");
const BENIGN: &str = include_str!("../../stackwarden_guard/tests/data/shell-forms-benign.txt");

/// How many of `commands` each side stops (guard: deny or ask; rules: a deny rule matches).
struct Tally {
    total: usize,
    guard: usize,
    rules: usize,
    /// Commands the rules stop and the guard does not.
    only_rules: Vec<String>,
}

fn tally(fixture: &Fixture, rules: &[String], commands: &[String]) -> Tally {
    let mut tally = Tally {
        total: commands.len(),
        guard: 0,
        rules: 0,
        only_rules: Vec::new(),
    };
    for command in commands {
        let guard = fixture.decision(command).is_some();
        let rule = stackwarden_agent::prefix_rule_denies(rules, command);
        tally.guard += usize::from(guard);
        tally.rules += usize::from(rule);
        if rule && !guard {
            tally.only_rules.push(command.clone());
        }
    }
    tally
}

#[test]
fn the_guard_stops_what_claude_codes_prefix_rules_stop_and_more() {
    let fixture = Fixture::new();
    let rules = stackwarden_agent::deny_rules(&fixture.config);
    assert!(!rules.is_empty());

    let mut dangerous_aws = Vec::new();
    let mut benign_aws = Vec::new();
    for line in lines(AWS_CORPUS) {
        let mut fields = line.split('\t');
        let (Some(command), Some(kind)) = (fields.next(), fields.next()) else {
            continue;
        };
        let production = format!("{command} --profile ops");
        match kind {
            "read" => {
                benign_aws.push(production);
                benign_aws.push(command.to_string());
            }
            // Writes are dangerous in production; in dev they are everyday work.
            "write" => {
                dangerous_aws.push(production);
                benign_aws.push(format!("{command} --profile dev"));
            }
            _ => {
                dangerous_aws.push(production);
                dangerous_aws.push(command.to_string());
            }
        }
    }
    let hidden: Vec<String> = lines(HIDDEN)
        .filter_map(|l| l.splitn(3, '\t').nth(2))
        .map(unescape)
        .collect();
    let benign_shell: Vec<String> = lines(BENIGN).map(unescape).collect();

    let report = [
        (
            "AWS CLI corpus, dangerous",
            tally(&fixture, &rules, &dangerous_aws),
        ),
        (
            "AWS CLI corpus, benign",
            tally(&fixture, &rules, &benign_aws),
        ),
        (
            "shell forms hiding a dangerous command",
            tally(&fixture, &rules, &hidden),
        ),
        (
            "shell forms, benign look-alikes",
            tally(&fixture, &rules, &benign_shell),
        ),
    ];
    println!(
        "{} Claude Code deny rules from `stackwarden init`",
        rules.len()
    );
    for (label, t) in &report {
        println!(
            "{label}: {} commands; guard stops {} ({:.1}%), prefix rules stop {} ({:.1}%)",
            t.total,
            t.guard,
            100.0 * t.guard as f64 / t.total as f64,
            t.rules,
            100.0 * t.rules as f64 / t.total as f64
        );
    }
    let [(_, aws), (_, aws_benign), (_, shell), (_, shell_benign)] = &report;
    // Everything dangerous the rules stop, the guard stops too.
    assert!(aws.only_rules.is_empty(), "{:#?}", aws.only_rules);
    assert!(shell.only_rules.is_empty(), "{:#?}", shell.only_rules);
    assert_eq!(
        aws.guard, aws.total,
        "the guard stops every dangerous AWS CLI call"
    );
    assert_eq!(
        shell.guard, shell.total,
        "the guard stops every hidden form"
    );
    assert!(aws.rules < aws.guard && shell.rules < shell.guard);
    // Benign commands: the guard's figures are its own corpora's assertions; the rules' are
    // reported (a deny rule that matches a benign command is a false positive of the rules).
    assert_eq!(
        shell_benign.guard, 0,
        "{} benign shell forms stopped",
        shell_benign.guard
    );
    assert_eq!(
        aws_benign.guard, 0,
        "{} benign AWS calls stopped",
        aws_benign.guard
    );
}
