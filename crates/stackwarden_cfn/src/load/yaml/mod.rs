//! YAML with positions. Events come from saphyr-parser (YAML 1.2, strict); when it rejects a
//! file, libyaml's reading (the one PyYAML, cfn-lint and CloudFormation's own parsers share, which
//! tolerates e.g. a flow list closed less indented than its key) gets a second look, so templates
//! that CloudFormation deploys are not reported as broken. Both feed one composer.
//!
//! The composer is iterative (an explicit stack), so nesting depth costs heap, not call stack,
//! and is capped by [`MAX_DEPTH`]; alias expansion is charged against [`MAX_VALUES`].

mod libyaml_events;
mod saphyr_events;

use std::collections::HashMap;

use stackwarden_core::node::{intrinsic_for_tag, Intrinsic, Text};
use stackwarden_core::{Key, LineIndex, Map, Node, Span, Value};

use super::json::into_intrinsic;
use super::sniff::{is_section, TopLevel};
use super::{DuplicateKey, LoadError, LoadWarning, Loaded, MAX_DEPTH, MAX_VALUES};

/// A parser event, whichever parser produced it.
pub(super) enum YamlEvent {
    DocumentStart,
    Scalar {
        text: Text,
        plain: bool,
        anchor: Option<String>,
        tag: YamlTag,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: YamlTag,
    },
    MappingStart {
        anchor: Option<String>,
        tag: YamlTag,
    },
    SequenceEnd,
    MappingEnd,
    Alias(String),
    StreamEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum YamlTag {
    None,
    /// `!Ref` → `Ref`.
    Local(String),
    /// `!!str`.
    Str,
    Other,
}

/// Syntax errors may be retried with the other parser; exceeded limits may not.
enum Failure {
    Syntax(LoadError),
    Limit(LoadError),
}

enum Frame {
    Seq {
        start: Span,
        anchor: Option<String>,
        tag: Option<String>,
        items: Vec<Node>,
        size: usize,
    },
    Map {
        start: Span,
        anchor: Option<String>,
        tag: Option<String>,
        map: Map,
        pending_key: Option<Key>,
        /// The first occurrence of each key written again, whose entry was replaced.
        shadowed: Vec<Key>,
        size: usize,
    },
}

struct Composer {
    stack: Vec<Frame>,
    anchors: HashMap<String, (Node, usize)>,
    values: usize,
    warnings: Vec<LoadWarning>,
    duplicates: Vec<DuplicateKey>,
    root: Option<Node>,
}

pub(super) fn load(text: &str) -> Result<Loaded, LoadError> {
    // Both parsers report lines and character columns; the model keeps byte offsets.
    let lines = LineIndex::new(text);
    match compose(saphyr_events::events(text, &lines)) {
        Ok(loaded) => Ok(loaded),
        Err(Failure::Limit(error)) => Err(error),
        Err(Failure::Syntax(strict)) => match compose(libyaml_events::events(text, &lines)) {
            Ok(loaded) => Ok(loaded),
            // saphyr's messages and positions are the more precise ones.
            Err(_) => Err(strict),
        },
    }
}

fn compose(
    events: impl Iterator<Item = Result<(YamlEvent, Span), LoadError>>,
) -> Result<Loaded, Failure> {
    let mut composer = Composer {
        stack: Vec::new(),
        anchors: HashMap::new(),
        values: 0,
        warnings: Vec::new(),
        duplicates: Vec::new(),
        root: None,
    };
    let mut documents = 0;
    for event in events {
        let (event, at) = event.map_err(Failure::Syntax)?;
        match event {
            YamlEvent::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    composer.warnings.push(LoadWarning {
                        span: at,
                        message: "a second YAML document (`---`); only the first is read, and CloudFormation rejects the file".into(),
                    });
                    break;
                }
            }
            YamlEvent::Scalar {
                text,
                plain,
                anchor,
                tag,
            } => {
                let node = scalar(at, text, plain, &tag);
                composer.complete(node, anchor, 1).map_err(Failure::Limit)?;
            }
            YamlEvent::Alias(name) => {
                let (node, size) = composer.anchors.get(&name).cloned().ok_or_else(|| {
                    Failure::Syntax(LoadError {
                        span: at,
                        message: format!("alias *{name} to an anchor that is not defined"),
                    })
                })?;
                let node = Node::new(at, node.value);
                composer
                    .complete(node, None, size)
                    .map_err(Failure::Limit)?;
            }
            YamlEvent::SequenceStart { anchor, tag } => {
                composer.open(at).map_err(Failure::Limit)?;
                composer.stack.push(Frame::Seq {
                    start: at,
                    anchor,
                    tag: local_tag(&tag),
                    items: Vec::new(),
                    size: 1,
                });
            }
            YamlEvent::MappingStart { anchor, tag } => {
                composer.open(at).map_err(Failure::Limit)?;
                composer.stack.push(Frame::Map {
                    start: at,
                    anchor,
                    tag: local_tag(&tag),
                    map: Map::default(),
                    pending_key: None,
                    shadowed: Vec::new(),
                    size: 1,
                });
            }
            YamlEvent::SequenceEnd | YamlEvent::MappingEnd => {
                let (node, anchor, size) = match composer.stack.pop() {
                    Some(Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items,
                        size,
                    }) => (
                        tagged(Node::new(start, Value::Seq(items)), tag.as_deref()),
                        anchor,
                        size,
                    ),
                    Some(Frame::Map {
                        start,
                        anchor,
                        tag,
                        map,
                        size,
                        ..
                    }) => (
                        tagged(Node::new(start, into_intrinsic(map)), tag.as_deref()),
                        anchor,
                        size,
                    ),
                    None => continue,
                };
                composer
                    .complete(node, anchor, size)
                    .map_err(Failure::Limit)?;
            }
            YamlEvent::StreamEnd => break,
        }
    }
    Ok(Loaded {
        root: composer
            .root
            .unwrap_or_else(|| Node::new(Span::at(0), Value::Null)),
        warnings: composer.warnings,
        duplicates: composer.duplicates,
    })
}

