//! The permission entries `init` owns in `.claude/settings.json`: what to allow without a prompt
//! (tests, builds, synth, diff, development deploys, read-only AWS calls) and what to deny
//! (production deploys, destroys and deletions, IAM users, credentials), rendered from the
//! configuration; and how to recognise an entry `init` wrote for an older configuration, so a
//! re-run replaces it instead of leaving it behind.
//!
//! Entries use Claude Code's current rule syntax (`Bash(npm run test *)`; the trailing ` *` also
//! matches the bare command, and means what the legacy `Bash(npm run test:*)` means). The hook
//! still judges every command: an allowed development deploy without a reviewed diff is denied by
//! `guard/deploy-without-diff` all the same.
//!
//! The deny list mirrors the guard where a Claude Code rule can say the same thing, so a session
//! without the hook (a teammate's machine, a hook that failed to start on an old Claude Code)
//! still cannot destroy, delete, create IAM users or print keys. A rule matches text, not
//! meaning: what the guard decides from the AWS API table (a production *write* as opposed to a
//! read, an account resolved through `~/.aws/config`, `AWS_PROFILE=prod`, which Claude Code strips
//! before matching) has no rule here. [`deny_rules`] and [`crate::prefix_rules`] let the two be
//! compared on a corpus.

use std::sync::LazyLock;

use regex::Regex;
use stackwarden_core::config::{Config, Iac};

use super::detect::Detection;

/// Package scripts safe to run without a prompt, when their command deploys and destroys nothing.
const SAFE_SCRIPTS: &[&str] = &[
    "test",
    "build",
    "lint",
    "typecheck",
    "type-check",
    "check",
    "format",
    "synth",
    "diff",
];

const READ_ONLY_AWS: &[&str] = &[
    "Bash(aws sts get-caller-identity *)",
    "Bash(aws cloudformation describe-stacks *)",
    "Bash(aws cloudformation describe-stack-events *)",
    "Bash(aws cloudformation list-stacks *)",
    "Bash(aws logs tail *)",
    "Bash(aws s3 ls *)",
    "Bash(aws lambda get-function-configuration *)",
    "Bash(aws dynamodb describe-table *)",
];

const STACKWARDEN: &[&str] = &[
    "Bash(stackwarden check *)",
    "Bash(stackwarden guard *)",
    "Bash(stackwarden log *)",
    "Bash(stackwarden rules *)",
    "Bash(stackwarden explain *)",
    "Bash(stackwarden iam *)",
    "Bash(stackwarden doctor *)",
];

const DENY_ALWAYS: &[&str] = &[
    "Bash(aws cloudformation delete-stack *)",
    "Bash(aws iam create-user *)",
    "Bash(aws iam create-access-key *)",
    "Bash(aws iam attach-user-policy *)",
    "Bash(aws iam put-user-policy *)",
    "Bash(aws s3 rm *)",
    "Bash(aws s3 rb *)",
    "Bash(aws s3api delete-object *)",
    "Bash(aws s3api delete-objects *)",
    "Bash(aws s3api delete-bucket *)",
    "Bash(aws dynamodb delete-table *)",
    "Bash(aws lambda delete-function *)",
    "Bash(aws kms schedule-key-deletion *)",
    "Bash(aws logs delete-log-group *)",
    "Bash(aws rds delete-db-instance *)",
    "Bash(aws rds delete-db-cluster *)",
    "Bash(aws configure set aws_access_key_id *)",
    "Bash(aws configure set aws_secret_access_key *)",
    // Every `delete-*` operation of every service is a deletion to the guard, wherever the
    // global options sit (`aws --profile dev cloudformation delete-stack`).
    "Bash(aws * delete-*)",
    "Bash(aws * terminate-*)",
    "Bash(aws iam create-login-profile *)",
    "Bash(terraform destroy *)",
    "Bash(terraform apply -destroy *)",
    // Keys printed into the transcript stay there.
    "Bash(cat *.aws/credentials*)",
    "Bash(printenv AWS_SECRET_ACCESS_KEY)",
    "Bash(aws configure get aws_secret_access_key *)",
    "Bash(aws configure export-credentials *)",
    "Read(~/.aws/credentials)",
];

