//! `stackwarden iam check FILE...` (standalone policy documents, with the output formats and exit
//! codes of `check`), `stackwarden iam expand PATTERN` (what a wildcard covers) and `stackwarden
//! iam lookup ACTION|PATTERN` (what the action database says about an action, or what was meant).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use stackwarden_core::config::Config;
use stackwarden_core::{Finding, InputError, RuleFilter};
use stackwarden_iam::db::{db, Action, ExpandError};

use crate::output::{self, Format, Outcome};
use stackwarden_agent::registry;

#[derive(clap::Subcommand)]
pub(crate) enum IamCommand {
    /// Check standalone IAM policy documents (JSON or YAML).
    Check(CheckArgs),
    /// List the actions a pattern such as 's3:Get*' covers, with their access levels.
    Expand(ExpandArgs),
    /// Whether an action exists, its access level, resource types (ARN formats) and condition
    /// keys; a did-you-mean when it does not.
    Lookup(LookupArgs),
    /// The least-privilege policy a Lambda handler's code needs, from its SDK calls.
    PolicyFor(PolicyForArgs),
}

#[derive(clap::Args)]
pub(crate) struct PolicyForArgs {
    /// The handler module (`src/lambda/x/index.ts`).
    path: PathBuf,
    /// `json` (an IAM policy document) or `cdk` (statements to add to the function's role).
    #[arg(long, value_enum, default_value = "json")]
    format: PolicyFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum PolicyFormat {
    Json,
    Cdk,
}

#[derive(clap::Args)]
pub(crate) struct LookupArgs {
    /// `service:Action` or a pattern (`s3:GetObject*`).
    action: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: LookupFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LookupFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Policy files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format (default: text; agent when CLAUDECODE is set).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Configuration file (default: the nearest stackwarden.toml above the first file).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Only these rules (ids or domains), comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (ids or domains), comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct ExpandArgs {
    /// `service:Pattern*` (`*` and `?` wildcards, case-insensitive).
    pattern: String,
}

pub(crate) fn run(command: IamCommand) -> Result<ExitCode> {
    match command {
        IamCommand::Check(args) => check(args),
        IamCommand::Expand(args) => expand(&args.pattern),
        IamCommand::Lookup(args) => lookup(&args.action, args.format),
        IamCommand::PolicyFor(args) => policy_for(&args.path, args.format),
    }
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let known = registry::rule_ids();
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::discover(
            args.files
                .first()
                .map_or(std::path::Path::new("."), |p| p.as_path()),
        )?,
    };
    config.validate_rule_ids(&known)?;
    let filter = RuleFilter {
        select: args.select,
        ignore: args.ignore,
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    let mut files = 0;
    let mut excerpts = stackwarden_core::Excerpts::default();
    for path in &args.files {
        let text = match stackwarden_cfn::check::read_text(path) {
            Ok(text) => text,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        match stackwarden_cfn::policies::check_policy_text(path, &text, &config, &filter, true) {
            Ok(found) => {
                files += 1;
                let mut report = stackwarden_core::Report {
                    findings: found.unwrap_or_default(),
                    ..Default::default()
                };
                stackwarden_agent::engine::attach_excerpts(&mut report, path, Some(&text));
                excerpts.extend(report.excerpts);
                findings.extend(report.findings);
            }
            Err(error) => errors.push(error),
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.sort();
    let format = args.format.unwrap_or_else(super::check::default_format);
    let outcome = Outcome {
        findings,
        errors,
        files,
        skipped: Vec::new(),
        excerpts,
        app_entries: Default::default(),
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = output::render(format, &outcome, to_terminal, false)?;
    output::emit(&rendered, args.output.as_deref())?;
    Ok(super::check::outcome_exit_code(&outcome))
}

fn expand(pattern: &str) -> Result<ExitCode> {
    let actions = expand_or_explain(pattern)?;
    let mut out = String::new();
    let width = actions
        .iter()
        .map(|a| a.full_name().len())
        .max()
        .unwrap_or(0);
    for action in &actions {
        let scope = if action.is_star_only() {
            "  (*-only)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<width$}  {}{scope}\n",
            action.full_name(),
            action.access()
        ));
    }
    let source = db()
        .provenance()
        .find(|l| l.starts_with("# source:"))
        .unwrap_or("")
        .trim_start_matches("# source: ");
    out.push_str(&format!(
        "{} action{} ({source})\n",
        actions.len(),
        if actions.len() == 1 { "" } else { "s" }
    ));
    if actions.is_empty() {
        if let Some(guess) = did_you_mean(pattern) {
            out.push_str(&format!("did you mean `{guess}`?\n"));
        }
    }
    anstream::stdout().lock().write_all(out.as_bytes())?;
    Ok(if actions.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The actions a pattern covers, or an error that says what is wrong with it.
fn expand_or_explain(pattern: &str) -> Result<Vec<Action<'static>>> {
    match db().expand(pattern) {
        Ok(actions) => Ok(actions),
        Err(ExpandError::NotAnAction) => {
            anyhow::bail!("`{pattern}` is not of the form service:Action (e.g. 's3:Get*')")
        }
        Err(ExpandError::UnknownService(prefix)) => {
            let hint = stackwarden_iam::suggest::service(db(), &prefix)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            anyhow::bail!("`{prefix}` is not an AWS service prefix{hint}")
        }
    }
}

/// The real action most likely meant by a name or pattern that matches none: the pattern's
/// literal text (`s3:ReadBucket*` → `ReadBucket`) judged like an unknown action in a policy.
fn did_you_mean(pattern: &str) -> Option<String> {
    let (prefix, name) = pattern.split_once(':')?;
    let service = db().service(prefix)?;
    let literal: String = name.chars().filter(|c| !matches!(c, '*' | '?')).collect();
    // An SDK operation written as an action (`lambda:Invoke`, `s3:ListObjectsV2`): the action
    // that authorises it, from the SDK table.
    if let Some(actions) =
        stackwarden_permissions::sdk::table().operation_actions(service.prefix(), &literal)
    {
        return Some(actions.join("` and `"));
    }
    stackwarden_iam::suggest::action(service, &literal)
}

fn lookup(query: &str, format: LookupFormat) -> Result<ExitCode> {
    let actions = expand_or_explain(query)?;
    let suggestion = if actions.is_empty() {
        did_you_mean(query)
    } else {
        None
    };
    let mut out = String::new();
    match format {
        LookupFormat::Json => {
            let described: Vec<serde_json::Value> = actions
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "action": a.full_name(),
                        "service": db().service(a.service_prefix()).map(|s| s.name()),
                        "access_levels": a.access().names().collect::<Vec<_>>(),
                        "resource_types": a.resource_types().map(|t| serde_json::json!({"name": t.name, "arn": t.arn})).collect::<Vec<_>>(),
                        "star_only": a.is_star_only(),
                        "condition_keys": a.condition_keys().collect::<Vec<_>>(),
                    })
                })
                .collect();
            let document = serde_json::json!({
                "query": query,
                "exists": !actions.is_empty(),
                "actions": described,
                "did_you_mean": suggestion,
            });
            out = serde_json::to_string_pretty(&document)? + "\n";
        }
        LookupFormat::Text => {
            for action in &actions {
                out.push_str(&format!(
                    "{}  ({})\n  access level: {}\n",
                    action.full_name(),
                    db().service(action.service_prefix())
                        .map_or("", |s| s.name()),
                    action.access()
                ));
                if action.is_star_only() {
                    out.push_str("  resource types: none; the action takes only Resource \"*\"\n");
                } else {
                    out.push_str("  resource types:\n");
                    for t in action.resource_types() {
                        out.push_str(&format!("    {:<20} {}\n", t.name, t.arn));
                    }
                }
                let keys: Vec<&str> = action.condition_keys().collect();
                if keys.is_empty() {
                    out.push_str("  condition keys: none\n");
                } else {
                    out.push_str(&format!("  condition keys: {}\n", keys.join(", ")));
                }
            }
            if actions.is_empty() {
                out.push_str(&format!("`{query}` is not an IAM action"));
                match &suggestion {
                    Some(guess) => out.push_str(&format!(
                        "; did you mean `{guess}`? (`stackwarden iam lookup {guess}`)\n"
                    )),
                    None => out.push_str(&format!(
                        "; `stackwarden iam expand '{}:*'` lists the service's actions\n",
                        query.split(':').next().unwrap_or(query)
                    )),
                }
            }
        }
    }
    anstream::stdout().lock().write_all(out.as_bytes())?;
    Ok(if actions.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn policy_for(path: &std::path::Path, format: PolicyFormat) -> Result<ExitCode> {
    let config = Config::discover(path)?;
    let calls = stackwarden_code::calls::handler_calls(path, &config)
        .map_err(|e| anyhow::anyhow!("{}: {}", e.path.display(), e.message))?;
    // Bound to the resources of the function built from this handler, when a synth says which.
    let bound = stackwarden_permissions::policy::environment_for(path);
    let stack = bound.as_ref().map(|b| b.stack.clone());
    let bound = bound.unwrap_or_default();
    let policy = stackwarden_permissions::policy::policy_for(&calls, &bound.environment);
    let mut out = match format {
        PolicyFormat::Json => serde_json::to_string_pretty(&policy.to_json())? + "\n",
        PolicyFormat::Cdk => policy.to_cdk(&bound.names),
    };
    if policy.statements.is_empty() {
        out = match format {
            PolicyFormat::Json => out,
            PolicyFormat::Cdk => {
                "// no SDK calls found: the handler needs no permissions of its own\n".to_string()
            }
        };
    }
    anstream::stdout().lock().write_all(out.as_bytes())?;
    let mut err = anstream::stderr().lock();
    if let Some(stack) = stack {
        writeln!(
            err,
            "resources bound through the function's environment in stack {stack} (cdk.out)"
        )?;
    }
    for line in &policy.unresolved {
        writeln!(err, "not included: {line}")?;
    }
    Ok(if policy.unresolved.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
