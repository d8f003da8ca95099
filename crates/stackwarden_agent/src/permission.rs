//! Claude Code permission rules (`Bash`, `Bash(npm run test *)`, legacy `Bash(npm test:*)`) and the
//! question `agent/settings-broad-allow` asks of each allow entry: could it let a dangerous
//! command through without a prompt?
//!
//! A Bash rule's specifier is a glob over the whole command line: `*` matches any characters,
//! spaces included, and a trailing ` *` (or the legacy `:*`) also matches the bare command. Rather
//! than reason about where the wildcards sit, the rule is matched against a list of probe
//! commands — a production deploy, a destroy, an IAM user, an S3 deletion, each in the forms an
//! agent types them (`cdk ...`, `npx cdk ...`, `AWS_PROFILE=prod ...`). Any probe that matches
//! is something the entry allows. Probes use the configured production and non-production stage
//! names, so `Bash(npx cdk deploy * --profile dev *)` passes and `... --profile prod *` does not.

use stackwarden_core::config::Config;

/// A parsed permission rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionRule<'a> {
    pub tool: &'a str,
    /// The text in parentheses; `None` for a bare tool name.
    pub specifier: Option<&'a str>,
}

impl<'a> PermissionRule<'a> {
    pub fn parse(text: &'a str) -> Self {
        let text = text.trim();
        match text.find('(') {
            Some(open) if text.ends_with(')') => Self {
                tool: text[..open].trim(),
                specifier: Some(&text[open + 1..text.len() - 1]),
            },
            _ => Self {
                tool: text,
                specifier: None,
            },
        }
    }
}

/// What kind of danger a probe stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Danger {
    ProductionDeploy,
    Destroy,
    IamUser,
    S3Deletion,
    AnyAwsCommand,
}

impl Danger {
    pub fn describe(self) -> &'static str {
        match self {
            Danger::ProductionDeploy => "production deploys",
            Danger::Destroy => "destroys",
            Danger::IamUser => "IAM user and access key creation",
            Danger::S3Deletion => "S3 object and bucket deletion",
            Danger::AnyAwsCommand => "any command of an AWS service",
        }
    }
}

/// Why an allow entry is too broad: the dangers it lets through and one example command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadness {
    pub dangers: Vec<Danger>,
    pub example: String,
    /// Every command is allowed (`Bash`, `Bash(*)`).
    pub everything: bool,
}

/// Judges one allow entry; `None` when it lets none of the probes through.
pub fn judge_allow(entry: &str, config: &Config) -> Option<Broadness> {
    let rule = PermissionRule::parse(entry);
    if rule.tool != "Bash" {
        return None;
    }
    let pattern = match rule.specifier.map(str::trim) {
        None | Some("") => {
            return Some(everything());
        }
        Some(spec) => normalise(spec),
    };
    if pattern.chars().all(|c| c == '*' || c == ' ') {
        return Some(everything());
    }
    let mut dangers = Vec::new();
    let mut example = None;
    for probe in probes(config) {
        let hit = LAUNCHERS
            .iter()
            .map(|launcher| format!("{launcher}{}", probe.command))
            .chain(
                production_stages(config)
                    .map(|stage| format!("AWS_PROFILE={stage} {}", probe.command)),
            )
            .any(|command| glob_matches(&pattern, &command));
        if hit {
            if !dangers.contains(&probe.danger) {
                dangers.push(probe.danger);
            }
            example.get_or_insert(probe.command);
        }
    }
    let example = example?;
    dangers.sort();
    Some(Broadness {
        dangers,
        example,
        everything: false,
    })
}

fn everything() -> Broadness {
    Broadness {
        dangers: vec![
            Danger::ProductionDeploy,
            Danger::Destroy,
            Danger::IamUser,
            Danger::S3Deletion,
        ],
        example: "cdk destroy --all --force".into(),
        everything: true,
    }
}

/// Legacy `prefix:*` means the same as `prefix *`.
pub(crate) fn normalise(spec: &str) -> String {
    match spec.strip_suffix(":*") {
        Some(prefix) => format!("{prefix} *"),
        None => spec.to_string(),
    }
}

/// How an agent reaches a CLI: directly or through a package runner.
const LAUNCHERS: &[&str] = &[
    "",
    "npx ",
    "npx --yes ",
    "pnpm dlx ",
    "pnpm exec ",
    "yarn ",
    "bunx ",
];

struct Probe {
    command: String,
    danger: Danger,
}

fn production_stages(config: &Config) -> impl Iterator<Item = &str> {
    config.production_stages.iter().map(String::as_str)
}

/// A stage that is not production, for probes that deploy several stacks at once.
fn non_production_stage(config: &Config) -> String {
    config
        .accounts
        .keys()
        .find(|stage| !config.is_production_stage(stage))
        .cloned()
        .unwrap_or_else(|| "dev".into())
}

