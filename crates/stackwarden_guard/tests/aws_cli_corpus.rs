//! An independent corpus of AWS CLI commands (`tests/data/aws-cli-corpus.tsv`), each with the
//! kind of change a careful AWS engineer knows it makes, judged three times: with the dev
//! profile, with the production profile (`ops` assumes a role in 123456789013) and with the
//! default profile (which names no account). The kinds come from what each operation does in
//! AWS, not from the guard's operation table, so the corpus measures the table and the rules.

#![allow(clippy::unwrap_used)]
// The corpus test reports every mismatch and its summary line on standard output.
#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};

use stackwarden_guard::Decision;
use stackwarden_testkit::guard::Fixture;

const CORPUS: &str = include_str!("data/aws-cli-corpus.tsv");

/// AWS CLI global options that take a value (so the word after them is not the service).
const GLOBAL_WITH_VALUE: &[&str] = &[
    "--profile",
    "--region",
    "--endpoint-url",
    "--output",
    "--query",
    "--color",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--cli-binary-format",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Read,
    Write,
    Permissions,
    Delete,
    IamUser,
    Credentials,
}

impl Kind {
    fn parse(text: &str) -> Option<Kind> {
        Some(match text {
            "read" => Kind::Read,
            "write" => Kind::Write,
            "permissions" => Kind::Permissions,
            "delete" => Kind::Delete,
            "iam-user" => Kind::IamUser,
            "credentials" => Kind::Credentials,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Write => "write",
            Kind::Permissions => "permissions",
            Kind::Delete => "delete",
            Kind::IamUser => "iam-user",
            Kind::Credentials => "credentials",
        }
    }

    /// The expected (strictest) decision in each column.
    fn expected(self, column: Column) -> Expected {
        use Column::*;
        use Decision::*;
        match (self, column) {
            (Kind::Read, _) => None,
            (Kind::Write, Dev) => None,
            (Kind::Write, Prod) => Some((Deny, "guard/prod-write")),
            (Kind::Write, Unresolved) => Some((Ask, "guard/prod-write")),
            (Kind::Permissions, Prod) => Some((Deny, "guard/out-of-band-iam")),
            (Kind::Permissions, Dev | Unresolved) => Some((Ask, "guard/out-of-band-iam")),
            (Kind::Delete, _) => Some((Deny, "guard/destructive")),
            (Kind::IamUser, _) => Some((Deny, "guard/iam-user")),
            (Kind::Credentials, _) => Some((Deny, "guard/credentials")),
        }
    }
}

type Expected = Option<(Decision, &'static str)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// ` --profile dev` appended: account 123456789012, stage dev.
    Dev,
    /// ` --profile ops` appended: a role in account 123456789013, stage prod.
    Prod,
    /// As written: the default profile, which names no account.
    Unresolved,
}

impl Column {
    const ALL: [Column; 3] = [Column::Dev, Column::Prod, Column::Unresolved];

    fn name(self) -> &'static str {
        match self {
            Column::Dev => "dev",
            Column::Prod => "prod",
            Column::Unresolved => "unresolved",
        }
    }

    fn command(self, command: &str) -> String {
        match self {
            Column::Dev => format!("{command} --profile dev"),
            Column::Prod => format!("{command} --profile ops"),
            Column::Unresolved => command.to_string(),
        }
    }
}

struct Row {
    line: usize,
    command: &'static str,
    kind: Kind,
}

fn rows() -> Vec<Row> {
    CORPUS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let mut columns = line.split('\t');
            let command = columns.next().unwrap();
            let kind = columns
                .next()
                .unwrap_or_else(|| panic!("line {}: no kind", i + 1));
            let kind = Kind::parse(kind).unwrap_or_else(|| panic!("line {}: kind {kind:?}", i + 1));
            assert!(columns.count() <= 1, "line {}: too many columns", i + 1);
            assert!(command.starts_with("aws "), "line {}: {command}", i + 1);
            assert!(!command.contains("--profile"), "line {}: {command}", i + 1);
            Row {
                line: i + 1,
                command,
                kind,
            }
        })
        .collect()
}

/// The service word: the first word after `aws` that is not a global option or its value.
fn service(command: &str) -> Option<&str> {
    let mut words = command.split_whitespace();
    if words.next() != Some("aws") {
        return None;
    }
    while let Some(word) = words.next() {
        if word.starts_with("--") {
            if !word.contains('=') && GLOBAL_WITH_VALUE.contains(&word) {
                words.next();
            }
            continue;
        }
        return Some(word);
    }
    None
}

fn show(decision: Expected) -> String {
    match decision {
        None => "none".into(),
        Some((d, rule)) => format!("{} {rule}", d.as_str()),
    }
}

/// What the guard decided, with its reason, for a mismatch report.
fn actual(fixture: &Fixture, command: &str) -> (Expected, String) {
    let judgement = fixture.judge(command);
    match judgement.strictest() {
        None => (None, "none".into()),
        Some(v) => (
            Some((v.decision, v.rule)),
            format!("{} {} — {}", v.decision.as_str(), v.rule, v.reason),
        ),
    }
}

