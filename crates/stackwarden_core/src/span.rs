//! Where things are in a file. The document model and the parsers speak in byte ranges
//! ([`Span`]); a person reads lines and columns ([`Location`]), which are computed once, at the
//! edge where a finding or an error is made, from the file's [`LineIndex`].

/// A range of bytes in a file's text, `start..end`: what a value, key or list item covers. A
/// mapping or list is known by where it opens only (`end == start`), as is anything the parser
/// gave no end for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// A position with no extent.
    pub const fn at(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// A span from byte offsets as parsers give them (`usize`), saturating at `u32::MAX`.
    pub fn from_offsets(start: usize, end: usize) -> Self {
        Self::new(to_u32(start), to_u32(end))
    }

    /// The span from this one's start to `end`'s start.
    pub const fn to(self, end: Span) -> Self {
        Self {
            start: self.start,
            end: end.start,
        }
    }
}

/// Where a span is as an editor shows it: 1-based line and column (columns counted in
/// characters), and where its token ends when that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The line of the token's end (equal to `line` with `end_column == column` when unknown).
    pub end_line: u32,
    /// The column one past the token's last character.
    pub end_column: u32,
}

impl Location {
    /// A start position whose end is not known.
    pub const fn new(line: u32, column: u32) -> Self {
        Self {
            line,
            column,
            end_line: line,
            end_column: column,
        }
    }

    /// The location from this one's start to `end`'s start.
    pub const fn to(self, end: Location) -> Self {
        Self {
            end_line: end.line,
            end_column: end.column,
            ..self
        }
    }

    /// The end, when the parser gave one.
    pub fn end(&self) -> Option<(u32, u32)> {
        ((self.end_line, self.end_column) != (self.line, self.column))
            .then_some((self.end_line, self.end_column))
    }

    /// Where it starts, for comparing positions whatever their extent.
    pub fn start(&self) -> (u32, u32) {
        (self.line, self.column)
    }
}

/// How far apart, in bytes, the index keeps a character count on a line that is not plain ASCII.
const CHECKPOINT: usize = 1024;

