//! The AWS CLI's own commands, which botocore has no model of (`aws s3 cp`, `aws configure`,
//! `aws cloudformation deploy`, `aws emr create-cluster`), and what each does.

use crate::words::Arg;

/// What the AWS CLI's own commands (the ones botocore has no model of, such as `aws s3 cp`) do.
pub(super) enum CliCommand {
    /// Acts on this machine only: `configure list`, `sso login`, `eks update-kubeconfig`.
    Local,
    Reads,
    /// What it does, and the IAM action it needs.
    Writes(String, &'static str),
    Deletes(String),
    /// Creates roles or policies: the IAM actions it needs.
    Grants(&'static str),
    /// Creates an IAM user and its access key.
    CreatesIamUser(String),
    ConfigureSet,
    ConfigureImport,
    CloudFormationDeploy,
}

/// The `aws s3` options that take no value (awscli/customizations/s3/subcommands.py
/// `store_true`/`store_false` arguments); every other option takes the next word, except the
/// ones whose value is optional.
const S3_FLAGS: &[&str] = &[
    "--recursive",
    "--human-readable",
    "--summarize",
    "--dryrun",
    "--quiet",
    "--force",
    "--follow-symlinks",
    "--no-follow-symlinks",
    "--no-guess-mime-type",
    "--only-show-errors",
    "--no-progress",
    "--ignore-glacier-warnings",
    "--force-glacier-transfer",
    "--validate-same-s3-paths",
    "--delete",
    "--exact-timestamps",
    "--size-only",
    "--no-overwrite",
];
/// The `aws s3` options that take a value.
const S3_VALUE_OPTIONS: &[&str] = &[
    "--acl",
    "--cache-control",
    "--content-disposition",
    "--content-encoding",
    "--content-language",
    "--content-type",
    "--error-document",
    "--exclude",
    "--expected-size",
    "--expires-in",
    "--include",
    "--index-document",
    "--page-size",
    "--source-region",
    "--storage-class",
    "--website-redirect",
    "--sse-kms-key-id",
    "--sse-c-key",
    "--sse-c-copy-source-key",
    "--metadata",
    "--metadata-directive",
    "--grants",
    "--expires",
    "--copy-props",
    "--checksum-mode",
    "--checksum-algorithm",
];
const S3_OPTIONAL_VALUE: &[(&str, &[&str])] = &[
    ("--sse", &["AES256", "aws:kms", "aws:kms:dsse"]),
    ("--sse-c", &["AES256"]),
    ("--sse-c-copy-source", &["AES256"]),
    ("--request-payer", &["requester"]),
];

/// The paths of an `aws s3` command, in order: `-` (stdin/stdout), `s3://...` and local paths,
/// with option values left out (`--storage-class STANDARD_IA ./f s3://b/`).
fn s3_paths(rest: &[Arg]) -> Vec<&str> {
    let mut paths = Vec::new();
    let mut words = rest.iter().map(|a| a.text.as_str()).peekable();
    while let Some(word) = words.next() {
        if word == "-" || !word.starts_with('-') {
            paths.push(word);
            continue;
        }
        let word = s3_option(word).unwrap_or(word);
        if word.contains('=') || S3_FLAGS.contains(&word) {
            continue;
        }
        match S3_OPTIONAL_VALUE.iter().find(|(name, _)| *name == word) {
            Some((_, values)) => {
                if words.peek().is_some_and(|next| values.contains(next)) {
                    words.next();
                }
            }
            None => {
                words.next();
            }
        }
    }
    paths
}

/// An `aws s3` option by its full name, from an abbreviation argparse accepts (`--del`).
fn s3_option(word: &str) -> Option<&'static str> {
    let all = S3_FLAGS
        .iter()
        .chain(S3_VALUE_OPTIONS)
        .copied()
        .chain(S3_OPTIONAL_VALUE.iter().map(|(n, _)| *n));
    super::unique_prefix(word, all)
}

/// Whether an on/off option is on: argparse keeps the last of `--x` and `--no-x` (both
/// abbreviable), so `--dry-run --no-dry-run` sends `DryRun=false`.
fn switched_on(rest: &[Arg], on: &'static str, off: &'static str) -> bool {
    let mut state = false;
    for arg in rest.iter().filter(|a| a.literal) {
        match super::unique_prefix(&arg.text, [on, off]) {
            Some(name) if name == on => state = true,
            Some(_) => state = false,
            None => {}
        }
    }
    state
}

pub(super) fn cli_command(service: &str, operation: &str, rest: &[Arg]) -> Option<CliCommand> {
    let positional = s3_paths(rest);
    let in_bucket = |word: Option<&&str>| word.is_some_and(|w| w.starts_with("s3://"));
    let s3_flag = |name: &str| {
        service == "s3"
            && rest
                .iter()
                .any(|a| a.literal && s3_option(&a.text) == Some(name))
    };
    let deletes = s3_flag("--delete");
    let skeleton = rest
        .iter()
        .any(|a| a.literal && super::unique_prefix(&a.text, ["--generate-cli-skeleton"]).is_some());
    // Options of every command that make no call: the skeleton is printed, a dry run asks AWS
    // only whether the call would be allowed (EC2 `--dry-run`; `--dryrun` of the s3 commands
    // prints what they would do).
    if skeleton || s3_flag("--dryrun") {
        return Some(CliCommand::Local);
    }
    if service == "ec2" && switched_on(rest, "--dry-run", "--no-dry-run") {
        return Some(CliCommand::Reads);
    }
    // `lambda invoke --invocation-type DryRun` checks the caller may invoke, nothing runs.
    if (service, operation) == ("lambda", "invoke")
        && crate::tools::option_value(rest, &["--invocation-type"])
            .is_some_and(|a| crate::tools::value_text(a, &["--invocation-type"]).text == "DryRun")
    {
        return Some(CliCommand::Reads);
    }
    Some(match (service, operation) {
        // Every service's waiters poll a describe call until a state is reached.
        (_, "wait") => CliCommand::Reads,
        ("s3", "ls" | "presign") => CliCommand::Reads,
        ("s3", "rb") => CliCommand::Deletes("`aws s3 rb` deletes a bucket".into()),
        ("s3", "rm") => CliCommand::Deletes("`aws s3 rm` deletes objects".into()),
        ("s3", "mv") if in_bucket(positional.first()) => {
            CliCommand::Deletes("`aws s3 mv` out of a bucket deletes the objects it moves".into())
        }
        ("s3", "sync") if deletes && in_bucket(positional.get(1)) => CliCommand::Deletes(
            "`aws s3 sync --delete` deletes objects missing from the source".into(),
        ),
        ("s3", "cp" | "mv" | "sync") if in_bucket(positional.get(1)) => CliCommand::Writes(
            format!("`aws s3 {operation}` writes objects"),
            "s3:PutObject",
        ),
        ("s3", "cp" | "mv" | "sync") => CliCommand::Reads,
        ("s3", "mb" | "website") => CliCommand::Writes(
            format!("`aws s3 {operation}` changes a bucket"),
            if operation == "mb" {
                "s3:CreateBucket"
            } else {
                "s3:PutBucketWebsite"
            },
        ),
        ("configure", "set") => CliCommand::ConfigureSet,
        ("configure", "import") => CliCommand::ConfigureImport,
        ("configure", _) | ("sso", "login" | "logout") | ("history", _) => CliCommand::Local,
        ("ecr", "get-login-password" | "get-login")
        | ("eks", "update-kubeconfig" | "get-token")
        | ("codeartifact", "login")
        | ("logs", "tail" | "start-live-tail")
        | ("cloudformation", "package")
        // Signed locally: no call is made.
        | ("rds", "generate-db-auth-token")
        | ("dsql", "generate-db-connect-auth-token" | "generate-db-connect-admin-auth-token")
        // The device-authorization steps of `aws sso login`.
        | ("sso-oidc", "register-client" | "start-device-authorization" | "create-token")
        | ("emr", "ssh" | "socks" | "get") => CliCommand::Local,
        ("cloudformation", "deploy" | "create-stack" | "update-stack" | "execute-change-set") => {
            CliCommand::CloudFormationDeploy
        }
        ("ddb", "select") => CliCommand::Reads,
        ("ddb", "put") => {
            CliCommand::Writes("`aws ddb put` writes items".into(), "dynamodb:PutItem")
        }
        ("ecs", "deploy") => CliCommand::Writes(
            "`aws ecs deploy` deploys a service".into(),
            "ecs:UpdateService",
        ),
        ("emr", "describe-cluster") => CliCommand::Reads,
        ("emr", "terminate-clusters") => {
            CliCommand::Deletes("`aws emr terminate-clusters` terminates clusters".into())
        }
        ("emr" | "datapipeline", "create-default-roles") => {
            CliCommand::Grants("iam:CreateRole, iam:AttachRolePolicy, iam:CreateInstanceProfile")
        }
        // Without `--iam-user-arn`, `register` makes a user and an access key for the instance.
        ("deploy", "register")
            if crate::tools::option_value(rest, &["--iam-user-arn"]).is_none() =>
        {
            CliCommand::CreatesIamUser(
                "`aws deploy register` without `--iam-user-arn` creates an IAM user and an access key for the instance".into(),
            )
        }
        ("deploy", "push" | "register" | "install")
        | (
            "emr",
            "create-cluster"
            | "put"
            | "add-steps"
            | "add-instance-groups"
            | "install-applications"
            | "modify-cluster-attributes"
            | "restore-from-hbase-backup"
            | "schedule-hbase-backup"
            | "disable-hbase-backups",
        ) => CliCommand::Writes(
            format!("`aws {service} {operation}` changes resources"),
            "several actions",
        ),
        ("deploy", "deregister" | "uninstall") => {
            CliCommand::Deletes(format!("`aws {service} {operation}` deletes resources"))
        }
        _ => return None,
    })
}
