//! Property: however a template is formatted — YAML block or flow style, JSON, short `!Tag` or
//! long `Fn::` intrinsics, any quoting, indentation or key order — a known-bad resource is
//! always found, at the line where it is written.

use proptest::prelude::*;
use stackwarden_cfn::Template;
use stackwarden_testkit::CheckRun;

#[derive(Debug, Clone)]
enum V {
    Str(String),
    Map(Vec<(String, V)>),
    List(Vec<V>),
    /// An intrinsic by its short name (`Sub`, `GetAtt`, `Ref`).
    Fn(&'static str, Box<V>),
}

fn s(text: &str) -> V {
    V::Str(text.to_string())
}

#[derive(Debug, Clone, Copy)]
enum Bad {
    UnencryptedBucket,
    TableWithoutPitr,
    DeprecatedRuntime,
}

impl Bad {
    fn rule(self) -> &'static str {
        match self {
            Bad::UnencryptedBucket => "cfn/s3-encryption",
            Bad::TableWithoutPitr => "cfn/dynamodb-pitr",
            Bad::DeprecatedRuntime => "cfn/lambda-runtime",
        }
    }

    /// What the line the finding points at must contain.
    fn marker(self) -> &'static str {
        match self {
            Bad::DeprecatedRuntime => "nodejs16.x",
            _ => "Type",
        }
    }

    fn resource(self) -> Vec<(String, V)> {
        let tags = V::List(vec![V::Map(vec![
            ("Key".into(), s("Project")),
            ("Value".into(), V::Fn("Ref", Box::new(s("AWS::StackName")))),
        ])]);
        match self {
            Bad::UnencryptedBucket => vec![
                ("Type".into(), s("AWS::S3::Bucket")),
                (
                    "Properties".into(),
                    V::Map(vec![
                        (
                            "BucketName".into(),
                            V::Fn("Sub", Box::new(s("${AWS::AccountId}-dev-data"))),
                        ),
                        (
                            "VersioningConfiguration".into(),
                            V::Map(vec![("Status".into(), s("Enabled"))]),
                        ),
                        ("Tags".into(), tags),
                    ]),
                ),
            ],
            Bad::TableWithoutPitr => vec![
                ("Type".into(), s("AWS::DynamoDB::Table")),
                (
                    "Properties".into(),
                    V::Map(vec![
                        ("BillingMode".into(), s("PAY_PER_REQUEST")),
                        (
                            "KeySchema".into(),
                            V::List(vec![V::Map(vec![
                                ("AttributeName".into(), s("pk")),
                                ("KeyType".into(), s("HASH")),
                            ])]),
                        ),
                        ("Tags".into(), tags),
                    ]),
                ),
            ],
            Bad::DeprecatedRuntime => vec![
                ("Type".into(), s("AWS::Lambda::Function")),
                (
                    "Properties".into(),
                    V::Map(vec![
                        ("Runtime".into(), s("nodejs16.x")),
                        ("Handler".into(), s("index.handler")),
                        (
                            "Role".into(),
                            V::Fn("GetAtt", Box::new(V::List(vec![s("Role"), s("Arn")]))),
                        ),
                        (
                            "Code".into(),
                            V::Map(vec![("S3Bucket".into(), s("b")), ("S3Key".into(), s("k"))]),
                        ),
                    ]),
                ),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Json {
        pretty: bool,
    },
    Block {
        indent: usize,
        short_tags: bool,
        quote: Quote,
    },
    Flow {
        short_tags: bool,
        quote: Quote,
    },
}

#[derive(Debug, Clone, Copy)]
enum Quote {
    Plain,
    Single,
    Double,
}

fn long_name(short: &str) -> String {
    if short == "Ref" {
        "Ref".into()
    } else {
        format!("Fn::{short}")
    }
}

fn json(v: &V) -> serde_json::Value {
    match v {
        V::Str(text) => serde_json::Value::String(text.clone()),
        V::List(items) => serde_json::Value::Array(items.iter().map(json).collect()),
        V::Map(entries) => {
            serde_json::Value::Object(entries.iter().map(|(k, v)| (k.clone(), json(v))).collect())
        }
        V::Fn(name, arg) => serde_json::json!({ long_name(name): json(arg) }),
    }
}

fn scalar(text: &str, quote: Quote) -> String {
    let plain_ok = !text.contains(['{', '}', '[', ']', ',', ':', '#', '$']) && !text.is_empty();
    match quote {
        Quote::Plain if plain_ok => text.to_string(),
        Quote::Single | Quote::Plain => format!("'{}'", text.replace('\'', "''")),
        Quote::Double => serde_json::Value::String(text.to_string()).to_string(),
    }
}

fn flow(v: &V, short_tags: bool, quote: Quote) -> String {
    match v {
        V::Str(text) => scalar(text, quote),
        V::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| flow(i, short_tags, quote))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v, short_tags, quote)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        V::Fn(name, arg) if short_tags => format!("!{name} {}", flow(arg, short_tags, quote)),
        V::Fn(name, arg) => format!(
            "{{\"{}\": {}}}",
            long_name(name),
            flow(arg, short_tags, quote)
        ),
    }
}