fn probes(config: &Config) -> Vec<Probe> {
    let mut out = Vec::new();
    let mut add = |danger: Danger, command: String| out.push(Probe { command, danger });
    let dev = non_production_stage(config);
    for prod in production_stages(config) {
        add(Danger::ProductionDeploy, format!("cdk deploy {prod}-app"));
        add(
            Danger::ProductionDeploy,
            format!("cdk deploy {prod}-app --profile {prod}"),
        );
        add(
            Danger::ProductionDeploy,
            format!("cdk deploy --all --profile {prod}"),
        );
        add(
            Danger::ProductionDeploy,
            format!("cdk deploy -c stage={prod} --all"),
        );
        add(
            Danger::ProductionDeploy,
            format!("cdk deploy {dev}-app {prod}-app"),
        );
        add(
            Danger::ProductionDeploy,
            format!("sam deploy --config-env {prod}"),
        );
        add(
            Danger::ProductionDeploy,
            format!("sam deploy --stack-name {prod}-app --profile {prod}"),
        );
        add(
            Danger::ProductionDeploy,
            format!(
                "aws cloudformation deploy --stack-name {prod}-app --template-file template.yaml --profile {prod}"
            ),
        );
        add(
            Danger::ProductionDeploy,
            format!("aws cloudformation update-stack --stack-name {prod}-app --profile {prod}"),
        );
    }
    add(Danger::ProductionDeploy, "cdk deploy --all".into());
    for destroy in [
        "cdk destroy --all --force",
        "sam delete --no-prompts",
        "aws cloudformation delete-stack --stack-name app",
        "aws dynamodb delete-table --table-name orders",
        "aws lambda delete-function --function-name handler",
        "aws kms schedule-key-deletion --key-id key",
        "aws logs delete-log-group --log-group-name group",
        "aws rds delete-db-instance --db-instance-identifier db",
        "terraform destroy -auto-approve",
    ] {
        add(Danger::Destroy, destroy.into());
    }
    for iam in [
        "aws iam create-user --user-name agent",
        "aws iam create-access-key --user-name agent",
        "aws iam attach-user-policy --user-name agent --policy-arn arn",
        "aws iam put-user-policy --user-name agent --policy-name p --policy-document file://p.json",
    ] {
        add(Danger::IamUser, iam.into());
    }
    for s3 in [
        "aws s3 rm s3://bucket --recursive",
        "aws s3 rb s3://bucket --force",
        "aws s3api delete-object --bucket bucket --key key",
        "aws s3api delete-bucket --bucket bucket",
    ] {
        add(Danger::S3Deletion, s3.into());
    }
    // An operation no service has: matched only by a wildcard in the operation's place.
    for service in [
        "s3",
        "s3api",
        "iam",
        "cloudformation",
        "dynamodb",
        "lambda",
        "ec2",
        "sqs",
        "sns",
        "kms",
        "rds",
        "logs",
        "ssm",
        "secretsmanager",
        "sts",
    ] {
        add(
            Danger::AnyAwsCommand,
            format!("aws {service} delete-everything --force"),
        );
    }
    out
}

/// Claude Code's Bash rule matching: `*` matches any run of characters (spaces too); a trailing
/// ` *` also matches the command with nothing after it.
pub fn glob_matches(pattern: &str, command: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix(" *") {
        if wildcard(prefix.as_bytes(), command.as_bytes()) {
            return true;
        }
    }
    wildcard(pattern.as_bytes(), command.as_bytes())
}

/// Iterative wildcard matching with single-star backtracking: linear in practice.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            Path::new("stackwarden.toml"),
            "[accounts]\ndev = \"111111111111\"\nprod = \"222222222222\"\n[stages]\nproduction = [\"prod\"]\n",
        )
        .expect("config")
    }

    #[test]
    fn globs_match_like_claude_code() {
        assert!(glob_matches("npm run test *", "npm run test"));
        assert!(glob_matches("npm run test *", "npm run test -- --watch"));
        assert!(!glob_matches("npm run test *", "npm run testing"));
        assert!(glob_matches("ls*", "lsof"));
        assert!(glob_matches("git * main", "git merge main"));
        assert!(!glob_matches(
            "aws sts get-caller-identity",
            "aws sts get-caller-identity x"
        ));
    }

    #[test]
    fn broad_entries_are_judged_broad() {
        let config = config();
        for entry in [
            "Bash",
            "Bash(*)",
            "Bash()",
            "Bash(aws:*)",
            "Bash(aws *)",
            "Bash(aws s3 *)",
            "Bash(cdk deploy:*)",
            "Bash(npx cdk deploy*)",
            "Bash(npx cdk deploy * --profile prod *)",
            "Bash(npx cdk *)",
            "Bash(cdk destroy:*)",
            "Bash(aws s3 rm:*)",
            "Bash(sam deploy:*)",
            "Bash(npx *)",
            "Bash(AWS_PROFILE=prod *)",
            "Bash(aws iam create-user *)",
            "Bash(npx cdk deploy dev-* *)",
        ] {
            assert!(
                judge_allow(entry, &config).is_some(),
                "{entry} should be broad"
            );
        }
    }

    #[test]
    fn scoped_entries_pass() {
        let config = config();
        for entry in [
            "Bash(npm run test:*)",
            "Bash(npm run test *)",
            "Bash(npx cdk synth:*)",
            "Bash(npx cdk diff:*)",
            "Bash(aws sts get-caller-identity)",
            "Bash(aws s3 ls:*)",
            "Bash(aws cloudformation describe-stacks *)",
            "Bash(npx cdk deploy * --profile dev*)",
            "Bash(npx cdk deploy * --profile dev *)",
            "Bash(sam deploy --config-env dev *)",
            "Read(./src/**)",
            "WebFetch(domain:docs.aws.amazon.com)",
        ] {
            assert_eq!(judge_allow(entry, &config), None, "{entry} should pass");
        }
    }

    #[test]
    fn the_message_parts_name_what_is_allowed() {
        let broad = judge_allow("Bash(aws:*)", &config()).expect("broad");
        assert!(broad.dangers.contains(&Danger::S3Deletion));
        assert!(broad.dangers.contains(&Danger::AnyAwsCommand));
        assert!(!broad.everything);
        let destroy = judge_allow("Bash(cdk destroy:*)", &config()).expect("broad");
        assert_eq!(destroy.dangers, vec![Danger::Destroy]);
        assert_eq!(destroy.example, "cdk destroy --all --force");
        assert!(judge_allow("Bash(*)", &config()).expect("broad").everything);
    }
}
