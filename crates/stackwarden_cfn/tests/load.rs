//! The loader: short and long intrinsic forms, positions, and bad input that must give a clear
//! error (or a bounded, correct result) — never a panic, hang or out-of-memory.

use stackwarden_cfn::load::{load, Format};
use stackwarden_cfn::Template;
use stackwarden_core::{LineIndex, Location, Node, Span, Value};

/// Where a span of `text` is, as lines and columns (the model keeps byte offsets).
fn at(text: &str, span: Span) -> Location {
    LineIndex::new(text).location(text, span)
}

/// A node without positions, for comparing documents written in different forms.
fn shape(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Value::Map(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}:{}", k.name, shape(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Value::Intrinsic(i) => format!("<{} {}>", i.name, shape(&i.arg)),
    }
}

const SHORT: &str = r#"
Resources:
  R:
    Type: AWS::X::Y
    Properties:
      A: !Ref Param
      B: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
      C: !GetAtt Bucket.Arn
      D: !If [IsProd, !Join ["-", [a, b]], !Select [0, !Split [",", !ImportValue Shared]]]
      E: !FindInMap [M, !Ref AWS::Region, Key]
      F: !Base64 text
      G: !GetAZs ""
      H: !Cidr [!GetAtt Vpc.CidrBlock, 6, 8]
Conditions:
  C1: !And [!Equals [!Ref S, prod], !Not [!Condition C2], !Or [!Condition C3, !Condition C4]]
"#;

