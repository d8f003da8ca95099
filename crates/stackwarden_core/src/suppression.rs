//! The grammar of a suppression comment, `stackwarden-ignore RULE[, RULE...]: reason`, shared by
//! every crate that reads comments: the code rules (from the parser's comment list) and the key
//! scanner (from any line of any text file). Where a comment starts is each reader's business;
//! this is only what it says.

/// The word that starts a suppression.
pub const MARKER: &str = "stackwarden-ignore";

/// `stackwarden-ignore code/x, code/y: reason` → (rules, reason).
pub fn parse(comment: &str) -> Option<(Vec<String>, Option<String>)> {
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
