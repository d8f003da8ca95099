//! Is the credential scanner ever the slow part of `check`? Scanning text is compared with
//! parsing the same text as templates (stackwarden_cfn's loader), on the template corpus in
//! `../shared/corpus` when it is there, else on generated template-like text. Each benchmark
//! processes the same bytes, so divan's throughput column (MB/s) compares them directly.
//!
//! Run: `cargo bench -p stackwarden_secret`

use std::path::Path;

use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
}

/// The corpus templates (YAML and JSON), or generated text when the corpus is absent.
fn texts() -> &'static [String] {
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut texts = Vec::new();
        collect(&corpus, &mut texts);
        if texts.is_empty() {
            texts = (0..200).map(generated).collect();
        }
        texts
    })
}

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json" | "template"))
        {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }
}

/// A SAM-like template with functions, environment maps, policies and one credential pair.
fn generated(seed: usize) -> String {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n");
    for i in 0..40 {
        text.push_str(&format!(
            "  Function{seed}x{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      CodeUri: src/fn{i}/\n      Environment:\n        Variables:\n          TABLE_NAME: !Ref Table{i}\n          SECRET_ARN: !Ref ApiSecret\n      Policies:\n        - DynamoDBCrudPolicy:\n            TableName: !Ref Table{i}\n        - Statement:\n            - Effect: Allow\n              Action: ['s3:GetObject', 's3:PutObject']\n              Resource: !Sub 'arn:${{AWS::Partition}}:s3:::${{Bucket}}/*'\n"
        ));
    }
    text.push_str("  Leaky:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          AWS_ACCESS_KEY_ID: AKIAUJZDEGXDNCF32EPF\n          AWS_SECRET_ACCESS_KEY: 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\n");
    text
}

fn total_bytes() -> usize {
    texts().iter().map(String::len).sum()
}

/// The scanner over every text.
#[divan::bench]
fn scan(bencher: Bencher<'_, '_>) {
    let texts = texts();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        texts
            .iter()
            .map(|t| stackwarden_secret::scan(divan::black_box(t)).len())
            .sum::<usize>()
    });
}

/// Masking every text (what the text renderer does per file it shows).
#[divan::bench]
fn mask_text(bencher: Bencher<'_, '_>) {
    let texts = texts();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        texts
            .iter()
            .map(|t| stackwarden_secret::mask_text(divan::black_box(t)).len())
            .sum::<usize>()
    });
}

/// Parsing the same texts as templates: the loader alone, before any rule runs.
#[divan::bench]
fn template_parse(bencher: Bencher<'_, '_>) {
    let texts = texts();
    bencher.counter(BytesCount::new(total_bytes())).bench(|| {
        texts
            .iter()
            .filter_map(|t| stackwarden_cfn::Template::parse(divan::black_box(t)).ok())
            .count()
    });
}
