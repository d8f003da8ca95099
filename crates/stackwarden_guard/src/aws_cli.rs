//! The AWS CLI: global options anywhere (`--profile x`, `--profile=x`, `--region`), then service
//! and operation. Judges deletions, IAM users and keys, `aws configure set` of keys, and
//! CloudFormation deploys to production.

use crate::decision::{Decision, CREDENTIALS, IAM_USER, PROD_DEPLOY};
use crate::stage;
use crate::tools::{destructive, option_value, value_text, Invocation};
use crate::walk::Walker;
use crate::words::Arg;

/// Global options that consume the next word.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "--profile",
    "--region",
    "--endpoint-url",
    "--output",
    "--query",
    "--color",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--cli-binary-format",
];

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
        if arg.literal && GLOBAL_WITH_VALUE.contains(&name) {
            let value = match inline {
                Some(v) => Some(v.to_string()),
                None => {
                    i += 1;
                    args.get(i - 1).map(|a| a.text.clone())
                }
            };
            if name == "--profile" {
                call.profile = value;
            }
            continue;
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
    let seen = tool.seen();
    crate::transcript::check_aws(walker, service, operation, tool.args, &seen);
    match (service, operation) {
        ("iam", op) if IAM_USER_OPERATIONS.contains(&op) => walker.push(
            Decision::Deny,
            IAM_USER,
            &seen,
            format!("`aws iam {op}` creates long-lived IAM user credentials. Use an IAM role (assumed through SSO or by the service) instead, and ask a person if a user is truly needed."),
        ),
        ("configure", "set") => configure_set(walker, &call, &seen),
        ("configure", "import") => walker.push(
            Decision::Deny,
            CREDENTIALS,
            &seen,
            "`aws configure import` writes access keys into the AWS config. Use `aws sso login --profile dev` and a named profile instead.".into(),
        ),
        ("cloudformation", "deploy" | "create-stack" | "update-stack" | "execute-change-set") => {
            cloudformation_deploy(walker, tool, &call, operation, &seen)
        }
        ("s3", "rb") => destructive(walker, tool, "`aws s3 rb` deletes a bucket"),
        ("s3", "rm") => destructive(walker, tool, "`aws s3 rm` deletes objects"),
        ("s3", "sync") if call.rest.iter().any(|a| a.text == "--delete") => {
            destructive(walker, tool, "`aws s3 sync --delete` deletes objects missing from the source")
        }
        ("kms", "schedule-key-deletion" | "disable-key") => destructive(walker, tool, &format!("`aws kms {operation}` makes a key (and all data under it) unusable")),
        (svc, op) if is_destructive_operation(op) => destructive(walker, tool, &format!("`aws {svc} {op}` deletes resources")),
        _ => {}
    }
}

fn is_destructive_operation(op: &str) -> bool {
    ["delete-", "terminate-", "purge-", "deregister-", "remove-"]
        .iter()
        .any(|p| op.starts_with(p))
        && !matches!(op, "remove-tags" | "remove-tags-from-resource")
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
) {
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
        evidence = parameter_evidence(walker, &call.rest);
    }
    if let Some(evidence) = evidence {
        let safe = stage::safe_stage(ctx);
        walker.push(
            Decision::Deny,
            PROD_DEPLOY,
            seen,
            format!("aws cloudformation {operation} targets {evidence}. Deploy to {safe} with --profile {safe}, or ask a person to deploy {}.", stage::production_stage(ctx)),
        );
    }
}

/// `--parameter-overrides Stage=prod` / `--parameters ParameterKey=Stage,ParameterValue=prod`.
fn parameter_evidence(walker: &Walker<'_, '_>, rest: &[Arg]) -> Option<String> {
    let ctx = walker.ctx;
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