fn block(v: &V, depth: usize, indent: usize, short_tags: bool, quote: Quote, out: &mut String) {
    let pad = " ".repeat(depth * indent);
    match v {
        V::Map(entries) => {
            for (key, value) in entries {
                match value {
                    V::Map(_) | V::List(_) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        block(value, depth + 1, indent, short_tags, quote, out);
                    }
                    V::Fn(name, arg) if !short_tags => {
                        out.push_str(&format!(
                            "{pad}{key}:\n{pad}{}{}: {}\n",
                            " ".repeat(indent),
                            long_name(name),
                            flow(arg, short_tags, quote)
                        ));
                    }
                    _ => out.push_str(&format!("{pad}{key}: {}\n", flow(value, short_tags, quote))),
                }
            }
        }
        V::List(items) => {
            for item in items {
                out.push_str(&format!("{pad}- {}\n", flow(item, short_tags, quote)));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", flow(other, short_tags, quote))),
    }
}

fn render(root: &V, style: Style) -> String {
    match style {
        Style::Json { pretty: true } => {
            serde_json::to_string_pretty(&json(root)).unwrap_or_default()
        }
        Style::Json { pretty: false } => json(root).to_string(),
        Style::Block {
            indent,
            short_tags,
            quote,
        } => {
            let mut out = String::from("# generated\n");
            block(root, 0, indent, short_tags, quote, &mut out);
            out
        }
        Style::Flow { short_tags, quote } => flow(root, short_tags, quote) + "\n",
    }
}

fn quote() -> impl Strategy<Value = Quote> {
    prop_oneof![Just(Quote::Plain), Just(Quote::Single), Just(Quote::Double)]
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        any::<bool>().prop_map(|pretty| Style::Json { pretty }),
        (
            prop_oneof![Just(2usize), Just(3), Just(4)],
            any::<bool>(),
            quote()
        )
            .prop_map(|(indent, short_tags, quote)| Style::Block {
                indent,
                short_tags,
                quote
            }),
        (any::<bool>(), quote()).prop_map(|(short_tags, quote)| Style::Flow { short_tags, quote }),
    ]
}

fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        Just(Bad::UnencryptedBucket),
        Just(Bad::TableWithoutPitr),
        Just(Bad::DeprecatedRuntime)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_known_bad_resource_is_found_however_it_is_written(
        bad in bad(),
        style in style(),
        rotate in 0usize..3,
        before in 0usize..3,
    ) {
        let mut resource = bad.resource();
        let count = resource.len();
        resource.rotate_left(rotate % count);
        let mut resources: Vec<(String, V)> = (0..before)
            .map(|i| (format!("Queue{i}"), V::Map(vec![("Type".into(), s("AWS::SQS::Queue"))])))
            .collect();
        resources.push(("Culprit".into(), V::Map(resource)));
        let root = V::Map(vec![
            ("AWSTemplateFormatVersion".into(), s("2010-09-09")),
            ("Resources".into(), V::Map(resources)),
        ]);
        let text = render(&root, style);

        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("template.yaml");
        std::fs::write(&path, &text).expect("write");
        let run = CheckRun::default().select(&[bad.rule()]);
        let report = stackwarden_cfn::check_template_file(&path, &run.options());
        prop_assert!(report.errors.is_empty(), "{:?}\n{}", report.errors, text);
        prop_assert!(Template::parse(&text).is_ok());
        let finding = report.findings.iter().find(|f| f.resource.as_deref() == Some("Culprit"));
        prop_assert!(finding.is_some(), "no {} finding in:\n{}", bad.rule(), text);
        let finding = finding.expect("checked above");
        // At the rule's default severity (cfn/s3-encryption is a warning, the others errors).
        let meta = stackwarden_cfn::rules::all_metas().find(|m| m.id == bad.rule()).expect("a cfn rule");
        prop_assert_eq!(finding.severity, meta.severity);
        let line = text.lines().nth(finding.line as usize - 1).unwrap_or_default();
        // Single-line styles have one line; otherwise the line must be the one written for it.
        prop_assert!(line.contains(bad.marker()), "line {} is {:?} in:\n{}", finding.line, line, text);
    }
}
