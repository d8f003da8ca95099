//! The CDK CLI: `deploy`/`watch` (production, approval, diff-first), `import` (a change set into
//! the stacks: judged for production like a deploy), `bootstrap` (deploys the CDKToolkit stack:
//! production when its `aws://ACCOUNT/REGION` or the profile is), `destroy` and `gc` (deletes
//! assets from the bootstrap bucket and repository), and `diff` (recorded so a later deploy of
//! the same stacks, profile and context may go ahead).

use serde::{Deserialize, Serialize};

use crate::decision::{Decision, DEPLOY_WITHOUT_DIFF, PROD_DEPLOY, REQUIRE_APPROVAL};
use crate::stage;
use crate::target::Target;
use crate::tools::{destructive, glob_match, Invocation};
use crate::walk::Walker;
use crate::words::Arg;

/// Options that consume the next word (global, deploy, diff and destroy options of CDK v2).
const WITH_VALUE: &[&str] = &[
    "-a",
    "--app",
    "-c",
    "--context",
    "-p",
    "--plugin",
    "--profile",
    "-o",
    "--output",
    "-r",
    "--role-arn",
    "--toolkit-stack-name",
    "--ca-bundle-path",
    "--proxy",
    "--build",
    "--require-approval",
    "--parameters",
    "-O",
    "--outputs-file",
    "-m",
    "--method",
    "--change-set-name",
    "--concurrency",
    "-t",
    "--tags",
    "--notification-arns",
    "--progress",
    "-E",
    "--build-exclude",
    "--template",
    "--context-lines",
    "--resource-mapping",
    "--asset-parallelism",
    "--asset-prebuild",
    // gc
    "--action",
    "--type",
    "--rollback-buffer-days",
    "--created-buffer-days",
    "--bootstrap-stack-name",
    // bootstrap
    "-b",
    "--bootstrap-bucket-name",
    "--bootstrap-kms-key-id",
    "--qualifier",
    "--trust",
    "--trust-for-lookup",
    "--untrust",
    "--cloudformation-execution-policies",
    "--custom-permissions-boundary",
];

/// What a deploy or a diff is about; the ledger stores the diffs' keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffKey {
    /// Stack selectors as written, sorted. Empty = every stack (`--all`, or no selector).
    pub stacks: Vec<String>,
    pub profile: Option<String>,
    /// `-c key=value` pairs, sorted.
    pub context: Vec<String>,
}

impl DiffKey {
    /// Whether this (recorded diff) covers `deploy`: same profile and context, and the diff saw
    /// every stack the deploy names.
    pub fn covers(&self, deploy: &DiffKey) -> bool {
        self.profile == deploy.profile
            && self.context == deploy.context
            && (self.stacks.is_empty()
                || (!deploy.stacks.is_empty()
                    && deploy.stacks.iter().all(|s| self.stacks.contains(s))))
    }

    /// The `cdk diff` command that would cover this deploy.
    pub fn diff_command(&self) -> String {
        let mut parts = vec!["cdk diff".to_string()];
        if self.stacks.is_empty() {
            parts.push("--all".into());
        } else {
            // Selectors with globs are quoted so the suggested command can be pasted as is.
            parts.extend(self.stacks.iter().map(|s| {
                if s.contains(['*', '?', ' ']) {
                    format!("'{s}'")
                } else {
                    s.clone()
                }
            }));
        }
        parts.extend(self.context.iter().map(|kv| format!("-c {kv}")));
        if let Some(profile) = &self.profile {
            parts.push(format!("--profile {profile}"));
        }
        parts.join(" ")
    }
}

struct Cdk {
    sub: Option<Arg>,
    stacks: Vec<Arg>,
    all: bool,
    context: Vec<(String, String)>,
    profile: Option<String>,
    require_approval: Option<String>,
    output: Option<String>,
    /// `cdk gc --action`.
    action: Option<String>,
}

