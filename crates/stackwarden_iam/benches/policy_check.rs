//! The cost of the IAM engine: checking a policy of 1,000 statements (the issue's budget is "low
//! milliseconds"), and decoding the embedded action database (paid once per process, on first use).
//!
//! Run: `cargo bench -p stackwarden_iam`

use stackwarden_core::{Key, Map, Node, RuleFilter, Span, Value};
use stackwarden_iam::db::ActionDb;
use stackwarden_iam::{PolicyContext, PolicyKind};

fn main() {
    divan::main();
}

fn string(text: &str, line: u32) -> Node {
    Node::new(Span::at(line), Value::String(text.into()))
}

fn map(entries: Vec<(&str, Node)>, line: u32) -> Node {
    let entries = entries
        .into_iter()
        .map(|(k, v)| {
            (
                Key {
                    name: k.into(),
                    span: Span::at(line),
                },
                v,
            )
        })
        .collect();
    Node::new(Span::at(line), Value::Map(Map { entries }))
}

/// A policy shaped like CDK output: grants with literal actions, CDK grant patterns, `*`-only
/// actions on `*`, a few wildcards and typos, resources as intrinsics and literals.
fn policy(statements: u32) -> Node {
    let actions: [&[&str]; 5] = [
        &[
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
        ],
        &[
            "s3:Abort*",
            "s3:GetObject*",
            "s3:List*",
            "s3:PutObject",
            "s3:DeleteObject*",
        ],
        &[
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "sts:GetCallerIdentity",
        ],
        &["sqs:SendMessage", "sqs:Get*", "s3:ReadBucket"],
        &["logs:CreateLogStream", "logs:PutLogEvents", "kms:Decrypt"],
    ];
    let list = (0..statements)
        .map(|i| {
            let line = 10 + i * 6;
            let action = Node::new(
                Span::at(line),
                Value::Seq(
                    actions[i as usize % 5]
                        .iter()
                        .map(|a| string(a, line + 1))
                        .collect(),
                ),
            );
            let resource = if i % 5 == 2 {
                string("*", line + 2)
            } else {
                let arg = Node::new(
                    Span::at(line + 2),
                    Value::Seq(vec![string("Table", line + 2), string("Arn", line + 2)]),
                );
                Node::new(
                    Span::at(line + 2),
                    Value::Intrinsic(Box::new(stackwarden_core::node::Intrinsic {
                        name: "Fn::GetAtt",
                        arg,
                    })),
                )
            };
            map(
                vec![
                    ("Effect", string("Allow", line)),
                    ("Action", action),
                    ("Resource", resource),
                ],
                line,
            )
        })
        .collect();
    map(
        vec![
            ("Version", string("2012-10-17", 2)),
            ("Statement", Node::new(Span::at(3), Value::Seq(list))),
        ],
        1,
    )
}

#[divan::bench]
fn check_1000_statements(bencher: divan::Bencher<'_, '_>) {
    let document = policy(1_000);
    let filter = RuleFilter::default();
    let ctx = PolicyContext::default();
    stackwarden_iam::db::db(); // decoded once per process, outside the measured loop
    bencher.bench_local(|| {
        let policy = stackwarden_iam::parse(divan::black_box(&document), PolicyKind::Identity);
        let mut findings = Vec::new();
        stackwarden_iam::check_policy(&policy, &ctx, &filter, &mut findings);
        let mut escalations = Vec::new();
        stackwarden_iam::check_principal(&[&policy], &filter, &mut escalations);
        findings.len() + escalations.len()
    });
}

/// The same policy with nothing remembered between runs: every entry resolved and every
/// misspelling scored afresh.
#[divan::bench]
fn check_1000_statements_cold(bencher: divan::Bencher<'_, '_>) {
    let document = policy(1_000);
    let filter = RuleFilter::default();
    let ctx = PolicyContext::default();
    stackwarden_iam::db::db();
    bencher.bench_local(|| {
        stackwarden_iam::resolve::clear_cache();
        let policy = stackwarden_iam::parse(divan::black_box(&document), PolicyKind::Identity);
        let mut findings = Vec::new();
        stackwarden_iam::check_policy(&policy, &ctx, &filter, &mut findings);
        findings.len()
    });
}

#[divan::bench]
fn decode_action_database() -> usize {
    ActionDb::decode_embedded()
        .map(|db| db.services().count())
        .unwrap_or(0)
}

#[divan::bench(args = ["s3:Get*", "*:Describe*", "s3:PutObject"])]
fn expand(pattern: &str) -> usize {
    stackwarden_iam::db::db()
        .expand(divan::black_box(pattern))
        .map(|v| v.len())
        .unwrap_or(0)
}
