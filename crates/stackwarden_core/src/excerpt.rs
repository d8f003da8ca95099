//! The source lines a report's findings point at, taken once from the text the rules read and
//! kept beside the findings, so no renderer reopens, re-splits or re-masks a file.
//!
//! A line of a minified template can be a megabyte long: only a window around the finding's
//! column is kept, so a code frame costs the same on a minified file as on a pretty-printed one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::finding::Finding;
use crate::span::LineIndex;

/// Lines longer than this (in characters) are kept as a window around the finding.
pub const MAX_EXCERPT_CHARS: usize = 240;
/// Characters kept before the finding's column in a window.
const WINDOW_BEFORE: usize = 60;

/// The text of one line, or a window of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The (masked) text shown in the frame.
    pub text: String,
    /// The 1-based character column of the line at which `text` starts.
    pub first_column: u32,
    /// Whether the line goes on after `text`.
    pub truncated: bool,
}

impl Excerpt {
    /// The byte offset in `text` of a 1-based column of the whole line.
    pub fn byte_of_column(&self, column: u32) -> usize {
        let skip = column.saturating_sub(self.first_column) as usize;
        self.text
            .char_indices()
            .nth(skip)
            .map_or(self.text.len(), |(i, _)| i)
    }
}

/// Excerpts by (path, line, first column).
#[derive(Debug, Default, Clone)]
pub struct Excerpts {
    lines: HashMap<(PathBuf, u32, u32), Excerpt>,
}

impl Excerpts {
    /// Takes the line of each finding in `findings` that points into `path` from `text`: the
    /// file as the rules read it, with its credentials already masked as a whole (a secret key
    /// is recognised by its surroundings); `mask_line` masks each kept line again on its own.
    pub fn take(
        &mut self,
        path: &Path,
        text: &str,
        findings: &[Finding],
        mask_line: impl Fn(&str) -> String,
    ) {
        let mut index: Option<LineIndex> = None;
        for finding in findings.iter().filter(|f| f.path == path) {
            let index = index.get_or_insert_with(|| LineIndex::new(text));
            let Some(line) = index.line_text(text, finding.line) else {
                continue;
            };
            let first = window_start(line, finding.column);
            let key = (path.to_path_buf(), finding.line, first);
            if self.lines.contains_key(&key) {
                continue;
            }
            let (text, truncated) = if first == 1 && line.len() <= MAX_EXCERPT_CHARS {
                (line.to_string(), false)
            } else {
                // By byte offsets from the line index: counting characters from the start of a
                // one-megabyte line for every finding on it was quadratic.
                let start = index.column_offset(line, finding.line, first);
                let window: String = line[start..].chars().take(MAX_EXCERPT_CHARS).collect();
                let truncated = start + window.len() < line.len();
                (window, truncated)
            };
            self.lines.insert(
                key,
                Excerpt {
                    text: mask_line(&text),
                    first_column: first,
                    truncated,
                },
            );
        }
    }

    /// The excerpt a finding's frame shows, if its line was taken.
    pub fn of(&self, finding: &Finding) -> Option<&Excerpt> {
        // The window start depends only on the column and on whether the line is long, which
        // the excerpt itself records: try the whole line first, then the window.
        let whole = (finding.path.clone(), finding.line, 1);
        if let Some(excerpt) = self.lines.get(&whole) {
            if !excerpt.truncated {
                return Some(excerpt);
            }
        }
        let start = (finding.column as usize)
            .saturating_sub(WINDOW_BEFORE)
            .max(1);
        self.lines.get(&(
            finding.path.clone(),
            finding.line,
            u32::try_from(start).unwrap_or(1),
        ))
    }

    /// The excerpts with their paths rewritten as the findings' paths were (`./a` → `a`).
    pub fn tidied(self, tidy: impl Fn(&Path) -> PathBuf) -> Self {
        Self {
            lines: self
                .lines
                .into_iter()
                .map(|((path, line, first), excerpt)| ((tidy(&path), line, first), excerpt))
                .collect(),
        }
    }

    pub fn extend(&mut self, other: Excerpts) {
        self.lines.extend(other.lines);
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Where the kept part of a line starts: the whole line when it is short.
fn window_start(line: &str, column: u32) -> u32 {
    if line.len() <= MAX_EXCERPT_CHARS {
        return 1;
    }
    let start = (column as usize).saturating_sub(WINDOW_BEFORE).max(1);
    u32::try_from(start).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    static RULE: crate::RuleMeta = crate::RuleMeta {
        id: "cfn/x",
        severity: Severity::Error,
        summary: "",
        docs: "",
    };

    fn at(line: u32, column: u32) -> Finding {
        Finding {
            severity: Severity::Error,
            ..Finding::new(
                &RULE,
                PathBuf::from("t.json"),
                crate::span::Location::new(line, column),
                String::new(),
                String::new(),
            )
        }
    }

    #[test]
    fn short_lines_are_kept_whole_and_long_ones_as_a_window() {
        let long = format!(
            "{}\"Resource\": \"*\"{}",
            "x".repeat(5_000),
            "y".repeat(5_000)
        );
        let text = format!("first\n{long}\n");
        let findings = [at(1, 1), at(2, 5_001)];
        let mut excerpts = Excerpts::default();
        excerpts.take(Path::new("t.json"), &text, &findings, str::to_string);
        let first = excerpts.of(&findings[0]).expect("line 1");
        assert_eq!(
            (first.text.as_str(), first.first_column, first.truncated),
            ("first", 1, false)
        );
        let window = excerpts.of(&findings[1]).expect("line 2");
        assert_eq!(window.first_column, 5_001 - 60);
        assert_eq!(window.text.chars().count(), MAX_EXCERPT_CHARS);
        assert!(window.truncated);
        assert_eq!(
            &window.text[window.byte_of_column(5_001)..][..10],
            "\"Resource\""
        );
        // A finding on another path or past the end takes nothing.
        assert!(excerpts.of(&at(9, 1)).is_none());
    }
}
