//! Policy documents written as JSON text. CloudFormation accepts a policy property as a JSON
//! string (`PolicyDocument: '{"Version": ...}'`), or as an `Fn::Sub` template of one, and parses
//! it into the document IAM receives; the rules judge that document. Every position inside it is
//! the string's own position: the string's escapes and line folding (YAML block scalars) make
//! positions inside it unreliable, and pointing at the string is exact.

use stackwarden_core::node::Intrinsic;
use stackwarden_core::{Node, Span, Value};

use crate::load::{self, Format};

pub(super) enum Text {
    /// The document the text holds.
    Parsed(Node),
    /// An `Fn::Sub` template that is not JSON until its placeholders are substituted
    /// (`"Version": ${Version}`), or not JSON at all: known only at deploy time.
    Undecidable,
    /// Not text: the node is the document (or an intrinsic that is judged as written).
    Written,
}

pub(super) fn document(node: &Node) -> Text {
    match &node.value {
        Value::String(text) if looks_like_json(text) => match load::load(text, Format::Json) {
            Ok(loaded) => {
                let mut root = loaded.root;
                respan(&mut root, node.span, false);
                Text::Parsed(root)
            }
            // Left as written: iam/malformed-policy reports a string that is not a document.
            Err(_) => Text::Written,
        },
        Value::Intrinsic(i) if i.name == "Fn::Sub" => {
            let template = match &i.arg.value {
                Value::Seq(items) => items.first().and_then(Node::as_str),
                _ => i.arg.as_str(),
            };
            match template
                .filter(|t| looks_like_json(t))
                .map(|t| load::load(t, Format::Json))
            {
                Some(Ok(loaded)) => {
                    let mut root = loaded.root;
                    respan(&mut root, node.span, true);
                    Text::Parsed(root)
                }
                _ => Text::Undecidable,
            }
        }
        _ => Text::Written,
    }
}

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Moves every node of a parsed document to `span`; in an `Fn::Sub` template, a string holding
/// a `${...}` placeholder becomes a value known at deploy time (`Fn::Sub` of that string), and
/// `${!Literal}` the literal `${Literal}` it stands for.
fn respan(node: &mut Node, span: Span, sub: bool) {
    node.span = span;
    match &mut node.value {
        Value::String(text) if sub && text.contains("${") => {
            let unescaped = text.replace("${!", "${");
            if has_placeholder(text) {
                node.value = Value::Intrinsic(Box::new(Intrinsic {
                    name: "Fn::Sub",
                    arg: Node {
                        span,
                        value: Value::String(unescaped.into()),
                    },
                }));
            } else {
                *text = unescaped.into();
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|item| respan(item, span, sub)),
        Value::Map(map) => {
            for (key, value) in &mut map.entries {
                key.span = span;
                respan(value, span, sub);
            }
        }
        Value::Intrinsic(intrinsic) => respan(&mut intrinsic.arg, span, sub),
        _ => {}
    }
}

/// `${Name}` that is not the `${!Name}` escape.
fn has_placeholder(text: &str) -> bool {
    text.match_indices("${")
        .any(|(at, _)| !text[at + 2..].starts_with('!'))
}
