//! MCP tools reach AWS too. Claude Code names an MCP tool `mcp__<server>__<tool>` and sends the
//! tool's arguments object as `tool_input`; this module reads that call as what it will do to AWS,
//! so the hook can judge it with the same guard as a shell command:
//!
//! - a `cli_command` argument (awslabs' `aws-api-mcp-server` tool `call_aws` takes one command or
//!   a list of them) is a command line, judged exactly like a Bash command;
//! - a Cloud Control change (awslabs' `ccapi-mcp-server` tools `create_resource`,
//!   `update_resource`, `delete_resource`, with `resource_type`, `identifier`, `patch_document`
//!   and `region`) is judged as the equivalent `aws cloudcontrol ...-resource` command, so the
//!   guard's AWS API table decides it like the same call typed into a shell;
//! - reads (`get_resource`, `list_resources`, a tool whose name starts with get, list, describe,
//!   read or search) pass;
//! - any other tool whose names say it belongs to AWS and whose verb changes something is opaque:
//!   the hook asks (`guard/unresolved`), since the guard cannot see what it will call;
//! - everything else passes without a decision, so unrelated MCP servers are neither slowed nor
//!   blocked.
//!
//! What it cannot see: which credentials the MCP server runs with. The server has its own
//! environment (`AWS_PROFILE` or `AWS_API_MCP_PROFILE_NAME` in its MCP configuration); the guard
//! judges the command with the hook's environment, as for a shell command. A `--profile` written
//! into `cli_command` is seen.
//!
//! Pure: no files, no environment. [`crate::hook`] judges and answers.

use serde_json::{Map, Value};

/// The prefix Claude Code gives every MCP tool name.
pub const MCP_PREFIX: &str = "mcp__";

/// `mcp__<server>__<tool>` taken apart. Claude Code replaces characters outside
/// `[A-Za-z0-9_-]` in a server name with `_` (`awslabs.ccapi-mcp-server` becomes
/// `awslabs_ccapi-mcp-server`), so the first `__` after the prefix ends the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct McpTool<'a> {
    /// The whole tool name, for messages.
    pub name: &'a str,
    pub server: &'a str,
    pub tool: &'a str,
}

impl<'a> McpTool<'a> {
    pub fn parse(name: &'a str) -> Option<Self> {
        let rest = name.strip_prefix(MCP_PREFIX)?;
        let (server, tool) = rest.split_once("__")?;
        (!server.is_empty() && !tool.is_empty()).then_some(Self { name, server, tool })
    }
}

/// What one MCP tool call means to the guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McpCall {
    /// AWS CLI command lines the call runs, to judge like Bash commands.
    Commands(Vec<String>),
    /// A Cloud Control change, as the AWS CLI command that makes the same API call.
    CloudControl(String),
    /// A tool that may change AWS, whose effect the guard cannot see; `why` says what gave it
    /// away.
    Opaque { why: String },
    /// Nothing the guard judges.
    Pass,
}

/// Reads one call. `Err` is malformed input for a tool that would be judged (the hook then
/// blocks it, as it does a Bash event without a command); the message names the tool and what
/// was expected.
pub fn classify(tool: &McpTool<'_>, input: Option<&Value>) -> Result<McpCall, String> {
    let args = match input {
        Some(Value::Object(args)) => Some(args),
        None | Some(Value::Null) => None,
        Some(other) => {
            if is_judged(tool, None) {
                return Err(format!(
                    "the {} tool_input is {} instead of an object of arguments",
                    tool.name,
                    kind(other)
                ));
            }
            return Ok(McpCall::Pass);
        }
    };
    if tool.tool == "call_aws" || args.is_some_and(|a| a.contains_key("cli_command")) {
        return cli_commands(tool, args).map(McpCall::Commands);
    }
    if let Some(commands) = shell_commands(tool, args) {
        return Ok(McpCall::Commands(commands));
    }
    if let Some(change) = CloudControlChange::of(tool.tool) {
        if looks_like_cloud_control(tool) || args.is_some_and(|a| a.contains_key("resource_type")) {
            return change.command(tool, args).map(McpCall::CloudControl);
        }
    }
    if is_read(tool.tool) {
        return Ok(McpCall::Pass);
    }
    Ok(match opaque_reason(tool, args) {
        Some(why) => McpCall::Opaque { why },
        None => McpCall::Pass,
    })
}