const LONG: &str = r#"{
  "Resources": { "R": { "Type": "AWS::X::Y", "Properties": {
    "A": {"Ref": "Param"},
    "B": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"},
    "C": {"Fn::GetAtt": ["Bucket", "Arn"]},
    "D": {"Fn::If": ["IsProd", {"Fn::Join": ["-", ["a", "b"]]}, {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::ImportValue": "Shared"}]}]}]},
    "E": {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Key"]},
    "F": {"Fn::Base64": "text"},
    "G": {"Fn::GetAZs": ""},
    "H": {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 6, 8]}
  }}},
  "Conditions": {
    "C1": {"Fn::And": [{"Fn::Equals": [{"Ref": "S"}, "prod"]}, {"Fn::Not": [{"Condition": "C2"}]}, {"Fn::Or": [{"Condition": "C3"}, {"Condition": "C4"}]}]}
  }
}"#;

#[test]
fn short_form_tags_equal_long_forms() {
    let short = load(SHORT, Format::Yaml).expect("yaml");
    let long = load(LONG, Format::Json).expect("json");
    let (short, long) = (shape(&short.root), shape(&long.root));
    // `G: !GetAZs ""` is a quoted empty string in both; everything else is the same value.
    assert_eq!(short, long);
    assert!(
        short.contains("<Fn::GetAtt [\"Bucket\",\"Arn\"]>"),
        "{short}"
    );
}

#[test]
fn values_know_where_they_are_written() {
    let loaded = load(SHORT, Format::Yaml).expect("yaml");
    let properties = loaded
        .root
        .path(&["Resources", "R", "Properties"])
        .expect("properties");
    let map = properties.as_map().expect("map");
    let (key, value) = map.entry("C").expect("C");
    assert_eq!(at(SHORT, key.span).start(), (8, 7));
    assert_eq!(at(SHORT, value.span).start(), (8, 10));
    // Scalars and keys know where their token ends (the column one past it).
    assert_eq!(at(SHORT, key.span).end(), Some((8, 8)));
    let loaded = load(LONG, Format::Json).expect("json");
    let (key, _) = loaded
        .root
        .path(&["Resources", "R", "Properties"])
        .and_then(Node::as_map)
        .and_then(|m| m.entry("B"))
        .expect("B");
    assert_eq!(at(LONG, key.span).start(), (4, 5));
    // A JSON key's token is the quoted name.
    assert_eq!(at(LONG, key.span).end(), Some((4, 8)));
}

#[test]
fn anchors_and_aliases_expand() {
    let text = "Resources:\n  A: &bucket\n    Type: AWS::S3::Bucket\n  B: *bucket\n";
    let loaded = load(text, Format::Yaml).expect("yaml");
    assert_eq!(
        loaded
            .root
            .path(&["Resources", "B", "Type"])
            .and_then(Node::as_str),
        Some("AWS::S3::Bucket")
    );
}

#[test]
fn duplicate_keys_are_recorded_with_their_path_and_the_last_wins() {
    let text = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::SNS::Topic\n";
    let loaded = load(text, Format::Yaml).expect("yaml");
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.duplicates.len(), 1);
    let duplicate = &loaded.duplicates[0];
    assert_eq!(at(text, duplicate.span).start(), (4, 3));
    assert_eq!(at(text, duplicate.first).start(), (2, 3));
    assert_eq!(duplicate.path, ["Resources"]);
    // Only the last one is left for the rules, as CloudFormation deploys it.
    let resources = loaded
        .root
        .get("Resources")
        .and_then(Node::as_map)
        .expect("map");
    assert_eq!(resources.iter().count(), 1);
    assert_eq!(
        loaded
            .root
            .path(&["Resources", "A", "Type"])
            .and_then(Node::as_str),
        Some("AWS::SNS::Topic")
    );
    let json = "{\"Resources\": {\"A\": {\"P\": [{\"K\": 1,\n \"K\": 2,\n \"K\": 3}]}}}";
    let loaded = load(json, Format::Json).expect("json");
    assert_eq!(loaded.duplicates.len(), 2);
    assert!(loaded
        .duplicates
        .iter()
        .all(|d| at(json, d.first).line == 1 && d.path == ["Resources", "A", "P", "[0]"]));
    // A third occurrence names the first one, in YAML as in JSON.
    let yaml = "Resources:\n  A: 1\n  A: 2\n  A: 3\n";
    let loaded = load(yaml, Format::Yaml).expect("yaml");
    let firsts: Vec<u32> = loaded
        .duplicates
        .iter()
        .map(|d| at(yaml, d.first).line)
        .collect();
    assert_eq!(firsts, [2, 2]);
    let yaml = "Resources:\n  A:\n    P:\n      - K: 0\n      - K: 1\n        K: 2\n";
    let loaded = load(yaml, Format::Yaml).expect("yaml");
    assert_eq!(loaded.duplicates.len(), 1);
    assert_eq!(loaded.duplicates[0].path, ["Resources", "A", "P", "[1]"]);
}

#[test]
fn truncated_yaml_is_an_error_with_a_line() {
    let text =
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: \"AWS::S3::Bucket\n";
    let error = Template::parse(text).expect_err("truncated");
    assert!(at(text, error.span).line >= 4, "{error:?}");
    assert!(error.message.contains("quoted scalar"), "{error:?}");
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    let yaml = format!(
        "Resources:\n  A: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = load(&yaml, Format::Yaml).expect_err("too deep");
    assert!(
        error.message.contains("nesting") || error.message.contains("recursion"),
        "{error:?}"
    );
    let json = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = load(&json, Format::Json).expect_err("too deep");
    assert!(!error.message.is_empty());
    let block: String = (0..depth)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert!(load(&block, Format::Yaml).is_err());
}

#[test]
fn alias_bombs_are_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("Resources: {}\n");
    let error = load(&text, Format::Yaml).expect_err("bomb");
    assert!(error.message.contains("alias"), "{error:?}");
}

#[test]
fn oversized_input_is_refused_up_front() {
    let mut text = String::from("Resources:\n");
    while text.len() <= 17 * 1024 * 1024 {
        text.push_str("  # padding padding padding padding padding padding padding padding\n");
    }
    let error = load(&text, Format::Yaml).expect_err("too big");
    assert!(error.message.contains("reads at most 16 MB"), "{error:?}");
}

#[test]
fn files_that_are_not_templates_are_skipped_silently() {
    assert!(Template::parse("name: ci\non: [push]\njobs: {}\n")
        .expect("not an error")
        .is_none());
    assert!(
        Template::parse("{\"name\": \"pkg\", \"version\": \"1.0.0\"}")
            .expect("not an error")
            .is_none()
    );
    // A Helm chart is not YAML until rendered; it mentions no template keys either.
    assert!(Template::parse("kind: {{ .Values.kind }}\n  bad: [\n")
        .expect("not an error")
        .is_none());
    // But a broken file that is clearly a template is an error.
    assert!(Template::parse("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n").is_err());
}

#[test]
fn sam_globals_merge_into_functions() {
    let text = "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs22.x\n    Timeout: 10\n    Environment:\n      Variables: {A: global, B: global}\n    Layers: [g]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 3\n      Environment:\n        Variables: {B: own}\n      Layers: [own]\n  Bare:\n    Type: AWS::Serverless::Function\n";
    let template = Template::parse(text).expect("parses").expect("template");
    let f = template.resource("F").expect("F");
    assert_eq!(
        f.property("Runtime").and_then(Node::as_str),
        Some("nodejs22.x")
    );
    assert_eq!(
        f.property("Timeout").and_then(|n| n.as_scalar()).as_deref(),
        Some("3")
    );
    let variables = f
        .property("Environment")
        .and_then(|e| e.get("Variables"))
        .expect("vars");
    assert_eq!(variables.get("A").and_then(Node::as_str), Some("global"));
    assert_eq!(variables.get("B").and_then(Node::as_str), Some("own"));
    let layers: Vec<&str> = f
        .property("Layers")
        .map(Node::one_or_many)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(layers, ["g", "own"]);
    let bare = template.resource("Bare").expect("Bare");
    assert_eq!(
        bare.property("Runtime").and_then(Node::as_str),
        Some("nodejs22.x")
    );
}

#[test]
fn flow_lists_closed_less_indented_are_read_as_cloudformation_reads_them() {
    // Strict YAML 1.2 rejects the `]` at the key's own indentation; libyaml (PyYAML, cfn-lint,
    // CloudFormation) accepts it, and so do we. Found in sam-patterns/appsync-lambda-sfn-sam.
    let text = "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: [\n              \"dynamodb:PutItem\",\n            ]\n            Resource: !GetAtt T.Arn\n";
    let template = Template::parse(text).expect("parses").expect("template");
    let statement = template
        .root
        .path(&[
            "Resources",
            "P",
            "Properties",
            "PolicyDocument",
            "Statement",
        ])
        .expect("statement");
    let first = &statement.one_or_many()[0];
    assert_eq!(
        first
            .get("Action")
            .and_then(Node::as_seq)
            .map(<[Node]>::len),
        Some(1)
    );
    assert_eq!(
        first
            .get("Resource")
            .and_then(Node::as_intrinsic)
            .map(|i| i.name),
        Some("Fn::GetAtt")
    );
    assert_eq!(
        first.get("Resource").map(|n| at(text, n.span).start()),
        Some((11, 23))
    );
}

#[test]
fn yaml_flow_style_documents_are_not_mistaken_for_json() {
    // Found by the formatting property test: a flow-style YAML template starts with `{`.
    let text = "{AWSTemplateFormatVersion: 2010-09-09, Resources: {B: {Type: 'AWS::S3::Bucket', Properties: {BucketName: !Sub '${AWS::AccountId}-x'}}}}\n";
    let template = Template::parse(text).expect("parses").expect("template");
    assert_eq!(template.format, Format::Yaml);
    assert_eq!(
        template.resource("B").map(|r| r.type_name()),
        Some("AWS::S3::Bucket")
    );
    // A trailing comma is valid YAML flow style (CloudFormation reads it so too); a missing comma
    // is an error either way, and the JSON parser's message is the one reported.
    assert!(Template::parse("{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\",}}}").is_ok());
    let missing_comma =
        "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"\n \"Properties\": {}}}}";
    let error = Template::parse(missing_comma).expect_err("missing comma");
    assert_eq!(
        (at(missing_comma, error.span).line, error.message.as_str()),
        (1, "Expected comma")
    );
}

#[test]
fn a_panic_in_the_lenient_reader_is_contained() {
    // Found by fuzzing (template_check): saphyr rejects this, and libyaml-safer 0.3 panics on the
    // tag followed by `,`. The strict parser's error is reported instead.
    let text = "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {Tags: [!Ref, x]}\n   bad\n";
    let error = Template::parse(text).expect_err("broken");
    assert!(at(text, error.span).line >= 5, "{error:?}");
}

/// A `.json` file named on the command line must be JSON (or a template in YAML): plain text and
/// JSON with comments are input errors at the parser's position; JSON that is not ours is not.
#[test]
fn a_named_json_file_that_is_not_json_is_an_input_error() {
    let dir = stackwarden_testkit::fixtures!("not-json");
    let error = |name: &str| {
        stackwarden_cfn::named_json_error(&dir.join(name))
            .map(|e| format!("{:?}:{:?} {}", e.line, e.column, e.message))
    };
    assert_eq!(
        error("notes.json").as_deref(),
        Some("Some(1):Some(1) not JSON (Unexpected word); a .json file named on the command line must hold a CloudFormation template or an IAM policy document")
    );
    assert!(error("tsconfig.json").is_some_and(|e| e.starts_with("Some(2):Some(3) not JSON")));
    assert_eq!(error("yaml-template.json"), None);
    assert_eq!(error("package.json"), None);
}