const CDK_ALLOW: &[&str] = &[
    "Bash(npx cdk synth *)",
    "Bash(npx cdk diff *)",
    "Bash(npx cdk ls *)",
];
const CDK_DENY: &[&str] = &["Bash(npx cdk destroy *)", "Bash(cdk destroy *)"];
const SAM_ALLOW: &[&str] = &[
    "Bash(sam build *)",
    "Bash(sam validate *)",
    "Bash(sam local invoke *)",
];
const SAM_DENY: &[&str] = &["Bash(sam delete *)"];
const CFN_ALLOW: &[&str] = &["Bash(aws cloudformation validate-template *)"];

/// Entries written for each non-production stage (`{stage}`) or production stage (`{prod}`).
const CDK_STAGE_ALLOW: &[&str] = &["Bash(npx cdk deploy * --profile {stage} *)"];
const SAM_STAGE_ALLOW: &[&str] = &["Bash(sam deploy --config-env {stage} *)"];
const CDK_PROD_DENY: &[&str] = &[
    "Bash(npx cdk deploy *{prod}-*)",
    "Bash(npx cdk deploy *--profile {prod}*)",
    "Bash(npx cdk deploy *stage={prod}*)",
    "Bash(cdk deploy *{prod}-*)",
    "Bash(cdk deploy *--profile {prod}*)",
    "Bash(cdk deploy *stage={prod}*)",
];
const SAM_PROD_DENY: &[&str] = &[
    "Bash(sam deploy *--config-env {prod}*)",
    "Bash(sam deploy *--profile {prod}*)",
];
/// CloudFormation deploys to production, whatever the project's IaC tool: the AWS CLI is there.
const AWS_PROD_DENY: &[&str] = &[
    "Bash(aws cloudformation deploy *--profile {prod}*)",
    "Bash(aws cloudformation create-stack *--profile {prod}*)",
    "Bash(aws cloudformation update-stack *--profile {prod}*)",
    "Bash(aws cloudformation execute-change-set *--profile {prod}*)",
];
const SCRIPT_ALLOW: &str = "Bash({runner} run {script} *)";

/// Our allow and deny lists for one configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OurPermissions {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
}

pub fn render(config: &Config, d: &Detection) -> OurPermissions {
    let mut p = OurPermissions::default();
    let tools = tools(config);
    for (script, command) in &d.scripts {
        if SAFE_SCRIPTS.contains(&script.as_str()) && !runs_something_dangerous(command) {
            p.allow.push(
                SCRIPT_ALLOW
                    .replace("{runner}", d.runner)
                    .replace("{script}", script),
            );
        }
    }
    let stages: Vec<&str> = config
        .accounts
        .keys()
        .map(String::as_str)
        .filter(|s| !config.is_production_stage(s))
        .collect();
    for iac in &tools {
        let (allow, stage_allow): (&[&str], &[&str]) = match iac {
            Iac::Cdk => (CDK_ALLOW, CDK_STAGE_ALLOW),
            Iac::Sam => (SAM_ALLOW, SAM_STAGE_ALLOW),
            Iac::Cloudformation => (CFN_ALLOW, &[]),
        };
        p.allow.extend(allow.iter().map(|s| s.to_string()));
        for stage in &stages {
            p.allow
                .extend(stage_allow.iter().map(|t| t.replace("{stage}", stage)));
        }
    }
    p.allow.extend(READ_ONLY_AWS.iter().map(|s| s.to_string()));
    p.allow.extend(STACKWARDEN.iter().map(|s| s.to_string()));

    p.deny = deny_entries(config);
    dedup(&mut p.allow);
    dedup(&mut p.deny);
    p
}

/// Every deny entry for `config`, in the order `init` writes them.
fn deny_entries(config: &Config) -> Vec<String> {
    let mut deny = Vec::new();
    for iac in &tools(config) {
        let (fixed, prod_deny): (&[&str], &[&str]) = match iac {
            Iac::Cdk => (CDK_DENY, CDK_PROD_DENY),
            Iac::Sam => (SAM_DENY, SAM_PROD_DENY),
            Iac::Cloudformation => (&[], &[]),
        };
        deny.extend(fixed.iter().map(|s| s.to_string()));
        for prod in &config.production_stages {
            deny.extend(prod_deny.iter().map(|t| t.replace("{prod}", prod)));
        }
    }
    for prod in &config.production_stages {
        deny.extend(AWS_PROD_DENY.iter().map(|t| t.replace("{prod}", prod)));
    }
    deny.extend(DENY_ALWAYS.iter().map(|s| s.to_string()));
    dedup(&mut deny);
    deny
}

