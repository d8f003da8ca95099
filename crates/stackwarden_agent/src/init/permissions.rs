//! The permission entries `init` owns in `.claude/settings.json`: what to allow without a prompt
//! (tests, builds, synth, diff, development deploys, read-only AWS calls) and what to deny
//! (production deploys, destroys, IAM users, S3 deletion, credentials), rendered from the
//! configuration; and how to recognise an entry `init` wrote for an older configuration, so a
//! re-run replaces it instead of leaving it behind.
//!
//! Entries use Claude Code's current rule syntax (`Bash(npm run test *)`; the trailing ` *` also
//! matches the bare command). The hook still judges every command: an allowed development deploy
//! without a reviewed diff is denied by `guard/deploy-without-diff` all the same.

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
const CFN_PROD_DENY: &[&str] = &["Bash(aws cloudformation deploy *--profile {prod}*)"];
const SCRIPT_ALLOW: &str = "Bash({runner} run {script} *)";

/// Our allow and deny lists for one configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OurPermissions {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
}

pub fn render(config: &Config, d: &Detection) -> OurPermissions {
    let mut p = OurPermissions::default();
    let tools: Vec<Iac> = match config.iac {
        Some(iac) => vec![iac],
        None => vec![Iac::Cdk, Iac::Sam, Iac::Cloudformation],
    };
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

    for iac in &tools {
        let (deny, prod_deny): (&[&str], &[&str]) = match iac {
            Iac::Cdk => (CDK_DENY, CDK_PROD_DENY),
            Iac::Sam => (SAM_DENY, SAM_PROD_DENY),
            Iac::Cloudformation => (&[], CFN_PROD_DENY),
        };
        p.deny.extend(deny.iter().map(|s| s.to_string()));
        for prod in &config.production_stages {
            p.deny
                .extend(prod_deny.iter().map(|t| t.replace("{prod}", prod)));
        }
    }
    p.deny.extend(DENY_ALWAYS.iter().map(|s| s.to_string()));
    dedup(&mut p.allow);
    dedup(&mut p.deny);
    p
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
        .chain(CFN_PROD_DENY)
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
        assert!(!p.allow.iter().any(|a| a.contains("sam ")));
        for entry in &p.allow {
            assert_eq!(judge_allow(entry, &config), None, "{entry} is broad");
            assert!(is_owned(entry), "{entry} is not recognised as ours");
        }
        for entry in &p.deny {
            assert!(is_owned(entry), "{entry} is not recognised as ours");
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