impl Composer {
    fn open(&mut self, at: Span) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(LoadError {
                span: at,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    /// A value is finished: remember its anchor and hand it to its parent (or make it the root).
    fn complete(
        &mut self,
        node: Node,
        anchor: Option<String>,
        size: usize,
    ) -> Result<(), LoadError> {
        self.values = self.values.saturating_add(size);
        if self.values > MAX_VALUES {
            return Err(LoadError {
                span: node.span,
                message: format!(
                    "the document expands to more than {MAX_VALUES} values through aliases (an alias bomb?)"
                ),
            });
        }
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let mut duplicate = None;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq {
                items,
                size: parent_size,
                ..
            }) => {
                *parent_size = parent_size.saturating_add(size);
                items.push(node);
            }
            Some(Frame::Map {
                map,
                pending_key,
                shadowed,
                size: parent_size,
                ..
            }) => {
                *parent_size = parent_size.saturating_add(size);
                match pending_key.take() {
                    Some(key) => {
                        if let Some(earlier) =
                            map.entries.iter().position(|(k, _)| k.name == key.name)
                        {
                            // The last one is what CloudFormation deploys: the rules see only it.
                            let (earlier, _) = map.entries.remove(earlier);
                            // A third occurrence names the first, not the second.
                            let first = match shadowed.iter().find(|k| k.name == key.name) {
                                Some(first) => first.span,
                                None => {
                                    let span = earlier.span;
                                    shadowed.push(earlier);
                                    span
                                }
                            };
                            duplicate = Some(DuplicateKey {
                                name: key.name.to_string(),
                                span: key.span,
                                first,
                                path: Vec::new(),
                            });
                        }
                        map.entries.push((key, node));
                    }
                    None => {
                        let name = match &node.value {
                            Value::String(s) | Value::Number(s) => s.clone(),
                            Value::Bool(b) => Text::const_new(if *b { "true" } else { "false" }),
                            Value::Null => Text::default(),
                            _ => {
                                // A structural problem of the document, not a parser quirk.
                                return Err(LoadError {
                                    span: node.span,
                                    message:
                                        "a mapping key must be a plain value, not a list or mapping"
                                            .into(),
                                });
                            }
                        };
                        *pending_key = Some(Key {
                            name,
                            span: node.span,
                        });
                    }
                }
            }
        }
        if let Some(mut duplicate) = duplicate {
            // The values open right now, around this mapping: a key's, or a list's next item.
            duplicate.path = self
                .stack
                .iter()
                .filter_map(|frame| match frame {
                    Frame::Map {
                        pending_key: Some(key),
                        ..
                    } => Some(key.name.to_string()),
                    Frame::Map { .. } => None,
                    Frame::Seq { items, .. } => Some(format!("[{}]", items.len())),
                })
                .collect();
            self.duplicates.push(duplicate);
        }
        Ok(())
    }
}

