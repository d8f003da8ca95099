//! `--format github`: GitHub Actions workflow commands, one annotation per finding (every
//! occurrence: an annotation belongs to the line it marks in the pull request).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use stackwarden_core::{Excerpts, Finding, Severity};

use super::{End, Sink};

pub(super) struct Github<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> Github<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self { out }
    }
}

impl Sink for Github<'_> {
    fn findings(
        &mut self,
        findings: &[Finding],
        _: &Excerpts,
        _: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()> {
        for f in findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warn => "warning",
                Severity::Info => "notice",
            };
            let end = match (f.end_line, f.end_column) {
                (Some(line), Some(column)) => format!(",endLine={line},endColumn={column}"),
                _ => String::new(),
            };
            writeln!(
                self.out,
                "::{level} file={},line={},col={}{end},title={}::{}",
                property(&f.path.display().to_string()),
                f.line,
                f.column,
                property(f.rule.id),
                data(&format!("{} — {}", f.message, f.help))
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        for e in end.errors {
            let line = e.line.map(|l| format!(",line={l}")).unwrap_or_default();
            writeln!(
                self.out,
                "::error file={}{line},title=stackwarden::{}",
                property(&e.path.display().to_string()),
                data(&e.message)
            )?;
        }
        self.out.flush()
    }
}

fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
