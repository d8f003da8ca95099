//! Rendering a check's findings. Each format is a [`Sink`]: it receives the findings of one
//! input at a time, in output order, with the source lines they point at, and writes what it
//! can as it goes; `finish` writes the rest (held groups, errors, the summary). So a check of
//! 50,000 files never holds its whole report in memory. Nothing here decides what is a finding.

mod agent;
mod github;
mod json;
mod sarif;
pub(crate) mod statistics;
mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use stackwarden_core::{Excerpts, Finding, InputError, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Agent,
}

/// A whole check's findings at once, for commands whose reports are small (`iam check`,
/// `--statistics`) and for tests.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) errors: Vec<InputError>,
    /// Files checked.
    pub(crate) files: usize,
    /// Files not checked, and why (`[files] exclude`, a minified bundle).
    pub(crate) skipped: Vec<(PathBuf, String)>,
    /// The lines the findings point at.
    pub(crate) excerpts: Excerpts,
    /// The file that creates each CDK app, by cloud assembly folder (`Report::app_entries`).
    pub(crate) app_entries: BTreeMap<PathBuf, PathBuf>,
}

/// How many findings of each severity a check reported, and how many a baseline accepted.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
    pub(crate) baselined: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warn => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    pub(crate) fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// What a report ends with.
pub(crate) struct End<'a> {
    pub(crate) errors: &'a [InputError],
    pub(crate) files: usize,
    pub(crate) skipped: &'a [(PathBuf, String)],
    pub(crate) counts: Counts,
}

/// One output format, fed input by input.
pub(crate) trait Sink {
    /// The findings of one input, sorted, with the lines they point at and the entry file of the
    /// CDK app of a cloud assembly among them.
    fn findings(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        app_entries: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()>;
    /// Writes what was held back, the input errors and the summary.
    fn finish(&mut self, end: &End<'_>) -> io::Result<()>;
}

/// `colour` only applies to text on a terminal; `NO_COLOR` is honoured by anstream.
pub(crate) fn sink<'w>(
    format: Format,
    out: Box<dyn Write + 'w>,
    colour: bool,
    quiet: bool,
) -> Box<dyn Sink + 'w> {
    match format {
        Format::Text => Box::new(text::Text::new(out, colour, quiet)),
        Format::Json => Box::new(json::Json::new(out)),
        Format::Sarif => Box::new(sarif::Sarif::new(out)),
        Format::Github => Box::new(github::Github::new(out)),
        Format::Agent => Box::new(agent::Agent::new(out)),
    }
}

/// Renders a whole outcome to a string.
pub(crate) fn render(
    format: Format,
    outcome: &Outcome,
    colour: bool,
    quiet: bool,
) -> anyhow::Result<String> {
    let mut buffer = Vec::new();
    {
        let mut sink = sink(format, Box::new(&mut buffer), colour, quiet);
        sink.findings(&outcome.findings, &outcome.excerpts, &outcome.app_entries)?;
        let mut counts = Counts::default();
        counts.add(&outcome.findings);
        sink.finish(&End {
            errors: &outcome.errors,
            files: outcome.files,
            skipped: &outcome.skipped,
            counts,
        })?;
    }
    Ok(String::from_utf8(buffer)?)
}

/// An input error as the text and agent outputs write it: `path:line:col: error: message`.
pub(crate) fn error_line(error: &stackwarden_core::InputError) -> String {
    format!(
        "{}{}: error: {}",
        error.path.display(),
        position(error.line, error.column),
        error.message
    )
}

/// `line:col` when known.
pub(crate) fn position(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// Where a report goes: `--output FILE`, or standard output (through anstream, which strips
/// colour when it is not a terminal).
pub(crate) fn writer(output: Option<&std::path::Path>) -> anyhow::Result<Box<dyn Write>> {
    use anyhow::Context;
    Ok(match output {
        Some(path) => Box::new(io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?,
        )),
        None => Box::new(io::BufWriter::new(anstream::stdout())),
    })
}

/// Writes a rendered report to `--output FILE`, or to standard output.
pub(crate) fn emit(rendered: &str, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    let mut out = writer(output)?;
    out.write_all(rendered.as_bytes())?;
    out.flush()?;
    Ok(())
}
