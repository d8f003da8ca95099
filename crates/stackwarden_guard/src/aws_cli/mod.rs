//! The AWS CLI: global options anywhere (`--profile x`, `--profile=x`, `--region`), then service
//! and operation. Every operation is judged by the IAM action behind it (`aws_api`, generated
//! from botocore and the Service Authorization Reference) and by where it lands (`target`):
//! deletions are denied anywhere, identity and permission changes asked about (denied in
//! production), other writes denied in production and asked about where the account cannot be
//! told; reads pass. The CLI's own commands that botocore has no model of (`aws s3 cp`, `aws
//! configure`, `aws cloudformation deploy`) are read here, with what they do.

use crate::decision::{Decision, CREDENTIALS, IAM_USER, PROD_DEPLOY};
use crate::stage;
use crate::target;
use crate::tools::{destructive, option_value, value_text, Invocation};
use crate::walk::Walker;
use crate::words::Arg;

mod api_call;
mod inputs;
mod own_commands;
mod yaml;

use api_call::ApiCall;
use inputs::{keys_in_arguments, Inputs};
use own_commands::{cli_command, CliCommand};

/// The CLI's global options, and whether each takes a value (awscli/data/cli.json).
const GLOBAL_OPTIONS: &[(&str, bool)] = &[
    ("--debug", false),
    ("--endpoint-url", true),
    ("--no-verify-ssl", false),
    ("--no-paginate", false),
    ("--output", true),
    ("--query", true),
    ("--profile", true),
    ("--region", true),
    ("--version", false),
    ("--color", true),
    ("--no-sign-request", false),
    ("--ca-bundle", true),
    ("--cli-read-timeout", true),
    ("--cli-connect-timeout", true),
    ("--cli-binary-format", true),
    ("--no-cli-pager", false),
    ("--cli-auto-prompt", false),
    ("--no-cli-auto-prompt", false),
];

/// The global option a word names. The CLI parses its options with Python's argparse, which
/// takes any unambiguous prefix (`--prof prod` is `--profile prod`, `--reg` is `--region`;
/// checked against aws-cli 1.45), so a prefix of exactly one global option is that option.
pub(super) fn unique_prefix<'o>(
    word: &str,
    options: impl IntoIterator<Item = &'o str>,
) -> Option<&'o str> {
    if !word.starts_with("--") || word.len() < 3 {
        return None;
    }
    let mut found = None;
    for option in options {
        if option == word {
            return Some(option);
        }
        if option.starts_with(word) {
            if found.is_some() {
                return None;
            }
            found = Some(option);
        }
    }
    found
}

fn global_option(word: &str) -> Option<(&'static str, bool)> {
    let name = unique_prefix(word, GLOBAL_OPTIONS.iter().map(|(n, _)| *n))?;
    GLOBAL_OPTIONS.iter().copied().find(|(n, _)| *n == name)
}

const IAM_USER_OPERATIONS: &[&str] = &[
    "create-user",
    "create-access-key",
    "attach-user-policy",
    "put-user-policy",
    "create-login-profile",
];

const KEY_SETTINGS: &[&str] = &[
    "aws_secret_access_key",
    "aws_access_key_id",
    "aws_session_token",
];

struct AwsCall<'a> {
    service: Option<&'a Arg>,
    operation: Option<&'a Arg>,
    /// Everything after the operation, global options removed.
    rest: Vec<Arg>,
    profile: Option<String>,
}

fn parse(args: &[Arg]) -> AwsCall<'_> {
    let mut call = AwsCall {
        service: None,
        operation: None,
        rest: vec![],
        profile: None,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let text = arg.text.as_str();
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (text, None),
        };
        let global = arg.literal.then(|| global_option(name)).flatten();
        if let Some((global, true)) = global {
            let value = match inline {
                Some(v) => Some(v.to_string()),
                None => {
                    i += 1;
                    args.get(i - 1).map(|a| a.text.clone())
                }
            };
            if global == "--profile" {
                call.profile = value;
            }
            continue;
        }
        if global.is_some() {
            continue; // --debug, --no-verify-ssl, ...
        }
        if call.service.is_none() {
            if arg.literal && text.starts_with('-') {
                continue; // --debug, --no-verify-ssl, ...
            }
            call.service = Some(arg);
        } else if call.operation.is_none() && !(arg.literal && text.starts_with('-')) {
            call.operation = Some(arg);
        } else {
            call.rest.push(arg.clone());
        }
    }
    call
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let call = parse(tool.args);
    let (Some(service), Some(operation)) = (call.service, call.operation) else {
        return;
    };
    let (Some(service), Some(operation)) = (service.known(), operation.known()) else {
        walker.unresolved(
            &tool.seen(),
            "the AWS service or operation is built at run time",
        );
        return;
    };
    // `aws ec2 terminate-instances help --profile dev`: the CLI takes its global options out
    // first, so `help` as the operation or as its only argument prints help and calls nothing.
    if operation == "help" || call.rest.iter().map(|a| a.text.as_str()).eq(["help"]) {
        return;
    }
    let seen = tool.seen();
    crate::transcript::check_aws(walker, service, operation, tool.args, &seen);
    let inputs = Inputs::read(walker, tool, &call.rest);
    keys_in_arguments(walker, service, operation, &call.rest, &inputs, &seen);
    let api = ApiCall {
        service,
        operation,
        call: &call,
        inputs: &inputs,
        seen: &seen,
    };
    match cli_command(service, operation, &call.rest) {
        Some(CliCommand::Local) => {}
        Some(CliCommand::Reads) => {}
        Some(CliCommand::Writes(what, action)) => {
            api.write(walker, tool, &what, &format!("{action}, Write"))
        }
        Some(CliCommand::Deletes(what)) => destructive(walker, tool, &what),
        Some(CliCommand::Grants(actions)) => {
            api.permissions(walker, tool, actions, "Permissions management")
        }
        Some(CliCommand::CreatesIamUser(what)) => walker.push(
            Decision::Deny,
            IAM_USER,
            &seen,
            format!("{what}: long-lived user credentials. Give the instance an IAM role (`--iam-session-arn` with an assumed role), or ask a person."),
        ),
        Some(CliCommand::ConfigureSet) => {
            walker.aws_config_changed = true;
            configure_set(walker, &call, &seen);
        }
        Some(CliCommand::ConfigureImport) => walker.push(
            Decision::Deny,
            CREDENTIALS,
            &seen,
            "`aws configure import` writes access keys into the AWS config. Use `aws sso login --profile dev` and a named profile instead.".into(),
        ),
        Some(CliCommand::CloudFormationDeploy) => {
            if !cloudformation_deploy(walker, tool, &call, operation, &seen) {
                let what = format!("`aws cloudformation {operation}` deploys a stack");
                api.write(walker, tool, &what, "cloudformation:*, Write");
            }
        }
        None => api.judge_operation(walker, tool),
    }
    // Later calls of the command line act with what this one obtained.
    if let Some(obtained) = target::obtained_by(
        walker.ctx,
        tool,
        service,
        operation,
        &call.rest,
        call.profile.clone(),
    ) {
        walker.obtained = Some(obtained);
    }
}

