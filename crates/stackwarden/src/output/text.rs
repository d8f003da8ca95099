//! `--format text`: each finding with a code frame (annotate-snippets) and its fix; colour only
//! when writing to a terminal (and never with NO_COLOR, which anstream honours).
//!
//! Code frames show source lines, which may hold credentials: the file is masked as a whole
//! (so a secret key recognised by its surroundings is masked) and each shown line again on its
//! own (stackwarden_secret::mask_line), so no frame prints a key in full.

use std::collections::HashMap;
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use stackwarden_core::{Finding, Severity};

use super::{position, Outcome};

/// `quiet`: the findings and errors only, no summary line.
pub(super) fn render(outcome: &Outcome, colour: bool, quiet: bool) -> String {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut out = String::new();
    for finding in &outcome.findings {
        let text = sources.entry(finding.path.clone()).or_insert_with(|| {
            std::fs::read_to_string(&finding.path)
                .ok()
                .map(|text| stackwarden_secret::mask_text(&text).into_owned())
        });
        out.push_str(&frame(&renderer, finding, text.as_deref()));
        out.push_str("\n\n");
    }
    for error in &outcome.errors {
        out.push_str(&format!(
            "{}{}: error: {}\n",
            error.path.display(),
            position(error.line, error.column),
            error.message
        ));
    }
    if !quiet {
        out.push_str(&summary(outcome));
    }
    out
}

fn frame(renderer: &Renderer, finding: &Finding, text: Option<&str>) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warn => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let path = finding.path.display().to_string();
    let title = level
        .primary_title(finding.message.as_str())
        .id(finding.rule);
    let line_text = text
        .and_then(|t| t.lines().nth(finding.line.saturating_sub(1) as usize))
        .map(stackwarden_secret::mask_line);
    let line_text = line_text.as_deref();
    let mut groups = Vec::new();
    let mut main = match line_text {
        Some(line) => {
            let start = byte_of_column(line, finding.column);
            let end = token_end(line, start);
            title.element(
                Snippet::source(line)
                    .line_start(finding.line as usize)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
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
    main = main.element(Level::HELP.message(finding.help.as_str()));
    if let Some(suggestion) = &finding.suggestion {
        main = main.element(Level::HELP.message(format!("suggestion: {suggestion}")));
    }
    groups.push(main);
    let report: Vec<Group<'_>> = groups;
    renderer.render(&report).to_string()
}

/// The byte offset of a 1-based character column.
fn byte_of_column(line: &str, column: u32) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i)
}

/// Underline the key or value that starts at `start`: up to the next space, `:` or `,` (at least
/// one character).
fn token_end(line: &str, start: usize) -> usize {
    let rest = &line[start.min(line.len())..];
    let quoted = rest.starts_with('"');
    let length = if quoted {
        rest[1..].find('"').map_or(rest.len(), |i| i + 2)
    } else {
        rest.find([' ', ':', ',']).unwrap_or(rest.len())
    };
    (start + length.max(1))
        .min(line.len().max(start + 1))
        .min(line.len())
}

fn summary(outcome: &Outcome) -> String {
    let errors = outcome.count(Severity::Error);
    let warnings = outcome.count(Severity::Warn);
    let infos = match outcome.count(Severity::Info) {
        0 => String::new(),
        1 => " (and 1 info finding)".to_string(),
        n => format!(" (and {n} info findings)"),
    };
    let files = format!(
        "{} file{}",
        outcome.files,
        if outcome.files == 1 { "" } else { "s" }
    );
    let unreadable = match outcome.errors.len() {
        0 => String::new(),
        n => format!(
            "; {n} input{} could not be read",
            if n == 1 { "" } else { "s" }
        ),
    };
    // Skipped files are named in `--format json` (`skipped`, with the reason).
    let unreadable = match outcome.skipped.len() {
        0 => unreadable,
        n => format!(
            "{unreadable} ({n} file{} skipped: excluded, minified or generated)",
            if n == 1 { "" } else { "s" }
        ),
    };
    if errors + warnings == 0 && infos.is_empty() {
        format!("No findings in {files}{unreadable}.\n")
    } else {
        format!(
            "Found {errors} error{} and {warnings} warning{}{infos} in {files}{unreadable}.\n",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIAUJZDEGXDNCF32EPF";
    const SECRET: &str = "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";

    fn finding(path: &std::path::Path, line: u32, column: u32, severity: Severity) -> Finding {
        Finding {
            rule: "secret/aws-access-key",
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
        let outcome = Outcome {
            findings: vec![
                finding(&path, 2, 7, Severity::Error),
                finding(&path, 4, 9, Severity::Error),
                // A finding of another rule on a line that holds a key masks it too.
                finding(&path, 4, 1, Severity::Info),
            ],
            errors: vec![],
            files: 1,
            skipped: Vec::new(),
        };
        let text = render(&outcome, false, false);
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
