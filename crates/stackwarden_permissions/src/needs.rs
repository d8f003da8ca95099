//! What a handler needs: each SDK command and library call its code makes, as the IAM actions
//! the command table gives, each on the resource its input names (an environment variable bound
//! to a resource of the template, or a literal).

use std::collections::BTreeMap;
use std::path::PathBuf;

use stackwarden_code::calls::{HandlerCalls, SdkCall, ValueRef};

use crate::functions::EnvValue;
use crate::role::Target;
use crate::sdk::table;

/// The input property that names the resource a command acts on, by botocore service. Services
/// not listed act on what IAM cannot scope by input (or were not needed yet): their target is
/// unknown, and only "some statement allows the action" is checked.
const RESOURCE_PROPERTIES: &[(&str, &[&str])] = &[
    ("s3", &["Bucket"]),
    ("dynamodb", &["TableName"]),
    ("sqs", &["QueueUrl"]),
    ("sns", &["TopicArn", "TargetArn"]),
    ("lambda", &["FunctionName"]),
    ("stepfunctions", &["stateMachineArn"]),
    ("secretsmanager", &["SecretId"]),
    ("ssm", &["Name"]),
    ("kinesis", &["StreamARN", "StreamName"]),
    ("firehose", &["DeliveryStreamName"]),
    ("kms", &["KeyId"]),
    ("logs", &["logGroupName"]),
    ("events", &["EventBusName"]),
];

/// A request that hands AWS a role to act with (a schedule's target role, a state machine's role,
/// a job's execution role) needs `iam:PassRole` on that role (IAM user guide, "Granting a user
/// permissions to pass a role to an AWS service"): an input property, at any depth, named so.
/// Not `role` in lower case: Bedrock's Converse messages carry `role: 'user'`.
fn passes_role(key: &str) -> bool {
    key.ends_with("RoleArn") || key.ends_with("roleArn") || matches!(key, "Role" | "ExecutionRole")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub action: String,
    pub target: Target,
    /// What the code wrote for the target (`env RECEIPTS_BUCKET`, `'orders'`), for messages.
    pub named_by: Option<String>,
    /// `PutObjectCommand`, `DynamoDBPersistenceLayer`.
    pub call: String,
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub needs: Vec<Need>,
    /// Calls that could not be mapped, with their place.
    pub unresolved: Vec<String>,
}

/// Whether an action works on something below the resource its input names: S3's object
/// actions (their resource type is `object`, `arn:...:::bucket/key`), and DynamoDB reads of an
/// index (`IndexName`).
fn is_child(action: &str, properties: &[(String, ValueRef)]) -> bool {
    if let Some(name) = action.strip_prefix("s3:") {
        let db = stackwarden_iam::db::db();
        return db.action(action).is_some_and(|a| {
            let types: Vec<&str> = a.resource_types().map(|t| t.name).collect();
            types.contains(&"object") && !types.contains(&"bucket")
        }) && !name.is_empty();
    }
    action.starts_with("dynamodb:") && properties.iter().any(|(k, _)| k == "IndexName")
}

