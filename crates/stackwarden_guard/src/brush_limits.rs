//! What brush-parser 0.4 is not given. On some input its parsers backtrack exponentially or
//! loop without end, allocating as they go; each case below was found by fuzzing
//! (`scripts/fuzz.sh`, target `guard_command`) and is a regression test in `tests/bounds.rs`.
//! Each check refuses only what bash rejects too or what no agent writes, and a refused command
//! is judged `guard/unresolved` when it names AWS: asked about, never allowed by accident.

/// Whether a command line (or `bash -c` script) is not to be parsed.
pub(crate) fn program_refused(text: &str) -> bool {
    unclosed_parens(text) > MAX_UNCLOSED_PARENS
        || heredoc_without_delimiter(text)
        || subscript_word_too_deep(text)
        || word_refused(text)
}

/// Whether a shell word (or text holding words) is not to be expanded: brush's word parser,
/// which the program parser also runs on every leading word, backtracks on both.
pub(crate) fn word_refused(word: &str) -> bool {
    ambiguous_arithmetic(word) > MAX_AMBIGUOUS_ARITHMETIC
        || unclosed_subscripts(word) > MAX_UNCLOSED_SUBSCRIPTS
}

/// Whether the body of an unquoted here-document is not to be expanded.
pub(crate) fn heredoc_refused(body: &str) -> bool {
    !substitutions_closed(body) || word_refused(body)
}

/// Where brush-parser's time to reject unclosed `(` is still well under a millisecond.
const MAX_UNCLOSED_PARENS: usize = 8;

/// `(` left open at the end of the text, outside single quotes and comments and not escaped.
/// Double quotes are not skipped: a `$(` inside them opens a substitution the parser reads too.
fn unclosed_parens(text: &str) -> usize {
    code_bytes(text).fold(0usize, |open, (_, byte)| match byte {
        b'(' => open + 1,
        b')' => open.saturating_sub(1),
        _ => open,
    })
}

/// Where brush's reading of a `name[...` word still takes a few milliseconds (17 brackets:
/// 12 ms in release; 23: 0.13 s; 27: 0.28 s).
const MAX_BRACKETS_AFTER_SUBSCRIPT: usize = 16;

/// A word that starts like an array element assignment (`name[`) followed by more than
/// [`MAX_BRACKETS_AFTER_SUBSCRIPT`] `[`: brush's program parser tries such words as
/// `name[subscript]=value` and backtracks through the brackets of the subscript, which (with
/// `$[`, `$((` or quotes in it) can run past spaces to the end of the text. Found by fuzzing: a
/// 120-byte word took 0.28 s in release, over 10 s instrumented. Real commands have a few
/// (`arr[$i]=x`, `ls file[0-9][0-9].txt`, `[ -f x ]`).
fn subscript_word_too_deep(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut at_word_start, mut in_name) = (true, false);
    for (i, &byte) in bytes.iter().enumerate() {
        if in_name && byte == b'[' {
            let brackets = bytes[i..].iter().filter(|&&b| b == b'[').count();
            return brackets > MAX_BRACKETS_AFTER_SUBSCRIPT;
        }
        let boundary = matches!(byte, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
        in_name = if at_word_start {
            byte.is_ascii_alphabetic() || byte == b'_'
        } else {
            in_name && (byte.is_ascii_alphanumeric() || byte == b'_')
        };
        at_word_start = boundary;
    }
    false
}