/// Words of tool names that run what they are given in a shell (`execute_command`,
/// `run_terminal_cmd`, `shell_exec`, `bash`).
const SHELL_WORDS: &[&str] = &[
    "exec", "execute", "run", "shell", "terminal", "bash", "sh", "cmd", "command",
];
/// The argument such tools take the command line in.
const COMMAND_ARGUMENTS: &[&str] = &["command", "cmd", "command_line", "commandLine", "script"];

/// A shell-running tool's command line, judged exactly like a Bash command: an agent with a
/// terminal MCP server (desktop-commander's `execute_command`, a `run_terminal_cmd`) reaches
/// AWS through it without touching Bash.
fn shell_commands(tool: &McpTool<'_>, args: Option<&Map<String, Value>>) -> Option<Vec<String>> {
    let runs = words(tool.tool)
        .iter()
        .any(|w| SHELL_WORDS.contains(&w.as_str()));
    if !runs {
        return None;
    }
    let args = args?;
    let commands: Vec<String> = COMMAND_ARGUMENTS
        .iter()
        .filter_map(|name| args.get(*name))
        .filter_map(|value| match value {
            Value::String(line) => Some(vec![line.clone()]),
            // `command: "aws", args: ["s3", "rb", ...]`: the pieces of one command line.
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(shell_word)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .map(|line| vec![line]),
            _ => None,
        })
        .flatten()
        .collect();
    if commands.is_empty() {
        return None;
    }
    let arguments: Vec<String> = ["args", "arguments"]
        .iter()
        .filter_map(|name| args.get(*name).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(shell_word)
        .collect();
    Some(match (commands.as_slice(), arguments.is_empty()) {
        ([one], false) => vec![format!("{one} {}", arguments.join(" "))],
        _ => commands,
    })
}

/// Whether a call of this tool would be judged, before its arguments are read.
fn is_judged(tool: &McpTool<'_>, args: Option<&Map<String, Value>>) -> bool {
    tool.tool == "call_aws"
        || (CloudControlChange::of(tool.tool).is_some() && looks_like_cloud_control(tool))
        || (!is_read(tool.tool) && opaque_reason(tool, args).is_some())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `cli_command`: one command line or a list of them (the aws-api server runs each in turn).
fn cli_commands(
    tool: &McpTool<'_>,
    args: Option<&Map<String, Value>>,
) -> Result<Vec<String>, String> {
    let expected = "`cli_command` (an AWS CLI command line, or a list of them)";
    match args.and_then(|a| a.get("cli_command")) {
        Some(Value::String(command)) => Ok(vec![command.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(command) => Ok(command.clone()),
                other => Err(format!(
                    "the {} tool_input's `cli_command` list holds {} where a command line belongs",
                    tool.name,
                    kind(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!(
            "the {} tool_input's `cli_command` is {}; expected {expected}",
            tool.name,
            kind(other)
        )),
        None => Err(format!("the {} tool_input has no {expected}", tool.name)),
    }
}

/// A Cloud Control API mutation, by the ccapi server's tool name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloudControlChange {
    Create,
    Update,
    Delete,
}

impl CloudControlChange {
    fn of(tool: &str) -> Option<Self> {
        match tool {
            "create_resource" => Some(Self::Create),
            "update_resource" => Some(Self::Update),
            "delete_resource" => Some(Self::Delete),
            _ => None,
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Self::Create => "create-resource",
            Self::Update => "update-resource",
            Self::Delete => "delete-resource",
        }
    }

    /// The AWS CLI command making the same API call: `aws cloudcontrol delete-resource
    /// --type-name AWS::S3::Bucket --identifier my-bucket --region eu-west-2`. The ccapi server
    /// takes a create's properties from an earlier `explain` token, so a create usually carries
    /// no `--desired-state`; a `properties` argument (other Cloud Control servers) becomes one.
    fn command(
        self,
        tool: &McpTool<'_>,
        args: Option<&Map<String, Value>>,
    ) -> Result<String, String> {
        let text = |name: &str, required: bool| -> Result<Option<String>, String> {
            match args.and_then(|a| a.get(name)) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
                None | Some(Value::Null) | Some(Value::String(_)) if !required => Ok(None),
                None | Some(Value::Null) => Err(format!(
                    "the {} tool_input has no `{name}`; a Cloud Control {} needs it",
                    tool.name,
                    self.operation()
                )),
                Some(other) => Err(format!(
                    "the {} tool_input's `{name}` is {}; expected a non-empty string",
                    tool.name,
                    if other.is_string() {
                        "empty"
                    } else {
                        kind(other)
                    }
                )),
            }
        };
        let mut words = vec![
            "aws".to_string(),
            "cloudcontrol".into(),
            self.operation().into(),
            "--type-name".into(),
            shell_word(&text("resource_type", true)?.unwrap_or_default()),
        ];
        if self != Self::Create {
            words.push("--identifier".into());
            words.push(shell_word(&text("identifier", true)?.unwrap_or_default()));
        }
        let document = match self {
            Self::Create => args
                .and_then(|a| a.get("properties"))
                .map(|v| ("--desired-state", v)),
            Self::Update => args
                .and_then(|a| a.get("patch_document"))
                .map(|v| ("--patch-document", v)),
            Self::Delete => None,
        };
        if let Some((flag, value)) = document.filter(|(_, v)| !v.is_null()) {
            // The CLI takes the document as JSON text; a string argument already is.
            let json = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            words.push(flag.into());
            words.push(shell_word(&json));
        }
        if let Some(region) = text("region", false)? {
            words.push("--region".into());
            words.push(shell_word(&region));
        }
        Ok(words.join(" "))
    }
}

/// One shell word that means exactly `text`: bare when it holds only characters the shell
/// leaves alone, else single-quoted (inside single quotes nothing expands; a `'` is written
/// `'\''`). The guard parses the result as a shell line, so an identifier like `$(rm -rf ~)`
/// must stay a literal.
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:/@%+,=".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The server names awslabs' Cloud Control server gets under its usual configurations.
fn looks_like_cloud_control(tool: &McpTool<'_>) -> bool {
    let server = tool.server.to_ascii_lowercase();
    ["ccapi", "cloudcontrol", "cloud-control", "cloud_control"]
        .iter()
        .any(|hint| server.contains(hint))
}

/// The lower-case words of a name: `delete_stack`, `deleteStack` and `delete-stack` all give
/// `delete`, `stack`.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Verbs of tools that only look.
const READ_VERBS: &[&str] = &["get", "list", "describe", "read", "search"];

fn is_read(tool: &str) -> bool {
    words(tool)
        .first()
        .is_some_and(|first| READ_VERBS.contains(&first.as_str()))
}

/// Verbs of tools that change something.
const CHANGE_VERBS: &[&str] = &[
    "create",
    "update",
    "delete",
    "put",
    "remove",
    "terminate",
    "deploy",
    "destroy",
    "apply",
    "run",
    "execute",
    "invoke",
    "write",
];

/// Words in a server or tool name that place it in AWS.
const AWS_WORDS: &[&str] = &[
    "aws",
    "awslabs",
    "amazon",
    "cdk",
    "cloudformation",
    "cfn",
    "sam",
    "lambda",
    "s3",
    "iam",
    "dynamodb",
    "ec2",
    "ecs",
    "eks",
    "rds",
    "sqs",
    "sns",
    "kms",
    "sts",
    "ssm",
    "secretsmanager",
    "cloudcontrol",
    "ccapi",
    "cloudwatch",
    "eventbridge",
    "stepfunctions",
    "apigateway",
    "route53",
    "bedrock",
];

/// Why an unknown tool looks like it changes AWS, or `None`. Both must hold: a change verb in
/// the tool's name, and AWS in the server's or tool's name or in an argument (an ARN, a
/// CloudFormation type name).
fn opaque_reason(tool: &McpTool<'_>, args: Option<&Map<String, Value>>) -> Option<String> {
    let tool_words = words(tool.tool);
    let verb = tool_words
        .iter()
        .find(|w| CHANGE_VERBS.contains(&w.as_str()))?;
    let named = words(tool.server)
        .into_iter()
        .chain(tool_words.iter().cloned())
        .find(|w| AWS_WORDS.contains(&w.as_str()) || w.starts_with("aws"));
    let aws = match named {
        Some(word) => format!("its name says `{word}`"),
        None => format!("its arguments name {}", aws_argument(args)?),
    };
    Some(format!("the tool's verb is `{verb}` and {aws}"))
}

/// An argument value that names an AWS resource: an ARN or a CloudFormation type.
fn aws_argument(args: Option<&Map<String, Value>>) -> Option<String> {
    fn find(value: &Value) -> Option<String> {
        match value {
            Value::String(s) if s.starts_with("arn:aws") => Some(format!("the ARN `{s}`")),
            Value::String(s) if s.starts_with("AWS::") => Some(format!("the resource type `{s}`")),
            Value::Array(items) => items.iter().find_map(find),
            Value::Object(map) => map.values().find_map(find),
            _ => None,
        }
    }
    args?.values().find_map(find)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str, input: Value) -> Result<McpCall, String> {
        let tool = McpTool::parse(name).expect("an MCP tool name");
        classify(&tool, Some(&input))
    }

    fn commands(name: &str, input: Value) -> Vec<String> {
        match call(name, input) {
            Ok(McpCall::Commands(c)) => c,
            Ok(McpCall::CloudControl(c)) => vec![c],
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn names_split_at_the_first_double_underscore() {
        let t = McpTool::parse("mcp__awslabs_ccapi-mcp-server__delete_resource").expect("parses");
        assert_eq!(
            (t.server, t.tool),
            ("awslabs_ccapi-mcp-server", "delete_resource")
        );
        assert_eq!(McpTool::parse("Bash"), None);
        assert_eq!(McpTool::parse("mcp__server"), None);
        assert_eq!(McpTool::parse("mcp____tool"), None);
    }

    #[test]
    fn cli_commands_are_one_or_a_list() {
        assert_eq!(
            commands(
                "mcp__aws-api__call_aws",
                json!({"cli_command": "aws s3 ls", "max_results": 5})
            ),
            vec!["aws s3 ls"]
        );
        assert_eq!(
            commands(
                "mcp__x__call_aws",
                json!({"cli_command": ["aws s3 ls", "aws s3 rb s3://b"]})
            ),
            vec!["aws s3 ls", "aws s3 rb s3://b"]
        );
        // Any tool with the argument: the server's tool name is not the only spelling.
        assert_eq!(
            commands(
                "mcp__ops__run",
                json!({"cli_command": "aws sts get-caller-identity"})
            )
            .len(),
            1
        );
        for bad in [
            json!({}),
            json!({"cli_command": 5}),
            json!({"cli_command": ["aws s3 ls", 1]}),
        ] {
            let err = call("mcp__aws-api__call_aws", bad.clone()).expect_err("malformed");
            assert!(
                err.contains("mcp__aws-api__call_aws") && err.contains("cli_command"),
                "{err}"
            );
        }
        let tool = McpTool::parse("mcp__aws-api__call_aws").expect("parses");
        assert!(classify(&tool, None).is_err());
        assert!(classify(&tool, Some(&json!("aws s3 ls"))).is_err());
    }

    #[test]
    fn cloud_control_changes_become_the_cli_call() {
        let server = "mcp__awslabs_ccapi-mcp-server";
        assert_eq!(
            commands(
                &format!("{server}__delete_resource"),
                json!({"resource_type": "AWS::S3::Bucket", "identifier": "orders-data", "region": "eu-west-2",
                       "credentials_token": "t", "confirmed": true, "explained_token": "e"})
            ),
            vec!["aws cloudcontrol delete-resource --type-name AWS::S3::Bucket --identifier orders-data --region eu-west-2"]
        );
        assert_eq!(
            commands(
                &format!("{server}__update_resource"),
                json!({"resource_type": "AWS::Lambda::Function", "identifier": "prod-handler",
                       "patch_document": [{"op": "replace", "path": "/Timeout", "value": 30}], "region": null})
            ),
            vec![
                r#"aws cloudcontrol update-resource --type-name AWS::Lambda::Function --identifier prod-handler --patch-document '[{"op":"replace","path":"/Timeout","value":30}]'"#
            ]
        );
        assert_eq!(
            commands(
                &format!("{server}__create_resource"),
                json!({"resource_type": "AWS::SQS::Queue", "explained_token": "e"})
            ),
            vec!["aws cloudcontrol create-resource --type-name AWS::SQS::Queue"]
        );
        // Reads pass.
        for read in [
            "get_resource",
            "list_resources",
            "get_resource_schema_information",
        ] {
            assert_eq!(
                call(
                    &format!("{server}__{read}"),
                    json!({"resource_type": "AWS::S3::Bucket"})
                ),
                Ok(McpCall::Pass)
            );
        }
        let err = call(
            &format!("{server}__delete_resource"),
            json!({"resource_type": "AWS::S3::Bucket"}),
        )
        .expect_err("no identifier");
        assert!(err.contains("`identifier`"), "{err}");
    }

    #[test]
    fn words_that_would_break_out_are_quoted() {
        assert_eq!(shell_word("orders-data"), "orders-data");
        assert_eq!(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        let line = commands(
            "mcp__ccapi__delete_resource",
            json!({"resource_type": "AWS::S3::Bucket", "identifier": "a'; aws s3 rb s3://b; '"}),
        );
        assert_eq!(
            line,
            vec![
                r"aws cloudcontrol delete-resource --type-name AWS::S3::Bucket --identifier 'a'\''; aws s3 rb s3://b; '\'''"
            ]
        );
    }

    #[test]
    fn unknown_aws_changes_are_opaque_and_the_rest_passes() {
        match call(
            "mcp__aws-tools__delete_stack",
            json!({"stack_name": "prod-orders"}),
        ) {
            Ok(McpCall::Opaque { why }) => {
                assert!(why.contains("`delete`") && why.contains("`aws`"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            call(
                "mcp__infra__deployStack",
                json!({"target": "arn:aws:cloudformation:eu-west-2:1:stack/x"})
            ),
            Ok(McpCall::Opaque { .. })
        ));
        assert!(matches!(
            call("mcp__tools__invoke_lambda", json!({})),
            Ok(McpCall::Opaque { .. })
        ));
        for (name, input) in [
            ("mcp__github__create_issue", json!({"title": "x"})),
            (
                "mcp__aws-docs__search_documentation",
                json!({"search_phrase": "delete bucket"}),
            ),
            ("mcp__aws-tools__describe_stacks", json!({})),
            (
                "mcp__aws-api__suggest_aws_commands",
                json!({"query": "delete my bucket"}),
            ),
            ("mcp__memory__write_note", json!({"text": "aws"})),
        ] {
            assert_eq!(call(name, input), Ok(McpCall::Pass), "{name}");
        }
        // An unrelated tool's odd input is not ours to block.
        let github = McpTool::parse("mcp__github__create_issue").expect("parses");
        assert_eq!(classify(&github, Some(&json!([1]))), Ok(McpCall::Pass));
    }
}