#[test]
fn aws_cli_corpus_is_judged_by_what_each_operation_does() {
    let fixture = Fixture::new();
    let rows = rows();
    let mut mismatches = Vec::new();
    // Dangerous kinds in prod: stopped (denied) / total.
    let (mut stopped, mut dangerous) = (0, 0);
    // Reads in every column and writes in dev: untouched / total.
    let (mut reads_untouched, mut reads) = (0, 0);
    let (mut writes_untouched, mut writes) = (0, 0);
    let mut per_kind: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    for row in &rows {
        for column in Column::ALL {
            let command = column.command(row.command);
            let expected = row.kind.expected(column);
            let (got, reason) = actual(&fixture, &command);
            let entry = per_kind.entry(row.kind).or_default();
            entry.1 += 1;
            if got == expected {
                entry.0 += 1;
            } else {
                mismatches.push(format!(
                    "line {} [{} / {}] {command}\n    expected {}, got {reason}",
                    row.line,
                    row.kind.name(),
                    column.name(),
                    show(expected),
                ));
            }
            match (row.kind, column) {
                (Kind::Read, _) => {
                    reads += 1;
                    reads_untouched += usize::from(got.is_none());
                }
                (Kind::Write, Column::Dev) => {
                    writes += 1;
                    writes_untouched += usize::from(got.is_none());
                }
                _ => {}
            }
            if row.kind != Kind::Read && column == Column::Prod {
                dangerous += 1;
                stopped += usize::from(matches!(got, Some((Decision::Deny, _))));
            }
        }
    }
    let services: BTreeSet<&str> = rows.iter().filter_map(|r| service(r.command)).collect();
    for mismatch in &mismatches {
        println!("{mismatch}");
    }
    let kinds: Vec<String> = per_kind
        .iter()
        .map(|(kind, (ok, total))| format!("{} {ok}/{total}", kind.name()))
        .collect();
    println!(
        "aws-cli corpus: {} services, {} commands ({} judgements); dangerous stopped in prod {stopped}/{dangerous}; benign untouched: reads everywhere {reads_untouched}/{reads}, writes in dev {writes_untouched}/{writes}; as expected by kind: {}; {} mismatches",
        services.len(),
        rows.len(),
        rows.len() * Column::ALL.len(),
        kinds.join(", "),
        mismatches.len(),
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} judgements differ from the corpus (see the output above)",
        mismatches.len(),
        rows.len() * Column::ALL.len()
    );
}

#[test]
fn aws_cli_corpus_is_broad() {
    let rows = rows();
    let services: BTreeSet<&str> = rows.iter().filter_map(|r| service(r.command)).collect();
    assert!(rows.len() >= 300, "{} commands", rows.len());
    assert!(
        services.len() >= 60,
        "{} services: {services:?}",
        services.len()
    );
    let commands: BTreeSet<&str> = rows.iter().map(|r| r.command).collect();
    assert_eq!(commands.len(), rows.len(), "a command is listed twice");
    for kind in [Kind::Read, Kind::Write, Kind::Permissions, Kind::Delete] {
        let n = rows.iter().filter(|r| r.kind == kind).count();
        assert!(n >= 40, "{} {}", n, kind.name());
    }
    assert_eq!(
        service("aws --region eu-west-1 --output json ec2 describe-vpcs"),
        Some("ec2")
    );
    assert_eq!(
        service("aws --no-cli-pager --query=Account sts get-caller-identity"),
        Some("sts")
    );
}

