//! Finding AWS credentials in text.
//!
//! - An access key id is `AKIA` (long-term) or `ASIA` (temporary, from STS) and 16 upper-case
//!   letters or digits, not part of a longer alphanumeric word. AWS's ids are base32 (`A-Z2-7`),
//!   but AWS's own documentation example `AKIAI44QH8DHBEXAMPLE` has an `8`, so any digit is taken
//!   (as trufflehog does) rather than miss a key that people copy around.
//! - A secret access key is a 40-character token of the base64 alphabet (`A-Za-z0-9/+`), not part
//!   of a longer token, that stands where a secret key goes: after a secret-ish key name on its
//!   line (`aws_secret_access_key = ...`, `"SecretAccessKey": "..."`, `export
//!   AWS_SECRET_ACCESS_KEY=...`, `aws configure set aws_secret_access_key ...`) or on the line
//!   after a name with no value (`- Name: AWS_SECRET_ACCESS_KEY` then `Value: ...`), or within two
//!   lines of an access key id. Arbitrary 40-character values are not secrets: a token must mix
//!   upper and lower case (git SHAs and SHA-1 digests are hex, never mixed) and look random
//!   (character entropy), so 40-character identifiers such as CDK logical ids are not taken.
//!
//! The anchors (`AKIA`, `ASIA`, `secret` in three casings) are found in one Aho-Corasick pass;
//! everything else is a local look around each hit, so the cost is one SIMD-assisted pass over
//! the text plus a little per hit.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// What a credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKind {
    /// `AKIA...` / `ASIA...`, 20 characters.
    AccessKeyId,
    /// The 40-character secret that goes with an access key id.
    SecretAccessKey,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::AccessKeyId => "access key id",
            SecretKind::SecretAccessKey => "secret access key",
        }
    }
}

/// A credential found in text. It holds where the secret is, never the secret itself: slice the
/// text with `range` (and [`crate::mask`] it) to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    pub kind: SecretKind,
    /// Byte range in the scanned text.
    pub range: Range<usize>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// One of AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/...EXAMPLEKEY`,
    /// anything ending in `EXAMPLE`): not a credential, reported for information.
    pub is_documented_example: bool,
}

/// Length of an access key id.
const ID_LEN: usize = 20;
/// Length of a secret access key.
const SECRET_LEN: usize = 40;
/// How many lines around an access key id its secret is looked for.
const PAIR_DISTANCE: usize = 2;

const PATTERNS: [&str; 5] = ["AKIA", "ASIA", "secret", "Secret", "SECRET"];

fn anchors() -> &'static AhoCorasick {
    static ANCHORS: OnceLock<AhoCorasick> = OnceLock::new();
    ANCHORS.get_or_init(|| AhoCorasick::new(PATTERNS).expect("literal patterns build an automaton"))
}

/// Every AWS credential in `text`, in order.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    scan_with(text, false)
}

/// The credentials in one named value (an environment variable, a parameter, a secret): what
/// [`scan`] finds in the value, plus the whole value as a secret access key when `name` is a
/// secret-ish key name or `beside_access_key` (the value sits next to an access key id, e.g. in
/// the same environment map). Lines and columns are relative to `value`.
pub fn scan_value(name: &str, value: &str, beside_access_key: bool) -> Vec<SecretMatch> {
    let mut found = scan(value);
    let token = value.trim();
    let start = value.len() - value.trim_start().len();
    let bytes = token.as_bytes();
    let whole = bytes.len() == SECRET_LEN && bytes.iter().all(|&b| is_key_byte(b));
    if whole
        && !found.iter().any(|m| m.range.start == start)
        && ((is_secret_key_name(name) && keyed_shape(bytes))
            || (beside_access_key && unkeyed_shape(bytes)))
    {
        found.push(SecretMatch {
            kind: SecretKind::SecretAccessKey,
            range: start..start + SECRET_LEN,
            line: 1,
            column: u32::try_from(value[..start].chars().count() + 1).unwrap_or(u32::MAX),
            is_documented_example: is_documented_example(token),
        });
        found.sort_by_key(|m| m.range.start);
    }
    found
}

/// Whether a key or variable name is where a secret access key goes: it contains
/// `secretaccesskey`, `secretkey` or `awssecret` once lower-cased without separators
/// (`AWS_SECRET_ACCESS_KEY`, `secretAccessKey`, `aws-secret-key`, `/prod/aws_secret`).
pub fn is_secret_key_name(name: &str) -> bool {
    let normalized: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    normalized.contains("secretaccesskey")
        || normalized.contains("secretkey")
        || normalized.contains("awssecret")
}

