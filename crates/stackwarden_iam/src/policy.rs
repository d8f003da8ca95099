//! The policy model: a policy document parsed from the spanned [`Node`] tree (YAML or JSON alike)
//! into statements whose every element keeps its position.
//!
//! Parsing never fails: a shape IAM would reject (a statement that is a string, an Action that is a
//! number, a wrong Version) becomes a [`Problem`] beside the statements that did parse, and the
//! `iam/malformed-policy` rule reports it. Values only known at deploy time (intrinsics such as
//! `Fn::GetAtt`, `Fn::Sub`, `Ref`) are [`ItemValue::Dynamic`], never invalid ARNs; an `Fn::If`
//! contributes both of its branches, since either may be deployed.

use stackwarden_core::{Node, Span, Value};

/// What a policy is attached to decides which rules apply (a KMS key policy's `Resource: "*"`
/// means "this key", a trust policy has no Resource at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a role, user or group (or a standalone policy file).
    Identity,
    /// A role's `AssumeRolePolicyDocument`.
    Trust,
    /// A resource policy (bucket, queue, topic, key).
    Resource(ResourcePolicy),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcePolicy {
    S3Bucket,
    SqsQueue,
    SnsTopic,
    KmsKey,
    /// Any other service's resource policy (ECR repository, secret, event bus, domain, ...).
    Other,
}

#[derive(Debug)]
pub struct Policy<'a> {
    pub kind: PolicyKind,
    pub span: Span,
    pub statements: Vec<Statement<'a>>,
    pub problems: Vec<Problem>,
}

/// A shape that IAM would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Missing, misspelled or computed: never judged as a grant.
    Unknown,
}

#[derive(Debug)]
pub struct Statement<'a> {
    pub span: Span,
    pub sid: Option<&'a str>,
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: Option<Field<'a>>,
    /// `Resource` or `NotResource`.
    pub resources: Option<Field<'a>>,
    /// `Principal` (or `NotPrincipal`, with `negated`).
    pub principal: Option<Field<'a>>,
    pub principal_node: Option<&'a Node>,
    pub condition: Option<&'a Node>,
}

/// A statement element that is a string or a list of strings.
#[derive(Debug)]
pub struct Field<'a> {
    /// `NotAction` / `NotResource` / `NotPrincipal`.
    pub negated: bool,
    /// Where the key is written.
    pub key_span: Span,
    pub items: Vec<Item<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub value: ItemValue<'a>,
    pub span: Span,
    pub node: &'a Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemValue<'a> {
    Literal(&'a str),
    /// An intrinsic (or other computed value): known only at deploy time.
    Dynamic,
}

impl<'a> Item<'a> {
    pub fn literal(&self) -> Option<&'a str> {
        match self.value {
            ItemValue::Literal(text) => Some(text),
            ItemValue::Dynamic => None,
        }
    }
}

impl<'a> Field<'a> {
    pub fn literals(&self) -> impl Iterator<Item = (&'a str, Span)> + '_ {
        self.items
            .iter()
            .filter_map(|i| i.literal().map(|l| (l, i.span)))
    }

    /// The `"*"` entry, when there is one.
    pub fn star(&self) -> Option<&Item<'a>> {
        self.items.iter().find(|i| i.literal() == Some("*"))
    }
}

impl Statement<'_> {
    pub fn is_allow(&self) -> bool {
        self.effect == Effect::Allow
    }

    /// The Action list of an Allow (not NotAction): what the statement grants by name.
    pub fn allowed_actions(&self) -> Option<&Field<'_>> {
        self.actions
            .as_ref()
            .filter(|f| self.is_allow() && !f.negated)
    }
}

const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];

/// Parses a policy document (`{Version, Statement}`), or a bare statement list as SAM `Policies`
/// entries write them.
pub fn parse(document: &Node, kind: PolicyKind) -> Policy<'_> {
    let mut policy = Policy {
        kind,
        span: document.span,
        statements: Vec::new(),
        problems: Vec::new(),
    };
    let problem = |span: Span, message: String| Problem { span, message };
    match &document.value {
        Value::Map(map) => {
            if let Some(version) = map.get("Version") {
                match version.as_scalar() {
                    Some(v) if VERSIONS.contains(&v.as_ref()) => {}
                    Some(v) => policy.problems.push(problem(
                        version.span,
                        format!(
                            "Version \"{}\" is not a policy language version; use \"2012-10-17\"",
                            shorten(&v)
                        ),
                    )),
                    None if is_dynamic(version) => {}
                    None => policy.problems.push(problem(
                        version.span,
                        "Version must be the string \"2012-10-17\"".into(),
                    )),
                }
            }
            match map.get("Statement") {
                Some(statements) => statements_of(statements, &mut policy),
                None => policy.problems.push(problem(
                    document.span,
                    "policy document has no Statement".into(),
                )),
            }
        }
        Value::Seq(_) => statements_of(document, &mut policy),
        Value::Intrinsic(_) => {}
        // CloudFormation parses a string as JSON text; callers hand over the parsed document,
        // so a string that reaches here is not JSON.
        Value::String(_) => policy.problems.push(problem(
            document.span,
            "the policy document is a string that is not a JSON object; CloudFormation parses the text as JSON and the deploy fails".into(),
        )),
        _ => policy.problems.push(problem(
            document.span,
            "a policy document must be a mapping with Version and Statement".into(),
        )),
    }
    policy
}

