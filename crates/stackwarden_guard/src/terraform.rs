//! Terraform-like tools (`terraform`, `tofu`, `terragrunt`, `cdktf`): `destroy`, `apply
//! -destroy` and `state rm` delete or orphan what they manage; `apply` (`cdktf deploy`) to
//! production is a production deploy, as `cdk deploy` is. Production shows in the workspace
//! (`TF_WORKSPACE`, `terraform workspace select prod` earlier on the line, or the one
//! `.terraform/environment` records), a variable (`-var stage=prod`), a variable file
//! (`-var-file=prod.tfvars`), the folder (`-chdir=envs/prod`, `cd envs/prod`), the AWS profile,
//! or a cdktf stack name. `plan`, `validate`, `init`, `fmt` change nothing.

use std::path::{Path, PathBuf};

use crate::decision::{Decision, PROD_DEPLOY};
use crate::scope::Scope;
use crate::stage;
use crate::tools::{destructive, Invocation};
use crate::walk::Walker;
use crate::words::{Arg, Var};

/// Where the command line remembers `terraform workspace select NAME` for the commands after
/// it (a key no shell variable can have).
pub(crate) const SELECTED_WORKSPACE: &str = "terraform workspace";

/// Options that take the next word as their value.
const WITH_VALUE: &[&str] = &[
    "-var",
    "-var-file",
    "-target",
    "-replace",
    "-state",
    "-state-out",
    "-backup",
    "-lock-timeout",
    "-parallelism",
    "-out",
    "--terragrunt-working-dir",
    "--working-dir",
    "--terragrunt-config",
    "--config",
];

struct Terraform {
    /// The words that are not options or their values: the subcommand first.
    words: Vec<String>,
    destroy_flag: bool,
    /// `-var` values (`stage=prod`).
    vars: Vec<String>,
    var_files: Vec<String>,
    /// `-chdir=DIR`, terragrunt's `--working-dir DIR`.
    chdir: Option<String>,
}

fn parse(args: &[Arg]) -> Terraform {
    let mut tf = Terraform {
        words: Vec::new(),
        destroy_flag: false,
        vars: Vec::new(),
        var_files: Vec::new(),
        chdir: None,
    };
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let Some(text) = arg.known() else { continue };
        if !text.starts_with('-') || text.len() == 1 {
            tf.words.push(text.to_string());
            continue;
        }
        // Terraform takes `-name=value` and `-name value`, with one dash or two.
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (text, None),
        };
        let single = format!("-{}", name.trim_start_matches('-'));
        let value = match inline {
            Some(v) => Some(v),
            None if WITH_VALUE.contains(&single.as_str()) || WITH_VALUE.contains(&name) => {
                i += 1;
                args.get(i - 1).map(|a| a.text.clone())
            }
            None => None,
        };
        match (single.as_str(), value) {
            ("-destroy", _) => tf.destroy_flag = true,
            ("-var", Some(v)) => tf.vars.push(v),
            ("-var-file", Some(v)) => tf.var_files.push(v),
            ("-chdir" | "-terragrunt-working-dir" | "-working-dir", Some(v)) => tf.chdir = Some(v),
            _ => {}
        }
    }
    tf
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let tf = parse(tool.args);
    let words: Vec<&str> = tf.words.iter().map(String::as_str).collect();
    let sub = match words.first() {
        Some(&"run-all") | Some(&"run") => words.get(1).copied(),
        other => other.copied(),
    };
    let name = tool.name;
    match sub {
        Some("destroy" | "destroy-all") => destructive(
            walker,
            tool,
            &format!("`{name} destroy` deletes every resource it manages"),
        ),
        Some("apply" | "apply-all") if tf.destroy_flag => destructive(
            walker,
            tool,
            &format!("`{name} apply -destroy` deletes every resource it manages"),
        ),
        Some("state") if words.get(1) == Some(&"rm") => destructive(
            walker,
            tool,
            "`state rm` makes Terraform forget resources (they are then orphaned or recreated)",
        ),
        Some("workspace")
            if words.get(1) == Some(&"delete")
                && tool.args.iter().any(|a| a.known() == Some("-force")) =>
        {
            destructive(
                walker,
                tool,
                "`workspace delete -force` drops the state of the resources the workspace still manages (they are then orphaned)",
            )
        }
        Some("apply" | "apply-all") => production_apply(walker, tool, &tf, &[]),
        // `cdktf deploy STACK…`: stacks named for production count too.
        Some("deploy") if name == "cdktf" => {
            production_apply(walker, tool, &tf, words.get(1..).unwrap_or_default())
        }
        _ => {}
    }
}

