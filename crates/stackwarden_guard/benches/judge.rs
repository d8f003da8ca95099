//! The command guard's hot path, as the PreToolUse hook pays it for every Bash command an agent
//! runs: parsing the command with the shell grammar alone, and the whole judgement (parse, walk,
//! expansion, npm scripts / Makefile / profile resolution, decision).
//!
//! Three sets of realistic agent commands: everyday ones (no decision), deploys (plain, through
//! npm scripts, make and profiles) and obfuscated ones (quoting tricks, `bash -c`, here-documents,
//! `eval`, `xargs`, functions, loops). Each iteration judges the whole set; divan's item counter
//! gives the time per command.
//!
//! Run: `cargo bench -p stackwarden_guard --bench judge`

use std::collections::BTreeMap;
use std::path::Path;

use divan::counter::ItemsCount;
use divan::Bencher;
use stackwarden_core::config::Config;
use stackwarden_guard::{AwsConfig, Context, MemoryFiles, NoDiffs};

fn main() {
    divan::main();
}

const BENIGN: &[&str] = &[
    "npm test",
    "git status && git diff --stat",
    "ls -la src/handlers | grep -v test",
    "npx tsc --noEmit -p .",
    "grep -rn \"cdk deploy\" docs/ | head -20",
    "npm run build && npm test -- --coverage",
    "cdk synth --quiet",
    "aws s3 ls s3://orders-artifacts --profile dev",
    "cat package.json | jq '.scripts'",
    "git add -A && git commit -m \"fix: retry on throttling\"",
];

const DEPLOY: &[&str] = &[
    "cdk deploy prod-orders --require-approval broadening",
    "cdk deploy dev-orders --profile dev --require-approval broadening",
    "AWS_PROFILE=ops npx cdk deploy dev-orders",
    "npm run deploy:prod",
    "make deploy-prod",
    "sam deploy --config-env prod",
    "cdk diff dev-orders --profile dev",
    "aws cloudformation deploy --template-file t.yaml --stack-name prod-orders",
    "cdk deploy --all --profile dev --require-approval broadening",
    "aws iam create-user --user-name ci-bot",
];

const OBFUSCATED: &[&str] = &[
    "bash -c 'AWS_PROFILE=prod npx aws-cdk@2 deploy --all'",
    "c\"d\"k deploy prod-orders",
    "$'\\x63dk' deploy prod-orders",
    "eval 'aws s3 rb s3://x'",
    "echo b1 b2 | xargs -n1 aws s3 rb",
    "bash <<'EOF'\naws s3 rb s3://x --force\nEOF",
    "f() { cdk destroy --force; }; f",
    "sudo -E env AWS_PROFILE=prod cdk deploy",
    "for s in dev prod; do cdk deploy $s-orders; done",
    "export AWS_PROFILE=ops && npx aws-cdk@2.150.0 deploy dev-orders",
];

const CONFIG: &str = "[accounts]\ndev = \"123456789012\"\nprod = \"123456789013\"\n[stages]\nproduction = [\"prod\"]\n";

const AWS_CONFIG: &str = "[default]\nregion = eu-west-2\n[profile dev]\nsso_account_id = 123456789012\n[profile ops]\nrole_arn = arn:aws:iam::123456789013:role/Deployer\nsource_profile = base\n[profile base]\nregion = eu-west-2\n";

const PACKAGE_JSON: &str = r#"{"name":"orders","scripts":{"test":"vitest run","build":"tsc -p .",
"deploy:prod":"cdk deploy prod-orders --require-approval broadening",
"deploy:dev":"cdk deploy dev-orders --profile dev --require-approval broadening","cdk":"cdk"}}"#;

const MAKEFILE: &str = "build:\n\tnpm run build\n\ndeploy-prod: build\n\t@npx cdk deploy --profile ops --require-approval broadening\n";

const SAMCONFIG: &str = "version = 0.1\n[default.deploy.parameters]\nstack_name = \"dev-orders\"\nprofile = \"dev\"\n[prod.deploy.parameters]\nstack_name = \"prod-orders\"\nprofile = \"ops\"\n";

const MANIFEST: &str = r#"{"version":"36.0.0","artifacts":{
"dev-orders":{"type":"aws:cloudformation:stack","environment":"aws://123456789012/eu-west-2"},
"prod-orders":{"type":"aws:cloudformation:stack","environment":"aws://123456789013/eu-west-2"}}}"#;

fn set(name: &str) -> &'static [&'static str] {
    match name {
        "benign" => BENIGN,
        "deploy" => DEPLOY,
        _ => OBFUSCATED,
    }
}

/// brush-parser alone (the grammar the guard uses, with its options), no judgement.
#[divan::bench(args = ["benign", "deploy", "obfuscated"])]
fn parse(bencher: Bencher<'_, '_>, name: &str) {
    let commands = set(name);
    let options = brush_parser::ParserOptions {
        tilde_expansion_at_word_start: false,
        ..brush_parser::ParserOptions::default()
    };
    bencher.counter(ItemsCount::new(commands.len())).bench(|| {
        commands
            .iter()
            .filter(|c| {
                brush_parser::Parser::new(std::io::BufReader::new(c.as_bytes()), &options)
                    .parse_program()
                    .is_ok()
            })
            .count()
    });
}

/// The whole judgement, as `stackwarden hook` makes it (minus process start and the ledger).
#[divan::bench(args = ["benign", "deploy", "obfuscated"])]
fn judge(bencher: Bencher<'_, '_>, name: &str) {
    let commands = set(name);
    let config = Config::parse(Path::new("/proj/stackwarden.toml"), CONFIG)
        .unwrap_or_else(|e| panic!("bench config: {e:?}"));
    let files = MemoryFiles::default()
        .with("/proj/package.json", PACKAGE_JSON)
        .with("/proj/Makefile", MAKEFILE)
        .with("/proj/samconfig.toml", SAMCONFIG)
        .with("/proj/cdk.out/manifest.json", MANIFEST);
    let ctx = Context {
        config: &config,
        env: BTreeMap::new(),
        cwd: "/proj".into(),
        aws_config: AwsConfig::parse(AWS_CONFIG),
        files: &files,
        diffs: &NoDiffs,
    };
    bencher
        .counter(ItemsCount::new(commands.len()))
        .bench_local(|| {
            commands
                .iter()
                .filter(|c| {
                    stackwarden_guard::judge(divan::black_box(c), &ctx)
                        .decision()
                        .is_some()
                })
                .count()
        });
}