/// The suffix of a local tag (`!Ref` → `Ref`); core-schema tags (`!!str`) are handled on scalars.
fn local_tag(tag: &YamlTag) -> Option<String> {
    match tag {
        YamlTag::Local(suffix) => Some(suffix.clone()),
        _ => None,
    }
}

/// Wraps a value in the intrinsic its short-form tag stands for.
fn tagged(node: Node, tag: Option<&str>) -> Node {
    let Some(name) = tag.and_then(intrinsic_for_tag) else {
        return node;
    };
    let span = node.span;
    let arg = match (&node.value, name) {
        // `!GetAtt Resource.Attribute` is the list form `[Resource, Attribute]`.
        (Value::String(text), "Fn::GetAtt") => match text.split_once('.') {
            Some((resource, attribute)) => Node::new(
                span,
                Value::Seq(vec![
                    Node::new(span, Value::String(resource.into())),
                    Node::new(span, Value::String(attribute.into())),
                ]),
            ),
            None => node,
        },
        _ => node,
    };
    Node::new(span, Value::Intrinsic(Box::new(Intrinsic { name, arg })))
}

fn scalar(at: Span, text: Text, plain: bool, tag: &YamlTag) -> Node {
    let value = if !plain || *tag == YamlTag::Str {
        Value::String(text)
    } else {
        resolve_plain(text)
    };
    tagged(Node::new(at, value), local_tag(tag).as_deref())
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(text: Text) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_number(&text) => Value::Number(text),
        _ => Value::String(text),
    }
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() {
        return false;
    }
    if let Some(hex) = digits.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(octal) = digits.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(digits, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let whole_ok = whole.bytes().all(|b| b.is_ascii_digit());
    let fraction_ok = fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    let has_digit = !whole.is_empty() || fraction.is_some_and(|f| !f.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    whole_ok && fraction_ok && has_digit && exponent_ok
}

/// The first top-level key of a YAML head that is not a template section (see `load::sniff`),
/// from the strict parser's events; the head may end anywhere, and an error there ends the look.
pub(super) fn head_top_level(head: &str) -> TopLevel {
    // Collections open; the root mapping is depth 1, where keys and values alternate.
    let mut depth = 0usize;
    let mut expect_key = true;
    let lines = LineIndex::new(head);
    for event in saphyr_events::events(head, &lines) {
        let Ok((event, _)) = event else {
            break;
        };
        match event {
            YamlEvent::DocumentStart => {}
            YamlEvent::StreamEnd => break,
            YamlEvent::SequenceStart { .. } if depth == 0 => return TopLevel::NotAMapping,
            YamlEvent::Scalar { .. } | YamlEvent::Alias(_) if depth == 0 => {
                return TopLevel::NotAMapping
            }
            YamlEvent::MappingStart { .. } | YamlEvent::SequenceStart { .. } => {
                if depth == 1 {
                    expect_key = !expect_key;
                }
                depth += 1;
            }
            YamlEvent::MappingEnd | YamlEvent::SequenceEnd => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            YamlEvent::Scalar { text, .. } if depth == 1 => {
                if expect_key && !is_section(&text) {
                    return TopLevel::Key(text.into());
                }
                expect_key = !expect_key;
            }
            YamlEvent::Alias(_) if depth == 1 => expect_key = !expect_key,
            YamlEvent::Scalar { .. } | YamlEvent::Alias(_) => {}
        }
    }
    TopLevel::Undecided
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        assert_eq!(resolve_plain("true".into()), Value::Bool(true));
        assert_eq!(resolve_plain("~".into()), Value::Null);
        assert_eq!(resolve_plain("12".into()), Value::Number("12".into()));
        assert_eq!(resolve_plain("1.5e3".into()), Value::Number("1.5e3".into()));
        assert_eq!(
            resolve_plain("123456789012".into()),
            Value::Number("123456789012".into())
        );
        assert_eq!(
            resolve_plain("nodejs22.x".into()),
            Value::String("nodejs22.x".into())
        );
        assert_eq!(
            resolve_plain("2010-09-09".into()),
            Value::String("2010-09-09".into())
        );
        assert_eq!(resolve_plain("-".into()), Value::String("-".into()));
        assert_eq!(resolve_plain(".".into()), Value::String(".".into()));
    }
}
