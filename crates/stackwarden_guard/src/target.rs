//! Where an AWS API call lands: production, a stage that is not production, or a place the
//! guard cannot name. Everything the command shows counts:
//!
//! - the resources it names: an account id in an ARN, a queue URL or an `--account-id`, a bucket
//!   or resource name carrying a production stage (`prod-orders`, `OrdersProdTable`);
//! - the credentials it acts with: `--profile`, `AWS_PROFILE`/`AWS_DEFAULT_PROFILE` and the
//!   profile's account in `~/.aws/config`, access keys in the environment, and credentials
//!   obtained earlier in the same command line (`sts assume-role`, `configure
//!   export-credentials`) or a profile written to the AWS config by it.
//!
//! Production wins over everything; a resource in a known non-production account, or
//! credentials of one, settle the rest; anything else is unresolved, which a write must not
//! take for "not production".

use serde_json::Value;

use crate::context::Context;
use crate::stage::{self, ProfileChoice};
use crate::tools::Invocation;
use crate::words::Arg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// The evidence, in words: "profile `ops` (account 123456789013 = stage prod)".
    Production(String),
    NonProduction,
    /// Why the guard cannot tell: "no profile is given and the AWS config has no default".
    Unresolved(String),
}

/// Options whose value names a resource; a production stage in the name makes the call
/// production. Free text (`--description "copy of prod"`) does not count.
fn names_a_resource(option: &str) -> bool {
    let option = option.trim_start_matches('-');
    [
        "name",
        "names",
        "arn",
        "arns",
        "url",
        "id",
        "ids",
        "identifier",
        "alias",
    ]
    .iter()
    .any(|suffix| option == *suffix || option.ends_with(&format!("-{suffix}")))
        || matches!(
            option,
            "bucket"
                | "table"
                | "queue"
                | "topic"
                | "stack"
                | "cluster"
                | "service"
                | "function"
                | "repository"
                | "secret"
                | "stream"
                | "domain"
        )
}

/// The production evidence among the resources a call names, or whether it names a resource in
/// a known non-production account.
/// `texts` are the call's input documents as text: a YAML input (`--cli-input-yaml`) is not
/// parsed, but the account ids in it still count.
pub(crate) fn resources(
    ctx: &Context<'_>,
    args: &[Arg],
    documents: &[Value],
    texts: &[String],
) -> (Option<String>, bool) {
    let mut non_production = false;
    let mut option: Option<&str> = None;
    for arg in args {
        let text = arg.text.as_str();
        if arg.literal && text.starts_with("--") {
            match text.split_once('=') {
                Some((name, value)) => {
                    if let Some(evidence) =
                        value_evidence(ctx, Some(name), value, &mut non_production)
                    {
                        return (Some(evidence), false);
                    }
                    option = None;
                }
                None => option = Some(text),
            }
            continue;
        }
        if let Some(evidence) = value_evidence(ctx, option, text, &mut non_production) {
            return (Some(evidence), false);
        }
        option = None;
    }
    for document in documents {
        if let Some(evidence) = document_evidence(ctx, None, document, &mut non_production) {
            return (Some(evidence), false);
        }
    }
    for text in texts {
        if let Some(evidence) = value_evidence(ctx, None, text, &mut non_production) {
            return (Some(evidence), false);
        }
    }
    (None, non_production)
}

fn value_evidence(
    ctx: &Context<'_>,
    option: Option<&str>,
    value: &str,
    non_production: &mut bool,
) -> Option<String> {
    for account in account_ids(value) {
        match ctx.config.stage_of_account(account) {
            Some(stage) if ctx.config.is_production_stage(stage) => {
                return Some(format!(
                    "account {account} (stage {stage}) in `{}`",
                    shorten(value)
                ));
            }
            Some(_) => *non_production = true,
            None => {}
        }
    }
    let bucket = value
        .strip_prefix("s3://")
        .map(|rest| rest.split('/').next().unwrap_or(rest));
    let name = match (bucket, option) {
        (Some(bucket), _) => Some(bucket),
        (None, Some(option)) if names_a_resource(option) => Some(value),
        _ => None,
    };
    let name = name?;
    let id_option = option.is_some_and(|o| o.ends_with("-id") || o.ends_with("-ids"));
    if id_option && is_generated_id(name) {
        return None;
    }
    // An ARN's resource part is the name: `arn:aws:sqs:eu-west-2:1234:prod-orders`.
    let resource = name.rsplit([':', '/']).next().unwrap_or(name);
    (stage::name_is_production(ctx, resource) || stage::name_is_production(ctx, name))
        .then(|| format!("`{}`, named for a production stage", shorten(name)))
}

