//! `--cli-input-yaml` documents (and `file://*.yaml` inputs) read into the same JSON values as
//! `--cli-input-json`, with saphyr-parser's events: mappings, sequences and scalars, which is
//! all the CLI's input skeletons use. Anchors and aliases are not followed (an alias reads as
//! null); a document that does not parse gives `None` and its text is still scanned.

use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value};

/// Nesting beyond this is not a CLI input; the bound keeps a hostile document cheap.
const MAX_DEPTH: usize = 64;

pub(super) fn to_json(text: &str) -> Option<Value> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    loop {
        let (event, _) = parser.next_event()?.ok()?;
        let value = match event {
            Event::StreamEnd => return root,
            Event::MappingStart(..) => {
                stack.push(Frame::Mapping(Map::new(), None));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Sequence(Vec::new()));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::MappingEnd => match stack.pop()? {
                Frame::Mapping(map, _) => Value::Object(map),
                Frame::Sequence(_) => return None,
            },
            Event::SequenceEnd => match stack.pop()? {
                Frame::Sequence(items) => Value::Array(items),
                Frame::Mapping(..) => return None,
            },
            Event::Scalar(text, ..) => Value::String(text.into_owned()),
            Event::Alias(_) => Value::Null,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                continue
            }
        };
        match stack.last_mut() {
            None => root = root.or(Some(value)),
            Some(Frame::Sequence(items)) => items.push(value),
            Some(Frame::Mapping(map, key)) => match key.take() {
                None => *key = Some(value.as_str().map(str::to_string).unwrap_or_default()),
                Some(name) => {
                    map.insert(name, value);
                }
            },
        }
    }
}

enum Frame {
    /// The entries so far, and the key waiting for its value.
    Mapping(Map<String, Value>, Option<String>),
    Sequence(Vec<Value>),
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cli_input_skeletons_read_like_json() {
        let value = to_json(
            "RequestItems:\n  orders:\n    - DeleteRequest:\n        Key: {id: {S: '1'}}\n",
        )
        .unwrap();
        assert_eq!(
            value.pointer("/RequestItems/orders/0/DeleteRequest/Key/id/S"),
            Some(&Value::String("1".into()))
        );
        assert_eq!(
            to_json("Statement: DELETE FROM t").unwrap()["Statement"],
            "DELETE FROM t"
        );
        assert!(to_json("a: [unclosed").is_none());
    }
}
