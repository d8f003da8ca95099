//! The other deploy tools, judged like `cdk deploy`/`cdk destroy`: the Serverless Framework
//! (`serverless`/`sls`), AWS Copilot, the Amplify CLI and eksctl. Each deletes what it deployed
//! with one command (`sls remove`, `copilot app|svc|env|job|pipeline delete`, `amplify delete`,
//! `amplify env remove`, `eksctl delete …`): destructive. Each deploys into a stage or
//! environment it is told (`sls deploy --stage prod`, `copilot deploy --env prod`, the Amplify
//! environment checked out, `eksctl create cluster --name prod-eks`) or into the account of the
//! AWS profile: a production one is a production deploy.

use crate::decision::{Decision, PROD_DEPLOY};
use crate::scope::Scope;
use crate::stage;
use crate::tools::{destructive, Invocation};
use crate::walk::Walker;
use crate::words::{Arg, Var};

/// Where the command line remembers `amplify env checkout NAME` for the commands after it.
const AMPLIFY_ENVIRONMENT: &str = "amplify env";

/// A tool's words split into positional words and `--option value` pairs (`--name=value` too).
/// `with_value` lists the options that take the next word.
struct Words {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

fn split(args: &[Arg], with_value: &[&str]) -> Words {
    let mut words = Words {
        positional: Vec::new(),
        options: Vec::new(),
    };
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else { continue };
        if !text.starts_with('-') || text.len() == 1 {
            words.positional.push(text.to_string());
            continue;
        }
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None if with_value.contains(&text) => {
                i += 1;
                (text, args.get(i - 1).map(|a| a.text.clone()))
            }
            None => (text, None),
        };
        words.options.push((name.to_string(), value));
    }
    words
}

impl Words {
    /// The last value of any of `names`.
    fn value(&self, names: &[&str]) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(name, _)| names.contains(&name.as_str()))
            .and_then(|(_, value)| value.as_deref())
    }

    fn words(&self) -> Vec<&str> {
        self.positional.iter().map(String::as_str).collect()
    }
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    match tool.name {
        "serverless" | "sls" => serverless(walker, tool),
        "copilot" => copilot(walker, tool),
        "amplify" => amplify(walker, tool),
        "eksctl" => eksctl(walker, tool),
        _ => {}
    }
}

fn serverless(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    const WITH_VALUE: &[&str] = &[
        "--stage",
        "-s",
        "--region",
        "-r",
        "--aws-profile",
        "--config",
        "-c",
        "--function",
        "-f",
        "--package",
        "-p",
        "--param",
        "--org",
        "--app",
        "--timestamp",
        "-t",
    ];
    let words = split(tool.args, WITH_VALUE);
    match words.words().as_slice() {
        ["remove", ..] => destructive(
            walker,
            tool,
            "`serverless remove` deletes the whole service stack",
        ),
        // `deploy list` only lists the deployments.
        ["deploy", "list", ..] => {}
        [sub @ ("deploy" | "rollback"), ..] => {
            let ctx = walker.ctx;
            let mut evidence = words
                .value(&["--stage", "-s"])
                .filter(|s| stage::name_is_production(ctx, s))
                .map(|s| format!("stage `{s}`, a production stage"));
            if evidence.is_none() {
                evidence = words
                    .options
                    .iter()
                    .filter(|(name, _)| name == "--param")
                    .filter_map(|(_, value)| value.as_deref())
                    .find(|kv| {
                        let value = kv.split_once('=').map_or(*kv, |(_, v)| v);
                        stage::value_is_production(ctx, value)
                    })
                    .map(|kv| format!("parameter `--param {kv}`, a production stage"));
            }
            let profile = words.value(&["--aws-profile"]).map(str::to_string);
            let what = format!("serverless {sub}");
            deny_production(walker, tool, evidence, profile, &what, "--stage");
        }
        _ => {}
    }
}

fn copilot(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    const WITH_VALUE: &[&str] = &[
        "--env",
        "-e",
        "--name",
        "-n",
        "--app",
        "-a",
        "--tag",
        "--resource-tags",
    ];
    let words = split(tool.args, WITH_VALUE);
    let positional = words.words();
    match positional.as_slice() {
        [noun @ ("app" | "svc" | "service" | "env" | "environment" | "job" | "pipeline" | "task" | "storage"), "delete", ..] => {
            destructive(
                walker,
                tool,
                &format!("`copilot {noun} delete` deletes the {noun} and the stacks and resources it deployed"),
            )
        }
        // `copilot deploy`, `copilot svc|job|env|pipeline deploy`, `copilot init --deploy`.
        ["deploy", ..] | [_, "deploy", ..] => {
            let ctx = walker.ctx;
            // `copilot env deploy --name prod` names the environment with --name.
            let env = words.value(&["--env", "-e"]).or_else(|| {
                matches!(positional.first(), Some(&("env" | "environment")))
                    .then(|| words.value(&["--name", "-n"]))
                    .flatten()
            });
            let evidence = env
                .filter(|e| stage::name_is_production(ctx, e))
                .map(|e| format!("environment `{e}`, a production stage"));
            let what = format!("copilot {}", positional.join(" "));
            deny_production(walker, tool, evidence, None, &what, "--env");
        }
        _ => {}
    }
}

