//! Bash patterns (`*`, `?`, `[...]`) as the parameter-expansion operators use them
//! (`${v%.*}`, `${v/x*/y}`, `${v^^[a-m]}`): compiled from characters marked active (unquoted)
//! or literal (quoted), and matched against whole strings.

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Char(char),
    /// `?`
    Any,
    /// `*`
    Star,
    /// `[...]`: ranges and single characters; `true` when negated (`[!...]`, `[^...]`).
    Class(Vec<(char, char)>, bool),
}

/// Compiles `(character, active)` pairs; `None` for what the guard does not evaluate exactly
/// (character classes such as `[[:alpha:]]`, equivalence classes).
pub(crate) fn compile(chars: &[(char, bool)]) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(c, active)) = chars.get(i) {
        i += 1;
        if !active {
            out.push(Token::Char(c));
            continue;
        }
        match c {
            '*' => {
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
            }
            '?' => out.push(Token::Any),
            '[' => match class(&chars[i..])? {
                Some((token, used)) => {
                    out.push(token);
                    i += used;
                }
                None => out.push(Token::Char('[')),
            },
            other => out.push(Token::Char(other)),
        }
    }
    Some(out)
}

/// The bracket expression after a `[`: `Some(None)` when it does not close (a literal `[`),
/// `None` when it uses what the guard does not evaluate.
#[allow(clippy::type_complexity)]
fn class(chars: &[(char, bool)]) -> Option<Option<(Token, usize)>> {
    let mut i = 0;
    let negated = matches!(chars.first(), Some(('!' | '^', true)));
    if negated {
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    while let Some(&(c, _)) = chars.get(i) {
        if c == ']' && !first {
            return Some(Some((Token::Class(items, negated), i + 1)));
        }
        if c == '[' && matches!(chars.get(i + 1), Some((':' | '=' | '.', _))) {
            return None;
        }
        first = false;
        match (chars.get(i + 1), chars.get(i + 2)) {
            (Some(('-', _)), Some(&(end, _))) if end != ']' => {
                items.push((c, end));
                i += 3;
            }
            _ => {
                items.push((c, c));
                i += 1;
            }
        }
    }
    Some(None)
}

fn one(token: &Token, c: char) -> bool {
    match token {
        Token::Char(t) => *t == c,
        Token::Any => true,
        Token::Star => false,
        Token::Class(items, negated) => {
            items.iter().any(|(a, b)| (*a..=*b).contains(&c)) != *negated
        }
    }
}

/// Whether the whole of `text` matches.
pub(crate) fn matches(pattern: &[Token], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    matches_chars(pattern, &t)
}

fn matches_chars(p: &[Token], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != Token::Star && one(&p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == Token::Star {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == Token::Star)
}

/// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`.
pub(crate) fn remove(pattern: &[Token], text: &str, suffix: bool, largest: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let cut: Vec<usize> = if largest == suffix {
        (0..=n).collect()
    } else {
        (0..=n).rev().collect()
    };
    for i in cut {
        let (part, rest) = if suffix {
            (&chars[i..], &chars[..i])
        } else {
            (&chars[..i], &chars[i..])
        };
        if matches_chars(pattern, part) {
            return rest.iter().collect();
        }
    }
    text.to_string()
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Replace {
    First,
    All,
    Prefix,
    Suffix,
}

/// `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`, `${v/%p/r}`: the longest match at the first place one
/// starts. An empty pattern replaces nothing, except anchored (`${v/#/x}` prepends).
pub(crate) fn replace(pattern: &[Token], text: &str, with: &str, kind: Replace) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let collect = |s: &[char]| s.iter().collect::<String>();
    match kind {
        Replace::Prefix => {
            for end in (0..=n).rev() {
                if matches_chars(pattern, &chars[..end]) {
                    return format!("{with}{}", collect(&chars[end..]));
                }
            }
            text.to_string()
        }
        Replace::Suffix => {
            for start in 0..=n {
                if matches_chars(pattern, &chars[start..]) {
                    return format!("{}{with}", collect(&chars[..start]));
                }
            }
            text.to_string()
        }
        Replace::First | Replace::All => {
            if pattern.is_empty() {
                return text.to_string();
            }
            let mut out = String::new();
            let mut at = 0;
            let mut replaced = false;
            while at < n {
                if replaced && matches!(kind, Replace::First) {
                    break;
                }
                let found = (at + 1..=n)
                    .rev()
                    .find(|&end| matches_chars(pattern, &chars[at..end]));
                match found {
                    Some(end) => {
                        out.push_str(with);
                        at = end;
                        replaced = true;
                    }
                    None => {
                        out.push(chars[at]);
                        at += 1;
                    }
                }
            }
            out.push_str(&collect(&chars[at..]));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<Token> {
        let chars: Vec<(char, bool)> = text.chars().map(|c| (c, true)).collect();
        compile(&chars).unwrap_or_default()
    }

    #[test]
    fn patterns_match_like_bash() {
        assert!(matches(&p("a*"), "aws"));
        assert!(matches(&p("?ws"), "aws"));
        assert!(matches(&p("[a-c]ws"), "aws"));
        assert!(!matches(&p("[!a]ws"), "aws"));
        assert!(matches(&p("[]]"), "]"));
        assert!(matches(&p("[x"), "[x"));
        // `[[:alpha:]]` is not evaluated: the caller treats the pattern as unknown.
        assert_eq!(compile(&[('[', true), ('[', true), (':', true)]), None);
        assert_eq!(remove(&p("X"), "awsX", true, false), "aws");
        assert_eq!(remove(&p("*."), "a.b.c", false, false), "b.c");
        assert_eq!(remove(&p("*."), "a.b.c", false, true), "c");
        assert_eq!(remove(&p(".*"), "a.b.c", true, false), "a.b");
        assert_eq!(remove(&p(".*"), "a.b.c", true, true), "a");
        assert_eq!(replace(&p("x"), "axsx", "w", Replace::First), "awsx");
        assert_eq!(replace(&p("x"), "axsx", "w", Replace::All), "awsw");
        assert_eq!(replace(&p("x*"), "axs", "ws", Replace::First), "aws");
        assert_eq!(replace(&p(""), "ws", "a", Replace::Prefix), "aws");
        assert_eq!(replace(&p("q"), "awq", "s", Replace::Suffix), "aws");
    }
}
