//! `stackwarden-ignore secret/aws-access-key: reason` in any comment syntax (`#`, `//`, `--`,
//! `<!-- -->`), on the line of the finding or the line above: the scanner reads any text file, so
//! it cannot ask a parser for comments. A suppression applies only with a reason; reporting bad
//! or unused suppressions is left to the domain crates that parse the file (TypeScript, templates),
//! so the same comment is never reported twice.

use stackwarden_core::suppression::{parse, MARKER};

/// Whether a reasoned suppression of `rule` sits on `line` (1-based) or the line above.
pub(crate) fn is_suppressed(lines: &[&str], line: u32, rule: &str) -> bool {
    let index = line as usize;
    [index.checked_sub(1), index.checked_sub(2)]
        .into_iter()
        .flatten()
        .filter_map(|i| lines.get(i))
        .any(|text| suppresses(text, rule))
}

/// The comment starts at the marker, whatever comment syntax precedes it; an HTML comment's
/// closing `-->` is not part of the reason.
fn suppresses(line: &str, rule: &str) -> bool {
    let Some(at) = line.find(MARKER) else {
        return false;
    };
    let Some((rules, Some(reason))) = parse(&line[at..]) else {
        return false;
    };
    !reason.trim_end_matches("-->").trim().is_empty() && rules.iter().any(|r| r == rule)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let rule = "secret/aws-access-key";
        assert!(is_suppressed(&lines, 1, rule));
        assert!(is_suppressed(&lines, 2, rule));
        assert!(!is_suppressed(&lines, 4, rule));
        assert!(is_suppressed(&lines, 5, rule));
        assert!(!is_suppressed(&lines, 7, rule));
        assert!(!is_suppressed(&lines, 2, "secret/credentials-in-env"));
    }
}
