//! JSON with positions, on jsonc-parser's AST in strict mode (no comments, no trailing commas:
//! CloudFormation rejects both).

use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};
use stackwarden_core::node::{intrinsic_name, is_intrinsic_key, Intrinsic};
use stackwarden_core::{Key, Map, Node, Span, Value};

use super::{DuplicateKey, LoadError, Loaded, MAX_DEPTH};

pub(super) fn load(text: &str) -> Result<Loaded, LoadError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            LoadError {
                span: Span::from_offsets(e.range().start, e.range().start),
                message: e.kind().to_string(),
            }
        })?;
    let Some(value) = parsed.value else {
        return Err(LoadError {
            span: Span::at(0),
            message: "the file holds no JSON value".into(),
        });
    };
    let mut converter = Converter {
        duplicates: Vec::new(),
    };
    let root = converter.node(&value, 0, &mut Vec::new())?;
    Ok(Loaded {
        root,
        warnings: Vec::new(),
        duplicates: converter.duplicates,
    })
}

struct Converter {
    duplicates: Vec<DuplicateKey>,
}

impl Converter {
    /// `path`: where `value` is, outermost first, borrowed from the AST so that only a duplicate
    /// key pays for copying it.
    fn node<'p>(
        &mut self,
        value: &'p ast::Value<'_>,
        depth: usize,
        path: &mut Vec<Step<'p>>,
    ) -> Result<Node, LoadError> {
        if depth > MAX_DEPTH {
            return Err(LoadError {
                span: Span::from_offsets(value_start(value), value_start(value)),
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        let (start, end) = value_range(value);
        let span = match value {
            // A mapping or list is pointed at by where it opens.
            ast::Value::Array(_) | ast::Value::Object(_) => Span::from_offsets(start, start),
            _ => Span::from_offsets(start, end),
        };
        let value = match value {
            ast::Value::StringLit(s) => Value::String(s.value.as_ref().into()),
            ast::Value::NumberLit(n) => Value::Number(n.value.into()),
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::Array(array) => Value::Seq(
                array
                    .elements
                    .iter()
                    .enumerate()
                    .map(|(index, element)| {
                        path.push(Step::Index(index));
                        let node = self.node(element, depth + 1, path);
                        path.pop();
                        node
                    })
                    .collect::<Result<_, _>>()?,
            ),
            ast::Value::Object(object) => {
                let mut map = Map::default();
                let mut seen: std::collections::HashMap<&str, Span> =
                    std::collections::HashMap::new();
                for property in &object.properties {
                    let name = property.name.as_str();
                    let range = property.name.range();
                    let key_span = Span::from_offsets(range.start, range.end);
                    if let Some(&first) = seen.get(name) {
                        self.duplicates.push(DuplicateKey {
                            name: name.to_string(),
                            span: key_span,
                            first,
                            path: path.iter().map(|step| step.written()).collect(),
                        });
                        // The last one is what CloudFormation deploys: the rules see only it.
                        map.entries.retain(|(key, _)| key.name != name);
                    }
                    seen.entry(name).or_insert(key_span);
                    path.push(Step::Key(name));
                    let value = self.node(&property.value, depth + 1, path);
                    path.pop();
                    map.entries.push((
                        Key {
                            name: name.into(),
                            span: key_span,
                        },
                        value?,
                    ));
                }
                into_intrinsic(map)
            }
        };
        Ok(Node::new(span, value))
    }
}

/// One step of the way from the root to a value: a key, or the index of a list item.
#[derive(Clone, Copy)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

impl Step<'_> {
    /// As [`DuplicateKey::path`] writes it: the key, or `[index]`.
    fn written(self) -> String {
        match self {
            Step::Key(key) => key.to_string(),
            Step::Index(index) => format!("[{index}]"),
        }
    }
}

/// `{"Fn::Sub": ...}` and `{"Ref": ...}` become intrinsic values; `{"Condition": "Name"}` too,
/// but only with a string argument, since `Condition` is also an ordinary key.
pub(crate) fn into_intrinsic(mut map: Map) -> Value {
    if map.entries.len() == 1 {
        let (key, _) = &map.entries[0];
        let is_condition = key.name == "Condition" && map.entries[0].1.as_str().is_some();
        let name = (is_intrinsic_key(&key.name) || is_condition)
            .then(|| intrinsic_name(&key.name))
            .flatten();
        if let Some(name) = name {
            let (_, arg) = map.entries.remove(0);
            return Value::Intrinsic(Box::new(Intrinsic { name, arg }));
        }
    }
    Value::Map(map)
}

fn value_start(value: &ast::Value<'_>) -> usize {
    value_range(value).0
}

fn value_range(value: &ast::Value<'_>) -> (usize, usize) {
    let range = match value {
        ast::Value::StringLit(v) => v.range,
        ast::Value::NumberLit(v) => v.range,
        ast::Value::BooleanLit(v) => v.range,
        ast::Value::NullKeyword(v) => v.range,
        ast::Value::Array(v) => v.range,
        ast::Value::Object(v) => v.range,
    };
    (range.start, range.end)
}
