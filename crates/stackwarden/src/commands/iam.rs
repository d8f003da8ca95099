//! `stackwarden iam check FILE...` (standalone policy documents, with the output formats and exit
//! codes of `check`) and `stackwarden iam expand PATTERN` (what a wildcard covers).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use stackwarden_core::config::Config;
use stackwarden_core::{Finding, InputError, RuleFilter};
use stackwarden_iam::db::{db, ExpandError};

use crate::output::{self, Format, Outcome};
use crate::registry;

#[derive(clap::Subcommand)]
pub(crate) enum IamCommand {
    /// Check standalone IAM policy documents (JSON or YAML).
    Check(CheckArgs),
    /// List the actions a pattern such as 's3:Get*' covers, with their access levels.
    Expand(ExpandArgs),
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
                crate::engine::attach_excerpts(&mut report, path, Some(&text));
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
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = output::render(format, &outcome, to_terminal, false)?;
    output::emit(&rendered, args.output.as_deref())?;
    Ok(super::check::outcome_exit_code(&outcome))
}

fn expand(pattern: &str) -> Result<ExitCode> {
    let actions = match db().expand(pattern) {
        Ok(actions) => actions,
        Err(ExpandError::NotAnAction) => {
            anyhow::bail!("`{pattern}` is not of the form service:Action (e.g. 's3:Get*')")
        }
        Err(ExpandError::UnknownService(prefix)) => {
            let hint = stackwarden_iam::suggest::service(db(), &prefix)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            anyhow::bail!("`{prefix}` is not an AWS service prefix{hint}")
        }
    };
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
    anstream::stdout().lock().write_all(out.as_bytes())?;
    Ok(if actions.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