/// Maps byte offsets to line and column and back; built once per file.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`, as the YAML and JSON parsers and editors count
/// lines. A column counts characters: on a plain ASCII line that is the byte count, and on any
/// other line the index keeps the count every [`CHECKPOINT`] bytes, so that a conversion counts
/// at most that many bytes, whatever the line's length. Counting from the line's start instead
/// was quadratic on a minified template (one 1 MB line): 45 s for one that takes 0.06 s
/// pretty-printed, and, with one `é` in it, as slow again for the YAML readers' positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Whether each line is plain ASCII.
    ascii: Vec<bool>,
    /// `(byte offset, 0-based column there)` on the long lines that are not plain ASCII, in
    /// byte order; every offset is a character boundary.
    checkpoints: Vec<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        let mut ascii = Vec::with_capacity(text.len() / 32 + 1);
        let mut checkpoints = Vec::new();
        line_starts.push(0);
        let (mut line_start, mut line_ascii, mut column) = (0, true, 0);
        let mut next_checkpoint = CHECKPOINT;
        let mut line_checkpoints = 0;
        let mut end_line = |ascii: &mut Vec<bool>, checkpoints: &mut Vec<_>, line_ascii: bool| {
            ascii.push(line_ascii);
            if line_ascii {
                // Byte counts are columns there.
                checkpoints.truncate(line_checkpoints);
            }
            line_checkpoints = checkpoints.len();
        };
        for (i, &byte) in bytes.iter().enumerate() {
            let line_break = byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if line_break {
                end_line(&mut ascii, &mut checkpoints, line_ascii);
                line_starts.push(i + 1);
                (line_start, line_ascii, column) = (i + 1, true, 0);
                next_checkpoint = CHECKPOINT;
                continue;
            }
            // The first byte of a character (UTF-8 continuation bytes are 0b10xxxxxx).
            if byte & 0xC0 != 0x80 {
                if i - line_start >= next_checkpoint {
                    checkpoints.push((i, column));
                    next_checkpoint = i - line_start + CHECKPOINT;
                }
                column += 1;
            }
            line_ascii &= byte.is_ascii();
        }
        end_line(&mut ascii, &mut checkpoints, line_ascii);
        Self {
            line_starts,
            ascii,
            checkpoints,
        }
    }

    /// The line and column of a byte offset; offsets past the end clamp to the last position.
    pub fn position(&self, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        // Count characters, not bytes, so columns match what an editor shows.
        let column = if self.ascii.get(line).copied().unwrap_or(false) {
            offset - start
        } else {
            let (base, column) = self
                .checkpoints
                .partition_point(|&(at, _)| at <= offset)
                .checked_sub(1)
                .map(|k| self.checkpoints[k])
                .filter(|&(at, _)| at >= start)
                .unwrap_or((start, 0));
            column
                + text
                    .get(base..offset)
                    .map_or(offset - base, |between| between.chars().count())
        };
        Location::new(to_u32(line + 1), to_u32(column + 1))
    }

    /// Where `span` starts and ends, as lines and columns.
    pub fn location(&self, text: &str, span: Span) -> Location {
        let start = self.position(text, span.start as usize);
        if span.end <= span.start {
            return start;
        }
        start.to(self.position(text, span.end as usize))
    }

    /// The byte offset of a 1-based line and character column, as the YAML parsers report
    /// positions (a line past the end gives the text's end; a column past its line's end, the
    /// line's end).
    pub fn offset(&self, text: &str, line: u32, column: u32) -> usize {
        let Some(start) = (line as usize)
            .checked_sub(1)
            .and_then(|i| self.line_starts.get(i))
            .copied()
        else {
            return text.len();
        };
        let line_text = self.line_text(text, line).unwrap_or_default();
        start + self.column_offset(line_text, line, column)
    }

    /// The byte offset in its line of a 1-based character column (the line's length when the
    /// column is past its end); `line_text` is that line as [`LineIndex::line_text`] gives it.
    pub fn column_offset(&self, line_text: &str, line: u32, column: u32) -> usize {
        let skip = column.saturating_sub(1) as usize;
        let index = (line as usize).saturating_sub(1);
        if self.ascii.get(index).copied().unwrap_or(false) {
            return skip.min(line_text.len());
        }
        // From the last checkpoint of the line at or before the column.
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let end = start + line_text.len();
        let first = self.checkpoints.partition_point(|&(at, _)| at < start);
        let last = self.checkpoints.partition_point(|&(at, _)| at < end);
        let on_line = &self.checkpoints[first..last.max(first)];
        let (base, counted) = on_line
            .partition_point(|&(_, counted)| counted <= skip)
            .checked_sub(1)
            .map_or((0, 0), |k| (on_line[k].0 - start, on_line[k].1));
        let Some(rest) = line_text.get(base..) else {
            // Not the line this index was built from: count from its start.
            return line_text
                .char_indices()
                .nth(skip)
                .map_or(line_text.len(), |(i, _)| i);
        };
        base + rest
            .char_indices()
            .nth(skip - counted)
            .map_or(rest.len(), |(i, _)| i)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(text.len());
        text.get(start..end)
            .map(|l| l.strip_suffix('\n').unwrap_or(l))
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_character_columns() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Location::new(1, 1));
        assert_eq!(index.position(text, 3), Location::new(2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(index.position(text, 5), Location::new(2, 2));
        assert_eq!(index.position(text, 8), Location::new(4, 1));
        // Lines are ASCII or not each on their own: a minified template is one long line.
        let minified = "{\"a\":\"é\"}\n{\"b\":1}";
        let lines = LineIndex::new(minified);
        assert_eq!(
            lines.position(minified, 9),
            Location::new(1, 9),
            "after the two-byte é"
        );
        assert_eq!(lines.position(minified, 16), Location::new(2, 6));
        assert_eq!(index.position(text, 999), Location::new(4, 2));
        assert_eq!(index.line_text(text, 2), Some("çd"));
        assert_eq!(index.line_text(text, 9), None);
    }

    /// Columns and offsets on a long line that is not plain ASCII, where the index counts from
    /// its checkpoints, agree with counting every character from the line's start.
    #[test]
    fn long_lines_that_are_not_ascii_count_from_checkpoints() {
        let line: String = (0..3000)
            .map(|i| match i % 7 {
                0 => "é",
                3 => "日本",
                _ => "ab",
            })
            .collect();
        let text = format!("first\n{line}\nlast é");
        let index = LineIndex::new(&text);
        let start = text.find('\n').expect("line 1") + 1;
        assert!(!index.checkpoints.is_empty(), "a long line has checkpoints");
        for (column, (byte, _)) in line.char_indices().enumerate().step_by(97) {
            let column = u32::try_from(column + 1).expect("small");
            assert_eq!(
                index.position(&text, start + byte),
                Location::new(2, column),
                "byte {byte}"
            );
            assert_eq!(
                index.offset(&text, 2, column),
                start + byte,
                "column {column}"
            );
            assert_eq!(index.column_offset(&line, 2, column), byte);
        }
        // Past the line's end, and on the short line after it.
        assert_eq!(index.offset(&text, 2, 999_999), start + line.len());
        assert_eq!(index.position(&text, text.len()), Location::new(3, 7));
        // A plain ASCII line, however long, needs none.
        let ascii = "x".repeat(5000);
        assert!(LineIndex::new(&ascii).checkpoints.is_empty());
    }

    /// A lone `\r` ends a line, as the YAML and JSON parsers (and editors) count lines; `\r\n`
    /// is one line end.
    #[test]
    fn every_line_ending_ends_a_line() {
        let text = "a\rbc\r\nd\ne";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 2), Location::new(2, 1));
        assert_eq!(index.position(text, 6), Location::new(3, 1));
        assert_eq!(index.position(text, 8), Location::new(4, 1));
        assert_eq!(index.line_text(text, 1), Some("a"));
        assert_eq!(index.line_text(text, 2), Some("bc"));
        assert_eq!(index.offset(text, 2, 2), 3);
    }

    #[test]
    fn spans_resolve_to_locations_and_back() {
        let text = "ab\nçd: x\n";
        let index = LineIndex::new(text);
        // `d` is byte 5 on line 2, column 2; `x` is byte 8, column 5.
        assert_eq!(index.offset(text, 2, 2), 5);
        assert_eq!(index.offset(text, 2, 5), 8);
        assert_eq!(
            index.location(text, Span::new(8, 9)),
            Location::new(2, 5).to(Location::new(2, 6))
        );
        // A collection's span has no end.
        assert_eq!(index.location(text, Span::at(3)), Location::new(2, 1));
        // Past the end of a line, or of the text.
        assert_eq!(index.offset(text, 1, 40), 2);
        assert_eq!(index.offset(text, 9, 1), text.len());
    }
}
