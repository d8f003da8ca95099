//! `stackwarden rules` and `stackwarden explain RULE`, generated from each rule's own metadata.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::registry;

#[derive(clap::Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args)]
pub(crate) struct ExplainArgs {
    /// The rule id, e.g. cfn/s3-encryption.
    rule: String,
}

pub(crate) fn run_rules(args: RulesArgs) -> Result<ExitCode> {
    let rules = registry::all_rules();
    let mut out = anstream::stdout().lock();
    match args.format {
        RulesFormat::Text => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for rule in &rules {
                writeln!(out, "{:width$}  {:5}  {}", rule.id, rule.severity.as_str(), rule.summary)?;
            }
        }
        RulesFormat::Json => {
            let list: Vec<_> = rules
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "severity": r.severity, "summary": r.summary}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        RulesFormat::Markdown => {
            writeln!(out, "| rule | default | summary |\n|---|---|---|")?;
            for rule in &rules {
                writeln!(out, "| `{}` | {} | {} |", rule.id, rule.severity.as_str(), rule.summary)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_explain(args: ExplainArgs) -> Result<ExitCode> {
    let Some(rule) = registry::find(&args.rule) else {
        let ids = registry::rule_ids();
        let closest = ids.iter().min_by_key(|id| stackwarden_core::config::edit_distance(id, &args.rule));
        let hint = closest.map(|c| format!("; did you mean {c}?")).unwrap_or_default();
        anyhow::bail!("no rule {}{hint} (`stackwarden rules` lists them)", args.rule);
    };
    let mut out = anstream::stdout().lock();
    writeln!(out, "# {}\n\nDefault severity: {}. {}\n\n{}", rule.id, rule.severity.as_str(), rule.summary, rule.docs.trim_end())?;
    Ok(ExitCode::SUCCESS)
}