/// Production named by the command itself (an ARN or queue URL in 123456789013, a resource
/// named for the prod stage, a profile in the environment, credentials obtained earlier in the
/// line), judged as written: (command, expected strictest decision, why).
const PRODUCTION_BY_THE_COMMAND: &[(&str, Expected, &str)] = &[
    (
        "aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789013:orders --message hi",
        Some((Decision::Deny, "guard/prod-write")),
        "the topic ARN is in the production account",
    ),
    (
        "aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789013:orders --message hi --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the dev profile does not make a production topic safe",
    ),
    (
        "aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789013/orders --message-body x",
        Some((Decision::Deny, "guard/prod-write")),
        "the queue URL is in the production account",
    ),
    (
        "aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789013/orders --message-body x --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the queue URL is in the production account",
    ),
    (
        "aws lambda update-function-code --function-name prod-orders --zip-file fileb://build/orders.zip",
        Some((Decision::Deny, "guard/prod-write")),
        "the function is named for the prod stage",
    ),
    (
        "aws lambda update-function-code --function-name prod-orders --zip-file fileb://build/orders.zip --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the function is named for the prod stage, whatever the profile",
    ),
    (
        "aws lambda invoke --function-name arn:aws:lambda:eu-west-2:123456789013:function:orders out.json --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the function ARN is in the production account",
    ),
    (
        "aws dynamodb put-item --table-name OrdersProdTable --item '{\"pk\":{\"S\":\"x\"}}' --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the table is named for the prod stage",
    ),
    (
        "aws s3 cp ./dist/app.zip s3://orders-prod-artifacts/app.zip --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the bucket is named for the prod stage",
    ),
    (
        "aws events put-events --entries '[{\"EventBusName\":\"arn:aws:events:eu-west-2:123456789013:event-bus/orders\",\"Source\":\"orders.app\",\"DetailType\":\"Test\",\"Detail\":\"{}\"}]' --profile dev",
        Some((Decision::Deny, "guard/prod-write")),
        "the event bus ARN inside the entries is in the production account",
    ),
    (
        "AWS_PROFILE=ops aws dynamodb put-item --table-name orders --item '{\"pk\":{\"S\":\"order#1\"}}'",
        Some((Decision::Deny, "guard/prod-write")),
        "the profile comes from the environment",
    ),
    (
        "AWS_PROFILE=ops aws s3 cp ./dist/app.zip s3://orders-artifacts/app.zip",
        Some((Decision::Deny, "guard/prod-write")),
        "the profile comes from the environment",
    ),
    (
        "export AWS_PROFILE=ops; aws ecs update-service --cluster orders --service orders-api --force-new-deployment",
        Some((Decision::Deny, "guard/prod-write")),
        "the profile was exported earlier in the line",
    ),
    (
        "aws iam attach-role-policy --role-name orders-api-role --policy-arn arn:aws:iam::123456789013:policy/orders-read",
        Some((Decision::Deny, "guard/out-of-band-iam")),
        "a permission change on a production-account policy",
    ),
    // `sts assume-role` hands out credentials for the production Admin role. With its answer
    // shown, the secret key and session token land in the transcript: the credentials rule is
    // the first reason (it outranks prod-write). Kept to the role's ARN with `--query`, the
    // call is still a production action (minting production admin credentials by hand).
    (
        "aws sts assume-role --role-arn arn:aws:iam::123456789013:role/Admin --role-session-name x",
        Some((Decision::Deny, "guard/credentials")),
        "prints the production role's secret key and session token into the transcript",
    ),
    (
        "aws sts assume-role --role-arn arn:aws:iam::123456789013:role/Admin --role-session-name x --query AssumedRoleUser.Arn --output text",
        Some((Decision::Deny, "guard/prod-write")),
        "obtains production admin credentials",
    ),
    // The queue URL is in the dev account, but the call is signed with production
    // credentials. A careful engineer stops it: the principal acting is a production role
    // (cross-account access from production is itself a production path), the account in a
    // URL is only text the guard reads while the credentials are certain, and "production
    // wins" is the only rule that cannot be talked around by naming a dev resource.
    (
        "eval \"$(aws configure export-credentials --profile ops --format env)\" && aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789012/q --message-body x",
        Some((Decision::Deny, "guard/prod-write")),
        "production credentials, whatever account the URL names",
    ),
    (
        "aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789012:orders --message hi --profile ops",
        Some((Decision::Deny, "guard/prod-write")),
        "production credentials, whatever account the ARN names",
    ),
    // Dev evidence that stays untouched.
    (
        "aws sns publish --topic-arn arn:aws:sns:eu-west-2:123456789012:orders --message hi --profile dev",
        None,
        "a dev topic with the dev profile",
    ),
    (
        "aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789012/orders --message-body x --profile dev",
        None,
        "a dev queue with the dev profile",
    ),
    (
        "aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789012/orders --message-body x",
        None,
        "the queue is in the dev account: the message lands in dev whichever credentials sign it",
    ),
    (
        "AWS_PROFILE=dev aws dynamodb put-item --table-name orders --item '{\"pk\":{\"S\":\"order#1\"}}'",
        None,
        "the dev profile from the environment",
    ),
    (
        "aws s3 ls s3://orders-prod-artifacts --profile ops",
        None,
        "reading production is fine",
    ),
    // The fixture's stackwarden.toml denies `aws ssm put-*` by project pattern; that is why
    // the corpus has no plain `ssm put-parameter` write. A documented example key is no
    // credential, so the project pattern decides.
    (
        "aws ssm put-parameter --name /orders/config/region --type String --value eu-west-2 --overwrite --profile dev",
        Some((Decision::Deny, "guard/project-pattern")),
        "the project denies aws ssm put-*",
    ),
    (
        "aws ssm put-parameter --name /docs/example --type String --value AKIAIOSFODNN7EXAMPLE --profile dev",
        Some((Decision::Deny, "guard/project-pattern")),
        "the documented example key is not a credential; the project pattern decides",
    ),
];

#[test]
fn production_named_by_the_command_itself() {
    let fixture = Fixture::new();
    let mut mismatches = Vec::new();
    for (command, expected, why) in PRODUCTION_BY_THE_COMMAND {
        let (got, reason) = actual(&fixture, command);
        if got != *expected {
            mismatches.push(format!(
                "{command}\n    ({why}) expected {}, got {reason}",
                show(*expected)
            ));
        }
    }
    for mismatch in &mismatches {
        println!("{mismatch}");
    }
    println!(
        "production by the command: {} of {} as expected",
        PRODUCTION_BY_THE_COMMAND.len() - mismatches.len(),
        PRODUCTION_BY_THE_COMMAND.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches (see the output above)",
        mismatches.len()
    );
}