/// A here-document operator with no word after it (`<< ;`, `<< <<`, `<<` at the end, a syntax
/// error in bash), with an empty one (`<<''`, or only carriage returns and form feeds, which
/// brush trims away), with a substitution in it (`<<$(`; bash never expands a delimiter), or
/// with no body in a command with an unclosed `(` (`$(cat <<  x `); no agent writes any of
/// these. Input on which brush-parser 0.4 can loop without end, allocating as it goes. Found by
/// fuzzing: `zx &$(<< <<\"k ` grew to 1.4 GB, `cat <<'' - ` to 3.4 GB and `cat <<$(\t ` to
/// 3.5 GB before the 5 s budget ran out; `cat <<\r ` and `$(<<\t\t}\t` spun for the whole 5 s.
fn heredoc_without_delimiter(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Asked once, not per operator: a 1 MB line of `: << x ` has 140,000 of them.
    let last_newline = bytes.iter().rposition(|&b| b == b'\n');
    let has_unclosed_paren = std::cell::OnceCell::new();
    let has_arithmetic = std::cell::OnceCell::new();
    let mut skip_to = 0;
    for (i, byte) in code_bytes(text) {
        if i < skip_to || byte != b'<' || bytes.get(i + 1) != Some(&b'<') {
            continue;
        }
        if bytes.get(i + 2) == Some(&b'<') {
            skip_to = i + 3; // `<<<`, a here-string
            continue;
        }
        let mut next = i + 2;
        if bytes.get(next) == Some(&b'-') {
            next += 1;
        }
        while matches!(bytes.get(next), Some(b' ' | b'\t')) {
            next += 1;
        }
        match bytes.get(next) {
            None | Some(b'<' | b'>' | b';' | b'&' | b'|' | b')' | b'\n') => return true,
            // `$(( x << (y) ))` is an arithmetic shift; outside arithmetic, `<< (` is a syntax
            // error on which brush grows without end (`$(<< ()) `: 2 GB, found by fuzzing).
            Some(b'(')
                if !*has_arithmetic.get_or_init(|| text.contains("((") || text.contains("$[")) =>
            {
                return true
            }
            Some(_) => {
                let word = &bytes[next..];
                if empty_quoted_word(word) || blank_word(word) || substitution_in_word(word) {
                    return true;
                }
                let has_body = last_newline.is_some_and(|newline| newline > next);
                if !has_body && *has_unclosed_paren.get_or_init(|| unclosed_parens(text) > 0) {
                    return true;
                }
                skip_to = next;
            }
        }
    }
    false
}

/// `''` or `""` standing alone as a word: an empty here-document delimiter.
fn empty_quoted_word(rest: &[u8]) -> bool {
    matches!(rest, [b'\'', b'\'', ..] | [b'"', b'"', ..])
        && rest
            .get(2)
            .is_none_or(|b| b.is_ascii_whitespace() || b"<>;&|()".contains(b))
}

/// A word made only of carriage returns and form feeds: bash reads them as word characters,
/// brush trims them as white space and is left with an empty delimiter.
fn blank_word(rest: &[u8]) -> bool {
    let end = rest
        .iter()
        .position(|b| b" \t\n<>;&|()".contains(b))
        .unwrap_or(rest.len());
    end > 0 && rest[..end].iter().all(|b| matches!(b, b'\r' | b'\x0c'))
}

/// A `$(` or `$[` in the word that starts `rest` (outside single quotes).
fn substitution_in_word(rest: &[u8]) -> bool {
    let (mut single, mut double) = (false, false);
    for (i, &byte) in rest.iter().enumerate() {
        match byte {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ if single || double => {}
            b' ' | b'\t' | b'\n' | b'<' | b'>' | b';' | b'&' | b'|' | b'(' | b')' => return false,
            _ => {}
        }
        if byte == b'$' && !single && matches!(rest.get(i + 1), Some(b'(' | b'[')) {
            return true;
        }
    }
    false
}

/// The bytes of `text` that the shell reads as code, with their offsets: outside single quotes
/// and comments, and not escaped by a backslash.
fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let (mut single, mut double, mut comment, mut escaped) = (false, false, false, false);
    let mut previous = b' ';
    text.bytes().enumerate().filter_map(move |(i, byte)| {
        let code = match byte {
            _ if escaped => {
                escaped = false;
                false
            }
            b'\n' if comment => {
                comment = false;
                true
            }
            _ if comment => false,
            b'\'' if !double => {
                single = !single;
                false
            }
            _ if single => false,
            b'"' => {
                double = !double;
                false
            }
            b'\\' => {
                escaped = true;
                false
            }
            b'#' if !double && previous.is_ascii_whitespace() => {
                comment = true;
                false
            }
            _ => true,
        };
        previous = byte;
        code.then_some((i, byte))
    })
}

