//! Terraform-like tools (`terraform`, `tofu`, `terragrunt`, `cdktf`): `destroy`, `apply
//! -destroy`, `apply -replace=ADDR` (the resource is destroyed and created again: a database
//! loses its data) and `state rm` delete or orphan what they manage, and so does applying a plan
//! saved earlier on the line by `plan -destroy -out=FILE` (or `plan -replace=… -out=FILE`).
//! `apply` (`cdktf deploy`) to production is a production deploy, as `cdk deploy` is; so is
//! applying a plan saved with production evidence. Production shows in the workspace
//! (`TF_WORKSPACE`, `terraform workspace select prod` earlier on the line, or the one
//! `.terraform/environment` records), a variable (`-var stage=prod`, `TF_VAR_stage=prod`), a
//! variable file (`-var-file=prod.tfvars`), the folder (`-chdir=envs/prod`, `cd envs/prod`), the
//! AWS profile, or a cdktf stack name. Options in `TF_CLI_ARGS` and `TF_CLI_ARGS_<subcommand>`
//! count as if written on the command line (Terraform inserts them after the subcommand).
//! `plan`, `validate`, `init`, `fmt` change nothing.

use std::path::{Path, PathBuf};

use crate::decision::{Decision, PROD_DEPLOY};
use crate::scope::Scope;
use crate::stage;
use crate::tools::{destructive, Invocation};
use crate::walk::Walker;
use crate::words::{Arg, Var};

/// Where the command line remembers a plan file saved by `terraform plan -out=FILE` (the key is
/// this and the file's path): what applying it does.
const SAVED_PLAN: &str = "terraform plan";
/// What a saved plan holds, as remembered.
const PLAN_DESTROYS: &str = "destroy";
const PLAN_REPLACES: &str = "replace";
const PLAN_PRODUCTION: &str = "production: ";

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
    /// `-replace=ADDR` values: resources destroyed and created again.
    replace: Vec<String>,
    /// `-out=FILE` of `plan`.
    out: Option<String>,
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
        replace: Vec::new(),
        out: None,
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
            ("-replace", Some(v)) => tf.replace.push(v),
            ("-out", Some(v)) => tf.out = Some(v),
            ("-var-file", Some(v)) => tf.var_files.push(v),
            ("-chdir" | "-terragrunt-working-dir" | "-working-dir", Some(v)) => tf.chdir = Some(v),
            _ => {}
        }
    }
    tf
}

/// The subcommand's words (`apply`, `state rm`), after terragrunt's `run-all`/`run`.
fn subcommand(tf: &Terraform) -> Vec<&str> {
    let words: Vec<&str> = tf.words.iter().map(String::as_str).collect();
    match words.first() {
        Some(&"run-all") | Some(&"run") => words[1..].to_vec(),
        _ => words,
    }
}

/// The tool's arguments with those of `TF_CLI_ARGS` and `TF_CLI_ARGS_<subcommand>` added, as
/// Terraform (and OpenTofu, and terragrunt's terraform) reads them.
fn with_cli_args(tool: &Invocation<'_>) -> Vec<Arg> {
    let first = parse(tool.args);
    let sub = subcommand(&first);
    let mut args = tool.args.to_vec();
    let mut names = vec!["TF_CLI_ARGS".to_string()];
    if let Some(name) = sub.first() {
        names.push(format!("TF_CLI_ARGS_{name}"));
        if let Some(nested) = sub.get(1) {
            names.push(format!("TF_CLI_ARGS_{name}_{nested}"));
        }
    }
    for name in names {
        if let Some(value) = (tool.lookup)(&name) {
            args.extend(split_words(&value).into_iter().map(Arg::lit));
        }
    }
    args
}