fn parse(args: &[Arg]) -> Cdk {
    let mut cdk = Cdk {
        sub: None,
        stacks: vec![],
        all: false,
        context: vec![],
        profile: None,
        require_approval: None,
        output: None,
        action: None,
    };
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let text = arg.text.as_str();
        if arg.literal && text.starts_with('-') && text.len() > 1 {
            let (name, inline) = match text.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (text, None),
            };
            let value = if WITH_VALUE.contains(&name) && inline.is_none() {
                i += 1;
                args.get(i - 1).map(|a| a.text.clone())
            } else {
                inline
            };
            match (name, value) {
                ("--all", _) => cdk.all = true,
                ("-c" | "--context", Some(kv)) => {
                    let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                    cdk.context.push((k.to_string(), v.to_string()));
                }
                ("--profile", Some(p)) => cdk.profile = Some(p),
                ("--require-approval", Some(v)) => cdk.require_approval = Some(v),
                ("-o" | "--output", Some(v)) => cdk.output = Some(v),
                ("--action", Some(v)) => cdk.action = Some(v),
                _ => {}
            }
            continue;
        }
        if cdk.sub.is_none() {
            cdk.sub = Some(arg.clone());
        } else {
            cdk.stacks.push(arg.clone());
        }
    }
    cdk
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let cdk = parse(tool.args);
    let Some(sub) = &cdk.sub else { return };
    let Some(sub_name) = sub.known() else {
        walker.unresolved(&tool.seen(), "the cdk subcommand is built at run time");
        return;
    };
    match sub_name {
        "deploy" | "watch" => deploy(walker, tool, &cdk, sub_name),
        // `cdk import` creates a change set that adopts resources into the stacks: a deploy.
        "import" => production(walker, tool, &cdk, sub_name),
        "bootstrap" => bootstrap(walker, tool, &cdk),
        // `--action print` lists, `tag` only marks; the default (`full`) and `delete-tagged`
        // delete.
        "gc" if !matches!(cdk.action.as_deref(), Some("print" | "tag")) => destructive(
            walker,
            tool,
            "`cdk gc` deletes the assets no stack uses any more from the bootstrap bucket and container repository (a rollback then has nothing to roll back to)",
        ),
        "destroy" => {
            let what = if cdk.stacks.is_empty() || cdk.all {
                "every stack".to_string()
            } else {
                names(&cdk.stacks)
            };
            destructive(walker, tool, &format!("`cdk destroy` deletes {what}"));
        }
        "diff" => {
            let key = key(walker, tool, &cdk);
            // Recorded only where the command line's success shows the diff's own.
            if walker.certain {
                walker.diffs.push(key);
            }
        }
        _ => {}
    }
}

