//! Pulumi: `destroy` (`down`), `stack rm`, `state delete` and `up --replace URN` (the resource
//! is destroyed and created again) delete or orphan what a stack manages; `up` (`update`),
//! `watch`, `refresh` (rewrites the stack's state from what is deployed) and `import` (adopts
//! resources into the stack) on a production stack are production deploys, as `cdk deploy` is.
//! The stack shows in `--stack`/`-s` (`org/project/prod`), in `pulumi stack select
//! prod` earlier on the line, in a config value (`-c stage=prod`), the folder (`--cwd`), or the
//! AWS profile. `preview`, `stack ls`, `config` change nothing.

use crate::decision::{Decision, PROD_DEPLOY};
use crate::scope::Scope;
use crate::stage;
use crate::tools::{destructive, Invocation};
use crate::walk::Walker;
use crate::words::{Arg, Var};

/// Where the command line remembers `pulumi stack select NAME` for the commands after it.
pub(crate) const SELECTED_STACK: &str = "pulumi stack";

const WITH_VALUE: &[&str] = &[
    "-s",
    "--stack",
    "-c",
    "--config",
    "-C",
    "--cwd",
    "--config-file",
    "-m",
    "--message",
    "-p",
    "--parallel",
    "-t",
    "--target",
    "--replace",
    "--target-replace",
    "--exclude",
    "--secrets-provider",
    "--policy-pack",
    "--policy-pack-config",
    "--exec-kind",
    "--plan",
];

struct Pulumi {
    words: Vec<String>,
    stack: Option<String>,
    config: Vec<String>,
    cwd: Option<String>,
    preview_only: bool,
    /// `--replace URN`, `--target-replace URN`: resources destroyed and created again.
    replace: Vec<String>,
}

fn parse(args: &[Arg]) -> Pulumi {
    let mut p = Pulumi {
        words: Vec::new(),
        stack: None,
        config: Vec::new(),
        cwd: None,
        preview_only: false,
        replace: Vec::new(),
    };
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else { continue };
        if !text.starts_with('-') || text.len() == 1 {
            p.words.push(text.to_string());
            continue;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (text, None),
        };
        let value = match inline {
            Some(v) => Some(v),
            None if WITH_VALUE.contains(&name) => {
                i += 1;
                args.get(i - 1).map(|a| a.text.clone())
            }
            None => None,
        };
        match (name, value) {
            ("-s" | "--stack", Some(v)) => p.stack = Some(v),
            ("-c" | "--config", Some(v)) => p.config.push(v),
            ("-C" | "--cwd", Some(v)) => p.cwd = Some(v),
            ("--preview-only", _) => p.preview_only = true,
            ("--replace" | "--target-replace", Some(v)) => p.replace.push(v),
            _ => {}
        }
    }
    p
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let p = parse(tool.args);
    let words: Vec<&str> = p.words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["destroy" | "down", ..] if !p.preview_only => destructive(
            walker,
            tool,
            "`pulumi destroy` deletes every resource of the stack",
        ),
        ["stack", "rm", ..] => destructive(
            walker,
            tool,
            "`pulumi stack rm` deletes the stack and its history (with --force, its resources are orphaned)",
        ),
        ["state", "delete", ..] => destructive(
            walker,
            tool,
            "`pulumi state delete` makes Pulumi forget resources (they are then orphaned)",
        ),
        ["up" | "update" | "watch" | "refresh" | "import", ..] => {
            if !p.replace.is_empty() && words[0] != "refresh" && words[0] != "import" {
                let urns = p
                    .replace
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                destructive(
                    walker,
                    tool,
                    &format!("`pulumi {} --replace` destroys {urns} and creates it again (a database or bucket loses its data)", words[0]),
                );
            }
            if let Some(evidence) = production_evidence(walker, tool, &p) {
                let ctx = walker.ctx;
                let safe = stage::safe_stage(ctx);
                let prod = stage::production_stage(ctx);
                walker.push(
                    Decision::Deny,
                    PROD_DEPLOY,
                    &tool.seen(),
                    format!("pulumi {} changes {evidence}. Review it with `pulumi preview`, work on a {safe} stack (`--stack {safe}`), or ask a person to change {prod}.", words[0]),
                );
            }
        }
        _ => {}
    }
}

fn production_evidence(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    p: &Pulumi,
) -> Option<String> {
    let ctx = walker.ctx;
    let stack = match &p.stack {
        Some(stack) => Some((stack.clone(), "--stack")),
        None => (tool.lookup)(SELECTED_STACK).map(|s| (s, "selected earlier in the command")),
    };
    if let Some((stack, source)) = stack {
        if stage::name_is_production(ctx, &stack) {
            return Some(format!("stack `{stack}` ({source}), a production stack"));
        }
    }
    if let Some(kv) = p.config.iter().find(|kv| {
        let value = kv.split_once('=').map_or(kv.as_str(), |(_, v)| v);
        stage::value_is_production(ctx, value)
    }) {
        return Some(format!("config `-c {kv}`, a production stage"));
    }
    if let Some(dir) = p
        .cwd
        .as_deref()
        .filter(|d| stage::name_is_production(ctx, d))
    {
        return Some(format!(
            "the project in `{dir}`, named for a production stage"
        ));
    }
    let choice = stage::profile(ctx, tool, None)?;
    stage::profile_is_production(ctx, &choice)
}

/// `pulumi stack select NAME` / `--stack NAME`, `pulumi stack init NAME` select the stack of
/// the commands after it.
pub(crate) fn remember_stack(args: &[Arg], outer: &mut Scope) {
    let p = parse(args);
    let words: Vec<&str> = p.words.iter().map(String::as_str).collect();
    if let ["stack", "select" | "init", rest @ ..] = words.as_slice() {
        if let Some(name) = rest.first().map(|s| s.to_string()).or(p.stack) {
            outer.set(SELECTED_STACK, Var::Known(name));
        }
    }
}
