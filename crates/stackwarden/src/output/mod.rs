//! Rendering a check's outcome. Each format is a module with one `render` function from the
//! outcome to text; nothing here decides what is a finding.

mod agent;
mod github;
mod json;
mod sarif;
pub(crate) mod statistics;
mod text;

use stackwarden_core::{Finding, InputError, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Agent,
}

/// What a check found, sorted and with paths as the user gave them.
pub(crate) struct Outcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) errors: Vec<InputError>,
    /// Files checked.
    pub(crate) files: usize,
    /// Files not checked, and why (`[files] exclude`, a minified bundle).
    pub(crate) skipped: Vec<(std::path::PathBuf, String)>,
}

impl Outcome {
    pub(crate) fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// `colour` only applies to text on a terminal; `NO_COLOR` is honoured by anstream.
pub(crate) fn render(
    format: Format,
    outcome: &Outcome,
    colour: bool,
    quiet: bool,
) -> anyhow::Result<String> {
    Ok(match format {
        Format::Text => text::render(outcome, colour, quiet),
        Format::Json => json::render(outcome)?,
        Format::Sarif => sarif::render(outcome)?,
        Format::Github => github::render(outcome),
        Format::Agent => agent::render(outcome),
    })
}

/// `line:col` when known.
pub(crate) fn position(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// Writes a rendered report to `--output FILE`, or to standard output.
pub(crate) fn emit(rendered: &str, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    match output {
        Some(path) => {
            std::fs::write(path, rendered).with_context(|| format!("writing {}", path.display()))
        }
        None => Ok(anstream::stdout().lock().write_all(rendered.as_bytes())?),
    }
}
