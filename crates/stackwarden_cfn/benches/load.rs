//! The template hot path: loading YAML and JSON into the spanned model, recognising a template
//! (plus SAM `Globals`), and the whole per-file check (load + every template and IAM rule).
//!
//! Inputs: a few real templates of `../shared/corpus` when it is present (the same WebApp
//! solution written as YAML and as JSON, the largest YAML of cfn-templates, a median-size SAM
//! pattern), and always the example app's CDK synth output, which is in the repository.
//!
//! Run: `cargo bench -p stackwarden_cfn --bench load`

use std::fmt;
use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use divan::Bencher;
use stackwarden_cfn::load::{self, Format};
use stackwarden_cfn::{check_template_source, Options, Template};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

/// Counts allocations too: how much the loader builds is decided by the model's design.
#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

/// Relative to `../shared/corpus`: chosen to span formats and sizes.
const CORPUS_FILES: &[(&str, &str)] = &[
    (
        "webapp.yaml 28KB",
        "cfn-templates/Solutions/WebApp/webapp.yaml",
    ),
    (
        "webapp.json 59KB",
        "cfn-templates/Solutions/WebApp/webapp.json",
    ),
    (
        "greengrass.yaml 26KB",
        "cfn-templates/IoT/amzn2-greengrass-cfn-pkg.yaml",
    ),
    (
        "sam-pattern.yaml 3KB",
        "sam-patterns/eventbridge-appsync-subscription-sam/template.yaml",
    ),
];

/// Relative to the workspace root; always present.
const REPO_FILES: &[(&str, &str)] = &[
    (
        "cdk prod-orders.json",
        "examples/orders-app/cdk.out/prod-orders.template.json",
    ),
    (
        "cdk prod-reports.json",
        "examples/orders-app/cdk.out/prod-reports.template.json",
    ),
];

struct Input {
    name: String,
    path: PathBuf,
    text: String,
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The corpus templates that exist, then the repository's CDK templates.
fn inputs() -> Vec<Input> {
    let root = workspace_root();
    let corpus = std::env::var_os("STACKWARDEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let candidates = CORPUS_FILES
        .iter()
        .map(|(name, rel)| (*name, corpus.join(rel)))
        .chain(REPO_FILES.iter().map(|(name, rel)| (*name, root.join(rel))));
    candidates
        .filter_map(|(name, path)| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some(Input {
                name: name.to_string(),
                path,
                text,
            })
        })
        .collect()
}

/// What `check` passes a template check besides the text, with no stage and a fixed date.
fn options<'a>(config: &'a Config, filter: &'a RuleFilter) -> Options<'a> {
    Options {
        config,
        filter,
        stage: None,
        today: "2026-11-25",
        known_rules: &[],
        verbose: false,
    }
}

/// YAML or JSON text to the spanned node tree (what every rule reads).
#[divan::bench(args = inputs())]
fn load_document(bencher: Bencher<'_, '_>, input: &Input) {
    let format = load::sniff_format(&input.text);
    bencher
        .counter(BytesCount::of_str(&input.text))
        .bench(|| load::load(divan::black_box(&input.text), format).is_ok());
}

/// Load + template recognition + SAM `Globals` merge.
#[divan::bench(args = inputs())]
fn parse_template(bencher: Bencher<'_, '_>, input: &Input) {
    bencher
        .counter(BytesCount::of_str(&input.text))
        .bench(|| matches!(Template::parse(divan::black_box(&input.text)), Ok(Some(_))));
}

/// Everything `stackwarden check` does for one template file once it is in memory: load, every
/// template rule and every policy in it through the IAM rules, suppressions.
#[divan::bench(args = inputs())]
fn check_template(bencher: Bencher<'_, '_>, input: &Input) {
    let config = Config::default();
    let filter = RuleFilter::default();
    let options = options(&config, &filter);
    // The embedded IAM action database is decoded once per process; keep it out of the loop.
    let _ = check_template_source(&input.path, &input.text, &options);
    bencher
        .counter(BytesCount::of_str(&input.text))
        .bench(|| check_template_source(&input.path, divan::black_box(&input.text), &options));
}

/// The YAML/JSON sniffing alone, on the largest input: it runs on every file a walk meets.
#[divan::bench]
fn sniff_format(bencher: Bencher<'_, '_>) {
    let all = inputs();
    let Some(big) = all.iter().max_by_key(|i| i.text.len()) else {
        return;
    };
    bencher.bench(|| load::sniff_format(divan::black_box(&big.text)) == Format::Json);
}

/// What each template rule (and the IAM rules, as `iam`) costs on its own, on the largest input:
/// the whole check with only that rule selected, so the loading is in every figure and the
/// differences between them are the rules'.
#[divan::bench(args = ["none", "cfn/duplicate-key", "cfn/dynamodb-pitr", "cfn/hardcoded-account", "cfn/hardcoded-arn", "cfn/hardcoded-region", "cfn/lambda-bundle-size", "cfn/lambda-runtime", "cfn/missing-tags", "cfn/naming", "cfn/prod-retain", "cfn/s3-encryption", "cfn/s3-public-access", "cfn/s3-versioning", "secret/credentials-in-env", "iam"])]
fn check_one_rule(bencher: Bencher<'_, '_>, rule: &str) {
    let all = inputs();
    let Some(big) = all.iter().max_by_key(|i| i.text.len()) else {
        return;
    };
    let config = Config::default();
    let filter = RuleFilter {
        select: vec![rule.to_string()],
        ..RuleFilter::default()
    };
    let options = options(&config, &filter);
    let _ = check_template_source(&big.path, &big.text, &options);
    bencher.bench(|| check_template_source(&big.path, divan::black_box(&big.text), &options));
}