/// `loose`: every token of a secret's shape is one, context or not (for masking a single line
/// shown out of its context, where over-masking is harmless).
pub(crate) fn scan_with(text: &str, loose: bool) -> Vec<SecretMatch> {
    let bytes = text.as_bytes();
    let mut found: Vec<(SecretKind, Range<usize>)> = Vec::new();
    let mut ids: Vec<usize> = Vec::new();
    for hit in anchors().find_iter(bytes) {
        if hit.pattern().as_usize() < 2 {
            if let Some(range) = access_key_id_at(bytes, hit.start()) {
                ids.push(range.start);
                found.push((SecretKind::AccessKeyId, range));
            }
            continue;
        }
        let Some(name_end) = secret_name_end(bytes, hit.start(), hit.end()) else {
            continue;
        };
        let rest = name_end..line_end(bytes, name_end);
        let before = found.len();
        tokens(bytes, rest.clone(), keyed_shape, &mut found);
        // `- Name: AWS_SECRET_ACCESS_KEY` with the value on the next line.
        if found.len() == before
            && rest.end < bytes.len()
            && !bytes[rest.clone()].iter().any(u8::is_ascii_alphanumeric)
        {
            let next = rest.end + 1..line_end(bytes, rest.end + 1);
            tokens(bytes, next, keyed_shape, &mut found);
        }
    }
    for id in ids {
        let window = lines_around(bytes, id, PAIR_DISTANCE);
        tokens(bytes, window, unkeyed_shape, &mut found);
    }
    if loose {
        tokens(bytes, 0..bytes.len(), unkeyed_shape, &mut found);
    }
    found.sort_by_key(|(_, r)| (r.start, r.end));
    let mut matches: Vec<SecretMatch> = Vec::with_capacity(found.len());
    let mut position = Position::default();
    for (kind, range) in found {
        if matches.last().is_some_and(|m| m.range.end > range.start) {
            continue; // the same token found twice (keyed and beside an id), or an overlap
        }
        let (line, column) = position.advance(text, range.start);
        matches.push(SecretMatch {
            kind,
            is_documented_example: is_documented_example(&text[range.clone()]),
            range,
            line,
            column,
        });
    }
    matches
}

/// `AKIA`/`ASIA` at `start` followed by 16 upper-case letters or digits, as a whole word.
fn access_key_id_at(bytes: &[u8], start: usize) -> Option<Range<usize>> {
    let end = start + ID_LEN;
    if end > bytes.len()
        || (start > 0 && bytes[start - 1].is_ascii_alphanumeric())
        || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)
    {
        return None;
    }
    bytes[start + 4..end]
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        .then_some(start..end)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The end of the secret-ish key name around a `secret` hit, if the name is one.
fn secret_name_end(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut first = start;
    while first > 0 && is_name_byte(bytes[first - 1]) {
        first -= 1;
    }
    let mut last = end;
    while last < bytes.len() && is_name_byte(bytes[last]) {
        last += 1;
    }
    let name = std::str::from_utf8(&bytes[first..last]).ok()?;
    is_secret_key_name(name).then_some(last)
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// Pushes every 40-byte token in `range` that `accept` takes. A token is a maximal run of the
/// base64 alphabet, not joined to a longer name by `_`/`-` and not followed by `=` (padding of
/// a longer base64 value, or a key of its own).
fn tokens(
    bytes: &[u8],
    range: Range<usize>,
    accept: fn(&[u8]) -> bool,
    found: &mut Vec<(SecretKind, Range<usize>)>,
) {
    let mut i = range.start;
    while i < range.end {
        if !is_key_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_key_byte(bytes[i]) {
            i += 1;
        }
        let maximal = start == 0 || !is_key_byte(bytes[start - 1]);
        let joined = (start > 0 && matches!(bytes[start - 1], b'_' | b'-'))
            || bytes
                .get(i)
                .is_some_and(|b| matches!(b, b'_' | b'-' | b'='));
        if i - start == SECRET_LEN && maximal && !joined && accept(&bytes[start..i]) {
            found.push((SecretKind::SecretAccessKey, start..i));
        }
    }
}

/// Mixed case (hex digests never are) and not only hex digits.
fn base_shape(token: &[u8]) -> bool {
    token.iter().any(u8::is_ascii_uppercase)
        && token.iter().any(u8::is_ascii_lowercase)
        && !token.iter().all(u8::is_ascii_hexdigit)
}

/// A value named as a secret key: a digit or `/`/`+` (random keys lack all three once in ~4,000),
/// or else random-looking letters.
fn keyed_shape(token: &[u8]) -> bool {
    base_shape(token)
        && (token
            .iter()
            .any(|b| b.is_ascii_digit() || *b == b'/' || *b == b'+')
            || entropy(token) >= 4.3)
}

/// A token without a name: random-looking. Random 40-character base64 scores 4.1 to 5.3 bits
/// per character (below 4.25 about once in 10,000); CamelCase identifiers score about 4.0–4.2.
fn unkeyed_shape(token: &[u8]) -> bool {
    base_shape(token) && entropy(token) >= 4.25
}

/// Shannon entropy in bits per character.
fn entropy(token: &[u8]) -> f64 {
    let mut counts = [0u32; 128];
    for &b in token {
        counts[usize::from(b & 0x7f)] += 1;
    }
    let n = token.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

fn is_documented_example(secret: &str) -> bool {
    secret.ends_with("EXAMPLE") || secret.ends_with("EXAMPLEKEY")
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from.min(bytes.len())..]).map_or(bytes.len(), |i| from + i)
}

