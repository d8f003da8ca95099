//! Deciding from the start of a file alone whether it can be a template: for files over
//! [`MAX_FILE_BYTES`], which are not loaded. A 47 MB JSON test fixture or data dump is then
//! skipped with the reason, instead of failing the run as a template too large to read.
//!
//! A template's top level is a mapping whose keys all come from a closed set (CloudFormation
//! rejects any other), so the first top-level key outside that set, or a top level that is a list
//! or a scalar, proves the file is not one. Only the first [`HEAD_BYTES`] are read; when they show
//! nothing but template sections, the file may be a template and keeps its size error.

use std::io::Read;
use std::path::Path;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use super::yaml::head_top_level;
use super::{sniff_format, Format, MAX_FILE_BYTES};

/// How much of an oversized file is read to decide.
const HEAD_BYTES: usize = 64 * 1024;

/// The top-level keys CloudFormation and SAM accept.
const TEMPLATE_SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Globals",
    "Hooks",
];

pub(super) fn is_section(key: &str) -> bool {
    TEMPLATE_SECTIONS.contains(&key)
}

/// What the start of a document shows about its top level.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TopLevel {
    /// A list or a single value.
    NotAMapping,
    /// A mapping with this key, which no template has.
    Key(String),
    /// Only template sections so far (or nothing readable).
    Undecided,
}

/// Why the file at `path` is not read as a template: over the size cap, and its start shows it
/// is not one. `None` for every file at or under the cap, and for one that may be a template.
pub fn oversized_non_template(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    if size <= MAX_FILE_BYTES as u64 {
        return None;
    }
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    // The cut may split a character; a file that is not UTF-8 before that keeps its read error.
    let text = match std::str::from_utf8(&head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let format = sniff_format(text);
    let why = match top_level(text, format) {
        TopLevel::NotAMapping => "its top level is not a mapping".to_string(),
        TopLevel::Key(key) => format!("its top-level key `{key}` is not a template section"),
        TopLevel::Undecided => return None,
    };
    Some(format!(
        "{:.1} MB of {}, over the {} MB template cap, and not a template: {why}",
        size as f64 / 1_048_576.0,
        match format {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        },
        MAX_FILE_BYTES / 1_048_576
    ))
}

pub(crate) fn top_level(head: &str, format: Format) -> TopLevel {
    match format {
        Format::Json => json_top_level(head),
        Format::Yaml => head_top_level(head),
    }
}

/// The first top-level key of a JSON head that is not a template section, scanning tokens (the
/// head may end anywhere: a scan error there just ends the look).
fn json_top_level(head: &str) -> TopLevel {
    let mut scanner = Scanner::new(
        head.trim_start_matches('\u{feff}'),
        &ScannerOptions::default(),
    );
    match scanner.scan() {
        Ok(Some(Token::OpenBrace)) => {}
        Ok(Some(_)) => return TopLevel::NotAMapping,
        _ => return TopLevel::Undecided,
    }
    // Depth below the root object; at 0 a string followed by `:` is a top-level key.
    let mut depth = 0usize;
    let mut expect_key = true;
    while let Ok(Some(token)) = scanner.scan() {
        match token {
            Token::OpenBrace | Token::OpenBracket => {
                depth += 1;
            }
            Token::CloseBrace | Token::CloseBracket => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Token::Comma if depth == 0 => expect_key = true,
            Token::String(key) if depth == 0 && expect_key => {
                if !is_section(&key) {
                    return TopLevel::Key(key.into_owned());
                }
                expect_key = false;
            }
            _ => {}
        }
    }
    TopLevel::Undecided
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_heads() {
        let top = |text: &str| top_level(text, Format::Json);
        assert_eq!(top("[{\"Resources\": 1}"), TopLevel::NotAMapping);
        assert_eq!(
            top("{\"Resources\": {\"A\": {\"fixtures\": 1}}, \"fixtures\": [1, 2"),
            TopLevel::Key("fixtures".into())
        );
        assert_eq!(
            top("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"A\": {\"Type\""),
            TopLevel::Undecided
        );
        // Cut inside a string: nothing proven.
        assert_eq!(top("{\"Resources\": {\"A\": \"abc"), TopLevel::Undecided);
    }

    #[test]
    fn yaml_heads() {
        let top = |text: &str| top_level(text, Format::Yaml);
        assert_eq!(top("- a\n- b\n"), TopLevel::NotAMapping);
        assert_eq!(
            top("Resources:\n  A:\n    records: 1\nrecords:\n  - id: 1\n  - id"),
            TopLevel::Key("records".into())
        );
        assert_eq!(
            top("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: \"AWS::S3"),
            TopLevel::Undecided
        );
    }
}