/// An id AWS generated, given to an `--…-id` option: a short lower-case type prefix, `-`, and
/// 12 or more lower-case letters and digits (`i-0abc12345def6789`, Service Catalog's
/// `prod-abcdefghijklm`, whose prefix is not a stage). A name people chose (`--table-name
/// prod-customerorders`, `--cache-cluster-id prod-redis01`) is not one.
fn is_generated_id(value: &str) -> bool {
    let Some((prefix, rest)) = value.split_once('-') else {
        return false;
    };
    (1..=6).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 12
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// JSON documents (`--cli-input-json`, `--request-items`, `file://` inputs): keys that name a
/// resource (`TableName`, `QueueUrl`, `FunctionArn`) and every string for account ids.
fn document_evidence(
    ctx: &Context<'_>,
    key: Option<&str>,
    value: &Value,
    non_production: &mut bool,
) -> Option<String> {
    match value {
        Value::String(text) => {
            let option = key
                .filter(|k| names_a_resource(&kebab(k)))
                .map(|_| "--name");
            value_evidence(ctx, option, text, non_production)
        }
        Value::Array(items) => items
            .iter()
            .find_map(|item| document_evidence(ctx, key, item, non_production)),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            // Table names are keys in batch requests: `{"prod-orders": [...]}`.
            if stage::name_is_production(ctx, k) && v.is_array() {
                return Some(format!("`{}`, named for a production stage", shorten(k)));
            }
            document_evidence(ctx, Some(k), v, non_production)
        }),
        _ => None,
    }
}

/// `TableName` → `table-name`, so JSON keys read like CLI options.
fn kebab(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Twelve-digit runs not inside a longer number: account ids in ARNs, URLs and plain values.
fn account_ids(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            if !bytes[at].is_ascii_digit() {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            if at - start == 12 {
                return text.get(start..at);
            }
        }
        None
    })
}

/// Where the credentials of a call act.
pub(crate) fn credentials(
    ctx: &Context<'_>,
    tool: &Invocation<'_>,
    flag: Option<String>,
    obtained: Option<&Target>,
    config_changed: bool,
) -> Target {
    if flag.is_none() {
        // Keys obtained by the command line are in its environment and win over AWS_PROFILE.
        if let Some(obtained) = obtained {
            return obtained.clone();
        }
        // `export $(cat .env.prod)`, `read AWS_PROFILE`: the profile is chosen at run time.
        if let Some(variable) = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID"]
            .into_iter()
            .find(|v| tool.run_time_value(v))
        {
            return Target::Unresolved(format!(
                "{variable} is only known when the command runs (it is set from a command's output, input or an unknown export)"
            ));
        }
        if (tool.lookup)("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty()) {
            return Target::Unresolved(
                "the credentials are access keys in the environment, whose account the guard cannot see".into(),
            );
        }
    }
    // Files other than the ones the guard read say what the profiles mean.
    for variable in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        if let Some(file) = (tool.lookup)(variable).filter(|f| !f.is_empty()) {
            if ctx.env.get(variable) != Some(&file) {
                return Target::Unresolved(format!(
                    "the command sets {variable} to `{file}`, an AWS config the guard has not read"
                ));
            }
        }
    }
    // botocore tries a web-identity role from the environment before SSO and shared
    // credentials: `AWS_ROLE_ARN` names where the call acts.
    if let (Some(role), Some(_)) = (
        (tool.lookup)("AWS_ROLE_ARN").filter(|r| !r.is_empty()),
        (tool.lookup)("AWS_WEB_IDENTITY_TOKEN_FILE").filter(|f| !f.is_empty()),
    ) {
        let how = format!("the web-identity role `{role}` of AWS_ROLE_ARN");
        return match crate::profiles::account_of_arn(&role) {
            Some(account) => account_target(ctx, &account, &how),
            None => Target::Unresolved(format!("{how} names no account")),
        };
    }
    let Some(choice) = stage::profile(ctx, tool, flag) else {
        return Target::Unresolved(
            "no profile is given and the AWS config has no default profile".into(),
        );
    };
    if config_changed {
        return Target::Unresolved(format!(
            "the command line rewrites the AWS config before using profile `{}`",
            choice.name
        ));
    }
    profile_target(ctx, &choice)
}