fn names(stacks: &[Arg]) -> String {
    stacks
        .iter()
        .map(|s| format!("`{}`", s.text))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key(walker: &Walker<'_, '_>, tool: &Invocation<'_>, cdk: &Cdk) -> DiffKey {
    let mut stacks: Vec<String> = if cdk.all {
        vec![]
    } else {
        cdk.stacks.iter().map(|s| s.text.clone()).collect()
    };
    stacks.sort();
    stacks.dedup();
    let mut context: Vec<String> = cdk
        .context
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    context.sort();
    let profile = stage::profile(walker.ctx, tool, cdk.profile.clone()).map(|p| p.name);
    DiffKey {
        stacks,
        profile,
        context,
    }
}

/// `cdk bootstrap [aws://ACCOUNT/REGION…]` deploys the CDKToolkit stack (its IAM roles, bucket
/// and repository) into each environment named, or the profile's.
fn bootstrap(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, cdk: &Cdk) {
    let ctx = walker.ctx;
    let named = cdk.stacks.iter().find_map(|env| {
        let text = env.known()?;
        let account = text.strip_prefix("aws://")?.split('/').next()?;
        stage::value_is_production(ctx, account)
            .then(|| format!("environment `{text}` (account {account}, a production stage)"))
    });
    let evidence = named.or_else(|| {
        let choice = stage::profile(ctx, tool, cdk.profile.clone())?;
        stage::profile_is_production(ctx, &choice)
    });
    if let Some(evidence) = evidence {
        let safe = stage::safe_stage(ctx);
        walker.push(
            Decision::Deny,
            PROD_DEPLOY,
            &tool.seen(),
            format!("cdk bootstrap deploys the CDKToolkit stack (IAM roles, a bucket, a repository) into {evidence}. Bootstrap {safe} (`--profile {safe}`), or ask a person to bootstrap {}.", stage::production_stage(ctx)),
        );
    }
}

/// Denies a deploy (or import) whose target is production; asks when the guard cannot tell.
fn production(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, cdk: &Cdk, sub: &str) {
    let seen = tool.seen();
    let ctx = walker.ctx;
    // The last synth's stacks, read once for both questions.
    let known = known_stacks(walker, tool, cdk);
    if let Some(evidence) = production_evidence(walker, tool, cdk, &known) {
        let safe = stage::safe_stage(ctx);
        let prod = stage::production_stage(ctx);
        walker.push(
            Decision::Deny,
            PROD_DEPLOY,
            &seen,
            format!("cdk {sub} targets {evidence}. Deploy to {safe} with --profile {safe} (and {safe} stacks), or ask a person to deploy {prod}."),
        );
    } else if let Err(why) = lands_outside_production(walker, tool, cdk, &known) {
        let safe = stage::safe_stage(ctx);
        walker.push(
            Decision::Ask,
            PROD_DEPLOY,
            &seen,
            format!("cdk {sub} may deploy to production: {why}. Pass `--profile {safe}` with a profile whose account stackwarden.toml maps to a stage, or pin the stacks' `env` to the {safe} account, or let a person confirm."),
        );
    }
}

fn deploy(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, cdk: &Cdk, sub: &str) {
    let seen = tool.seen();
    let ctx = walker.ctx;
    production(walker, tool, cdk, sub);
    // `cdk watch` deploys on every change (hotswapping where it can, a change set otherwise)
    // and has no approval step: `--require-approval` cannot be asked of it, so that rule
    // does not apply. What it deploys first must still have been reviewed: the diff rule does.
    let approval = cdk.require_approval.as_deref();
    if sub != "watch" && !matches!(approval, Some("broadening" | "any-change")) {
        let what = match approval {
            Some(other) => format!("runs with `--require-approval {other}`"),
            None => "runs without `--require-approval`".to_string(),
        };
        walker.push(
            Decision::Deny,
            REQUIRE_APPROVAL,
            &seen,
            format!("cdk deploy {what}. Add `--require-approval broadening` so security-broadening changes are confirmed by a person."),
        );
    }
    let deploy_key = key(walker, tool, cdk);
    let covered = ctx.diffs.has_covering_diff(&deploy_key);
    if !matches!(covered, Ok(true)) {
        let note = match covered {
            Err(e) => format!(" (the ledger could not be read: {e})"),
            Ok(_) => String::new(),
        };
        let diff = deploy_key.diff_command();
        walker.push(
            Decision::Deny,
            DEPLOY_WITHOUT_DIFF,
            &seen,
            format!("no successful `{diff}` is recorded since the sources last changed{note}. Run `{diff}` first, on its own (a diff counts when the command's exit status shows it succeeded: not piped into another command, after `||` or inside a branch), review it, then deploy the same stacks with the same profile and context."),
        );
    }
}

fn production_evidence(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    cdk: &Cdk,
    known: &[KnownStack],
) -> Option<String> {
    let ctx = walker.ctx;
    if let Some(choice) = stage::profile(ctx, tool, cdk.profile.clone()) {
        if let Some(evidence) = stage::profile_is_production(ctx, &choice) {
            return Some(evidence);
        }
    }
    if let Some((k, v)) = cdk
        .context
        .iter()
        .find(|(_, v)| stage::value_is_production(ctx, v))
    {
        return Some(format!("context `-c {k}={v}`, a production stage"));
    }
    // The app reads cdk.json's context unless `-c` overrides the key.
    if let Some((k, v)) = project_context(walker, tool)
        .into_iter()
        .filter(|(k, _)| !cdk.context.iter().any(|(given, _)| given == k))
        .find(|(_, v)| stage::value_is_production(ctx, v))
    {
        return Some(format!("context `{k}={v}` in cdk.json, a production stage"));
    }
    for selector in &cdk.stacks {
        if stage::name_is_production(ctx, &selector.text) {
            return Some(format!("stack `{}`, a production stack", selector.text));
        }
        if let Some(hit) = known
            .iter()
            .find(|s| s.production && glob_match(&selector.text, &s.name))
        {
            return Some(format!(
                "selector `{}`, which includes production stack `{}`",
                selector.text, hit.name
            ));
        }
    }
    if cdk.all || cdk.stacks.is_empty() {
        let flag = if cdk.all {
            "--all"
        } else {
            "every stack (no selector)"
        };
        if let Some(hit) = known.iter().find(|s| s.production) {
            return Some(format!(
                "{flag}, which includes production stack `{}`",
                hit.name
            ));
        }
        if cdk.all && known.is_empty() && stage::has_production_account(ctx) {
            return Some(format!(
                "--all, and this project has a production stage (`{}`)",
                stage::production_stage(ctx)
            ));
        }
    }
    None
}

/// cdk.json's `context` string values, as the app sees them by default.
fn project_context(walker: &Walker<'_, '_>, tool: &Invocation<'_>) -> Vec<(String, String)> {
    let Some(text) = walker.ctx.files.read(&tool.cwd.join("cdk.json")) else {
        return vec![];
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![];
    };
    json.get("context")
        .and_then(|c| c.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// Whether the deploy's stacks certainly land outside production: the credentials resolve to a
/// non-production stage, or every stack it selects is pinned to a non-production account in
/// the last synth. `Err` says why the guard cannot tell.
fn lands_outside_production(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    cdk: &Cdk,
    known: &[KnownStack],
) -> Result<(), String> {
    let ctx = walker.ctx;
    let why = match crate::target::credentials(
        ctx,
        tool,
        cdk.profile.clone(),
        walker.obtained.as_ref(),
        walker.aws_config_changed,
    ) {
        Target::Unresolved(why) => why,
        Target::NonProduction | Target::Production(_) => return Ok(()),
    };
    let selected: Vec<&KnownStack> = known
        .iter()
        .filter(|s| {
            cdk.all
                || cdk.stacks.is_empty()
                || cdk.stacks.iter().any(|sel| glob_match(&sel.text, &s.name))
        })
        .collect();
    let pinned = !selected.is_empty()
        && selected.iter().all(|s| {
            s.account
                .as_deref()
                .and_then(|a| ctx.config.stage_of_account(a))
                .is_some_and(|stage| !ctx.config.is_production_stage(stage))
        });
    if pinned {
        return Ok(());
    }
    Err(match known.is_empty() {
        true => format!("{why}, and there is no cdk.out/manifest.json naming the stacks' accounts"),
        false => format!("{why}, and cdk.out/manifest.json does not pin the selected stacks to a non-production account"),
    })
}

struct KnownStack {
    name: String,
    production: bool,
    /// The account of the stack's `env`, when the app pins one.
    account: Option<String>,
}

/// Stacks of the last synth (`cdk.out/manifest.json`): the names selectors and `--all` reach.
fn known_stacks(walker: &Walker<'_, '_>, tool: &Invocation<'_>, cdk: &Cdk) -> Vec<KnownStack> {
    let ctx = walker.ctx;
    let out = tool.cwd.join(cdk.output.as_deref().unwrap_or("cdk.out"));
    let Some(text) = ctx.files.read(&out.join("manifest.json")) else {
        return vec![];
    };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else {
        return vec![];
    };
    let Some(artifacts) = manifest.get("artifacts").and_then(|a| a.as_object()) else {
        return vec![];
    };
    artifacts
        .iter()
        .filter(|(_, a)| a.get("type").and_then(|t| t.as_str()) == Some("aws:cloudformation:stack"))
        .map(|(id, a)| {
            let name = a
                .get("displayName")
                .and_then(|d| d.as_str())
                .unwrap_or(id)
                .to_string();
            let stack_name = a
                .pointer("/properties/stackName")
                .and_then(|s| s.as_str())
                .unwrap_or(id);
            let account = a
                .get("environment")
                .and_then(|e| e.as_str())
                .and_then(|e| e.strip_prefix("aws://"))
                .and_then(|e| e.split('/').next())
                .filter(|a| stackwarden_core::aws::is_account_id(a));
            let production = stage::name_is_production(ctx, &name)
                || stage::name_is_production(ctx, stack_name)
                || account.is_some_and(|acc| stage::value_is_production(ctx, acc));
            KnownStack {
                name,
                production,
                account: account.map(str::to_string),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::DiffKey;

    fn key(stacks: &[&str], profile: Option<&str>) -> DiffKey {
        DiffKey {
            stacks: stacks.iter().map(|s| s.to_string()).collect(),
            profile: profile.map(str::to_string),
            context: vec![],
        }
    }

    #[test]
    fn coverage() {
        assert!(key(&[], Some("dev")).covers(&key(&["dev-a"], Some("dev"))));
        assert!(key(&["dev-a", "dev-b"], Some("dev")).covers(&key(&["dev-a"], Some("dev"))));
        assert!(!key(&["dev-a"], Some("dev")).covers(&key(&["dev-b"], Some("dev"))));
        assert!(!key(&["dev-a"], Some("dev")).covers(&key(&[], Some("dev"))));
        assert!(!key(&[], Some("dev")).covers(&key(&[], Some("ops"))));
        assert_eq!(
            key(&["dev-a"], Some("dev")).diff_command(),
            "cdk diff dev-a --profile dev"
        );
    }
}
