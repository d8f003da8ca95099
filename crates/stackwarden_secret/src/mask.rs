//! Masking: how a secret is shown anywhere stackwarden prints (messages, code frames): its first
//! four characters and its length, never more.

use std::borrow::Cow;

use crate::scan::{scan, scan_with, SecretMatch};

/// `AKIA…(20 chars)`: the first four characters (enough to tell an `AKIA` key from an `ASIA` one,
/// or to find the line again) and the length. Values of eight characters or fewer show none.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let shown: String = if count > 8 {
        secret.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{shown}…({count} chars)")
}

/// `text` with every credential [`scan`] finds masked (context-aware: a secret key is recognised
/// by the key name or access key id around it, which may be on other lines).
pub fn mask_text(text: &str) -> Cow<'_, str> {
    replace(text, &scan(text))
}

/// One line with every credential in it masked, for showing a line out of its file (a code
/// frame). Without the lines around it, any token shaped like a secret access key is masked too:
/// masking a random-looking identifier in a code frame costs little, printing a key costs a lot.
pub fn mask_line(line: &str) -> Cow<'_, str> {
    replace(line, &scan_with(line, true))
}

fn replace<'t>(text: &'t str, matches: &[SecretMatch]) -> Cow<'t, str> {
    if matches.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in matches {
        out.push_str(&text[at..m.range.start]);
        out.push_str(&mask(&text[m.range.clone()]));
        at = m.range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIA2E0A8F3B244C9986";
    const SECRET: &str = "k7Rb2Qx9Lm4Vt8Zp1Nw6Hy3Jc5Df0Gs2Ka7Ue9Xo";

    #[test]
    fn masks_show_four_characters_and_the_length() {
        assert_eq!(mask(ID), "AKIA…(20 chars)");
        assert_eq!(mask(SECRET), "k7Rb…(40 chars)");
        assert_eq!(mask("short"), "…(5 chars)");
    }

    #[test]
    fn text_and_lines_are_masked() {
        let text = format!("key = {ID}\nnot near: 1\nvalue = {SECRET}\n");
        assert_eq!(
            mask_text(&text),
            "key = AKIA…(20 chars)\nnot near: 1\nvalue = k7Rb…(40 chars)\n"
        );
        // On its own, the line of the secret has no context; mask_line masks it anyway.
        let line = format!("value = {SECRET}");
        assert_eq!(mask_text(&line), line);
        assert_eq!(mask_line(&line), "value = k7Rb…(40 chars)");
        assert!(matches!(mask_line("nothing here"), Cow::Borrowed(_)));
        // A git SHA is not masked.
        let sha = "commit 9fceb02d0ae598e95dc970b74767f19372d61af8";
        assert_eq!(mask_line(sha), sha);
    }
}
