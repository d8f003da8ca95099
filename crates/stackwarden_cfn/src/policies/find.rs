//! Where policies live in a template, and whose they are.

use stackwarden_core::{Node, Value};
use stackwarden_iam::{PolicyKind, ResourcePolicy};

use super::{json_text, sam_templates};
use crate::data::{self, PolicyPropertyKind};
use crate::template::Template;

/// One policy document of the template.
#[derive(Debug)]
pub struct Source<'a> {
    /// The resource it belongs to (findings are reported on it).
    pub resource: &'a str,
    pub kind: PolicyKind,
    /// The roles/users/groups/functions it is granted to (logical ids or names), for the rules
    /// that judge a principal's policies together.
    pub principals: Vec<String>,
    /// The SAM policy template this document was expanded from (`S3ReadPolicy`).
    pub sam_template: Option<&'a str>,
    document: Document<'a>,
}

#[derive(Debug)]
enum Document<'a> {
    Written(&'a Node),
    /// A SAM policy template expanded to statements (index into `Found::expanded`).
    Expanded(usize),
}

#[derive(Debug, Default)]
pub struct Found<'a> {
    pub sources: Vec<Source<'a>>,
    /// Managed policy attachments (`ManagedPolicyArns` entries, SAM `Policies` names).
    pub managed: Vec<(&'a str, &'a Node)>,
    expanded: Vec<Node>,
}

impl Found<'_> {
    pub fn node<'s>(&'s self, source: &'s Source<'_>) -> &'s Node {
        match source.document {
            Document::Written(node) => node,
            Document::Expanded(index) => &self.expanded[index],
        }
    }
}