/// Splits an environment variable's value into words the way Terraform does (shell-like:
/// blanks separate words, quotes group them, a backslash escapes the next character).
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None | Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (_, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    let args = with_cli_args(tool);
    let tf = parse(&args);
    let words = subcommand(&tf);
    let name = tool.name;
    match words.first().copied() {
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
        Some("apply" | "apply-all") if !tf.replace.is_empty() => destructive(
            walker,
            tool,
            &format!(
                "`{name} apply -replace` destroys {} and creates it again (a database or bucket loses its data)",
                quoted(&tf.replace)
            ),
        ),
        Some("state") if words.get(1) == Some(&"rm") => destructive(
            walker,
            tool,
            "`state rm` makes Terraform forget resources (they are then orphaned or recreated)",
        ),
        Some("workspace")
            if words.get(1) == Some(&"delete")
                && args.iter().any(|a| a.known() == Some("-force")) =>
        {
            destructive(
                walker,
                tool,
                "`workspace delete -force` drops the state of the resources the workspace still manages (they are then orphaned)",
            )
        }
        Some("apply" | "apply-all") => {
            let saved = words
                .get(1)
                .and_then(|file| Some((*file, (tool.lookup)(&plan_key(tool, &tf, file))?)));
            match saved {
                Some((file, kind)) if kind == PLAN_DESTROYS => destructive(
                    walker,
                    tool,
                    &format!("`{name} apply {file}` applies a plan saved by `{name} plan -destroy` earlier on the line: it deletes every resource it manages"),
                ),
                Some((file, kind)) if kind == PLAN_REPLACES => destructive(
                    walker,
                    tool,
                    &format!("`{name} apply {file}` applies a plan saved by `{name} plan -replace` earlier on the line: it destroys resources and creates them again"),
                ),
                Some((file, kind)) if kind.starts_with(PLAN_PRODUCTION) => {
                    let evidence = format!(
                        "plan `{file}`, saved earlier on the line for {}",
                        &kind[PLAN_PRODUCTION.len()..]
                    );
                    push_production(walker, tool, &evidence);
                }
                _ => production_apply(walker, tool, &tf, &[]),
            }
        }
        // `cdktf deploy STACK…`: stacks named for production count too.
        Some("deploy") if name == "cdktf" => {
            production_apply(walker, tool, &tf, words.get(1..).unwrap_or_default())
        }
        _ => {}
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The folder the tool works in: `-chdir`, or where it runs.
fn work_dir(tool: &Invocation<'_>, tf: &Terraform) -> PathBuf {
    match &tf.chdir {
        Some(chdir) => crate::scope::normalize(&tool.cwd.join(chdir)),
        None => tool.cwd.to_path_buf(),
    }
}

fn plan_key(tool: &Invocation<'_>, tf: &Terraform, file: &str) -> String {
    let path = crate::scope::normalize(&work_dir(tool, tf).join(file));
    format!("{SAVED_PLAN} {}", path.display())
}

fn production_apply(
    walker: &mut Walker<'_, '_>,
    tool: &Invocation<'_>,
    tf: &Terraform,
    stacks: &[&str],
) {
    if let Some(evidence) = production_evidence(walker, tool, tf, stacks) {
        push_production(walker, tool, &evidence);
    }
}

fn push_production(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, evidence: &str) {
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
    let dir = work_dir(tool, tf);
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
    // `TF_VAR_stage=prod` is `-var stage=prod`.
    if let Some((var, value)) = (tool.variables)()
        .into_iter()
        .filter(|name| name.starts_with("TF_VAR_"))
        .filter_map(|name| Some(((tool.lookup)(&name)?, name)))
        .map(|(value, name)| (name, value))
        .find(|(_, value)| {
            stage::value_is_production(ctx, value) || stage::name_is_production(ctx, value)
        })
    {
        return Some(format!("variable `{var}={value}`, a production stage"));
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

/// `terraform workspace select|new NAME` changes the workspace of the commands after it;
/// `terraform plan -out=FILE` saves a plan whose application the commands after it may ask for.
pub(crate) fn remember(walker: &Walker<'_, '_>, tool: &Invocation<'_>, outer: &mut Scope) {
    let args = with_cli_args(tool);
    let tf = parse(&args);
    let words = subcommand(&tf);
    match words.as_slice() {
        ["workspace", "select" | "new", name, ..] => {
            outer.set(SELECTED_WORKSPACE, Var::Known((*name).to_string()));
        }
        ["plan", ..] => {
            let Some(out) = &tf.out else { return };
            let key = plan_key(tool, &tf, out);
            let kind = if tf.destroy_flag {
                Some(PLAN_DESTROYS.to_string())
            } else if !tf.replace.is_empty() {
                Some(PLAN_REPLACES.to_string())
            } else {
                production_evidence(walker, tool, &tf, &[])
                    .map(|evidence| format!("{PLAN_PRODUCTION}{evidence}"))
            };
            // A plan saved again under the same name replaces what was remembered of it.
            match kind {
                Some(kind) => outer.set(&key, Var::Known(kind)),
                None => outer.unset(&key),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn cli_args_are_split_like_a_shell() {
        assert_eq!(split_words("-destroy"), vec!["-destroy"]);
        assert_eq!(
            split_words(" -var='stage=prod' -var \"a=b c\"  -input=false"),
            vec!["-var=stage=prod", "-var", "a=b c", "-input=false"]
        );
        assert_eq!(split_words(r"a\ b"), vec!["a b"]);
        assert!(split_words("   ").is_empty());
    }
}
