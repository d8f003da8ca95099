//! `// stackwarden-ignore RULE: reason` comments. A suppression covers findings on its own line
//! (a trailing comment) and on the line below it. The reason is mandatory: without one the
//! suppression does not apply and is itself reported.
//!
//! Comments come from the parser's comment list; only their content is read here.

use crate::context::SourceContext;

const MARKER: &str = "stackwarden-ignore";

#[derive(Debug)]
pub(crate) struct Suppression {
    /// Rule ids, comma-separated in the comment.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Byte offset of the comment, for the finding about the suppression itself.
    pub offset: u32,
    pub line: u32,
    pub used: bool,
}

impl Suppression {
    pub(crate) fn covers(&self, line: u32) -> bool {
        line == self.line || line == self.line + 1
    }
}

pub(crate) fn collect(ctx: &SourceContext<'_, '_>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for comment in ctx.semantic.comments() {
        let content = comment.content_span();
        let Some(text) = ctx.text.get(content.start as usize..content.end as usize) else {
            continue;
        };
        if let Some(parsed) = parse(text) {
            let line = ctx.line_of(comment.span.start);
            found.push(Suppression {
                rules: parsed.0,
                reason: parsed.1,
                offset: comment.span.start,
                line,
                used: false,
            });
        }
    }
    found
}

/// `stackwarden-ignore code/x, code/y: reason` → (rules, reason).
pub(crate) fn parse(comment: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = comment
        .trim()
        .trim_start_matches('*')
        .trim_start()
        .strip_prefix(MARKER)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) && !rest.starts_with(':') {
        return None;
    }
    // Rule ids contain `/` and `-` but never `:`, so the first colon starts the reason.
    let (rules, reason) = match rest.split_once(':') {
        Some((rules, reason)) => (
            rules,
            Some(reason.trim())
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        ),
        None => (rest, None),
    };
    let rules = rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Some((rules, reason))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_rules_and_reason() {
        assert_eq!(
            parse(" stackwarden-ignore code/sdk-v2: legacy lambda"),
            Some((vec!["code/sdk-v2".into()], Some("legacy lambda".into())))
        );
        assert_eq!(
            parse("stackwarden-ignore code/a, code/b"),
            Some((vec!["code/a".into(), "code/b".into()], None))
        );
        assert_eq!(
            parse("stackwarden-ignore code/a:   "),
            Some((vec!["code/a".into()], None))
        );
        assert_eq!(parse("stackwarden-ignored"), None);
        assert_eq!(parse("just a comment"), None);
    }
}
