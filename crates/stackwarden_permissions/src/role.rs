//! What a role allows: the statements of its inline policies, of the `AWS::IAM::Policy` and
//! `AWS::IAM::ManagedPolicy` resources attached to it, and of the AWS managed policies it names,
//! with each `Resource` bound to the template's resources where it is a `Ref`/`Fn::GetAtt`.

use stackwarden_cfn::Template;
use stackwarden_core::{Node, Span};
use stackwarden_iam::pattern;

/// One entry of a statement's `Resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Res {
    /// `"*"`.
    Any,
    /// `Fn::GetAtt [X, Arn]`, `Ref X`, or either joined with a literal suffix (`X.Arn + "/*"`).
    Of { id: String, suffix: String },
    /// A literal ARN or pattern, or one built of parts not all known (unknown parts are `*`).
    Pattern(String),
}

/// Where a statement comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A policy resource of the template (`AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`) or the
    /// role's own `Policies`, by logical id.
    Template(String),
    /// An AWS managed policy, by name.
    Managed(String),
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<(String, Span)>,
    /// `NotAction`: allows everything but these.
    pub not_actions: Option<Vec<String>>,
    pub resources: Vec<Res>,
    pub not_resource: bool,
    pub conditional: bool,
    pub span: Span,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct RolePolicies {
    pub statements: Vec<Statement>,
    /// Managed policies that are not embedded or not understood, as written.
    pub unresolved: Vec<String>,
}

/// Whether a statement entry covers a needed target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A resource of the template, by logical id; `child` when the action works below it
    /// (an object of a bucket, an index of a table).
    Resource {
        id: String,
        child: bool,
    },
    /// A name or ARN written in code or in the environment.
    Name(String),
    Unknown,
}

impl Statement {
    pub fn allows_action(&self, action: &str) -> bool {
        match &self.not_actions {
            Some(excluded) => !excluded.iter().any(|p| pattern::matches(p, action)),
            None => self
                .actions
                .iter()
                .any(|(p, _)| pattern::matches(p, action)),
        }
    }

    /// Whether the statement may cover the target: certainly not only when it names other
    /// resources of the template, or the right one at the wrong level (a bucket's ARN for an
    /// object action). Literal ARNs and unknown targets are given the benefit of the doubt.
    pub fn may_cover(&self, target: &Target) -> bool {
        if self.not_resource {
            return true;
        }
        self.resources.iter().any(|r| match (r, target) {
            (Res::Any, _) | (Res::Pattern(_), _) | (_, Target::Unknown) | (_, Target::Name(_)) => {
                true
            }
            (Res::Of { id, suffix }, Target::Resource { id: wanted, child }) => {
                id == wanted
                    && if *child {
                        suffix.starts_with('/') || suffix == "*"
                    } else {
                        suffix.is_empty() || suffix == "*"
                    }
            }
        })
    }
}

/// The policies of the role with logical id `role` in `template`.
pub fn role_policies(template: &Template, role: &str) -> RolePolicies {
    let mut out = RolePolicies::default();
    let Some(resource) = template.resource(role) else {
        out.unresolved
            .push(format!("role `{role}` is not a resource of the template"));
        return out;
    };
    for policy in resource
        .property("Policies")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if let Some(document) = policy.get("PolicyDocument") {
            statements_of(document, Origin::Template(role.to_string()), &mut out);
        }
    }
    for arn in resource
        .property("ManagedPolicyArns")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        managed_policy(template, arn, &mut out);
    }
    for other in template.resources() {
        if !matches!(
            other.type_name(),
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy"
        ) {
            continue;
        }
        let names_role = other
            .property("Roles")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .chain(other.property("RoleName"))
            .any(|r| refers_to(r, role));
        if names_role {
            if let Some(document) = other.property("PolicyDocument") {
                statements_of(document, Origin::Template(other.id.to_string()), &mut out);
            }
        }
    }
    out
}

fn managed_policy(template: &Template, arn: &Node, out: &mut RolePolicies) {
    // A customer managed policy of the same template.
    if let Some(id) = ref_target(arn) {
        if let Some(policy) = template.resource(&id) {
            if let Some(document) = policy.property("PolicyDocument") {
                statements_of(document, Origin::Template(id), out);
                return;
            }
        }
    }
    let text = flatten(arn);
    let name = text
        .split_once(":iam::aws:policy/")
        .map(|(_, path)| path.rsplit('/').next().unwrap_or(path).to_string());
    match name
        .as_deref()
        .and_then(|n| Some((n, crate::managed::document(n)?)))
    {
        Some((name, document)) => {
            let node = json_to_node(document);
            statements_of(&node, Origin::Managed(name.to_string()), out);
        }
        None => out.unresolved.push(text),
    }
}