fn production_apply(
    walker: &mut Walker<'_, '_>,
    tool: &Invocation<'_>,
    tf: &Terraform,
    stacks: &[&str],
) {
    let Some(evidence) = production_evidence(walker, tool, tf, stacks) else {
        return;
    };
    let ctx = walker.ctx;
    let seen = tool.seen();
    let safe = stage::safe_stage(ctx);
    let prod = stage::production_stage(ctx);
    let name = tool.name;
    walker.push(
        Decision::Deny,
        PROD_DEPLOY,
        &seen,
        format!("{name} applies changes to {evidence}. Review them with `{name} plan`, apply them to {safe} (workspace or variables for {safe}), or ask a person to apply {prod}."),
    );
}

fn production_evidence(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    tf: &Terraform,
    stacks: &[&str],
) -> Option<String> {
    let ctx = walker.ctx;
    let dir = match &tf.chdir {
        Some(chdir) => crate::scope::normalize(&tool.cwd.join(chdir)),
        None => tool.cwd.to_path_buf(),
    };
    if let Some((workspace, source)) = workspace(walker, tool, &dir) {
        if stage::name_is_production(ctx, &workspace) {
            return Some(format!(
                "workspace `{workspace}` ({source}), a production stage"
            ));
        }
    }
    if let Some(var) = tf.vars.iter().find(|kv| {
        let value = kv.split_once('=').map_or(kv.as_str(), |(_, v)| v);
        stage::value_is_production(ctx, value) || stage::name_is_production(ctx, value)
    }) {
        return Some(format!("variable `-var {var}`, a production stage"));
    }
    if let Some(file) = tf
        .var_files
        .iter()
        .find(|f| stage::name_is_production(ctx, f))
    {
        return Some(format!(
            "variable file `{file}`, named for a production stage"
        ));
    }
    // The folder, as far as the command line chose it (the project's own path is not evidence).
    let relative = dir.strip_prefix(&ctx.cwd).unwrap_or(&dir);
    let relative = relative.to_string_lossy();
    if !relative.is_empty() && dir != ctx.cwd && stage::name_is_production(ctx, &relative) {
        return Some(format!("folder `{relative}`, named for a production stage"));
    }
    if let Some(stack) = stacks.iter().find(|s| stage::name_is_production(ctx, s)) {
        return Some(format!("stack `{stack}`, a production stack"));
    }
    let choice = stage::profile(ctx, tool, None)?;
    stage::profile_is_production(ctx, &choice)
}

/// The workspace the command runs in and how the guard knows it.
fn workspace(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    dir: &Path,
) -> Option<(String, &'static str)> {
    if let Some(name) = (tool.lookup)("TF_WORKSPACE").filter(|w| !w.is_empty()) {
        return Some((name, "from TF_WORKSPACE"));
    }
    if let Some(name) = (tool.lookup)(SELECTED_WORKSPACE) {
        return Some((name, "selected earlier in the command"));
    }
    let recorded: PathBuf = dir.join(".terraform/environment");
    let name = walker.ctx.files.read(&recorded)?.trim().to_string();
    (!name.is_empty()).then_some((name, "selected in .terraform/environment"))
}

/// `terraform workspace select|new NAME` changes the workspace of the commands after it.
pub(crate) fn remember_workspace(args: &[Arg], outer: &mut Scope) {
    let tf = parse(args);
    let words: Vec<&str> = tf.words.iter().map(String::as_str).collect();
    if let ["workspace", "select" | "new", name, ..] = words.as_slice() {
        outer.set(SELECTED_WORKSPACE, Var::Known((*name).to_string()));
    }
}
