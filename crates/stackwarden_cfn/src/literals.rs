//! The literal text written in a resource's properties, for the hardcoded-value rules: plain
//! strings, the literal parts of `Fn::Sub` templates and the pieces of `Fn::Join`. Logical ids
//! inside `Ref`/`Fn::GetAtt` and mapping names inside `Fn::FindInMap` are not literals.

use std::borrow::Cow;

use stackwarden_core::aws::is_region;
pub(crate) use stackwarden_core::aws::parse_arn;
use stackwarden_core::{Node, Span, Value};

use crate::template::Resource;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiteralKind {
    /// A whole string value.
    Plain,
    /// An `Fn::Sub` template, `${...}` placeholders replaced by NUL so they split tokens.
    Sub,
    /// One piece of an `Fn::Join` list (a fragment of a larger value).
    JoinPiece,
}

#[derive(Debug, Clone)]
pub(crate) struct Literal<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
    pub kind: LiteralKind,
    /// The mapping key the value sits under (`Region`, `BucketName`, ...).
    pub key: Option<&'a str>,
    /// For an `Fn::Join` piece, the whole joined value with every computed piece as NUL (CDK
    /// writes `arn:`, `{Ref: AWS::Partition}`, `:acm:us-east-1:`, ... as separate pieces): what
    /// the piece is part of decides whether it is hardcoded.
    pub joined: Option<String>,
}

impl Literal<'_> {
    /// The value this literal is (part of): the joined value for a join piece, else the text.
    pub(crate) fn whole(&self) -> &str {
        self.joined.as_deref().unwrap_or(&self.text)
    }
}

/// Every literal under the resource's `Properties`.
pub(crate) fn property_literals<'a>(resource: &Resource<'a>) -> Vec<Literal<'a>> {
    let mut out = Vec::new();
    if let Some(properties) = resource.properties() {
        collect(properties, None, None, &mut out);
    }
    out
}

/// `join`: the joined value when inside the pieces of an `Fn::Join`.
fn collect<'a>(
    node: &'a Node,
    key: Option<&'a str>,
    join: Option<&str>,
    out: &mut Vec<Literal<'a>>,
) {
    match &node.value {
        Value::String(text) => out.push(Literal {
            text: Cow::Borrowed(text),
            span: node.span,
            kind: if join.is_some() {
                LiteralKind::JoinPiece
            } else {
                LiteralKind::Plain
            },
            key,
            joined: join.map(str::to_string),
        }),
        Value::Seq(items) => items.iter().for_each(|item| collect(item, key, join, out)),
        Value::Map(map) => map
            .iter()
            .for_each(|(k, v)| collect(v, Some(&k.name), None, out)),
        Value::Intrinsic(intrinsic) => match intrinsic.name {
            "Fn::Sub" => {
                let (template, variables) = match &intrinsic.arg.value {
                    Value::Seq(items) => (items.first(), items.get(1)),
                    _ => (Some(&intrinsic.arg), None),
                };
                if let Some(template) = template.filter(|t| t.as_str().is_some()) {
                    let text = template.as_str().unwrap_or_default();
                    out.push(Literal {
                        text: Cow::Owned(blank_placeholders(text)),
                        span: template.span,
                        kind: LiteralKind::Sub,
                        key,
                        joined: None,
                    });
                }
                if let Some(variables) = variables {
                    collect(variables, key, None, out);
                }
            }
            "Fn::Join" => {
                let arg = intrinsic.arg.as_seq();
                let delimiter = arg.and_then(|a| a.first()).and_then(Node::as_str);
                if let Some(pieces) = arg.and_then(|a| a.get(1)) {
                    let joined = pieces
                        .as_seq()
                        .unwrap_or_default()
                        .iter()
                        .map(|p| p.as_str().unwrap_or("\0"))
                        .collect::<Vec<_>>()
                        .join(delimiter.unwrap_or(""));
                    collect(pieces, key, Some(&joined), out);
                }
            }
            "Ref" | "Fn::GetAtt" | "Fn::FindInMap" | "Fn::ImportValue" | "Condition"
            | "Fn::GetAZs" => {}
            "Fn::If" => {
                // [condition name, value if true, value if false]
                for branch in intrinsic.arg.as_seq().unwrap_or_default().iter().skip(1) {
                    collect(branch, key, join, out);
                }
            }
            _ => collect(&intrinsic.arg, key, join, out),
        },
        _ => {}
    }
}

/// `arn:${AWS::Partition}:s3:::${Bucket}` → `arn:\0:s3:::\0` (`${!Literal}` stays literal).
fn blank_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(literal) = after.strip_prefix('!') {
            out.push_str("${");
            rest = literal;
            continue;
        }
        match after.find('}') {
            Some(end) => {
                out.push('\0');
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// 12-digit runs that stand alone (not part of a longer number or word, nor the last group of a
/// UUID: `a4ea5045-4476-47e6-a4d4-026656829165`, a QuickSight visual id, is no account).
pub(crate) fn account_ids(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let bounded_before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let bounded_after = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
            if i - start == 12 && bounded_before && bounded_after && !uuid_tail(bytes, start) {
                found.push(&text[start..i]);
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Whether the 12 characters at `start` end a UUID: `start` follows `8-4-4-4-` hex groups.
fn uuid_tail(bytes: &[u8], start: usize) -> bool {
    const GROUPS: [usize; 4] = [8, 4, 4, 4];
    let Some(head) = start.checked_sub(24).map(|from| &bytes[from..start]) else {
        return false;
    };
    let mut at = 0;
    GROUPS.iter().all(|&len| {
        let ok = head[at..at + len].iter().all(u8::is_ascii_hexdigit) && head[at + len] == b'-';
        at += len + 1;
        ok
    })
}

/// Region names standing as whole tokens (delimited by anything but letters, digits and `-`).
pub(crate) fn regions(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| is_region(t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_regions_and_placeholders() {
        assert_eq!(
            account_ids("arn:aws:iam::123456789012:role/x"),
            ["123456789012"]
        );
        assert!(account_ids("1234567890123").is_empty());
        assert!(account_ids("abc123456789012").is_empty());
        assert!(account_ids("a4ea5045-4476-47e6-a4d4-026656829165").is_empty());
        assert_eq!(
            account_ids("role-4476-47e6-a4d4-026656829165"),
            ["026656829165"]
        );
        assert_eq!(regions("arn:aws:sns:eu-west-2:1:t"), ["eu-west-2"]);
        assert_eq!(
            regions("sqs.us-gov-west-1.amazonaws.com"),
            ["us-gov-west-1"]
        );
        assert!(regions("reports-eu-west-2").is_empty());
        assert_eq!(
            blank_placeholders("a-${AWS::Region}-${!Literal}"),
            "a-\0-${Literal}"
        );
    }
}
