//! The tools the guard knows, reached after every wrapper and launcher is peeled off: the AWS
//! CLI, CDK, SAM, Terraform-like tools (`terraform.rs`), Pulumi (`pulumi.rs`) and the other
//! deploy tools (`deploy_tools.rs`: Serverless, Copilot, Amplify, eksctl). Everything else is an
//! ordinary command: no decision.

use std::path::Path;

use crate::decision::{Decision, DESTRUCTIVE};
use crate::engine::describe;
use crate::walk::Walker;
use crate::words::Arg;

/// A tool run: its name (basename), its arguments, and the environment it sees.
pub(crate) struct Invocation<'i> {
    pub(crate) name: &'i str,
    pub(crate) args: &'i [Arg],
    /// Known environment values (inline, exported earlier, or inherited).
    pub(crate) lookup: &'i dyn Fn(&str) -> Option<String>,
    /// The names of every variable the tool sees, for tools that read all the variables with a
    /// prefix (`TF_VAR_stage=prod`). Computed on demand.
    pub(crate) variables: &'i dyn Fn() -> Vec<String>,
    pub(crate) cwd: &'i Path,
}

impl Invocation<'_> {
    pub(crate) fn seen(&self) -> String {
        let mut argv = vec![Arg::lit(self.name)];
        argv.extend(self.args.iter().cloned());
        describe(&argv)
    }
}

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    if asks_for_help(tool) {
        return;
    }
    match tool.name {
        "aws" => crate::aws_cli::judge(walker, tool),
        "cdk" => crate::cdk::judge(walker, tool),
        "sam" => crate::sam::judge(walker, tool),
        "terraform" | "tofu" | "terragrunt" | "cdktf" => crate::terraform::judge(walker, tool),
        "pulumi" => crate::pulumi::judge(walker, tool),
        "serverless" | "sls" | "copilot" | "amplify" | "eksctl" => {
            crate::deploy_tools::judge(walker, tool)
        }
        _ => {}
    }
}

/// What a tool run leaves behind for the commands after it on the line, in `outer` (the
/// shell's own state): the Terraform workspace selected and the plans saved, the Pulumi stack,
/// the Amplify environment checked out.
pub(crate) fn remember(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    outer: &mut crate::scope::Scope,
) {
    match tool.name {
        "terraform" | "tofu" | "terragrunt" => crate::terraform::remember(walker, tool, outer),
        "pulumi" => crate::pulumi::remember_stack(tool.args, outer),
        "amplify" => crate::deploy_tools::remember_environment(tool.args, outer),
        _ => {}
    }
}

/// `cdk destroy --help`, `aws s3 rb help`, `terraform destroy -help`, `sam --version`: these
/// print and exit without touching anything. Only a literal word before any `--` counts: after
/// it, a word is an argument of the tool's own.
fn asks_for_help(tool: &Invocation<'_>) -> bool {
    let words = tool
        .args
        .iter()
        .map_while(Arg::known)
        .take_while(|word| *word != "--");
    let mut words = words.peekable();
    let mut position = 0;
    while let Some(word) = words.next() {
        let help = match word {
            "--help" | "--version" => true,
            // cdk and sam take `-h`; terraform-style tools take single-dash long flags.
            "-h" | "-help" | "-version" => tool.name != "aws",
            // `aws s3 rb help`: the AWS CLI's help is a positional word, after the service.
            "help" => tool.name == "aws" && position > 0 && words.peek().is_none(),
            _ => false,
        };
        if help {
            return true;
        }
        position += 1;
    }
    false
}

pub(crate) fn destructive(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, what: &str) {
    let seen = tool.seen();
    walker.push(
        Decision::Deny,
        DESTRUCTIVE,
        &seen,
        format!("{what} (`{seen}`). Deleting infrastructure or data is irreversible: ask a person to run it, or change the stack definition and deploy that instead."),
    );
}

/// The first argument that is not an option.
pub(crate) fn first_positional(args: &[Arg]) -> Option<&str> {
    args.iter()
        .filter_map(Arg::known)
        .find(|a| !a.starts_with('-'))
}

/// `--name value` / `--name=value` (also short aliases), the last one winning as in most CLIs.
pub(crate) fn option_value<'a>(args: &'a [Arg], names: &[&str]) -> Option<&'a Arg> {
    let mut found = None;
    let mut i = 0;
    while i < args.len() {
        let text = args[i].text.as_str();
        if names.contains(&text) {
            found = args.get(i + 1);
            i += 2;
            continue;
        }
        if let Some((name, _)) = text.split_once('=') {
            if names.contains(&name) && args[i].literal {
                found = Some(&args[i]);
            }
        }
        i += 1;
    }
    found
}

/// The value of an option found by [`option_value`]: the part after `=` or the next word.
pub(crate) fn value_text(arg: &Arg, names: &[&str]) -> Arg {
    match arg.text.split_once('=') {
        Some((name, value)) if names.contains(&name) => Arg {
            text: value.to_string(),
            ..arg.clone()
        },
        _ => arg.clone(),
    }
}

/// Matches `*` and `?` globs (CDK stack selectors, project patterns); every other character,
/// `[` included, stands for itself.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let chars: Vec<(char, bool)> = pattern
        .chars()
        .map(|c| (c, matches!(c, '*' | '?')))
        .collect();
    crate::glob::compile(&chars).is_some_and(|tokens| crate::glob::matches(&tokens, text))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("prod-*", "prod-orders"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("*orders*", "prod-orders-api"));
        assert!(!glob_match("dev-*", "prod-orders"));
        assert!(glob_match("a?c", "abc"));
    }
}