fn account_target(ctx: &Context<'_>, account: &str, how: &str) -> Target {
    match ctx.config.stage_of_account(account) {
        Some(stage) if ctx.config.is_production_stage(stage) => {
            Target::Production(format!("{how} (account {account} = stage {stage})"))
        }
        Some(_) => Target::NonProduction,
        None => Target::Unresolved(format!(
            "{how} acts in account {account}, which stackwarden.toml does not map to a stage"
        )),
    }
}

fn profile_target(ctx: &Context<'_>, choice: &ProfileChoice) -> Target {
    if let Some(evidence) = stage::profile_is_production(ctx, choice) {
        return Target::Production(evidence);
    }
    if let Some(account) = ctx.aws_config.account_of(&choice.name) {
        if ctx.config.stage_of_account(&account).is_some() {
            return Target::NonProduction;
        }
        return Target::Unresolved(format!(
            "profile `{}` acts in account {account}, which stackwarden.toml does not map to a stage",
            choice.name
        ));
    }
    let is_stage = ctx
        .config
        .accounts
        .keys()
        .any(|s| s.eq_ignore_ascii_case(&choice.name));
    if is_stage {
        return Target::NonProduction;
    }
    Target::Unresolved(format!(
        "profile `{}` names no account in the AWS config and no stage of stackwarden.toml",
        choice.name
    ))
}

/// Calls whose effect is credentials for the caller: they change nothing in AWS, but what they
/// hand out acts wherever the role or profile does.
pub(crate) fn obtains_credentials(service: &str, operation: &str) -> bool {
    matches!(
        (service, operation),
        (
            "sts",
            "assume-role"
                | "assume-role-with-web-identity"
                | "assume-role-with-saml"
                | "get-session-token"
                | "get-federation-token"
        ) | ("configure", "export-credentials")
    )
}

/// The credentials an `aws sts assume-role`-like call hands to the rest of the command line
/// (which exports them, `eval`s them or reads them from its output): where they act.
pub(crate) fn obtained_by(
    ctx: &Context<'_>,
    tool: &Invocation<'_>,
    service: &str,
    operation: &str,
    rest: &[Arg],
    flag: Option<String>,
) -> Option<Target> {
    match (service, operation) {
        ("sts", "assume-role" | "assume-role-with-web-identity" | "assume-role-with-saml") => {
            let role = crate::tools::option_value(rest, &["--role-arn"])
                .map(|arg| crate::tools::value_text(arg, &["--role-arn"]));
            Some(match role {
                Some(role) if role.literal => match crate::profiles::account_of_arn(&role.text) {
                    Some(account) => account_target(
                        ctx,
                        &account,
                        &format!(
                            "credentials of role `{}`, assumed earlier in the command",
                            role.text
                        ),
                    ),
                    None => Target::Unresolved(format!(
                        "the role assumed earlier in the command (`{}`) names no account",
                        role.text
                    )),
                },
                _ => Target::Unresolved(
                    "the role assumed earlier in the command is only known at run time".into(),
                ),
            })
        }
        ("sts", "get-session-token" | "get-federation-token")
        | ("configure", "export-credentials") => Some(match stage::profile(ctx, tool, flag) {
            Some(choice) => match profile_target(ctx, &choice) {
                Target::Production(evidence) => Target::Production(format!(
                    "credentials exported earlier in the command from {evidence}"
                )),
                other => other,
            },
            None => Target::Unresolved(
                "credentials exported earlier in the command come from no known profile".into(),
            ),
        }),
        _ => None,
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 80 {
        return text.to_string();
    }
    let cut: String = text.chars().take(77).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_whole_twelve_digit_runs() {
        let ids: Vec<&str> = account_ids("arn:aws:sqs:eu-west-2:123456789013:q https://sqs.eu-west-2.amazonaws.com/123456789012/q 1234567890123").collect();
        assert_eq!(ids, vec!["123456789013", "123456789012"]);
    }

    #[test]
    fn json_keys_read_as_options() {
        assert_eq!(kebab("TableName"), "table-name");
        assert!(names_a_resource(&kebab("QueueUrl")));
        assert!(!names_a_resource(&kebab("Description")));
    }
}