/// Whether every `$(`, `${` and `$[` of a here-document body is closed. Outside substitutions
/// the body is text: quotes and brackets there mean nothing. Inside one, quotes are read as the
/// shell reads them, brackets nest, and a closer only closes its own kind. An approximation
/// both ways: a `case` pattern's lone `)` closes early (brush then gives the verdict), while a
/// bracket in a comment or a pattern (`${x#(}`, `$(ls a[)`) inside a substitution keeps it
/// open (the body is then unread, and unresolved when it names AWS: never allowed by accident).
fn substitutions_closed(body: &str) -> bool {
    struct Open {
        closer: u8,
        in_double_quotes: bool,
    }
    let bytes = body.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        i += 1;
        if let (b'$', Some(opener @ (b'(' | b'{' | b'['))) = (byte, next) {
            open.push(Open {
                closer: closer_of(opener),
                in_double_quotes: false,
            });
            i += 1;
            continue;
        }
        let quoted = open.last().is_some_and(|top| top.in_double_quotes);
        match (byte, open.last_mut()) {
            (b'\\', _) => i += 1,
            (_, None) => {}
            (b'"', Some(top)) => top.in_double_quotes = !top.in_double_quotes,
            _ if quoted => {}
            (b'\'', _) => match bytes[i..].iter().position(|&b| b == b'\'') {
                Some(end) => i += end + 1,
                None => return false,
            },
            (b'(' | b'{' | b'[', _) => open.push(Open {
                closer: closer_of(byte),
                in_double_quotes: false,
            }),
            (closer, Some(top)) if closer == top.closer => {
                open.pop();
            }
            _ => {}
        }
    }
    open.is_empty()
}

fn closer_of(opener: u8) -> u8 {
    match opener {
        b'(' => b')',
        b'{' => b'}',
        _ => b']',
    }
}

/// Where brush still reads a word in a few milliseconds (three: 19 ms in release for 70 bytes;
/// four: 57 ms; five: 0.2 s).
const MAX_AMBIGUOUS_ARITHMETIC: usize = 2;