/// The byte range of the lines from `distance` above the line of `offset` to `distance` below.
fn lines_around(bytes: &[u8], offset: usize, distance: usize) -> Range<usize> {
    let mut start = offset;
    for _ in 0..=distance {
        match memchr::memrchr(b'\n', &bytes[..start]) {
            Some(i) => start = i,
            None => {
                start = 0;
                break;
            }
        }
    }
    if bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    let mut end = offset;
    for _ in 0..=distance {
        end = line_end(bytes, end);
        if end >= bytes.len() {
            break;
        }
        end += 1;
    }
    start..end.min(bytes.len())
}

/// Line and column of increasing offsets, counting newlines only once.
#[derive(Default)]
struct Position {
    offset: usize,
    line: usize,
    line_start: usize,
}

impl Position {
    fn advance(&mut self, text: &str, offset: usize) -> (u32, u32) {
        let bytes = text.as_bytes();
        for i in memchr::memchr_iter(b'\n', &bytes[self.offset..offset]) {
            self.line += 1;
            self.line_start = self.offset + i + 1;
        }
        self.offset = offset;
        let column = text
            .get(self.line_start..offset)
            .map_or(offset - self.line_start, |s| s.chars().count());
        (to_u32(self.line + 1), to_u32(column + 1))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIA2E0A8F3B244C9986";
    const SECRET: &str = "k7Rb2Qx9Lm4Vt8Zp1Nw6Hy3Jc5Df0Gs2Ka7Ue9Xo";
    const EXAMPLE_ID: &str = "AKIAIOSFODNN7EXAMPLE";
    const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn kinds(text: &str) -> Vec<(SecretKind, &str, u32, u32, bool)> {
        scan(text)
            .into_iter()
            .map(|m| {
                (
                    m.kind,
                    &text[m.range.clone()],
                    m.line,
                    m.column,
                    m.is_documented_example,
                )
            })
            .collect()
    }

    #[test]
    fn access_key_ids_are_whole_words() {
        let text = format!("id={ID}\nx{ID}\n{ID}Z\nASIAY34FZKBOKMUTVV7A,\n");
        assert_eq!(
            kinds(&text),
            [
                (SecretKind::AccessKeyId, ID, 1, 4, false),
                (SecretKind::AccessKeyId, "ASIAY34FZKBOKMUTVV7A", 4, 1, false),
            ]
        );
        // Too short, lower case, or in a longer word.
        assert!(scan("AKIA2E0A8F3B244C998 akia2e0a8f3b244c9986 AKIA2E0A8F3B244c9986").is_empty());
    }

    #[test]
    fn secret_keys_next_to_a_secret_name_in_every_syntax() {
        for line in [
            format!("aws_secret_access_key = {SECRET}"),
            format!("AWS_SECRET_ACCESS_KEY={SECRET}"),
            format!("export AWS_SECRET_ACCESS_KEY=\"{SECRET}\""),
            format!("  \"SecretAccessKey\": \"{SECRET}\","),
            format!("secretAccessKey: '{SECRET}',"),
            format!("aws-secret-key: {SECRET}"),
            format!("aws configure set aws_secret_access_key {SECRET}"),
        ] {
            let found = kinds(&line);
            assert_eq!(found.len(), 1, "{line}: {found:?}");
            assert_eq!(found[0].0, SecretKind::SecretAccessKey, "{line}");
            assert_eq!(found[0].1, SECRET, "{line}");
            assert_eq!(
                found[0].3 as usize,
                line.find(SECRET).expect("in line") + 1,
                "{line}"
            );
        }
    }

    #[test]
    fn a_value_on_the_line_after_its_name() {
        let text = format!("- Name: AWS_SECRET_ACCESS_KEY\n  Value: {SECRET}\n");
        assert_eq!(
            kinds(&text),
            [(SecretKind::SecretAccessKey, SECRET, 2, 10, false)]
        );
        // A name with its own value does not reach into the next line.
        let text = format!("secret_key = ${{SECRET}}\nother: {SECRET}\n");
        assert!(scan(&text).is_empty(), "{:?}", kinds(&text));
    }

    #[test]
    fn secret_keys_within_two_lines_of_an_access_key_id() {
        let text = format!("[default]\nkey = {ID}\nother = 1\nvalue = {SECRET}\n");
        assert_eq!(
            kinds(&text),
            [
                (SecretKind::AccessKeyId, ID, 2, 7, false),
                (SecretKind::SecretAccessKey, SECRET, 4, 9, false),
            ]
        );
        let far = format!("key = {ID}\n1\n2\n3\nvalue = {SECRET}\n");
        assert_eq!(kinds(&far).len(), 1);
        let before = format!("value = {SECRET}\nkey = {ID}\n");
        assert_eq!(kinds(&before).len(), 2);
    }

    #[test]
    fn forty_character_values_that_are_not_secrets() {
        let sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
        let upper_hex = "9FCEB02D0AE598E95DC970B74767F19372D61AF8";
        let longer = format!("{SECRET}Qz");
        for value in [sha, upper_hex, longer.as_str()] {
            for text in [
                format!("aws_secret_access_key = {value}"),
                format!("id: {ID}\nvalue: {value}"),
            ] {
                assert!(
                    kinds(&text).iter().all(|k| k.0 == SecretKind::AccessKeyId),
                    "{text}"
                );
            }
        }
        // A CDK logical id of 40 characters beside an access key id is not random enough.
        let logical_id = format!("id: {ID}\nvalue: ProcessOrderServiceRoleDefaultPolicy117F");
        assert_eq!(kinds(&logical_id).len(), 1);
        // A random-looking token with no name and no access key id near it is left alone.
        assert!(scan(&format!("value: {SECRET}")).is_empty());
        // Joined to a longer name, or padded base64.
        assert!(scan(&format!("aws_secret_key = {SECRET}_v2")).is_empty());
        assert!(scan(&format!("aws_secret_key = {SECRET}=")).is_empty());
        // A secret-ish word that is not a key name.
        assert!(scan(&format!("AWS::SecretsManager::Secret {SECRET}")).is_empty());
    }

    #[test]
    fn documented_examples_are_flagged_as_such() {
        let text = format!("aws_access_key_id = {EXAMPLE_ID}\naws_secret_access_key = {EXAMPLE_SECRET}\nAKIAI44QH8DHBEXAMPLE\n");
        assert_eq!(
            kinds(&text),
            [
                (SecretKind::AccessKeyId, EXAMPLE_ID, 1, 21, true),
                (SecretKind::SecretAccessKey, EXAMPLE_SECRET, 2, 25, true),
                (SecretKind::AccessKeyId, "AKIAI44QH8DHBEXAMPLE", 3, 1, true),
            ]
        );
    }

    #[test]
    fn columns_count_characters_and_lines_are_counted_once() {
        let text = format!("é = 1\n\n  ünïcode: {ID}, {ID}\n");
        let found = kinds(&text);
        assert_eq!(found[0].2..=found[0].3, 3..=12);
        assert_eq!(found[1].2..=found[1].3, 3..=34);
    }

    #[test]
    fn named_values() {
        assert_eq!(scan_value("AWS_SECRET_ACCESS_KEY", SECRET, false).len(), 1);
        assert_eq!(scan_value("KEY", SECRET, true).len(), 1);
        assert!(scan_value("KEY", SECRET, false).is_empty());
        assert!(scan_value("AWS_SECRET_ACCESS_KEY", "not-a-key", true).is_empty());
        let found = scan_value("AWS_ACCESS_KEY_ID", &format!(" {ID} "), false);
        assert_eq!((found[0].range.clone(), found[0].column), (1..21, 2));
        let json = format!("{{\"accessKeyId\":\"{ID}\",\"secretAccessKey\":\"{SECRET}\"}}");
        assert_eq!(scan_value("creds", &json, false).len(), 2);
        assert!(is_secret_key_name("/prod/orders/aws-secret-access-key"));
        assert!(is_secret_key_name("SecretKey"));
        assert!(!is_secret_key_name("SecretString"));
        assert!(!is_secret_key_name("AWS_ACCESS_KEY_ID"));
    }

    #[test]
    fn lines_around_stay_in_bounds() {
        let bytes = b"a\nb\nc\nd\ne\nf";
        let r = lines_around(bytes, 4, 2);
        assert_eq!(&bytes[r], b"a\nb\nc\nd\ne\n");
        let r = lines_around(bytes, 10, 2);
        assert_eq!(&bytes[r], b"d\ne\nf");
    }
}
