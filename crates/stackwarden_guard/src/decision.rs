//! What the guard answers: a decision, the rule that made it, and a reason that names what was
//! seen and what to do instead. "No decision" is the absence of a verdict: the guard never
//! approves anything, it only stops or asks.

use serde::Serialize;
use stackwarden_core::{RuleMeta, Severity};

/// Stop the command, or ask a person. Ordered so that the strictest compares greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Ask,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

/// One rule's answer about one simple command reached by the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub decision: Decision,
    pub rule: &'static str,
    pub reason: String,
    /// The simple command the verdict is about, after resolution (`cdk deploy prod-orders`).
    pub seen: String,
}

/// Every verdict for one command line, in the order the shell would reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub verdicts: Vec<Verdict>,
}

impl Judgement {
    /// The verdict that decides: deny over ask, then the rule listed first in [`RULE_ORDER`]
    /// (a production deploy explains more than a missing flag), then the first reached.
    pub fn strictest(&self) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| {
                a.decision
                    .cmp(&b.decision)
                    .then(rule_rank(b.rule).cmp(&rule_rank(a.rule)))
                    .then(ib.cmp(ia))
            })
            .map(|(_, v)| v)
    }

    pub fn decision(&self) -> Option<Decision> {
        self.strictest().map(|v| v.decision)
    }

    /// The strictest verdict's reason, followed by the other deny/ask reasons so the agent can fix
    /// everything in one go instead of discovering the rules one denial at a time.
    pub fn combined_reason(&self) -> Option<String> {
        let top = self.strictest()?;
        let mut text = format!("[{}] {}", top.rule, top.reason);
        let mut seen = vec![(top.rule, top.reason.as_str())];
        for other in &self.verdicts {
            if seen.contains(&(other.rule, other.reason.as_str())) {
                continue;
            }
            seen.push((other.rule, other.reason.as_str()));
            text.push_str(&format!("\nAlso [{}] {}", other.rule, other.reason));
        }
        Some(text)
    }
}

pub const PROD_DEPLOY: &str = "guard/prod-deploy";
pub const REQUIRE_APPROVAL: &str = "guard/require-approval";
pub const DEPLOY_WITHOUT_DIFF: &str = "guard/deploy-without-diff";
pub const DESTRUCTIVE: &str = "guard/destructive";
pub const IAM_USER: &str = "guard/iam-user";
pub const CREDENTIALS: &str = "guard/credentials";
pub const UNRESOLVED: &str = "guard/unresolved";
pub const SELF_PROTECTION: &str = "guard/self-protection";
pub const PROD_WRITE: &str = "guard/prod-write";
pub const OUT_OF_BAND_IAM: &str = "guard/out-of-band-iam";
/// The project's own `[guard] deny/ask` patterns from stackwarden.toml.
pub const PROJECT_PATTERN: &str = "guard/project-pattern";

const RULE_ORDER: [&str; 11] = [
    CREDENTIALS,
    PROD_DEPLOY,
    DESTRUCTIVE,
    IAM_USER,
    OUT_OF_BAND_IAM,
    PROD_WRITE,
    PROJECT_PATTERN,
    REQUIRE_APPROVAL,
    DEPLOY_WITHOUT_DIFF,
    SELF_PROTECTION,
    UNRESOLVED,
];

fn rule_rank(rule: &str) -> usize {
    RULE_ORDER
        .iter()
        .position(|r| *r == rule)
        .unwrap_or(RULE_ORDER.len())
}

