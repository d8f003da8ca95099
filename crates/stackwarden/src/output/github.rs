//! `--format github`: GitHub Actions workflow commands, one annotation per finding.

use stackwarden_core::Severity;

use super::Outcome;

pub(super) fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            property(&f.path.display().to_string()),
            f.line,
            f.column,
            property(f.rule),
            data(&format!("{} — {}", f.message, f.help))
        ));
    }
    for e in &outcome.errors {
        let line = e.line.map(|l| format!(",line={l}")).unwrap_or_default();
        out.push_str(&format!(
            "::error file={}{line},title=stackwarden::{}\n",
            property(&e.path.display().to_string()),
            data(&e.message)
        ));
    }
    out
}

fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
