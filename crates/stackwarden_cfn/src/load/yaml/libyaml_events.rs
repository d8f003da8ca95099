//! libyaml's events (through libyaml-safer, a safe Rust port) as [`YamlEvent`]s: the lenient
//! reading PyYAML and CloudFormation share, used when the strict parser rejects a file.

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};
use stackwarden_core::{LineIndex, Span};

use super::{YamlEvent, YamlTag};
use crate::load::LoadError;

pub(super) fn events(
    text: &str,
    lines: &LineIndex,
) -> impl Iterator<Item = Result<(YamlEvent, Span), LoadError>> {
    // libyaml-safer 0.3 still has `panic!`s on some malformed input (a tag directly followed by
    // `,` in a flow collection, found by fuzzing). It is only the second opinion: contain its
    // panics here and let the strict parser's error stand. (The CLI's panic hook keeps them off
    // stderr.)
    let collected = std::panic::catch_unwind(|| collect(text, lines)).unwrap_or_else(|_| {
        vec![Err(LoadError {
            span: Span::at(0),
            message: "the lenient YAML reader gave up".into(),
        })]
    });
    collected.into_iter()
}

fn collect(text: &str, lines: &LineIndex) -> Vec<Result<(YamlEvent, Span), LoadError>> {
    // libyaml's marks count lines and columns from 0, columns in characters.
    let offset = |mark: &Mark| lines.offset(text, to_u32(mark.line + 1), to_u32(mark.column + 1));
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    let mut events = Vec::new();
    // libyaml-safer's parser borrows its input for its whole life; collect the events eagerly
    // (the composer bounds what they expand to).
    parser.set_input_string(&mut input);
    loop {
        match parser.parse() {
            Ok(event) => {
                let start = offset(&event.start_mark);
                let at = match &event.data {
                    EventData::Scalar { .. } | EventData::Alias { .. } => {
                        Span::from_offsets(start, offset(&event.end_mark))
                    }
                    _ => Span::from_offsets(start, start),
                };
                let converted = match event.data {
                    EventData::DocumentStart { .. } => Some(YamlEvent::DocumentStart),
                    EventData::Scalar {
                        anchor,
                        tag,
                        value,
                        style,
                        ..
                    } => Some(YamlEvent::Scalar {
                        text: value.into(),
                        plain: style == ScalarStyle::Plain,
                        anchor,
                        tag: convert(tag.as_deref()),
                    }),
                    EventData::SequenceStart { anchor, tag, .. } => {
                        Some(YamlEvent::SequenceStart {
                            anchor,
                            tag: convert(tag.as_deref()),
                        })
                    }
                    EventData::MappingStart { anchor, tag, .. } => Some(YamlEvent::MappingStart {
                        anchor,
                        tag: convert(tag.as_deref()),
                    }),
                    EventData::SequenceEnd => Some(YamlEvent::SequenceEnd),
                    EventData::MappingEnd => Some(YamlEvent::MappingEnd),
                    EventData::Alias { anchor } => Some(YamlEvent::Alias(anchor)),
                    EventData::StreamEnd => {
                        events.push(Ok((YamlEvent::StreamEnd, at)));
                        break;
                    }
                    _ => None,
                };
                if let Some(converted) = converted {
                    events.push(Ok((converted, at)));
                }
            }
            Err(error) => {
                let mark = error.problem_mark().unwrap_or_default();
                events.push(Err(LoadError {
                    span: Span::from_offsets(offset(&mark), offset(&mark)),
                    message: error.problem().to_string(),
                }));
                break;
            }
        }
    }
    events
}

/// libyaml resolves tag handles: `!Ref` arrives as `!Ref`, `!!str` as `tag:yaml.org,2002:str`.
fn convert(tag: Option<&str>) -> YamlTag {
    match tag {
        None => YamlTag::None,
        Some("tag:yaml.org,2002:str") => YamlTag::Str,
        Some(tag) => match tag.strip_prefix('!') {
            Some(suffix) if !suffix.starts_with('!') => YamlTag::Local(suffix.to_string()),
            _ => YamlTag::Other,
        },
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
