//! IAM's action wildcards: `*` matches any run of characters, `?` exactly one; matching ignores
//! ASCII case, as IAM does for action names.

pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Whether `text` matches `pattern`. Linear-time greedy matching with one backtrack point (the
/// last `*`), so a hostile 1 MB pattern cannot blow up.
pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    pi = star_p + 1;
                    ti = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("Get*", "GetObject"));
        assert!(matches("*object", "GetObject"));
        assert!(matches("*", ""));
        assert!(matches("Get?bject", "GetObject"));
        assert!(!matches("Get?", "GetObject"));
        assert!(matches("*Obj*ct*", "GetObjectAcl"));
        assert!(!matches("Put*", "GetObject"));
        assert!(!matches("GetObject", "GetObjectAcl"));
    }
}