fn configure_set(walker: &mut Walker<'_, '_>, call: &AwsCall<'_>, seen: &str) {
    let setting = call.rest.iter().find(|a| !a.text.starts_with('-'));
    let Some(setting) = setting else { return };
    let key = setting.text.rsplit('.').next().unwrap_or(&setting.text);
    if KEY_SETTINGS.contains(&key.to_ascii_lowercase().as_str()) {
        walker.push(
            Decision::Deny,
            CREDENTIALS,
            seen,
            format!("`aws configure set {key}` writes an access key into ~/.aws. Use `aws sso login --profile dev` and a named profile instead."),
        );
    }
}

fn cloudformation_deploy(
    walker: &mut Walker<'_, '_>,
    tool: &Invocation<'_>,
    call: &AwsCall<'_>,
    operation: &str,
    seen: &str,
) -> bool {
    let ctx = walker.ctx;
    let mut evidence = None;
    if let Some(choice) = stage::profile(ctx, tool, call.profile.clone()) {
        evidence = stage::profile_is_production(ctx, &choice);
    }
    if evidence.is_none() {
        for names in [&["--stack-name"][..], &["--change-set-name"][..]] {
            if let Some(arg) = option_value(&call.rest, names) {
                let name = value_text(arg, names).text;
                if stage::name_is_production(ctx, &name) {
                    evidence = Some(format!("stack `{name}`, a production stack"));
                    break;
                }
            }
        }
    }
    if evidence.is_none() {
        evidence = parameter_evidence(walker, tool, &call.rest);
    }
    if let Some(evidence) = evidence {
        let safe = stage::safe_stage(ctx);
        walker.push(
            Decision::Deny,
            PROD_DEPLOY,
            seen,
            format!("aws cloudformation {operation} targets {evidence}. Deploy to {safe} with --profile {safe}, or ask a person to deploy {}.", stage::production_stage(ctx)),
        );
        return true;
    }
    false
}

/// `--parameter-overrides Stage=prod` / `--parameters ParameterKey=Stage,ParameterValue=prod`,
/// and the same given as JSON inline or in a `file://` document
/// (`[{"ParameterKey":"Stage","ParameterValue":"prod"}]`, `["Stage=prod"]`, `{"Stage":"prod"}`).
fn parameter_evidence(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    rest: &[Arg],
) -> Option<String> {
    let ctx = walker.ctx;
    const NAMES: &[&str] = &["--parameters", "--parameter-overrides"];
    if let Some(arg) = option_value(rest, NAMES) {
        let value = value_text(arg, NAMES).text;
        let text = match value.strip_prefix("file://") {
            Some(path) => ctx.files.read(&tool.cwd.join(path)),
            None => Some(value.clone()),
        };
        if let Some(document) =
            text.and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        {
            let mut strings = Vec::new();
            collect_strings(&document, &mut strings);
            if let Some(hit) = strings.iter().find(|s| {
                s.split([',', '='])
                    .any(|part| stage::value_is_production(ctx, part.trim()))
            }) {
                return Some(format!(
                    "parameter value `{hit}` in `{value}`, a production stage"
                ));
            }
        }
    }
    let mut in_params = false;
    for arg in rest {
        if arg.text.starts_with("--") {
            in_params = arg.text.starts_with("--parameter-overrides")
                || arg.text.starts_with("--parameters");
            if !arg.text.contains('=') {
                continue;
            }
        }
        if !in_params {
            continue;
        }
        for part in arg.text.split([',', ' ', '=']) {
            if stage::value_is_production(ctx, part) {
                return Some(format!("parameter `{}`, a production stage", arg.text));
            }
        }
    }
    None
}

/// Every string in a JSON document, object keys' values included.
fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => out.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