/// The `Bash(...)` deny rules `init` writes for `config`: Claude Code's own line of defence,
/// for comparing with the guard (see [`crate::prefix_rules::prefix_rule_denies`]).
pub fn deny_rules(config: &Config) -> Vec<String> {
    deny_entries(config)
        .into_iter()
        .filter(|rule| rule.starts_with("Bash("))
        .collect()
}

/// The IaC tools the configuration names, or all of them when it names none.
fn tools(config: &Config) -> Vec<Iac> {
    match config.iac {
        Some(iac) => vec![iac],
        None => vec![Iac::Cdk, Iac::Sam, Iac::Cloudformation],
    }
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|s| seen.insert(s.clone()));
}

/// A script whose command deploys, destroys or deletes is not allowed blindly.
fn runs_something_dangerous(command: &str) -> bool {
    ["deploy", "destroy", "delete", " rm ", " rb ", "publish"]
        .iter()
        .any(|word| command.contains(word))
}

/// Entry shapes `init` writes whose text depends on the configuration (stage names, scripts).
/// `init --force` removes entries of these shapes that the current configuration no longer
/// renders; nothing else is ever removed, since a user may have written the same entry by hand.
static STAGE_DEPENDENT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    CDK_STAGE_ALLOW
        .iter()
        .chain(SAM_STAGE_ALLOW)
        .chain(CDK_PROD_DENY)
        .chain(SAM_PROD_DENY)
        .chain(AWS_PROD_DENY)
        .chain(std::iter::once(&SCRIPT_ALLOW))
        .map(|template| {
            let pattern = regex::escape(template)
                .replace(r"\{stage\}", "[A-Za-z0-9_.-]+")
                .replace(r"\{prod\}", "[A-Za-z0-9_.-]+")
                .replace(r"\{runner\}", "(?:npm|pnpm|yarn)")
                .replace(r"\{script\}", &format!("(?:{})", SAFE_SCRIPTS.join("|")));
            Regex::new(&format!("^{pattern}$")).expect("valid template regex")
        })
        .collect()
});

/// Whether an entry has a configuration-dependent shape `init` writes.
pub fn is_stage_dependent(entry: &str) -> bool {
    STAGE_DEPENDENT.iter().any(|re| re.is_match(entry))
}