/// Metadata of the guard rules, for `stackwarden rules` and `stackwarden explain`.
pub const RULES: &[RuleMeta] = &[
    RuleMeta {
        id: PROD_DEPLOY,
        severity: Severity::Error,
        summary: "deny a cdk/sam/cloudformation/terraform/pulumi/serverless/copilot/amplify/eksctl deploy that resolves to a production stage or account",
        docs: "## What it does\nDenies `cdk deploy`, `cdk watch` and `cdk import`, `cdk bootstrap` (it deploys the CDKToolkit stack), `sam deploy`, `aws cloudformation deploy/create-stack/update-stack/execute-change-set`, `terraform apply` (also of a plan saved earlier on the line for production), `pulumi up`, `refresh` and `import`, `serverless deploy`/`rollback`, `copilot [svc|job|env] deploy`, `amplify push`/`publish` and `eksctl create/upgrade/update/scale …` when the profile (flag, AWS_PROFILE, ~/.aws/config account), context, stack name or selector, bootstrap environment (`aws://ACCOUNT/REGION`), Terraform workspace, variables (`-var`, `TF_VAR_name`, or either inside `TF_CLI_ARGS`/`TF_CLI_ARGS_apply`) or folder, Pulumi stack, Serverless stage (`--stage prod`), Copilot environment (`--env prod`), Amplify environment (checked out on the line or in amplify/.config) or eksctl cluster name resolves to a production stage; cdk.json's `context` counts unless `-c` overrides the key. A `cdk deploy` or `cdk import` whose account neither the profile nor the last synth's `cdk.out/manifest.json` resolves is asked about.\n## Why\nProduction deploys are a person's decision.\n## Example\n`AWS_PROFILE=prod npx cdk deploy --all`\n## Fix\nDeploy to a non-production stage (`--profile dev`), or ask a person to deploy production.\n",
    },
    RuleMeta {
        id: REQUIRE_APPROVAL,
        severity: Severity::Error,
        summary: "deny cdk deploy without --require-approval broadening or any-change",
        docs: "## What it does\nDenies `cdk deploy` unless it passes `--require-approval broadening` or `any-change`.\n## Why\nSecurity-broadening changes must be confirmed by a person.\n## Example\n`cdk deploy dev-orders --require-approval never`\n## Fix\nAdd `--require-approval broadening`.\n",
    },
    RuleMeta {
        id: DEPLOY_WITHOUT_DIFF,
        severity: Severity::Error,
        summary: "deny cdk deploy with no successful cdk diff of the same stacks, profile and context since the sources changed",
        docs: "## What it does\nDenies `cdk deploy` unless the ledger holds a successful `cdk diff` of the same stacks, profile and context, recorded since the sources last changed.\n## Why\nA deploy should only ship a change somebody has looked at.\n## Example\n`cdk deploy dev-orders --profile dev --require-approval broadening` with no diff\n## Fix\nRun `cdk diff dev-orders --profile dev` first, then deploy.\n",
    },
    RuleMeta {
        id: DESTRUCTIVE,
        severity: Severity::Error,
        summary: "deny destroy/delete commands (cdk destroy, aws s3 rb, delete-stack, terraform destroy, apply -replace, ...)",
        docs: "## What it does\nDenies commands that delete infrastructure or data, in any stage: `cdk destroy`, `cdk gc` (unless `--action print` or `tag`), `sam delete`, `terraform destroy`, `apply -destroy` (also through `TF_CLI_ARGS`/`TF_CLI_ARGS_apply`, or by applying a plan saved on the same line by `plan -destroy -out=FILE`), `apply -replace=ADDR` and `pulumi up --replace URN` (the resource is destroyed and created again: a database or bucket loses its data), `terraform state rm`, `pulumi destroy`/`stack rm`/`state delete`, `serverless remove`, `copilot app|svc|env|job|pipeline delete`, `amplify delete`, `amplify env remove`, `eksctl delete …`, and every AWS CLI operation that deletes (its verb is Delete, Terminate, Purge, Remove, Deregister or Destroy, after `Batch`, or it schedules a deletion such as `kms schedule-key-deletion`; tag removals excepted), plus the calls that delete through their input: `aws s3 rm`/`rb`, `aws s3 mv` out of a bucket, `aws s3 sync --delete` into one, `dynamodb batch-write-item` with a `DeleteRequest`, `transact-write-items` with a `Delete`, a PartiQL `DELETE`.\n## Why\nDeletion is irreversible; an agent must not do it on its own.\n## Example\n`bash -c \"npx cdk destroy --force\"`\n## Fix\nAsk a person to run it.\n",
    },
    RuleMeta {
        id: PROD_WRITE,
        severity: Severity::Error,
        summary: "deny an AWS API call that writes in production; ask when a write's account cannot be resolved",
        docs: "## What it does\nJudges every AWS CLI call (and MCP `call_aws`) by the access level of the IAM action behind it, from data generated out of botocore and the Service Authorization Reference: a Write, Tagging or Permissions-management call whose target resolves to production is denied; one whose target the guard cannot resolve is asked about; reads (List, Read) get no decision anywhere. The target is production when the profile (`--profile`, `AWS_PROFILE`, the profile's account in ~/.aws/config), an account id in an ARN, a queue URL or any argument (`--cli-input-json` and `file://` documents included), a resource or bucket name carrying a production stage, or credentials obtained earlier in the same command (`sts assume-role`, `configure export-credentials`) say so. It is unresolved when the credentials are access keys in the environment, the profile names no account and no stage, or the command rewrites the AWS config first.\n## Why\nA change made by hand in production bypasses the stack, the change set and the review: the next deploy reverts it or fails on it.\n## Example\n`aws lambda update-function-code --function-name orders --zip-file fileb://f.zip --profile prod`\n## Fix\nChange the stack and deploy it to a non-production stage (`--profile dev`); ask a person to change production. To let the guard resolve writes, map each account to its stage in `[accounts]` of stackwarden.toml.\n",
    },
    RuleMeta {
        id: OUT_OF_BAND_IAM,
        severity: Severity::Error,
        summary: "ask before (dev) or deny (prod) identity and permission changes made by hand outside the IaC",
        docs: "## What it does\nAsks a person before any IAM write (`iam create-role`, `put-role-policy`, `attach-role-policy`, `update-assume-role-policy`, ...) and any call at the Permissions-management access level (`s3api put-bucket-policy`, `lambda add-permission`, `kms put-key-policy`, `sqs set-queue-attributes` of a policy, ...) made through the AWS CLI; denies it when the target resolves to production.\n## Why\nPermissions changed by hand are invisible to the IaC review and drift from the stack: least privilege is only as good as the last manual change.\n## Example\n`aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`\n## Fix\nDeclare the permission in the stack (`bucket.grantRead(fn)`, `role.addToPolicy(...)`) and deploy it through `cdk diff` and review.\n",
    },
    RuleMeta {
        id: IAM_USER,
        severity: Severity::Error,
        summary: "deny creating IAM users, access keys and user policies",
        docs: "## What it does\nDenies `aws iam create-user`, `create-access-key`, `attach-user-policy`, `put-user-policy`, `create-login-profile`.\n## Why\nLong-lived users and keys are the credentials that leak.\n## Example\n`aws iam create-access-key --user-name ci`\n## Fix\nUse roles (and IAM Identity Center for people).\n",
    },
    RuleMeta {
        id: CREDENTIALS,
        severity: Severity::Error,
        summary: "deny writing, exporting or printing AWS access keys",
        docs: "## What it does\nDenies `aws configure set aws_secret_access_key ...`, `export AWS_SECRET_ACCESS_KEY=...` with a literal key, and writes of keys into ~/.aws/credentials. Denies printing keys into the agent's transcript: reading a credentials file (`cat ~/.aws/credentials`, the SSO and CLI caches) however it is named — relative to the working folder, by a glob that can match it (`cat ~/.aws/cred*`, `tail ~/.aws/*`), by a folder a recursive reader walks (`grep -r aws_secret ~/.aws`, `rg key ~`), on stdin (`cat < ~/.aws/credentials`), or in the code of an interpreter one-liner (`python3 -c \"print(open('…/.aws/credentials').read())\"`); printing a secret variable (`printenv AWS_SECRET_ACCESS_KEY`, `declare -p AWS_SESSION_TOKEN`, `echo $AWS_SESSION_TOKEN`) or the whole environment when it holds one (`env`, `printenv`, `set`, `export -p`, `declare -p`/`-x`, `cat /proc/self/environ`; a secret set on the line at run time counts); `aws configure get aws_secret_access_key`, `aws configure export-credentials`, `aws sts assume-role`/`get-session-token`/`get-federation-token`, `aws sso get-role-credentials` and `aws cognito-identity get-credentials-for-identity` (unless `--query` leaves the secret out). Copying, moving, linking, archiving or uploading a credentials file (`cp ~/.aws/credentials /tmp/c`, `cp -r ~/.aws …`, `tar czf x.tgz ~/.aws`, `curl -T`, `cat ~/.aws/credentials > f`) is denied whether or not anything is printed: the copy is a credentials file the guard no longer recognises. Output that goes straight into something that consumes it is fine: `eval \"$(...)\"`, `creds=$(...)`, `> file`, a pipe into a program (a pipe into `grep`, `jq`, `head` and other printers still shows it).\n## Why\nKeys typed into a command, or printed by one, end up in transcripts and shell history.\n## Example\n`aws configure export-credentials --profile dev`\n## Fix\nUse `aws sso login` and a named profile; hand keys to a tool without printing them: `eval \"$(aws configure export-credentials --profile dev --format env)\"`.\n",
    },
    RuleMeta {
        id: UNRESOLVED,
        severity: Severity::Warn,
        summary: "ask when a command that could reach AWS cannot be seen through (eval, a command name built at run time)",
        docs: "## What it does\nAsks a person when a command that could reach AWS/CDK/SAM is built at run time (`eval \"$CMD\"`, `$(echo cdk) deploy`), is too large or too deeply nested to inspect (over 1 MB, scripts or compound commands nested more than 100 deep, over 100,000 simple commands), or does not parse (bash would reject it too, or it uses syntax the guard's grammar lacks, such as `@(...)` globs, off in a non-interactive bash).\n## Why\nWhat the guard cannot see, it cannot judge. A command the analysis cannot finish at all (it crashes the analysis or runs out of its memory, CPU or time limits) is not asked about but blocked outright: the hook exits 2 and `stackwarden guard` denies, naming the limit.\n## Example\n`eval \"$DEPLOY\"`\n## Fix\nWrite the command out literally.\n",
    },
    RuleMeta {
        id: SELF_PROTECTION,
        severity: Severity::Warn,
        summary: "ask before an edit or shell write changes the guard's own configuration (.claude/settings*.json, stackwarden.toml)",
        docs: "## What it does\nAsks a person before the agent changes the files that configure the guard: `.claude/settings.json` and `.claude/settings.local.json` (the hooks that run stackwarden, the allow and deny permissions) and `stackwarden.toml`. It covers Write, Edit and MultiEdit of those files and shell commands that change them, with paths resolved as the shell would (relative to the folder the command runs in after `cd`, `//`, `./` and `..` removed, letter case ignored, variables set on the line expanded, globs matched): a redirection (`> .claude/settings.json`, `f=stackwarden.toml; echo x > $f`), `tee`, `truncate`, `dd of=`, in-place editors (`sed -i`, `perl -pi`, `ruby -pi`, `awk -i inplace`, `ex`/`vim -c`/`ed` on the file), `git checkout … -- FILE`/`git restore FILE`; `cp`/`mv`/`install`/`ln`/`rsync` onto them or into the `.claude` folder (`cp x .claude/`, `cp -t .claude x`), unpacking into it (`tar -C .claude`, `unzip -d .claude`, `rsync -a dir/ ./`); removing or renaming them, the `.claude` folder or a folder holding them (`rm -rf .claude`, `mv .claude x`, `rm -rf .`); a patch naming one of them (`git apply`, `git am`, `patch`, read from the file, `<` or a here-document; a patch the guard cannot read, such as one from a pipe, is asked about too); and an interpreter one-liner whose code names one of them and writes (`open('stackwarden.toml','w')`). `git checkout .` and branch switches are not judged.\n## Why\nAn agent that can rewrite its own guard's configuration can switch the guard off: a Write of `{}` to `.claude/settings.json` removes every hook.\n## Example\n`echo '{}' > .claude/settings.json`\n## Fix\nLet a person make or confirm the change; `stackwarden init` rewrites the stackwarden parts of these files.\n",
    },
    RuleMeta {
        id: PROJECT_PATTERN,
        severity: Severity::Error,
        summary: "deny or ask for commands matching the project's [guard] deny/ask patterns",
        docs: "## What it does\nApplies the `[guard] deny` and `ask` patterns of stackwarden.toml to every resolved simple command.\n## Why\nEach project has its own dangerous commands.\n## Example\n`deny = [\"terraform apply\"]` stops `bash -c 'terraform apply'`.\n## Fix\nFollow the project's deploy process.\n",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn v(decision: Decision, rule: &'static str) -> Verdict {
        Verdict {
            decision,
            rule,
            reason: rule.to_string(),
            seen: String::new(),
        }
    }

    #[test]
    fn deny_beats_ask_and_prod_beats_missing_flag() {
        let j = Judgement {
            verdicts: vec![
                v(Decision::Ask, UNRESOLVED),
                v(Decision::Deny, REQUIRE_APPROVAL),
                v(Decision::Deny, PROD_DEPLOY),
            ],
        };
        assert_eq!(j.strictest().map(|v| v.rule), Some(PROD_DEPLOY));
        let reason = j.combined_reason().unwrap_or_default();
        assert!(
            reason.starts_with("[guard/prod-deploy]")
                && reason.contains("Also [guard/require-approval]"),
            "{reason}"
        );
    }

    #[test]
    fn every_rule_has_complete_docs() {
        for rule in RULES {
            assert!(rule.missing_doc_headings().is_empty(), "{}", rule.id);
        }
    }
}
