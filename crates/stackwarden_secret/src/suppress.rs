//! `stackwarden-ignore secret/aws-access-key: reason` in any comment syntax (`#`, `//`, `--`,
//! `<!-- -->`), on the line of the finding or the line above: the scanner reads any text file, so
//! it cannot ask a parser for comments. What a suppression does once found is stackwarden_core's
//! (`suppression::suppress`): it applies only with a reason. Reporting bad or unused
//! suppressions is left to the domain crates that parse the file (TypeScript, templates), so the
//! same comment is never reported twice.

use std::collections::BTreeSet;

use stackwarden_core::suppression::{parse, Scope, Suppression, MARKER};
use stackwarden_core::Location;

/// The suppressions that could cover a finding on one of `finding_lines` (1-based): those
/// written on that line or the line above. Only those lines are read, since a file with a
/// finding is rare and a file's other lines are none of the scanner's business.
pub(crate) fn collect(
    lines: &[&str],
    finding_lines: impl Iterator<Item = u32>,
) -> Vec<Suppression> {
    let candidates: BTreeSet<u32> = finding_lines
        .flat_map(|line| [line.checked_sub(1), Some(line)])
        .flatten()
        .filter(|&line| line >= 1)
        .collect();
    candidates
        .into_iter()
        .filter_map(|line| {
            let text = lines.get(line as usize - 1)?;
            let at = text.find(MARKER)?;
            let (rules, reason) = parse(&text[at..])?;
            let column = u32::try_from(text[..at].chars().count() + 1).unwrap_or(u32::MAX);
            Some(Suppression::new(
                rules,
                reason.and_then(html_comment_reason),
                Scope::Lines {
                    first: line,
                    last: line + 1,
                },
                Location::new(line, column),
            ))
        })
        .collect()
}

/// The comment starts at the marker, whatever comment syntax precedes it; an HTML comment's
/// closing `-->` is not part of the reason, and a reason that is only that is none.
fn html_comment_reason(reason: String) -> Option<String> {
    let reason = reason.trim_end_matches("-->").trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{AWS_ACCESS_KEY, CREDENTIALS_IN_ENV};
    use stackwarden_core::{Finding, RuleMeta};

    /// Whether a finding of `rule` on `line` survives the suppressions written around it.
    fn is_suppressed(lines: &[&str], line: u32, rule: &'static RuleMeta) -> bool {
        let at = stackwarden_core::Location::new(line, 1);
        let mut findings = vec![Finding::new(
            rule,
            "x".into(),
            at,
            String::new(),
            String::new(),
        )];
        let mut suppressions = collect(lines, std::iter::once(line));
        stackwarden_core::suppression::suppress(&mut findings, &mut suppressions);
        findings.is_empty()
    }

    #[test]
    fn a_reason_is_required_and_the_rule_must_match() {
        let lines = [
            "# stackwarden-ignore secret/aws-access-key: test fixture",
            "KEY=x",
            "# stackwarden-ignore secret/aws-access-key",
            "KEY=y",
            "KEY=z // stackwarden-ignore cfn/naming, secret/aws-access-key: fake key for tests",
            "<!-- stackwarden-ignore secret/aws-access-key: -->",
            "KEY=w",
        ];
        let rule = &AWS_ACCESS_KEY;
        assert!(is_suppressed(&lines, 1, rule));
        assert!(is_suppressed(&lines, 2, rule));
        assert!(!is_suppressed(&lines, 4, rule));
        assert!(is_suppressed(&lines, 5, rule));
        assert!(!is_suppressed(&lines, 7, rule));
        assert!(!is_suppressed(&lines, 2, &CREDENTIALS_IN_ENV));
    }
}
