//! `--format text`: each finding with a code frame (annotate-snippets) and its fix; colour only
//! when writing to a terminal (and never with NO_COLOR, which anstream honours).
//!
//! Code frames show source lines, which may hold credentials: the file is masked as a whole
//! (so a secret key recognised by its surroundings is masked) and each shown line again on its
//! own (stackwarden_secret::mask_line), so no frame prints a key in full.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group as Frame, Level, Renderer, Snippet};
use stackwarden_core::{Excerpt, Excerpts, Finding, Severity};

use super::{error_line, End, Sink};
use crate::grouping::{Group, Stream};

/// `quiet`: the findings and errors only, no summary line.
pub(super) struct Text<'w> {
    out: Box<dyn Write + 'w>,
    renderer: Renderer,
    quiet: bool,
    groups: Stream,
    /// Problems shown (a group counts once).
    shown: usize,
}

impl<'w> Text<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>, colour: bool, quiet: bool) -> Self {
        Self {
            out,
            renderer: if colour {
                Renderer::styled()
            } else {
                Renderer::plain()
            },
            quiet,
            groups: Stream::default(),
            shown: 0,
        }
    }

    fn write_group(&mut self, group: &Group) -> io::Result<()> {
        self.shown += 1;
        let frame = frame(&self.renderer, group, &self.groups.help(group));
        writeln!(self.out, "{frame}\n")
    }
}

impl Sink for Text<'_> {
    fn findings(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        app_entries: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()> {
        for group in self.groups.chunk(findings, excerpts, app_entries, true) {
            self.write_group(&group)?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        for group in self.groups.rest() {
            self.write_group(&group)?;
        }
        for error in end.errors {
            writeln!(self.out, "{}", error_line(error))?;
        }
        if !self.quiet {
            write!(self.out, "{}", summary(end, self.shown))?;
        }
        self.out.flush()
    }
}

fn frame(renderer: &Renderer, group: &Group, help: &str) -> String {
    let finding = &group.shown;
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warn => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let path = finding.path.display().to_string();
    let title = level
        .primary_title(finding.message.as_str())
        .id(finding.rule.id);
    let shown = group.excerpt.as_ref().map(|e| Shown::new(e, finding));
    let mut main = match &shown {
        Some(shown) => title.element(
            Snippet::source(shown.text.as_str())
                .line_start(finding.line as usize)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(shown.underline.clone())),
        ),
        None => title
            .element(Level::NOTE.message(format!("at {path}:{}:{}", finding.line, finding.column))),
    };
    if let Some(source) = &finding.source {
        main = main.element(Level::NOTE.message(format!(
            "created at {}:{}:{}{}",
            source.path.display(),
            source.line,
            source.column,
            finding.stack.as_ref().map(|s| format!(" (stack {s})")).unwrap_or_default()
        )));
    } else if let Some(stack) = &finding.stack {
        main = main.element(Level::NOTE.message(format!("stack {stack}")));
    }
    if let Some(occurrences) = group.occurrences() {
        main = main.element(Level::NOTE.message(occurrences));
    }
    main = main.element(Level::HELP.message(help));
    if let Some(suggestion) = &finding.suggestion {
        main = main.element(Level::HELP.message(format!("suggestion: {suggestion}")));
    }
    let report: Vec<Frame<'_>> = vec![main];
    renderer.render(&report).to_string()
}

/// The text of a frame and the part to underline: the finding's own extent when its rule's
/// model knows it, else the key or value that starts at its column. A window of a long line is
/// marked with `…` where the line goes on.
struct Shown {
    text: String,
    underline: std::ops::Range<usize>,
}

impl Shown {
    fn new(excerpt: &Excerpt, finding: &Finding) -> Self {
        let lead = if excerpt.first_column > 1 { "…" } else { "" };
        let text = format!(
            "{lead}{}{}",
            excerpt.text,
            if excerpt.truncated { "…" } else { "" }
        );
        let body = lead.len()..lead.len() + excerpt.text.len();
        let start = lead.len() + excerpt.byte_of_column(finding.column);
        let end = match (finding.end_line, finding.end_column) {
            (Some(line), Some(column)) if line == finding.line => {
                lead.len() + excerpt.byte_of_column(column)
            }
            // Past the line's end: underline the rest of it.
            (Some(line), Some(_)) if line > finding.line => body.end,
            _ => lead.len() + token_end(&excerpt.text, start - lead.len()),
        };
        let start = start.min(body.end);
        let end = end.clamp(start, body.end);
        // An empty underline at the end of a line still marks one column.
        let end = if end == start {
            (start + 1).min(text.len())
        } else {
            end
        };
        let start = if start == end {
            start.saturating_sub(1)
        } else {
            start
        };
        Self {
            text,
            underline: start..end,
        }
    }
}

