//! Loading YAML and JSON into the spanned [`Node`] model, with bounded work: a size cap, a depth
//! cap and a cap on the values that aliases may expand to, so a hostile file gives an error, not
//! a hang or an out-of-memory.

mod json;
mod sniff;
mod yaml;

pub use sniff::oversized_non_template;

use stackwarden_core::{Node, Span};

/// Files larger than this are refused: CloudFormation itself accepts at most 1 MB (S3-hosted).
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Nesting deeper than this is refused; real templates stay under 30.
pub const MAX_DEPTH: usize = 256;
/// Values a document may hold once aliases are expanded (the "billion laughs" bound).
pub const MAX_VALUES: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Why a file could not be loaded: where, and the parser's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub span: Span,
    pub message: String,
}

/// Something a loaded document got away with that CloudFormation would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub span: Span,
    pub message: String,
}

/// A key written a second time in one mapping. Loading goes on (the later value replaces the
/// earlier one for every lookup, as CloudFormation does on deploy); the rule
/// `cfn/duplicate-key` reports it, so it can be suppressed or configured like any finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub name: String,
    /// The second (or later) occurrence.
    pub span: Span,
    /// The first occurrence.
    pub first: Span,
    /// Where its mapping is, outermost first: keys, and `[index]` for a list item
    /// (`["Resources", "Bucket", "Properties", "Tags", "[0]"]`).
    pub path: Vec<String>,
}

#[derive(Debug)]
pub struct Loaded {
    pub root: Node,
    pub warnings: Vec<LoadWarning>,
    pub duplicates: Vec<DuplicateKey>,
}

/// JSON when the first non-space character opens an object or array; YAML otherwise.
pub fn sniff_format(text: &str) -> Format {
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .as_bytes()
        .first()
    {
        Some(b'{' | b'[') => Format::Json,
        _ => Format::Yaml,
    }
}

pub fn load(text: &str, format: Format) -> Result<Loaded, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError {
            span: Span::at(0),
            message: format!(
                "file is {:.1} MB; stackwarden reads at most {} MB (CloudFormation accepts templates up to 1 MB)",
                text.len() as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        });
    }
    match format {
        Format::Json => json::load(text),
        Format::Yaml => yaml::load(text),
    }
}