pub fn needs(calls: &HandlerCalls, environment: &BTreeMap<String, EnvValue>) -> Needs {
    let mut out = Needs {
        unresolved: calls.unresolved.clone(),
        ..Needs::default()
    };
    let target_of = |value: &ValueRef,
                     action: &str,
                     properties: &[(String, ValueRef)]|
     -> (Target, Option<String>) {
        match value {
            ValueRef::Env(name) => match environment.get(name) {
                Some(EnvValue::Resource(id)) => (
                    Target::Resource {
                        id: id.clone(),
                        child: is_child(action, properties),
                    },
                    Some(format!("env {name}")),
                ),
                Some(EnvValue::Literal(text)) => {
                    (Target::Name(text.clone()), Some(format!("env {name}")))
                }
                _ => (Target::Unknown, Some(format!("env {name}"))),
            },
            ValueRef::Literal(text) => (Target::Name(text.clone()), Some(format!("'{text}'"))),
            ValueRef::Unknown => (Target::Unknown, None),
        }
    };
    for call in &calls.calls {
        let Some(command) = table().command(&call.package, &call.command) else {
            out.unresolved.push(format!(
                "{}:{}: `{}` is not a command of {} in the SDK table",
                call.path.display(),
                call.line,
                call.command,
                call.package
            ));
            continue;
        };
        if command.actions.is_empty() {
            out.unresolved.push(format!(
                "{}:{}: `{}` has no IAM action of its name in the action data",
                call.path.display(),
                call.line,
                call.command
            ));
            continue;
        }
        let service = table().service(&call.package).unwrap_or("");
        let properties = RESOURCE_PROPERTIES
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, p)| *p)
            .unwrap_or_default();
        let resource_value = |props: &[(String, ValueRef)]| {
            props
                .iter()
                .find(|(k, _)| properties.contains(&k.as_str()))
                .map(|(_, v)| v.clone())
                .unwrap_or(ValueRef::Unknown)
        };
        // Transactions are authorised per item (see xtask's ITEM_ACTIONS).
        let per_item = call.command.starts_with("Transact") && !call.items.is_empty();
        if per_item {
            // A transaction: each item's own action on its own table.
            for (kind, props) in &call.items {
                match table().item_action(kind) {
                    Some(action) => {
                        let (target, named_by) = target_of(&resource_value(props), action, props);
                        out.needs.push(need(call, action, target, named_by));
                    }
                    None => out.unresolved.push(format!(
                        "{}:{}: a transaction item whose kind is not written (`{kind}`)",
                        call.path.display(),
                        call.line
                    )),
                }
            }
        } else if !call.items.is_empty() && call.items.iter().all(|(k, _)| k == "RequestItems") {
            // A batch: the command's actions on each table of `RequestItems`.
            for (_, props) in &call.items {
                for action in &command.actions {
                    let (target, named_by) = target_of(&resource_value(props), action, props);
                    out.needs.push(need(call, action, target, named_by));
                }
            }
        } else {
            for action in &command.actions {
                let (target, named_by) =
                    target_of(&resource_value(&call.input), action, &call.input);
                out.needs.push(need(call, action, target, named_by));
            }
        }
        if call.nested_keys.iter().any(|k| passes_role(k)) {
            out.needs
                .push(need(call, "iam:PassRole", Target::Unknown, None));
        }
        for (property, value, action) in table().input_actions(&call.package, &call.command) {
            let asks = call
                .input
                .iter()
                .any(|(k, v)| k == property && *v == ValueRef::Literal(value.clone()));
            if asks {
                out.needs.push(need(call, action, Target::Unknown, None));
            }
        }
    }
    for library in &calls.library {
        let Some(entry) = table().library(&library.package, &library.export) else {
            continue;
        };
        let value = match entry.resource.parse::<usize>() {
            Ok(i) => library
                .arguments
                .get(i)
                .cloned()
                .unwrap_or(ValueRef::Unknown),
            Err(_) => library
                .options
                .iter()
                .find(|(k, _)| *k == entry.resource)
                .map(|(_, v)| v.clone())
                .unwrap_or(ValueRef::Unknown),
        };
        for action in &entry.actions {
            let (target, named_by) = target_of(&value, action, &[]);
            out.needs.push(Need {
                action: action.clone(),
                target,
                named_by,
                call: library.export.clone(),
                path: library.path.clone(),
                line: library.line,
                column: library.column,
            });
        }
    }
    out
}

fn need(call: &SdkCall, action: &str, target: Target, named_by: Option<String>) -> Need {
    Need {
        action: action.to_string(),
        target,
        named_by,
        call: call.command.clone(),
        path: call.path.clone(),
        line: call.line,
        column: call.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(package: &str, command: &str, input: Vec<(&str, ValueRef)>, keys: &[&str]) -> SdkCall {
        SdkCall {
            package: package.to_string(),
            command: command.to_string(),
            path: PathBuf::from("src/h.ts"),
            line: 3,
            column: 1,
            input: input.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            items: Vec::new(),
            input_unknown: false,
            nested_keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn a_converse_message_role_is_not_a_role() {
        let calls = HandlerCalls {
            calls: vec![call(
                "@aws-sdk/client-bedrock-runtime",
                "ConverseStreamCommand",
                vec![],
                &["modelId", "messages", "role", "content", "text"],
            )],
            ..HandlerCalls::default()
        };
        let found = needs(&calls, &BTreeMap::new());
        let actions: Vec<&str> = found.needs.iter().map(|n| n.action.as_str()).collect();
        assert_eq!(actions, ["bedrock:InvokeModelWithResponseStream"]);
    }

    #[test]
    fn a_role_in_the_input_needs_pass_role_and_env_binds_the_target() {
        let calls = HandlerCalls {
            calls: vec![
                call(
                    "@aws-sdk/client-scheduler",
                    "CreateScheduleCommand",
                    vec![],
                    &["Name", "Target", "Arn", "RoleArn"],
                ),
                call(
                    "@aws-sdk/client-s3",
                    "HeadObjectCommand",
                    vec![("Bucket", ValueRef::Env("BUCKET".into()))],
                    &["Bucket", "Key"],
                ),
            ],
            ..HandlerCalls::default()
        };
        let environment = BTreeMap::from([(
            "BUCKET".to_string(),
            EnvValue::Resource("Uploads".to_string()),
        )]);
        let found = needs(&calls, &environment);
        let actions: Vec<(&str, &Target)> = found
            .needs
            .iter()
            .map(|n| (n.action.as_str(), &n.target))
            .collect();
        assert_eq!(
            actions,
            [
                ("scheduler:CreateSchedule", &Target::Unknown),
                ("iam:PassRole", &Target::Unknown),
                (
                    "s3:GetObject",
                    &Target::Resource {
                        id: "Uploads".into(),
                        child: true
                    }
                ),
            ]
        );
    }
}