/// Every policy of the template, in resource order.
pub fn find<'a>(template: &'a Template) -> Found<'a> {
    let mut found = Found::default();
    for resource in template.resources() {
        let id = resource.id;
        let type_name = resource.type_name();
        match type_name {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(document) = resource.property("PolicyDocument") {
                    let mut principals = attached_to(resource.properties());
                    if type_name == "AWS::IAM::ManagedPolicy" {
                        // Roles that list this managed policy in ManagedPolicyArns by Ref.
                        principals.extend(attached_by_ref(template, id));
                    }
                    found.push(id, document, PolicyKind::Identity, principals);
                }
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                if let Some(document) = resource.property("PolicyDocument") {
                    let principals = ["RoleName", "UserName", "GroupName"]
                        .iter()
                        .filter_map(|key| resource.property(key))
                        .filter_map(|name| match name.as_intrinsic() {
                            Some(i) if i.name == "Ref" => i.arg.as_str().map(str::to_string),
                            _ => name.as_str().map(str::to_string),
                        })
                        .collect();
                    found.push(id, document, PolicyKind::Identity, principals);
                }
            }
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                for inline in resource
                    .property("Policies")
                    .map(choices)
                    .unwrap_or_default()
                {
                    if let Some(document) = inline.get("PolicyDocument") {
                        found.push(id, document, PolicyKind::Identity, vec![id.to_string()]);
                    }
                }
                if let Some(trust) = resource.property("AssumeRolePolicyDocument") {
                    found.push(id, trust, PolicyKind::Trust, Vec::new());
                }
                for arn in resource
                    .property("ManagedPolicyArns")
                    .map(choices)
                    .unwrap_or_default()
                {
                    found.managed.push((id, arn));
                }
            }
            "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
                let kind = match type_name {
                    "AWS::S3::BucketPolicy" => ResourcePolicy::S3Bucket,
                    "AWS::SQS::QueuePolicy" => ResourcePolicy::SqsQueue,
                    _ => ResourcePolicy::SnsTopic,
                };
                if let Some(document) = resource.property("PolicyDocument") {
                    found.push(id, document, PolicyKind::Resource(kind), Vec::new());
                }
            }
            "AWS::KMS::Key" => {
                if let Some(document) = resource.property("KeyPolicy") {
                    found.push(
                        id,
                        document,
                        PolicyKind::Resource(ResourcePolicy::KmsKey),
                        Vec::new(),
                    );
                }
            }
            "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => {
                let Some(policies) = resource.property("Policies") else {
                    continue;
                };
                for entry in choices(policies) {
                    match &entry.value {
                        // A policy document written directly as the value
                        // (`Policies: {Statement: ...}`), or one entry that is a document.
                        Value::Map(map) if map.get("Statement").is_some() => {
                            found.push(id, entry, PolicyKind::Identity, vec![id.to_string()]);
                        }
                        Value::String(_) | Value::Intrinsic(_) => found.managed.push((id, entry)),
                        Value::Map(map) => {
                            for (name, arguments) in map.iter() {
                                if let Some(document) =
                                    sam_templates::expand(&name.name, arguments, name.span)
                                {
                                    found.expanded.push(document);
                                    found.sources.push(Source {
                                        resource: id,
                                        kind: PolicyKind::Identity,
                                        principals: vec![id.to_string()],
                                        sam_template: Some(name.name.as_str()),
                                        document: Document::Expanded(found.expanded.len() - 1),
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(trust) = resource.property("AssumeRolePolicyDocument") {
                    found.push(id, trust, PolicyKind::Trust, Vec::new());
                }
            }
            _ => {
                // Every other policy-bearing property of the CloudFormation spec
                // (data/policy-properties.tsv): SSO permission sets, ECR repositories, secrets,
                // OpenSearch domains, ...
                for &(path, kind) in data::policy_properties(type_name) {
                    for node in at_path(resource.properties(), path) {
                        let kind = match kind {
                            PolicyPropertyKind::Managed => {
                                found
                                    .managed
                                    .extend(choices(node).into_iter().map(|n| (id, n)));
                                continue;
                            }
                            PolicyPropertyKind::Identity => PolicyKind::Identity,
                            PolicyPropertyKind::Trust => PolicyKind::Trust,
                            PolicyPropertyKind::Resource => {
                                PolicyKind::Resource(ResourcePolicy::Other)
                            }
                        };
                        found.push(id, node, kind, Vec::new());
                    }
                }
            }
        }
    }
    found
}

impl<'a> Found<'a> {
    /// Adds the policy document(s) `node` may be at deploy time: each branch of an `Fn::If`, and
    /// JSON text (a string, or an `Fn::Sub` template) read as the document CloudFormation parses
    /// it into.
    fn push(
        &mut self,
        resource: &'a str,
        node: &'a Node,
        kind: PolicyKind,
        principals: Vec<String>,
    ) {
        for candidate in choices_of(node, false) {
            let document = match json_text::document(candidate) {
                json_text::Text::Parsed(document) => {
                    self.expanded.push(document);
                    Document::Expanded(self.expanded.len() - 1)
                }
                // A template whose placeholders stand outside JSON strings: the document is
                // only known at deploy time.
                json_text::Text::Undecidable => continue,
                json_text::Text::Written => Document::Written(candidate),
            };
            self.sources.push(Source {
                resource,
                kind,
                principals: principals.clone(),
                sam_template: None,
                document,
            });
        }
    }
}

/// The values a list-valued property may hold: its items, with each `Fn::If` (around the list
/// or around one item) contributing both branches; `Ref: AWS::NoValue` contributes nothing.
fn choices(node: &Node) -> Vec<&Node> {
    choices_of(node, true)
}

fn choices_of(node: &Node, list: bool) -> Vec<&Node> {
    match &node.value {
        Value::Intrinsic(i) if i.name == "Fn::If" => match i.arg.as_seq() {
            Some([_, yes, no]) => [yes, no]
                .into_iter()
                .flat_map(|branch| choices_of(branch, list))
                .collect(),
            _ => Vec::new(),
        },
        Value::Intrinsic(i) if i.name == "Ref" && i.arg.as_str() == Some("AWS::NoValue") => {
            Vec::new()
        }
        Value::Seq(items) if list => items.iter().flat_map(|i| choices_of(i, false)).collect(),
        _ => vec![node],
    }
}

/// The nodes at a data/policy-properties.tsv path below `Properties` (`Replicas[].ResourcePolicy.
/// PolicyDocument`), through `Fn::If` branches.
fn at_path<'a>(properties: Option<&'a Node>, path: &str) -> Vec<&'a Node> {
    let mut current: Vec<&Node> = properties.into_iter().collect();
    for segment in path.split('.') {
        let (name, list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        current = current
            .into_iter()
            .filter_map(|node| node.get(name))
            .flat_map(|node| choices_of(node, list))
            .collect();
    }
    current
}

/// `Roles`/`Users`/`Groups` of a policy resource: logical ids for `Ref`s, names otherwise.
fn attached_to(properties: Option<&Node>) -> Vec<String> {
    let mut principals = Vec::new();
    for key in ["Roles", "Users", "Groups"] {
        for entry in properties
            .and_then(|p| p.get(key))
            .map(Node::one_or_many)
            .unwrap_or_default()
        {
            match (&entry.value, entry.as_intrinsic()) {
                (Value::String(name), _) => principals.push(name.to_string()),
                (_, Some(i)) if i.name == "Ref" => {
                    principals.extend(i.arg.as_str().map(str::to_string))
                }
                _ => {}
            }
        }
    }
    principals
}

/// Roles, users and groups whose `ManagedPolicyArns` hold `Ref: <policy_id>`.
fn attached_by_ref(template: &Template, policy_id: &str) -> Vec<String> {
    template
        .resources()
        .filter(|r| {
            r.property("ManagedPolicyArns").is_some_and(|arns| {
                arns.one_or_many().iter().any(|a| {
                    a.as_intrinsic()
                        .is_some_and(|i| i.name == "Ref" && i.arg.as_str() == Some(policy_id))
                })
            })
        })
        .map(|r| r.id.to_string())
        .collect()
}
