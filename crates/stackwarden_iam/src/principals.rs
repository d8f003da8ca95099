//! Which account a principal or ARN entry names, read through the intrinsics CloudFormation and
//! CDK write (`Fn::Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"`, CDK's
//! `AccountPrincipal` as an `Fn::Join`), so "the stack's own account" is told apart from a
//! literal other account.

use stackwarden_core::{Node, Value};

/// The account an entry refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// `AWS::AccountId`: the account the stack deploys to.
    Own,
    /// A literal 12-digit id.
    Literal(String),
    /// `"*"`: every AWS account.
    Any,
    /// Computed in a way we cannot read (a parameter, an import).
    Unknown,
}

/// Markers without colons, so ARNs still split on `:`.
const OWN: &str = "{own-account}";
const COMPUTED: &str = "{computed}";

/// The account named by a principal entry (`"123456789012"`, an ARN, `"*"`, an intrinsic).
pub fn account_of(node: &Node) -> Account {
    let Some(text) = render(node, 0) else {
        return Account::Unknown;
    };
    if text == "*" {
        return Account::Any;
    }
    let account = if text.starts_with("arn:") {
        text.split(':').nth(4).unwrap_or("")
    } else {
        text.as_str()
    };
    if account == OWN {
        Account::Own
    } else if stackwarden_core::aws::is_account_id(account) {
        Account::Literal(account.to_string())
    } else {
        Account::Unknown
    }
}

/// True for the account's root principal (`arn:...:iam::<own>:root`), which delegates to IAM.
pub fn is_root_of(node: &Node, own: Option<&str>) -> bool {
    let rooted = render(node, 0).is_some_and(|t| {
        t.ends_with(":root") || stackwarden_core::aws::is_account_id(&t) || t == OWN
    });
    rooted
        && match account_of(node) {
            Account::Own => true,
            Account::Literal(id) => own == Some(id.as_str()),
            _ => false,
        }
}

/// The entry as text, with `${AWS::AccountId}` kept as a marker and other computed parts as `${?}`.
fn render(node: &Node, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match &node.value {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Intrinsic(i) => match i.name {
            "Ref" if i.arg.as_str() == Some("AWS::AccountId") => Some(OWN.into()),
            "Ref" => Some(COMPUTED.into()),
            "Fn::Sub" => {
                let template = match &i.arg.value {
                    Value::String(s) => s.as_str(),
                    Value::Seq(items) => items.first().and_then(Node::as_str)?,
                    _ => return None,
                };
                Some(substitute(template))
            }
            "Fn::Join" => {
                let parts = i.arg.as_seq()?;
                let separator = parts.first()?.as_str()?;
                let pieces: Vec<String> = parts
                    .get(1)?
                    .as_seq()?
                    .iter()
                    .map(|p| render(p, depth + 1).unwrap_or_else(|| COMPUTED.into()))
                    .collect();
                Some(pieces.join(separator))
            }
            _ => Some(COMPUTED.into()),
        },
        _ => None,
    }
}

/// `${AWS::AccountId}` stays; every other `${...}` becomes `${?}`.
fn substitute(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                let name = &rest[open + 2..open + close];
                out.push_str(if name == "AWS::AccountId" {
                    OWN
                } else {
                    COMPUTED
                });
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwarden_core::node::Intrinsic;
    use stackwarden_core::Span;

    fn s(text: &str) -> Node {
        Node::new(Span::default(), Value::String(text.into()))
    }

    fn intrinsic(name: &'static str, arg: Node) -> Node {
        Node::new(
            Span::default(),
            Value::Intrinsic(Box::new(Intrinsic { name, arg })),
        )
    }

    #[test]
    fn accounts_are_read_through_intrinsics() {
        assert_eq!(
            account_of(&s("arn:aws:iam::999988887777:root")),
            Account::Literal("999988887777".into())
        );
        assert_eq!(
            account_of(&s("999988887777")),
            Account::Literal("999988887777".into())
        );
        assert_eq!(account_of(&s("*")), Account::Any);
        let own = intrinsic(
            "Fn::Sub",
            s("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
        );
        assert_eq!(account_of(&own), Account::Own);
        assert!(is_root_of(&own, None));
        let param = intrinsic("Fn::Sub", s("arn:aws:iam::${VendorAccount}:root"));
        assert_eq!(account_of(&param), Account::Unknown);
        // CDK's AccountPrincipal('333344445555').
        let pieces = Node::new(
            Span::default(),
            Value::Seq(vec![
                s("arn:"),
                intrinsic("Ref", s("AWS::Partition")),
                s(":iam::333344445555:root"),
            ]),
        );
        let join = intrinsic(
            "Fn::Join",
            Node::new(Span::default(), Value::Seq(vec![s(""), pieces])),
        );
        assert_eq!(account_of(&join), Account::Literal("333344445555".into()));
        // A CDK stack with env.account writes its own account literally.
        assert!(is_root_of(&join, Some("333344445555")));
        assert!(!is_root_of(&join, Some("111111111111")));
    }
}
