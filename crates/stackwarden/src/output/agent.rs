//! `--format agent` (the default under Claude Code): one line per finding with its fix, nothing
//! decorative, so an agent can act on each line.

use super::{position, Outcome};

pub(super) fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for f in &outcome.findings {
        let at = f
            .source
            .as_ref()
            .map(|s| format!(" (created at {}:{}:{})", s.path.display(), s.line, s.column))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}:{}:{}: {} {}: {}{at} — fix: {}\n",
            f.path.display(),
            f.line,
            f.column,
            f.severity.as_str(),
            f.rule,
            f.message,
            f.help
        ));
    }
    for e in &outcome.errors {
        out.push_str(&format!(
            "{}{}: error: {}\n",
            e.path.display(),
            position(e.line, e.column),
            e.message
        ));
    }
    out
}
