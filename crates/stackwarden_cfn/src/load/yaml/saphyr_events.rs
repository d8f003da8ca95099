//! saphyr-parser's events as [`YamlEvent`]s (the strict YAML 1.2 reading, tried first).

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use stackwarden_core::{LineIndex, Span};

use super::{YamlEvent, YamlTag};
use crate::load::LoadError;

pub(super) fn events<'t>(
    text: &'t str,
    lines: &'t LineIndex,
) -> impl Iterator<Item = Result<(YamlEvent, Span), LoadError>> + 't {
    // saphyr's markers count lines from 1 and columns from 0, in characters.
    let offset =
        move |marker: &Marker| lines.offset(text, to_u32(marker.line()), to_u32(marker.col() + 1));
    let mut parser = Parser::new_from_str(text);
    std::iter::from_fn(move || loop {
        let (event, span) = match parser.next_event()? {
            Ok(pair) => pair,
            Err(e) => {
                return Some(Err(LoadError {
                    span: Span::from_offsets(offset(e.marker()), offset(e.marker())),
                    message: e.info().to_string(),
                }))
            }
        };
        let start = offset(&span.start);
        // A scalar's or alias's extent is its token; a collection is known by where it opens.
        let at = match &event {
            Event::Scalar(..) | Event::Alias(_) => Span::from_offsets(start, offset(&span.end)),
            _ => Span::from_offsets(start, start),
        };
        let anchor = |id: usize| (id != 0).then(|| id.to_string());
        let event = match event {
            Event::DocumentStart(_) => YamlEvent::DocumentStart,
            Event::Scalar(text, style, id, tag) => YamlEvent::Scalar {
                text: text.into(),
                plain: style == ScalarStyle::Plain,
                anchor: anchor(id),
                tag: convert(tag.as_deref()),
            },
            Event::SequenceStart(id, tag) => YamlEvent::SequenceStart {
                anchor: anchor(id),
                tag: convert(tag.as_deref()),
            },
            Event::MappingStart(id, tag) => YamlEvent::MappingStart {
                anchor: anchor(id),
                tag: convert(tag.as_deref()),
            },
            Event::SequenceEnd => YamlEvent::SequenceEnd,
            Event::MappingEnd => YamlEvent::MappingEnd,
            Event::Alias(id) => YamlEvent::Alias(id.to_string()),
            Event::StreamEnd => YamlEvent::StreamEnd,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
        };
        return Some(Ok((event, at)));
    })
}

fn convert(tag: Option<&Tag>) -> YamlTag {
    match tag {
        None => YamlTag::None,
        Some(t) if t.handle == "!" => YamlTag::Local(t.suffix.clone()),
        Some(t) if t.handle == "!!" && t.suffix == "str" => YamlTag::Str,
        Some(t) if t.handle == "tag:yaml.org,2002:" && t.suffix == "str" => YamlTag::Str,
        Some(_) => YamlTag::Other,
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
