//! Where policies live in a template, and whose they are.

use stackwarden_core::{Node, Value};
use stackwarden_iam::{PolicyKind, ResourcePolicy};

use super::sam_templates;
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
        let push =
            |found: &mut Found<'a>, node: &'a Node, kind: PolicyKind, principals: Vec<String>| {
                found.sources.push(Source {
                    resource: id,
                    kind,
                    principals,
                    sam_template: None,
                    document: Document::Written(node),
                });
            };
        match type_name {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(document) = resource.property("PolicyDocument") {
                    let mut principals = attached_to(resource.properties());
                    if type_name == "AWS::IAM::ManagedPolicy" {
                        // Roles that list this managed policy in ManagedPolicyArns by Ref.
                        principals.extend(attached_by_ref(template, id));
                    }
                    push(&mut found, document, PolicyKind::Identity, principals);
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
                    push(&mut found, document, PolicyKind::Identity, principals);
                }
            }
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
                for inline in resource
                    .property("Policies")
                    .map(Node::one_or_many)
                    .unwrap_or_default()
                {
                    if let Some(document) = inline.get("PolicyDocument") {
                        push(
                            &mut found,
                            document,
                            PolicyKind::Identity,
                            vec![id.to_string()],
                        );
                    }
                }
                if let Some(trust) = resource.property("AssumeRolePolicyDocument") {
                    push(&mut found, trust, PolicyKind::Trust, Vec::new());
                }
                for arn in resource
                    .property("ManagedPolicyArns")
                    .map(Node::one_or_many)
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
                    push(&mut found, document, PolicyKind::Resource(kind), Vec::new());
                }
            }
            "AWS::KMS::Key" => {
                if let Some(document) = resource.property("KeyPolicy") {
                    push(
                        &mut found,
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
                // A policy document written directly as the value (`Policies: {Statement: ...}`).
                if policies.get("Statement").is_some() {
                    push(
                        &mut found,
                        policies,
                        PolicyKind::Identity,
                        vec![id.to_string()],
                    );
                    continue;
                }
                for entry in policies.one_or_many() {
                    match &entry.value {
                        Value::String(_) | Value::Intrinsic(_) => found.managed.push((id, entry)),
                        Value::Map(map) if map.get("Statement").is_some() => {
                            push(
                                &mut found,
                                entry,
                                PolicyKind::Identity,
                                vec![id.to_string()],
                            );
                        }
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
            }
            _ => {
                // Other services' resource policies: judged for what every policy must get
                // right (real actions, well-formed statements).
                for key in OTHER_POLICY_PROPERTIES {
                    if let Some(document) = resource
                        .property(key)
                        .filter(|d| d.get("Statement").is_some())
                    {
                        push(
                            &mut found,
                            document,
                            PolicyKind::Resource(ResourcePolicy::Other),
                            Vec::new(),
                        );
                    }
                }
            }
        }
    }
    found
}

/// Properties that hold a resource policy document on other resource types
/// (AWS::ECR::Repository, AWS::SecretsManager::ResourcePolicy, AWS::OpenSearchService::Domain, ...).
const OTHER_POLICY_PROPERTIES: &[&str] = &[
    "PolicyDocument",
    "RepositoryPolicyText",
    "ResourcePolicy",
    "AccessPolicies",
    "Policy",
];

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
                (Value::String(name), _) => principals.push(name.clone()),
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