/// Whether an entry is one `init` writes for some configuration.
pub fn is_owned(entry: &str) -> bool {
    READ_ONLY_AWS
        .iter()
        .chain(STACKWARDEN)
        .chain(DENY_ALWAYS)
        .chain(CDK_ALLOW)
        .chain(CDK_DENY)
        .chain(SAM_ALLOW)
        .chain(SAM_DENY)
        .chain(CFN_ALLOW)
        .any(|fixed| *fixed == entry)
        || is_stage_dependent(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::judge_allow;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(Path::new("stackwarden.toml"), text).expect("config")
    }

    #[test]
    fn renders_stage_aware_entries_none_of_which_is_broad() {
        let config = config(
            "[project]\niac = \"cdk\"\n[accounts]\ndev = \"111111111111\"\nprod = \"222222222222\"\n[stages]\nproduction = [\"prod\"]\n",
        );
        let mut d = Detection {
            runner: "npm",
            ..Detection::default()
        };
        d.scripts.insert("test".into(), "vitest run".into());
        d.scripts.insert("build".into(), "tsc".into());
        d.scripts.insert("deploy".into(), "cdk deploy --all".into());
        d.scripts
            .insert("synth".into(), "cdk synth && cdk deploy".into());
        let p = render(&config, &d);
        assert!(p.allow.contains(&"Bash(npm run test *)".to_string()));
        assert!(p
            .allow
            .contains(&"Bash(npx cdk deploy * --profile dev *)".to_string()));
        assert!(!p.allow.iter().any(|a| a.contains("deploy *) ")
            || a.contains("run deploy")
            || a.contains("run synth")));
        assert!(p
            .deny
            .contains(&"Bash(npx cdk deploy *--profile prod*)".to_string()));
        assert!(p.deny.contains(&"Bash(aws s3 rm *)".to_string()));
        assert!(p.deny.contains(&"Read(~/.aws/credentials)".to_string()));
        assert!(p
            .deny
            .contains(&"Bash(aws cloudformation update-stack *--profile prod*)".to_string()));
        assert!(!p.allow.iter().any(|a| a.contains("sam ")));
        for entry in &p.allow {
            assert_eq!(judge_allow(entry, &config), None, "{entry} is broad");
            assert!(is_owned(entry), "{entry} is not recognised as ours");
        }
        for entry in &p.deny {
            assert!(is_owned(entry), "{entry} is not recognised as ours");
        }
    }

    /// The deny rules are a second line of defence, never a stricter one: each command they
    /// deny, the guard denies too (else a rule would block what the project allows).
    #[test]
    fn every_command_the_deny_rules_block_the_guard_denies() {
        let config = config(
            "[project]\niac = \"cdk\"\n[accounts]\ndev = \"111111111111\"\nprod = \"222222222222\"\n[stages]\nproduction = [\"prod\"]\n",
        );
        let rules = deny_rules(&config);
        assert!(rules.iter().all(|r| r.starts_with("Bash(")), "{rules:?}");
        assert!(!rules.iter().any(|r| r.contains("Read(")));
        let denied = [
            "cdk destroy --all --force",
            "npx cdk destroy",
            "npm test && npx cdk deploy prod-orders --profile prod --require-approval broadening",
            "aws s3 rb s3://orders --force",
            "aws s3 rm s3://orders/key",
            "aws --profile dev cloudformation delete-stack --stack-name dev-orders",
            "aws sqs delete-message --queue-url u --receipt-handle h",
            "aws ec2 terminate-instances --instance-ids i-1",
            "aws cloudcontrol delete-resource --type-name AWS::S3::Bucket --identifier b",
            "aws cloudformation update-stack --stack-name x --profile prod",
            "aws iam create-user --user-name agent",
            "aws iam create-login-profile --user-name agent",
            "terraform destroy -auto-approve",
            "terraform apply -destroy",
            "cat ~/.aws/credentials",
            "printenv AWS_SECRET_ACCESS_KEY",
            "aws configure get aws_secret_access_key",
            "aws configure export-credentials --profile dev",
        ];
        let passed = [
            "aws s3 ls",
            "npx cdk diff dev-orders --profile dev",
            "aws cloudformation describe-stacks --profile prod",
            "cat ~/.aws/config",
        ];
        let ctx = stackwarden_guard::Context::bare(&config, "/project");
        for command in denied {
            assert!(
                crate::prefix_rule_denies(&rules, command),
                "no deny rule for `{command}`"
            );
        }
        for command in denied.iter().chain(&passed) {
            let guard = stackwarden_guard::judge(command, &ctx).decision();
            if crate::prefix_rule_denies(&rules, command) {
                assert_eq!(
                    guard,
                    Some(stackwarden_guard::Decision::Deny),
                    "a deny rule blocks `{command}` but the guard does not deny it"
                );
            }
        }
        for command in passed {
            assert!(!crate::prefix_rule_denies(&rules, command), "{command}");
        }
    }

    #[test]
    fn recognises_entries_written_for_other_stages() {
        assert!(is_owned("Bash(npx cdk deploy * --profile sandbox *)"));
        assert!(is_owned("Bash(npx cdk deploy *--profile live*)"));
        assert!(is_owned("Bash(pnpm run lint *)"));
        assert!(!is_owned("Bash(npx cdk deploy *)"));
        assert!(!is_owned("Bash(git status)"));
        assert!(!is_owned("Bash(npm run e2e *)"));
        assert!(is_stage_dependent("Bash(npm run test *)"));
        assert!(!is_stage_dependent("Bash(aws s3 rm *)"));
        assert!(is_owned("Bash(aws s3 rm *)"));
    }
}