fn statements_of(document: &Node, origin: Origin, out: &mut RolePolicies) {
    let Some(statements) = document.get("Statement") else {
        return;
    };
    for statement in statements.one_or_many() {
        let strings = |key: &str| -> Option<Vec<(String, Span)>> {
            statement.get(key).map(|n| {
                n.one_or_many()
                    .iter()
                    .map(|a| {
                        (
                            a.as_scalar()
                                .map_or_else(|| "*".to_string(), |s| s.to_string()),
                            a.span,
                        )
                    })
                    .collect()
            })
        };
        let resources = statement
            .get("Resource")
            .or_else(|| statement.get("NotResource"))
            .map(|r| r.one_or_many().iter().map(resource_of).collect())
            .unwrap_or_default();
        out.statements.push(Statement {
            allow: statement.get("Effect").and_then(Node::as_str) != Some("Deny"),
            actions: strings("Action").unwrap_or_default(),
            not_actions: strings("NotAction").map(|v| v.into_iter().map(|(a, _)| a).collect()),
            resources,
            not_resource: statement.get("NotResource").is_some(),
            conditional: statement.get("Condition").is_some(),
            span: statement.span,
            origin: origin.clone(),
        });
    }
}

/// A `Resource` entry as the bound form.
pub fn resource_of(node: &Node) -> Res {
    if let Some(text) = node.as_str() {
        return if text == "*" {
            Res::Any
        } else {
            Res::Pattern(text.to_string())
        };
    }
    if let Some(id) = ref_target(node) {
        return Res::Of {
            id,
            suffix: String::new(),
        };
    }
    if let Some(intrinsic) = node.as_intrinsic() {
        match intrinsic.name {
            "Fn::Join" => {
                let parts = intrinsic
                    .arg
                    .as_seq()
                    .and_then(|s| s.get(1))
                    .and_then(Node::as_seq)
                    .unwrap_or_default();
                let separator = intrinsic
                    .arg
                    .as_seq()
                    .and_then(|s| s.first())
                    .and_then(Node::as_str)
                    .unwrap_or("");
                if let Some((first, rest)) = parts.split_first() {
                    if let Some(id) = ref_target(first) {
                        let literal: Option<Vec<&str>> = rest.iter().map(Node::as_str).collect();
                        if let (Some(literal), "") = (literal, separator) {
                            return Res::Of {
                                id,
                                suffix: literal.concat(),
                            };
                        }
                    }
                }
            }
            "Fn::Sub" => {
                let text = intrinsic
                    .arg
                    .as_str()
                    .or_else(|| {
                        intrinsic
                            .arg
                            .as_seq()
                            .and_then(|s| s.first())
                            .and_then(Node::as_str)
                    })
                    .unwrap_or("");
                if let Some(rest) = text.strip_prefix("${") {
                    if let Some((name, suffix)) = rest.split_once('}') {
                        let id = name.split('.').next().unwrap_or(name);
                        if !id.starts_with("AWS::") && !suffix.contains("${") {
                            return Res::Of {
                                id: id.to_string(),
                                suffix: suffix.to_string(),
                            };
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Res::Pattern(flatten(node))
}

/// The logical id a `Ref X` or `Fn::GetAtt [X, attr]` names (not pseudo parameters).
pub fn ref_target(node: &Node) -> Option<String> {
    let intrinsic = node.as_intrinsic()?;
    let id = match intrinsic.name {
        "Ref" => intrinsic.arg.as_str()?.to_string(),
        "Fn::GetAtt" => match intrinsic.arg.as_seq() {
            Some(parts) => parts.first()?.as_str()?.to_string(),
            None => intrinsic.arg.as_str()?.split('.').next()?.to_string(),
        },
        _ => return None,
    };
    (!id.starts_with("AWS::")).then_some(id)
}

fn refers_to(node: &Node, id: &str) -> bool {
    ref_target(node).as_deref() == Some(id)
}

/// A value as text with unknown parts as `*` (`arn:aws:iam::aws:policy/X` from a `Fn::Join`).
pub fn flatten(node: &Node) -> String {
    if let Some(text) = node.as_scalar() {
        return text.to_string();
    }
    match node.as_intrinsic() {
        Some(i) if i.name == "Ref" && i.arg.as_str() == Some("AWS::Partition") => "aws".to_string(),
        Some(i) if i.name == "Fn::Join" => {
            let seq = i.arg.as_seq().unwrap_or_default();
            let separator = seq.first().and_then(Node::as_str).unwrap_or("");
            seq.get(1)
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .map(flatten)
                .collect::<Vec<_>>()
                .join(separator)
        }
        Some(i) if i.name == "Fn::Sub" => i
            .arg
            .as_str()
            .map(|t| t.replace("${AWS::Partition}", "aws"))
            .unwrap_or_else(|| "*".to_string()),
        _ => "*".to_string(),
    }
}

/// An embedded JSON document as the template model (spans are meaningless there).
fn json_to_node(value: &serde_json::Value) -> Node {
    use stackwarden_core::node::{Key, Map, Value};
    let span = Span::default();
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.to_string().into()),
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        serde_json::Value::Array(a) => Value::Seq(a.iter().map(json_to_node).collect()),
        serde_json::Value::Object(o) => Value::Map(Map {
            entries: o
                .iter()
                .map(|(k, v)| {
                    (
                        Key {
                            name: k.as_str().into(),
                            span,
                        },
                        json_to_node(v),
                    )
                })
                .collect(),
        }),
    };
    Node::new(span, value)
}