fn amplify(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let words = split(tool.args, &["--envName", "--appId", "--profile"]);
    match words.words().as_slice() {
        ["delete", ..] => destructive(
            walker,
            tool,
            "`amplify delete` deletes the app's backend environments and their resources",
        ),
        ["env", "remove", name, ..] => destructive(
            walker,
            tool,
            &format!("`amplify env remove {name}` deletes the environment and its resources"),
        ),
        [sub @ ("push" | "publish"), ..] => {
            let ctx = walker.ctx;
            let current = match (tool.lookup)(AMPLIFY_ENVIRONMENT) {
                Some(name) => Some((name, "checked out earlier on the line")),
                None => checked_out(walker, tool).map(|name| (name, "amplify/.config")),
            };
            let evidence = current
                .filter(|(name, _)| stage::name_is_production(ctx, name))
                .map(|(name, source)| {
                    format!("environment `{name}` ({source}), a production stage")
                });
            let profile = words.value(&["--profile"]).map(str::to_string);
            let what = format!("amplify {sub}");
            deny_production(walker, tool, evidence, profile, &what, "env checkout");
        }
        _ => {}
    }
}

/// The Amplify environment the project has checked out
/// (`amplify/.config/local-env-info.json`).
fn checked_out(walker: &Walker<'_, '_>, tool: &Invocation<'_>) -> Option<String> {
    let text = walker
        .ctx
        .files
        .read(&tool.cwd.join("amplify/.config/local-env-info.json"))?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(json.get("envName")?.as_str()?.to_string())
}

/// `amplify env checkout NAME` (and `amplify env add`/`init --envName NAME`) selects the
/// environment the later `amplify push` deploys.
pub(crate) fn remember_environment(args: &[Arg], outer: &mut Scope) {
    let words = split(args, &["--envName", "--appId", "--profile"]);
    let name = match words.words().as_slice() {
        ["env", "checkout", name, ..] => Some(name.to_string()),
        ["init" | "pull" | "env", ..] => words.value(&["--envName"]).map(str::to_string),
        _ => None,
    };
    if let Some(name) = name {
        outer.set(AMPLIFY_ENVIRONMENT, Var::Known(name));
    }
}

fn eksctl(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    const WITH_VALUE: &[&str] = &[
        "--name",
        "-n",
        "--cluster",
        "-c",
        "--region",
        "-r",
        "--profile",
        "--config-file",
        "-f",
        "--nodegroup",
        "--version",
        "--namespace",
        "--timeout",
    ];
    let words = split(tool.args, WITH_VALUE);
    let positional = words.words();
    match positional.as_slice() {
        ["delete", what, ..] => destructive(
            walker,
            tool,
            &format!("`eksctl delete {what}` deletes the {what} and the stacks behind it"),
        ),
        [verb @ ("create" | "upgrade" | "update" | "scale" | "set" | "unset" | "enable"
        | "register" | "associate" | "disassociate" | "drain"), what, rest @ ..] => {
            let ctx = walker.ctx;
            let names = words
                .options
                .iter()
                .filter(|(name, _)| {
                    matches!(
                        name.as_str(),
                        "--name" | "-n" | "--cluster" | "-c" | "--config-file" | "-f"
                    )
                })
                .filter_map(|(name, value)| Some((name.as_str(), value.as_deref()?)));
            // `eksctl create cluster prod-eks`: the name may be positional too.
            let positional_name = rest.first().map(|n| ("the name", *n));
            let evidence = names
                .chain(positional_name)
                .find(|(_, value)| stage::name_is_production(ctx, value))
                .map(|(option, value)| format!("{option} `{value}`, named for a production stage"));
            let profile = words.value(&["--profile"]).map(str::to_string);
            let what = format!("eksctl {verb} {what}");
            deny_production(walker, tool, evidence, profile, &what, "--name");
        }
        _ => {}
    }
}

/// Denies a deploy with `evidence` of production, or whose profile resolves to production.
fn deny_production(
    walker: &mut Walker<'_, '_>,
    tool: &Invocation<'_>,
    evidence: Option<String>,
    profile: Option<String>,
    what: &str,
    stage_option: &str,
) {
    let ctx = walker.ctx;
    let evidence = evidence.or_else(|| {
        let choice = stage::profile(ctx, tool, profile)?;
        stage::profile_is_production(ctx, &choice)
    });
    let Some(evidence) = evidence else { return };
    let safe = stage::safe_stage(ctx);
    walker.push(
        Decision::Deny,
        PROD_DEPLOY,
        &tool.seen(),
        format!("`{what}` deploys to {evidence}. Deploy to {safe} (`{stage_option} {safe}` and a {safe} profile), or ask a person to deploy {}.", stage::production_stage(ctx)),
    );
}