/// Statement lists may be a single statement, a list, or hold `Fn::If` choices.
fn statements_of<'a>(node: &'a Node, policy: &mut Policy<'a>) {
    for item in node.one_or_many() {
        for candidate in branches(item) {
            match &candidate.value {
                Value::Map(_) => policy
                    .statements
                    .push(statement(candidate, &mut policy.problems)),
                Value::Intrinsic(_) | Value::Null => {}
                _ => policy.problems.push(Problem {
                    span: candidate.span,
                    message: format!(
                        "a statement must be a mapping with Effect, Action and Resource, not {}",
                        describe(candidate)
                    ),
                }),
            }
        }
    }
}

fn statement<'a>(node: &'a Node, problems: &mut Vec<Problem>) -> Statement<'a> {
    let map = node.as_map();
    let entry = |key: &str| map.and_then(|m| m.entry(key));
    let effect = match entry("Effect") {
        Some((_, value)) => match value.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ if is_dynamic(value) => Effect::Unknown,
            _ => {
                problems.push(Problem {
                    span: value.span,
                    message: format!(
                        "Effect must be \"Allow\" or \"Deny\", not {}",
                        describe(value)
                    ),
                });
                Effect::Unknown
            }
        },
        None => {
            problems.push(Problem {
                span: node.span,
                message: "statement has no Effect".into(),
            });
            Effect::Unknown
        }
    };
    let mut field_of = |plain: &str, negated_key: &str, required: bool| -> Option<Field<'a>> {
        let (negated, (key, value)) = match (entry(plain), entry(negated_key)) {
            (Some(e), None) => (false, e),
            (None, Some(e)) => (true, e),
            (Some(e), Some(_)) => {
                problems.push(Problem {
                    span: e.0.span,
                    message: format!("a statement cannot have both {plain} and {negated_key}"),
                });
                (false, e)
            }
            (None, None) => {
                if required {
                    problems.push(Problem {
                        span: node.span,
                        message: format!("statement has neither {plain} nor {negated_key}"),
                    });
                }
                return None;
            }
        };
        Some(Field {
            negated,
            key_span: key.span,
            items: items(value, plain, problems),
        })
    };
    let actions = field_of("Action", "NotAction", true);
    let resources = field_of("Resource", "NotResource", false);
    let principal = field_of_principal(
        entry("Principal").or(entry("NotPrincipal")),
        entry("NotPrincipal").is_some(),
    );
    Statement {
        span: node.span,
        sid: entry("Sid").and_then(|(_, v)| v.as_str()),
        effect,
        actions,
        resources,
        principal,
        principal_node: entry("Principal").or(entry("NotPrincipal")).map(|(_, v)| v),
        condition: entry("Condition").map(|(_, v)| v),
    }
}

/// `Principal: "*"` or `{AWS: ..., Service: ..., Federated: ...}`: the items of every kind, for
/// rules that look at principals they read `principal_node` by kind.
fn field_of_principal<'a>(
    entry: Option<(&'a stackwarden_core::Key, &'a Node)>,
    negated: bool,
) -> Option<Field<'a>> {
    let (key, value) = entry?;
    let mut ignored = Vec::new();
    let items = match value.as_map() {
        Some(map) => map
            .iter()
            .flat_map(|(_, v)| items(v, "Principal", &mut ignored))
            .collect(),
        None => items(value, "Principal", &mut ignored),
    };
    Some(Field {
        negated,
        key_span: key.span,
        items,
    })
}

/// The string items of an element, with `Fn::If` branches flattened.
fn items<'a>(value: &'a Node, key: &str, problems: &mut Vec<Problem>) -> Vec<Item<'a>> {
    let mut out = Vec::new();
    for entry in value.one_or_many() {
        for candidate in branches(entry) {
            match &candidate.value {
                Value::String(text) => out.push(Item {
                    value: ItemValue::Literal(text),
                    span: candidate.span,
                    node: candidate,
                }),
                Value::Intrinsic(_) => out.push(Item {
                    value: ItemValue::Dynamic,
                    span: candidate.span,
                    node: candidate,
                }),
                // `Fn::If` with `Ref: AWS::NoValue` leaves nothing.
                Value::Null => {}
                _ => problems.push(Problem {
                    span: candidate.span,
                    message: format!("{key} entries must be strings, not {}", describe(candidate)),
                }),
            }
        }
    }
    out
}

/// The values an item may take: both branches of `Fn::If`, else the item itself. A branch that
/// is `Ref: AWS::NoValue` is dropped.
fn branches(node: &Node) -> Vec<&Node> {
    match node.as_intrinsic() {
        Some(i) if i.name == "Fn::If" => match i.arg.as_seq() {
            Some([_, yes, no]) => [yes, no]
                .into_iter()
                .filter(|b| !is_no_value(b))
                .flat_map(|b: &Node| -> Vec<&Node> {
                    if b.as_seq().is_some() {
                        b.one_or_many().iter().collect()
                    } else {
                        vec![b]
                    }
                })
                .collect(),
            _ => vec![],
        },
        _ => vec![node],
    }
}

fn is_no_value(node: &Node) -> bool {
    node.as_intrinsic()
        .is_some_and(|i| i.name == "Ref" && i.arg.as_str() == Some("AWS::NoValue"))
}

fn is_dynamic(node: &Node) -> bool {
    matches!(node.value, Value::Intrinsic(_))
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {}", shorten(n)),
        Value::String(s) => format!("the string \"{}\"", shorten(s)),
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
        Value::Intrinsic(i) => i.name.to_string(),
    }
}

/// Text for messages: long values (a 1 MB action string) are cut.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text.to_string(),
    }
}
