//! `--statistics`: how many findings each rule produced, most first (in the spirit of ruff).

use std::collections::BTreeMap;

use stackwarden_core::Severity;

use super::Outcome;

pub(crate) fn render(outcome: &Outcome) -> String {
    let mut counts: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for finding in &outcome.findings {
        *counts
            .entry((finding.rule.id, finding.severity))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|((rule, _), _)| rule.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for ((rule, severity), count) in rows {
        out.push_str(&format!(
            "{count:6}  {rule:width$}  {}\n",
            severity.as_str()
        ));
    }
    if !outcome.errors.is_empty() {
        out.push_str(&format!(
            "{:6}  {:width$}  (inputs that could not be read)\n",
            outcome.errors.len(),
            "errors"
        ));
    }
    out
}
