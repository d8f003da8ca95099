//! `stackwarden check [PATH...]`: discover inputs, run every enabled rule in parallel, render.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;
use stackwarden_core::config::{Config, ConfigFinder};
use stackwarden_core::discover::{discover, InputKind};
use stackwarden_core::files::{generated_source, relative_to_root, FileRules};
use stackwarden_core::{Finding, InputError, RuleFilter, Severity};

use crate::engine;
use crate::output::{self, Format, Outcome};
use crate::progress::Progress;
use crate::registry;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Files or folders to check.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format (default: text; agent when CLAUDECODE is set).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Configuration file (default: the nearest stackwarden.toml at or above each path).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Only these rules (ids or domains such as `cfn`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (ids or domains), comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// The stage every checked template deploys to (overrides stack names, parameters and tags).
    #[arg(long)]
    stage: Option<String>,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Print the findings only: no summary line (text format).
    #[arg(long, short)]
    quiet: bool,
    /// Print how many findings each rule produced instead of the findings.
    #[arg(long, conflicts_with = "format")]
    statistics: bool,
    /// Say on stderr what could not be judged and why (functions whose code or role is not
    /// resolved by the permission rules).
    #[arg(long, short)]
    verbose: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let known = registry::rule_ids();
    for selector in args.select.iter().chain(&args.ignore) {
        let domain = selector.trim_end_matches('/');
        if !known
            .iter()
            .any(|id| *id == selector || id.split('/').next() == Some(domain))
        {
            anyhow::bail!("--select/--ignore: `{selector}` is neither a rule id nor a rule domain (`stackwarden rules` lists them)");
        }
    }
    let filter = RuleFilter {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let explicit = match &args.config {
        Some(path) => Some(load_config(path, &known)?),
        None => None,
    };
    let today = today();
    let (inputs, walk_errors) = discover(&args.paths);

    let mut configs: HashMap<Option<PathBuf>, Config> = HashMap::new();
    let mut file_rules: HashMap<Option<PathBuf>, FileRules> = HashMap::new();
    let mut finder = ConfigFinder::default();
    let mut jobs = Vec::new();
    let mut skipped: Vec<(PathBuf, String)> = Vec::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    // Every input is checked (at the least, every text file is scanned for access keys) unless
    // the configuration excludes it or it is a minified bundle; a file named on the command line
    // is always checked.
    for input in &inputs {
        let config_path = match &explicit {
            Some(config) => config.path.clone(),
            None => finder.for_file(&input.path),
        };
        if !configs.contains_key(&config_path) {
            let config = match (&explicit, &config_path) {
                (Some(config), _) => config.clone(),
                (None, Some(path)) => load_config(path, &known)?,
                (None, None) => Config::default(),
            };
            file_rules.insert(config_path.clone(), FileRules::new(&config));
            configs.insert(config_path.clone(), config);
        }
        let named = args.paths.iter().any(|p| p == &input.path);
        if !named {
            let root = configs[&config_path].root();
            let why = file_rules[&config_path]
                .excluded(&relative_to_root(&input.path, root))
                .or_else(|| {
                    (input.kind == InputKind::Source)
                        .then(|| generated_source(&input.path))
                        .flatten()
                });
            if let Some(why) = why {
                skipped.push((tidy(&input.path), why));
                continue;
            }
        }
        jobs.push((input, config_path));
    }

    // `agent/hooks-missing` is about a project, not a file: once per stackwarden.toml in use.
    let agent_reports = configs.values().map(|config| {
        stackwarden_agent::check_hooks_registered(
            config,
            &stackwarden_agent::Options {
                config,
                filter: &filter,
                known_rules: &known,
            },
        )
    });
    let mut agent_reports: Vec<stackwarden_core::Report> = agent_reports.collect();
    // Configuration paths are absolute (found by walking up); show them like the inputs.
    for finding in agent_reports.iter_mut().flat_map(|r| r.findings.iter_mut()) {
        if let Ok(relative) = finding.path.strip_prefix(&cwd) {
            finding.path = relative.to_path_buf();
        }
    }

    let progress = Progress::new(jobs.len());
    let reports: Vec<stackwarden_core::Report> = jobs
        .par_iter()
        .map(|(input, config_path)| {
            let options = engine::Options {
                config: &configs[config_path],
                filter: &filter,
                stage: args.stage.as_deref(),
                today: &today,
                known_rules: &known,
                verbose: args.verbose,
            };
            let mut report = engine::check_input(input, &options);
            // `[per-file]` ignores, matched against each finding's own file.
            let rules = &file_rules[config_path];
            let root = configs[config_path].root();
            report
                .findings
                .retain(|f| !rules.ignores(&relative_to_root(&f.path, root), f.rule));
            report
        })
        .inspect(|_| progress.tick())
        .collect();
    progress.finish();

    let mut findings: Vec<Finding> = Vec::new();
    let mut errors: Vec<InputError> = walk_errors
        .into_iter()
        .map(|e| InputError {
            path: e.path,
            line: None,
            column: None,
            message: e.message,
        })
        .collect();
    let mut files = 0;
    for report in reports.into_iter().chain(agent_reports) {
        findings.extend(report.findings);
        errors.extend(report.errors);
        files += report.files;
    }
    for finding in &mut findings {
        finding.path = tidy(&finding.path);
        if let Some(source) = &mut finding.source {
            source.path = tidy(&source.path);
        }
    }
    for error in &mut errors {
        error.path = tidy(&error.path);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    errors.sort();

    let format = args.format.unwrap_or_else(default_format);
    skipped.sort();
    let outcome = Outcome {
        findings,
        errors,
        files,
        skipped,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = if args.statistics {
        output::statistics::render(&outcome)
    } else {
        output::render(format, &outcome, to_terminal, args.quiet)?
    };
    output::emit(&rendered, args.output.as_deref())?;
    Ok(exit_code(&outcome))
}

pub(crate) fn load_config(path: &Path, known: &[&str]) -> Result<Config> {
    let config = Config::load(path)?;
    config.validate_rule_ids(known)?;
    Ok(config)
}

/// `agent` under Claude Code (it sets CLAUDECODE), text otherwise.
pub(crate) fn default_format() -> Format {
    if std::env::var_os("CLAUDECODE").is_some() {
        Format::Agent
    } else {
        Format::Text
    }
}

/// 2 unreadable input, 1 error-severity findings, 0 otherwise (shared with `iam check`).
pub(crate) fn exit_code(outcome: &Outcome) -> ExitCode {
    if !outcome.errors.is_empty() {
        ExitCode::from(2)
    } else if outcome
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `./a/b` → `a/b`, so paths print the way people type them.
fn tidy(path: &Path) -> PathBuf {
    path.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Today's date (UTC) as YYYY-MM-DD; `STACKWARDEN_TODAY` pins it for reproducible runs.
pub(crate) fn today() -> String {
    if let Ok(pinned) = std::env::var("STACKWARDEN_TODAY") {
        return pinned;
    }
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    civil_date(i64::try_from(days).unwrap_or(0))
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's civil_from_days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_517), "2026-03-05");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
