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

/// How many (pattern element × character) steps one expansion may take; beyond it the value is
/// unknown. A 1000-character value against a short pattern is well inside.
const BUDGET: usize = 8_000_000;

/// The ends `e` (`0..=t.len()`) for which `t[..e]` matches the whole of `p`: one pass of the
/// pattern's states over the text; `None` once `budget` is spent.
fn match_ends(p: &[Token], t: &[char], budget: &mut usize) -> Option<Vec<bool>> {
    let m = p.len();
    let close = |states: &mut Vec<bool>| {
        for i in 0..m {
            if states[i] && p[i] == Token::Star {
                states[i + 1] = true;
            }
        }
    };
    let mut states = vec![false; m + 1];
    states[0] = true;
    close(&mut states);
    let mut ends = Vec::with_capacity(t.len() + 1);
    ends.push(states[m]);
    for &c in t {
        *budget = budget.checked_sub(m + 1)?;
        let mut next = vec![false; m + 1];
        let mut alive = false;
        for i in 0..m {
            if !states[i] {
                continue;
            }
            if p[i] == Token::Star {
                next[i] = true;
                alive = true;
            } else if one(&p[i], c) {
                next[i + 1] = true;
                alive = true;
            }
        }
        if !alive {
            ends.resize(t.len() + 1, false);
            return Some(ends);
        }
        close(&mut next);
        ends.push(next[m]);
        states = next;
    }
    Some(ends)
}

/// The pattern and text read backwards: a suffix match becomes a prefix match.
fn reversed(pattern: &[Token], chars: &[char]) -> (Vec<Token>, Vec<char>) {
    (
        pattern.iter().rev().cloned().collect(),
        chars.iter().rev().copied().collect(),
    )
}

/// `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`; `None` when the work would exceed the bound.
pub(crate) fn remove(pattern: &[Token], text: &str, suffix: bool, largest: bool) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut budget = BUDGET;
    let ends = if suffix {
        let (p, t) = reversed(pattern, &chars);
        match_ends(&p, &t, &mut budget)?
    } else {
        match_ends(pattern, &chars, &mut budget)?
    };
    let found = if largest {
        ends.iter().rposition(|&e| e)
    } else {
        ends.iter().position(|&e| e)
    };
    Some(match found {
        None => text.to_string(),
        Some(len) if suffix => chars[..n - len].iter().collect(),
        Some(len) => chars[len..].iter().collect(),
    })
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Replace {
    First,
    All,
    Prefix,
    Suffix,
}

/// `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`, `${v/%p/r}`: the longest match at the first place one
/// starts. An empty pattern replaces nothing, except anchored (`${v/#/x}` prepends). `None` when
/// the work would exceed the bound.
pub(crate) fn replace(pattern: &[Token], text: &str, with: &str, kind: Replace) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let collect = |s: &[char]| s.iter().collect::<String>();
    let mut budget = BUDGET;
    match kind {
        Replace::Prefix => {
            let ends = match_ends(pattern, &chars, &mut budget)?;
            Some(match ends.iter().rposition(|&e| e) {
                Some(end) => format!("{with}{}", collect(&chars[end..])),
                None => text.to_string(),
            })
        }
        Replace::Suffix => {
            let (p, t) = reversed(pattern, &chars);
            let ends = match_ends(&p, &t, &mut budget)?;
            Some(match ends.iter().rposition(|&e| e) {
                Some(len) => format!("{}{with}", collect(&chars[..n - len])),
                None => text.to_string(),
            })
        }
        Replace::First | Replace::All => {
            if pattern.is_empty() {
                return Some(text.to_string());
            }
            let mut out = String::new();
            let mut at = 0;
            let mut replaced = false;
            while at < n {
                if replaced && matches!(kind, Replace::First) {
                    break;
                }
                let ends = match_ends(pattern, &chars[at..], &mut budget)?;
                // The longest non-empty match that starts here.
                let found = ends
                    .iter()
                    .rposition(|&e| e)
                    .filter(|&len| len > 0)
                    .map(|len| at + len);
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
            Some(out)
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
        assert_eq!(remove(&p("X"), "awsX", true, false).as_deref(), Some("aws"));
        assert_eq!(
            remove(&p("*."), "a.b.c", false, false).as_deref(),
            Some("b.c")
        );
        assert_eq!(remove(&p("*."), "a.b.c", false, true).as_deref(), Some("c"));
        assert_eq!(
            remove(&p(".*"), "a.b.c", true, false).as_deref(),
            Some("a.b")
        );
        assert_eq!(remove(&p(".*"), "a.b.c", true, true).as_deref(), Some("a"));
        assert_eq!(
            replace(&p("x"), "axsx", "w", Replace::First).as_deref(),
            Some("awsx")
        );
        assert_eq!(
            replace(&p("x"), "axsx", "w", Replace::All).as_deref(),
            Some("awsw")
        );
        assert_eq!(
            replace(&p("x*"), "axs", "ws", Replace::First).as_deref(),
            Some("aws")
        );
        assert_eq!(
            replace(&p(""), "ws", "a", Replace::Prefix).as_deref(),
            Some("aws")
        );
        assert_eq!(
            replace(&p("q"), "awq", "s", Replace::Suffix).as_deref(),
            Some("aws")
        );
    }
}