/// Underline the key or value that starts at `start` when the rule's model does not say where it
/// ends: up to the closing quote of a quoted one, else the next space, `:` or `,`.
fn token_end(line: &str, start: usize) -> usize {
    let rest = &line[start.min(line.len())..];
    let length = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.find('"').map_or(rest.len(), |i| i + 2)
    } else {
        rest.find([' ', ':', ',']).unwrap_or(rest.len())
    };
    (start + length).min(line.len())
}

fn summary(end: &End<'_>, shown: usize) -> String {
    let counts = end.counts;
    let errors = counts.errors;
    let warnings = counts.warnings;
    let infos = match counts.infos {
        0 => String::new(),
        1 => " (and 1 info finding)".to_string(),
        n => format!(" (and {n} info findings)"),
    };
    let files = format!(
        "{} file{}",
        end.files,
        if end.files == 1 { "" } else { "s" }
    );
    let unreadable = match end.errors.len() {
        0 => String::new(),
        n => format!(
            "; {n} input{} could not be read",
            if n == 1 { "" } else { "s" }
        ),
    };
    // Skipped files are named in `--format json` (`skipped`, with the reason).
    let unreadable = match end.skipped.len() {
        0 => unreadable,
        n => format!(
            "{unreadable} ({n} file{} skipped: excluded, minified or generated)",
            if n == 1 { "" } else { "s" }
        ),
    };
    let baselined = match counts.baselined {
        0 => String::new(),
        n => format!(
            "; {n} finding{} accepted by the baseline",
            if n == 1 { "" } else { "s" }
        ),
    };
    // Said only when grouping showed fewer problems than findings.
    let causes = match counts.findings() {
        total if shown < total && shown > 0 => format!(
            ", from {shown} distinct cause{}",
            if shown == 1 { "" } else { "s" }
        ),
        _ => String::new(),
    };
    if errors + warnings == 0 && infos.is_empty() {
        format!("No findings in {files}{unreadable}{baselined}.\n")
    } else {
        format!(
            "Found {errors} error{} and {warnings} warning{}{infos} in {files}{causes}{unreadable}{baselined}.\n",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::Outcome;
    use super::*;

    const ID: &str = "AKIAUJZDEGXDNCF32EPF";
    const SECRET: &str = "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";

    fn finding(path: &std::path::Path, line: u32, column: u32, severity: Severity) -> Finding {
        Finding {
            rule: stackwarden_agent::registry::find("secret/aws-access-key").expect("rule"),
            severity,
            message: "an AWS secret access key (Sc7T…(40 chars)) is committed in this file".into(),
            path: path.to_path_buf(),
            line,
            column,
            resource: None,
            stack: None,
            source: None,
            help: "delete it".into(),
            suggestion: None,
            end_line: None,
            end_column: None,
            cause: None,
        }
    }

    #[test]
    fn code_frames_never_show_a_key_in_full() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("creds.ini");
        // The secret on line 4 is only a secret because of the id two lines above: the frame of
        // line 4 alone would not know, the whole-file mask does.
        std::fs::write(
            &path,
            format!("[default]\nkey = {ID}\nregion = eu-west-2\nvalue = {SECRET}\n"),
        )
        .expect("write");
        let mut report = stackwarden_core::Report {
            findings: vec![
                finding(&path, 2, 7, Severity::Error),
                finding(&path, 4, 9, Severity::Error),
                // A finding of another rule on a line that holds a key masks it too.
                finding(&path, 4, 1, Severity::Info),
            ],
            ..Default::default()
        };
        stackwarden_agent::engine::attach_excerpts(&mut report, &path, None);
        let outcome = Outcome {
            findings: report.findings,
            files: 1,
            excerpts: report.excerpts,
            ..Default::default()
        };
        let text = super::super::render(super::super::Format::Text, &outcome, false, false)
            .expect("render");
        assert!(!text.contains(ID) && !text.contains(SECRET), "{text}");
        assert!(text.contains("key = AKIA…(20 chars)"), "{text}");
        assert!(text.contains("value = Sc7T…(40 chars)"), "{text}");
        assert!(text.contains("info[secret/aws-access-key]"), "{text}");
        assert!(
            text.ends_with("Found 2 errors and 0 warnings (and 1 info finding) in 1 file.\n"),
            "{text}"
        );
    }
}
