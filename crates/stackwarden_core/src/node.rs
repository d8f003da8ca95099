//! The document model that YAML and JSON inputs are parsed into. Every value remembers the bytes it
//! covers in the file as written, so a finding can point at the exact key or list item.
//!
//! CloudFormation intrinsic functions (`Ref`, `Fn::Sub`, `!GetAtt a.b`, ...) are values of their own
//! kind, whichever form they were written in, so rules never guess from strings.

use crate::span::Span;

/// The text of a key or scalar. Most are short (`Type`, `Properties`, `AWS::S3::Bucket`, a
/// logical id): a compact string keeps up to 24 bytes inline, so loading a template allocates
/// for the few long values only, not once per key and value.
pub type Text = compact_str::CompactString;

/// A value with the bytes it covers (a mapping or list: where it opens).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Kept as written: templates compare numbers as text (`"1"` and `1` are both valid).
    Number(Text),
    String(Text),
    Seq(Vec<Node>),
    Map(Map),
    /// `Ref`, `Fn::*` or `Condition`, normalised to the long name (`Fn::GetAtt` for `!GetAtt`).
    Intrinsic(Box<Intrinsic>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    /// The long name: `Ref`, `Fn::Sub`, `Fn::GetAtt`, `Condition`, ...
    pub name: &'static str,
    pub arg: Node,
}

/// A mapping key and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: Text,
    pub span: Span,
}

/// A mapping in document order. When a key is written twice the last one wins, as in
/// CloudFormation; loaders report the duplicate separately.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    pub entries: Vec<(Key, Node)>,
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// The entry (key and value) for `key`, for findings that point at the key itself.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The long names of intrinsic functions, and the YAML short-form tags that stand for them.
pub const INTRINSICS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("If", "Fn::If"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("ImportValue", "Fn::ImportValue"),
    ("GetAZs", "Fn::GetAZs"),
    ("Condition", "Condition"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Equals", "Fn::Equals"),
    ("Cidr", "Fn::Cidr"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Transform", "Fn::Transform"),
    ("ForEach", "Fn::ForEach"),
];

/// The long name for a YAML tag suffix (`GetAtt` → `Fn::GetAtt`), if it is an intrinsic.
pub fn intrinsic_for_tag(suffix: &str) -> Option<&'static str> {
    INTRINSICS
        .iter()
        .find(|(short, _)| *short == suffix)
        .map(|(_, long)| *long)
}

/// The long name as a `&'static str` (`"Fn::Sub"` → the table's `"Fn::Sub"`), for any name of
/// [`INTRINSICS`], `Condition` included: nodes keep the table's string, not a copy.
pub fn intrinsic_name(long: &str) -> Option<&'static str> {
    INTRINSICS
        .iter()
        .find(|(_, name)| *name == long)
        .map(|(_, name)| *name)
}

/// Whether a single-key mapping `{key: ...}` is an intrinsic function in long form.
pub fn is_intrinsic_key(key: &str) -> bool {
    key == "Ref" || (key.starts_with("Fn::") && INTRINSICS.iter().any(|(_, long)| *long == key))
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Self { span, value }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text: strings, numbers and booleans (`Enabled: "true"` and `true` alike).
    pub fn as_scalar(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s.as_str().into()),
            Value::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
            _ => None,
        }
    }

    /// True for `true` and the string `"true"` (any case), as CloudFormation accepts both.
    pub fn is_true(&self) -> bool {
        self.as_scalar()
            .is_some_and(|s| s.eq_ignore_ascii_case("true"))
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_intrinsic(&self) -> Option<&Intrinsic> {
        match &self.value {
            Value::Intrinsic(i) => Some(i),
            _ => None,
        }
    }

    /// `map[key]` for a mapping, `None` otherwise.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The items of a list, or the node itself when a single value stands where a list may
    /// (IAM `Action: "s3:GetObject"` and `Action: ["s3:GetObject"]` alike).
    pub fn one_or_many(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => std::slice::from_ref(self),
        }
    }

    /// Calls `visit` on this node and every node below it, depth first, in document order.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Node)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            visit(node);
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(map) => stack.extend(map.entries.iter().rev().map(|(_, v)| v)),
                Value::Intrinsic(i) => stack.push(&i.arg),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, line: u32) -> Node {
        Node::new(Span::at(line), Value::String(text.into()))
    }

    #[test]
    fn last_duplicate_key_wins_and_paths_follow_maps() {
        let inner = Map {
            entries: vec![(
                Key {
                    name: "b".into(),
                    span: Span::at(2),
                },
                s("x", 2),
            )],
        };
        let map = Map {
            entries: vec![
                (
                    Key {
                        name: "a".into(),
                        span: Span::at(1),
                    },
                    s("first", 1),
                ),
                (
                    Key {
                        name: "a".into(),
                        span: Span::at(3),
                    },
                    Node::new(Span::at(3), Value::Map(inner)),
                ),
            ],
        };
        let root = Node::new(Span::at(1), Value::Map(map));
        assert_eq!(root.path(&["a", "b"]).and_then(Node::as_str), Some("x"));
        assert_eq!(root.one_or_many().len(), 1);
        let mut count = 0;
        root.walk(&mut |_| count += 1);
        assert_eq!(count, 4);
    }

    #[test]
    fn tags_map_to_long_names() {
        assert_eq!(intrinsic_for_tag("GetAtt"), Some("Fn::GetAtt"));
        assert_eq!(intrinsic_for_tag("Ref"), Some("Ref"));
        assert_eq!(intrinsic_for_tag("Nope"), None);
        assert!(is_intrinsic_key("Fn::Sub"));
        assert!(!is_intrinsic_key("Fn::Nope"));
    }
}
