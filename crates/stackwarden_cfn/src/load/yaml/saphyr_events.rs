//! saphyr-parser's events as [`YamlEvent`]s (the strict YAML 1.2 reading, tried first).

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use stackwarden_core::Span;

use super::{YamlEvent, YamlTag};
use crate::load::LoadError;

pub(super) fn events(
    text: &str,
) -> impl Iterator<Item = Result<(YamlEvent, Span), LoadError>> + '_ {
    let mut parser = Parser::new_from_str(text);
    std::iter::from_fn(move || loop {
        let (event, span) = match parser.next_event()? {
            Ok(pair) => pair,
            Err(e) => {
                return Some(Err(LoadError {
                    span: Span::new(to_u32(e.marker().line()), to_u32(e.marker().col() + 1)),
                    message: e.info().to_string(),
                }))
            }
        };
        let start = Span::new(to_u32(span.start.line()), to_u32(span.start.col() + 1));
        // A scalar's or alias's extent is its token; a collection is known by where it opens.
        let at = match &event {
            Event::Scalar(..) | Event::Alias(_) => start.to(Span::new(
                to_u32(span.end.line()),
                to_u32(span.end.col() + 1),
            )),
            _ => start,
        };
        let anchor = |id: usize| (id != 0).then(|| id.to_string());
        let event = match event {
            Event::DocumentStart(_) => YamlEvent::DocumentStart,
            Event::Scalar(text, style, id, tag) => YamlEvent::Scalar {
                text: text.into_owned(),
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
