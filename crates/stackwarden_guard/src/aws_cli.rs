//! The AWS CLI: global options anywhere (`--profile x`, `--profile=x`, `--region`), then service
//! and operation. Every operation is judged by the IAM action behind it (`aws_api`, generated
//! from botocore and the Service Authorization Reference) and by where it lands (`target`):
//! deletions are denied anywhere, identity and permission changes asked about (denied in
//! production), other writes denied in production and asked about where the account cannot be
//! told; reads pass. The CLI's own commands that botocore has no model of (`aws s3 cp`, `aws
//! configure`, `aws cloudformation deploy`) are read here, with what they do.

use serde_json::Value;

use crate::aws_api;
use crate::decision::{Decision, CREDENTIALS, IAM_USER, OUT_OF_BAND_IAM, PROD_DEPLOY, PROD_WRITE};
use crate::stage;
use crate::target::{self, Target};
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

/// What the AWS CLI's own commands (the ones botocore has no model of, such as `aws s3 cp`) do.
enum CliCommand {
    /// Acts on this machine only: `configure list`, `sso login`, `eks update-kubeconfig`.
    Local,
    Reads,
    /// What it does, and the IAM action it needs.
    Writes(String, &'static str),
    Deletes(String),
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

fn cli_command(service: &str, operation: &str, rest: &[Arg]) -> Option<CliCommand> {
    let positional = s3_paths(rest);
    let in_bucket = |word: Option<&&str>| word.is_some_and(|w| w.starts_with("s3://"));
    let deletes = rest.iter().any(|a| a.text == "--delete");
    let flag = |name: &str| rest.iter().any(|a| a.literal && a.text == name);
    // Options of every command that make no call: the skeleton is printed, a dry run asks AWS
    // only whether the call would be allowed (EC2 `--dry-run`; `--dryrun` of the s3 commands
    // prints what they would do).
    if flag("--generate-cli-skeleton") || flag("--dryrun") {
        return Some(CliCommand::Local);
    }
    if flag("--dry-run") && service == "ec2" {
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
        ("deploy", "push" | "register" | "install")
        | (
            "emr",
            "create-cluster"
            | "put"
            | "create-default-roles"
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

/// The documents a call reads: `--cli-input-json`, and every option value that is inline JSON
/// or a `file://` path (read from the project, relative to the folder the command runs in).
struct Inputs {
    documents: Vec<Value>,
    /// Their text, for the key check (a `file://` input that is not JSON is still scanned).
    texts: Vec<String>,
    /// A `file://` input the guard could not read.
    unread: Option<String>,
}

impl Inputs {
    fn read(walker: &Walker<'_, '_>, tool: &Invocation<'_>, rest: &[Arg]) -> Self {
        let mut inputs = Inputs {
            documents: Vec::new(),
            texts: Vec::new(),
            unread: None,
        };
        for arg in rest {
            let value = match arg.text.split_once('=') {
                Some((name, value)) if arg.literal && name.starts_with("--") => value,
                _ => arg.text.as_str(),
            };
            let text = if let Some(path) = value.strip_prefix("file://") {
                let path = tool.cwd.join(path);
                match walker.ctx.files.read(&path) {
                    Some(text) => text,
                    None => {
                        inputs.unread = Some(path.display().to_string());
                        continue;
                    }
                }
            } else if value.starts_with('{') || value.starts_with('[') {
                value.to_string()
            } else {
                continue;
            };
            if let Ok(document) = serde_json::from_str::<Value>(&text) {
                inputs.documents.push(document);
            }
            inputs.texts.push(text);
        }
        inputs
    }

    /// Whether any document holds `key` with the string `value` anywhere (`"Action": "DELETE"`
    /// in a Route 53 change batch).
    fn has_value(&self, key: &str, value: &str) -> bool {
        fn walk(node: &Value, key: &str, value: &str) -> bool {
            match node {
                Value::Object(map) => map
                    .iter()
                    .any(|(k, v)| (k == key && v.as_str() == Some(value)) || walk(v, key, value)),
                Value::Array(items) => items.iter().any(|v| walk(v, key, value)),
                _ => false,
            }
        }
        self.documents.iter().any(|d| walk(d, key, value))
    }

    /// Whether any document holds `key` anywhere (`DeleteRequest` in a batch write).
    fn has_key(&self, key: &str) -> bool {
        fn walk(value: &Value, key: &str) -> bool {
            match value {
                Value::Object(map) => map.iter().any(|(k, v)| k == key || walk(v, key)),
                Value::Array(items) => items.iter().any(|v| walk(v, key)),
                _ => false,
            }
        }
        self.documents.iter().any(|d| walk(d, key))
    }
}

/// An access key written into a call's arguments or input documents is stored in AWS (a
/// parameter, a secret, a function's environment) and in the transcript. `--access-key-id`
/// names a key to manage (`iam update-access-key`); that id is not a secret.
fn keys_in_arguments(
    walker: &mut Walker<'_, '_>,
    service: &str,
    operation: &str,
    rest: &[Arg],
    inputs: &Inputs,
    seen: &str,
) {
    let mut skip_next = false;
    let mut texts: Vec<&str> = Vec::new();
    for arg in rest {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if arg.text == "--access-key-id" {
            skip_next = true;
            continue;
        }
        if !arg.text.starts_with("--access-key-id=") {
            texts.push(&arg.text);
        }
    }
    texts.extend(inputs.texts.iter().map(String::as_str));
    for text in texts {
        let found = stackwarden_secret::scan(text);
        if let Some(key) = found.iter().find(|m| !m.is_documented_example) {
            let shown = text.get(key.range.clone()).unwrap_or_default();
            walker.push(
                Decision::Deny,
                CREDENTIALS,
                seen,
                format!(
                    "`aws {service} {operation}` is given an AWS {} ({}): it would be stored in AWS and in this transcript. Never store access keys in Parameter Store, Secrets Manager or an environment; give the workload an IAM role instead (CDK: `fn.role`, `grant*`).",
                    key.kind.describe(),
                    stackwarden_secret::mask(shown)
                ),
            );
            return;
        }
    }
}

/// One AWS API call being judged.
struct ApiCall<'x> {
    service: &'x str,
    operation: &'x str,
    call: &'x AwsCall<'x>,
    inputs: &'x Inputs,
    seen: &'x str,
}

impl ApiCall<'_> {
    /// The operation's IAM action and access level from the generated table.
    fn judge_operation(&self, walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
        let (service, operation) = (self.service, self.operation);
        if service == "iam" && IAM_USER_OPERATIONS.contains(&operation) {
            walker.push(
                Decision::Deny,
                IAM_USER,
                self.seen,
                format!("`aws iam {operation}` creates long-lived IAM user credentials. Use an IAM role (assumed through SSO or by the service) instead, and ask a person if a user is truly needed."),
            );
            return;
        }
        let found = match aws_api::lookup(service, operation) {
            aws_api::Lookup::Found(found) => found,
            aws_api::Lookup::UnknownOperation | aws_api::Lookup::UnknownService => {
                let what = format!("`aws {service} {operation}` is not in the guard's table of AWS CLI operations (generated from botocore), so it may write");
                self.write(walker, tool, &what, "access level unknown");
                return;
            }
            aws_api::Lookup::Broken(error) => {
                walker.unseen(
                    self.seen,
                    &format!("the guard's AWS operation table is unreadable ({error})"),
                );
                return;
            }
        };
        let action = if found.actions == "-" {
            "no IAM action of its name".to_string()
        } else {
            found.actions.replace(',', ", ")
        };
        if let Some(what) = self.deletes_through_input(found.deletes) {
            destructive(walker, tool, &format!("{what} ({action})"));
            return;
        }
        if found.levels.reads_only() {
            return;
        }
        // `execute-statement --statement "SELECT ..."`: a query, although the action also lets
        // the statement write. (Athena's `start-query-execution` writes its results to S3.)
        let statements = self.statements();
        let executes =
            self.operation.starts_with("execute-") || self.operation.starts_with("batch-execute-");
        if executes && !statements.is_empty() && statements.iter().all(|s| *s == Statement::Reads) {
            return;
        }
        if target::obtains_credentials(service, operation) {
            // Only where the credentials act matters: a role in production is production.
            if let Target::Production(evidence) = self.target(walker, tool) {
                walker.push(
                    Decision::Deny,
                    PROD_WRITE,
                    self.seen,
                    format!("`aws {service} {operation}` obtains credentials that act in production: {evidence}. Whatever runs with them changes production outside the IaC; use a non-production role, or ask a person."),
                );
            }
            return;
        }
        let levels = found.levels.describe();
        if self.changes_permissions(found.grants, &found.levels) {
            self.permissions(walker, tool, &action, &levels);
            return;
        }
        let what = format!("`aws {service} {operation}` writes");
        self.write(walker, tool, &what, &format!("{action}, {levels}"));
    }

    /// Deletions the operation's name says, or its input: a batch write of `DeleteRequest`s, a
    /// transaction with a `Delete`, a PartiQL `DELETE`.
    fn deletes_through_input(&self, by_name: bool) -> Option<String> {
        let (service, operation) = (self.service, self.operation);
        if by_name {
            return Some(format!("`aws {service} {operation}` deletes resources"));
        }
        let deletes = match (service, operation) {
            ("dynamodb", "batch-write-item") => self.inputs.has_key("DeleteRequest"),
            ("dynamodb", "transact-write-items") => self.inputs.has_key("Delete"),
            ("route53", "change-resource-record-sets") => self.inputs.has_value("Action", "DELETE"),
            _ => self.statements().contains(&Statement::Deletes),
        };
        deletes.then(|| format!("`aws {service} {operation}` deletes items through its input"))
    }

    /// The SQL or PartiQL statements the call runs (`--statement`, `--sql`, `--sqls`,
    /// `--query-string`, and `Statement` keys of its documents), by what they do. A call that
    /// only stores a statement (`athena create-named-query`) runs none.
    fn statements(&self) -> Vec<Statement> {
        let runs = ["execute-", "batch-execute-", "start-query-execution"]
            .iter()
            .any(|p| self.operation.starts_with(p));
        if !runs {
            return Vec::new();
        }
        let mut texts = Vec::new();
        let mut rest = self.call.rest.iter();
        while let Some(arg) = rest.next() {
            let (name, inline) = match arg.text.split_once('=') {
                Some((name, value)) if arg.literal => (name, Some(value.to_string())),
                _ => (arg.text.as_str(), None),
            };
            if arg.literal && STATEMENT_OPTIONS.contains(&name) {
                if let Some(value) = inline.or_else(|| rest.next().map(|a| a.text.clone())) {
                    texts.push(value);
                }
            }
        }
        for document in &self.inputs.documents {
            collect_statements(document, &mut texts);
        }
        texts.iter().map(|t| Statement::of(t)).collect()
    }

    /// Identity and permission changes: the table's, and a write handed a policy document
    /// (`opensearch update-domain-config --access-policies`). An attribute setter that the
    /// reference files under both levels because one attribute is a policy
    /// (`sqs set-queue-attributes`) changes permissions only when it sets that one.
    fn changes_permissions(&self, grants: bool, levels: &aws_api::Levels) -> bool {
        let mentions_policy = || {
            self.call
                .rest
                .iter()
                .map(|a| a.text.as_str())
                .chain(self.inputs.texts.iter().map(String::as_str))
                .any(|t| t.to_ascii_lowercase().contains("policy"))
        };
        let gives_policy = self.call.rest.iter().any(|a| {
            let name = a.text.split_once('=').map_or(a.text.as_str(), |(n, _)| n);
            a.literal && POLICY_OPTIONS.contains(&name)
        });
        if gives_policy {
            return true;
        }
        if grants && levels.has_write() && self.operation.ends_with("-attributes") {
            return mentions_policy();
        }
        grants
    }

    fn target(&self, walker: &Walker<'_, '_>, tool: &Invocation<'_>) -> Target {
        let ctx = walker.ctx;
        let (evidence, resource_elsewhere) = target::resources(
            ctx,
            &self.call.rest,
            &self.inputs.documents,
            &self.inputs.texts,
        );
        if let Some(evidence) = evidence {
            return Target::Production(evidence);
        }
        let credentials = target::credentials(
            ctx,
            tool,
            self.call.profile.clone(),
            walker.obtained.as_ref(),
            walker.aws_config_changed,
        );
        match credentials {
            Target::Unresolved(_) if resource_elsewhere => Target::NonProduction,
            Target::Unresolved(why) => match &self.inputs.unread {
                Some(path) => {
                    Target::Unresolved(format!("{why}, and its input `{path}` could not be read"))
                }
                None => Target::Unresolved(why),
            },
            other => other,
        }
    }

    /// A write: denied in production, asked about where the guard cannot tell. `detail` names
    /// the IAM action and access level.
    fn write(&self, walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, what: &str, detail: &str) {
        let ctx = walker.ctx;
        let safe = stage::safe_stage(ctx);
        match self.target(walker, tool) {
            Target::Production(evidence) => walker.push(
                Decision::Deny,
                PROD_WRITE,
                self.seen,
                format!("{what} ({detail}) in production: {evidence}. Changing production by hand bypasses the stack, its change set and review. Make the change in the IaC and deploy it to {safe} (`--profile {safe}`), or ask a person to change {}.", stage::production_stage(ctx)),
            ),
            Target::Unresolved(why) => walker.push(
                Decision::Ask,
                PROD_WRITE,
                self.seen,
                format!("{what} ({detail}), and the guard cannot tell whether that is production: {why}. Pass `--profile {safe}` with a profile whose account stackwarden.toml maps to a stage (`[accounts] {safe} = \"<account id>\"`), or let a person confirm."),
            ),
            Target::NonProduction => {}
        }
    }

    /// An identity or permission change made by hand: asked about, denied in production.
    fn permissions(
        &self,
        walker: &mut Walker<'_, '_>,
        tool: &Invocation<'_>,
        action: &str,
        levels: &str,
    ) {
        let (service, operation) = (self.service, self.operation);
        let what = format!("`aws {service} {operation}` changes identities or permissions by hand ({action}; {levels}), outside the IaC");
        let fix = "Declare the permission in the stack instead (`bucket.grantRead(fn)`, `role.addToPolicy(...)`, a resource policy in the template) and deploy it through `cdk diff` and review";
        match self.target(walker, tool) {
            Target::Production(evidence) => walker.push(
                Decision::Deny,
                OUT_OF_BAND_IAM,
                self.seen,
                format!("{what}, in production: {evidence}. {fix}; ask a person for an emergency change."),
            ),
            Target::Unresolved(_) | Target::NonProduction => walker.push(
                Decision::Ask,
                OUT_OF_BAND_IAM,
                self.seen,
                format!("{what}: the next deploy reverts it or drifts from it. {fix}, or let a person confirm this change."),
            ),
        }
    }
}

/// Options whose value is a SQL or PartiQL statement.
const STATEMENT_OPTIONS: &[&str] = &["--statement", "--sql", "--sqls", "--query-string"];
/// Options whose value is a policy document.
const POLICY_OPTIONS: &[&str] = &[
    "--policy",
    "--policy-document",
    "--access-policies",
    "--access-policy",
    "--resource-policy",
    "--assume-role-policy-document",
];

/// What a statement does, by its first keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Statement {
    Reads,
    Deletes,
    Writes,
}

impl Statement {
    fn of(text: &str) -> Self {
        let keyword: String = text
            .trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_ascii_uppercase();
        match keyword.as_str() {
            "SELECT" | "SHOW" | "DESCRIBE" | "DESC" | "EXPLAIN" => Statement::Reads,
            "DELETE" | "DROP" | "TRUNCATE" => Statement::Deletes,
            _ => Statement::Writes,
        }
    }
}

/// `Statement`/`Sql`/`QueryString` values of a document (`batch-execute-statement`'s list).
fn collect_statements(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(text)
                        if matches!(key.as_str(), "Statement" | "Sql" | "QueryString") =>
                    {
                        out.push(text.clone());
                    }
                    other => collect_statements(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_statements(item, out)),
        _ => {}
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
        return true;
    }
    false
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