/// The `$((` of `text` that do not end in `))`: bash reads such a one as `$( (` (a subshell in
/// a command substitution), and brush tries both readings of each, nested ones included, so
/// the work triples or so with every one. Found by fuzzing: five in a 120-byte word took 0.2 s
/// in release and 10 s instrumented, both in brush's word parser and in its program parser,
/// which reads every leading word as a possible `name[index]=value`.
fn ambiguous_arithmetic(text: &str) -> usize {
    #[derive(PartialEq)]
    enum Paren {
        Plain,
        ArithmeticOuter,
        ArithmeticInner,
    }
    let bytes = text.as_bytes();
    let mut open: Vec<Paren> = Vec::new();
    let mut ambiguous = 0;
    let mut skip_to = 0;
    for (i, byte) in code_bytes(text) {
        if i < skip_to {
            continue;
        }
        match byte {
            b'$' if bytes[i + 1..].starts_with(b"((") => {
                open.push(Paren::ArithmeticOuter);
                open.push(Paren::ArithmeticInner);
                skip_to = i + 3;
            }
            b'(' => open.push(Paren::Plain),
            b')' => match open.pop() {
                Some(Paren::ArithmeticInner) if bytes.get(i + 1) == Some(&b')') => {
                    open.pop();
                    skip_to = i + 2;
                }
                Some(Paren::ArithmeticInner) => {
                    ambiguous += 1;
                    // `$( (…) …)`: the outer parenthesis is a command substitution's.
                    if let Some(outer) = open.last_mut() {
                        *outer = Paren::Plain;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    ambiguous
        + open
            .iter()
            .filter(|paren| **paren == Paren::ArithmeticInner)
            .count()
}

/// Where brush still reads a word in a few milliseconds (three: 5 ms in release; four: 66 ms;
/// five: 1.3 s).
const MAX_UNCLOSED_SUBSCRIPTS: usize = 2;

/// `${name[` whose subscript is not closed before the `}` (`${c[A% 0}`: a "bad substitution"
/// when bash runs it). brush's word parser tries every split of the text after each one, about
/// twenty times the work per subscript (found by fuzzing: a 130-byte command took the whole
/// 5 s budget).
fn unclosed_subscripts(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while let Some(start) = bytes[i..].windows(2).position(|w| w == b"${") {
        i += start + 2;
        let name = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if name == 0 || bytes.get(i + name) != Some(&b'[') {
            continue;
        }
        i += name + 1;
        let mut depth = 1usize;
        while depth > 0 && i < bytes.len() && bytes[i] != b'}' {
            match bytes[i] {
                b'[' => depth += 1,
                b']' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        count += usize::from(depth > 0);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_parens_skip_quotes_comments_and_escapes() {
        assert_eq!(unclosed_parens("(( x ))"), 0);
        assert_eq!(unclosed_parens("((((( x"), 5);
        assert_eq!(unclosed_parens("echo '((((' \\( # (((\n("), 1);
        assert_eq!(unclosed_parens("echo \"it's ((\""), 2);
        assert_eq!(unclosed_parens("case $x in a) y;; esac"), 0);
    }

    #[test]
    fn here_documents_need_a_delimiter_word() {
        for bad in ["cat <<", "cat << ;x", "$(<< <<k ", "x <<- >y", "cat <<\n"] {
            assert!(heredoc_without_delimiter(bad), "{bad:?}");
        }
        for good in [
            "cat <<EOF\nx\nEOF",
            "cat <<- 'E'",
            "cat <<<word",
            "echo '<< ;'",
            "a<<b",
        ] {
            assert!(!heredoc_without_delimiter(good), "{good:?}");
        }
        assert!(heredoc_without_delimiter("cat <<'' - "));
        assert!(heredoc_without_delimiter("cat <<\"\""));
        assert!(!heredoc_without_delimiter("cat <<''EOF"));
        assert!(heredoc_without_delimiter("$(cat <<  x "));
        assert!(heredoc_without_delimiter("$(<< ()) "));
        assert!(!heredoc_without_delimiter("echo $(( 1 << (2) ))"));
        assert!(!heredoc_without_delimiter("x=$(cat <<EOF\n(\nEOF\n)"));
        assert!(!heredoc_without_delimiter("echo $(( 1 << 2 ))"));
    }

    #[test]
    fn substitutions_of_a_here_document_are_closed_or_not() {
        for closed in [
            "a (b) 'c $(d (e)) :-( don't",
            "${a[1]} ${b:-{x}} {y $(c) $((1 + (2))) $[a[1] + 2] [z",
            "$(echo ')' \"(\" \\( \"$(date)\")",
        ] {
            assert!(substitutions_closed(closed), "{closed}");
        }
        for unclosed in [
            "$(a $(b $((c",
            "$(a (b",
            "${B[${B[",
            "$[$[1]",
            "$(ls a[)", // bash would read this one: the scan errs towards "open" here
            "$(echo 'x)",
            "$(((('((((((($((((((`",
            "$(echo \")",
        ] {
            assert!(!substitutions_closed(unclosed), "{unclosed}");
        }
    }

    #[test]
    fn subscripts_left_open() {
        assert_eq!(
            unclosed_subscripts("${a[1]} ${b[$i]:-x} ${c} $d[ ${#e[@]}"),
            0
        );
        assert_eq!(unclosed_subscripts("${c[A% 0}${c[A[0]} ${x[y"), 3);
    }

    #[test]
    fn arithmetic_that_may_be_a_subshell() {
        assert_eq!(ambiguous_arithmetic("$((1 + (2 * 3))) $(( x ))"), 0);
        assert_eq!(ambiguous_arithmetic("'$((' \\$(("), 0);
        assert_eq!(ambiguous_arithmetic("$((cd x); ls)"), 1);
        assert_eq!(ambiguous_arithmetic("$((a)b)$((c)d)$((e"), 3);
    }
}
