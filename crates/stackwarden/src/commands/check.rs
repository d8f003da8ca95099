//! `stackwarden check [PATH...]`: discover inputs, run every enabled rule in parallel, render.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;
use stackwarden_core::config::{Config, ConfigFinder};
use stackwarden_core::discover::{discover, InputKind};
use stackwarden_core::files::{generated_source, relative_to_root, FileRules};
use stackwarden_core::{InputError, RuleFilter};

use crate::output::{self, Format, Outcome};
use crate::progress::Progress;
use stackwarden_agent::baseline::{self, Baseline};
use stackwarden_agent::engine;
use stackwarden_agent::registry;

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
    /// Report only findings that are not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Accept today's findings: write them to FILE as a baseline (exit 0 unless an input could
    /// not be read).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
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
    // the configuration excludes it, it is a minified bundle, or it is YAML/JSON too large to be a
    // template that shows it is none; a file named on the command line is always checked.
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
                .or_else(|| match input.kind {
                    InputKind::Source => generated_source(&input.path),
                    // Over the template size cap and visibly not a template (a data fixture).
                    InputKind::TemplateCandidate => {
                        stackwarden_cfn::load::oversized_non_template(&input.path)
                    }
                    _ => None,
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
                stage: args.stage.as_deref(),
                today: &today,
                verbose: args.verbose,
            },
        )
    });
    // Each goes out in path order among the inputs, keyed by its first finding's file.
    let mut agent_reports: Vec<(PathBuf, stackwarden_core::Report)> = agent_reports
        .filter_map(|mut report| {
            // Configuration paths are absolute (found by walking up); show them like the inputs.
            for finding in &mut report.findings {
                if let Ok(relative) = finding.path.strip_prefix(&cwd) {
                    finding.path = relative.to_path_buf();
                }
            }
            let key = report.findings.iter().map(|f| f.path.clone()).min()?;
            engine::attach_excerpts(&mut report, &key, None);
            Some((key, report))
        })
        .collect();
    agent_reports.sort_by(|a, b| a.0.cmp(&b.0));

    let format = args.format.unwrap_or_else(default_format);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    // Writing a baseline accepts the findings: it says how many, not what they are.
    let out = match &args.write_baseline {
        Some(_) => Box::new(std::io::sink()),
        None => output::writer(args.output.as_deref())?,
    };
    let mut to = Emitter {
        sink: output::sink(format, out, to_terminal, args.quiet),
        baseline: match &args.baseline {
            Some(path) => Some(Baseline::load(path)?),
            None => None,
        },
        accepted: args
            .write_baseline
            .as_ref()
            .map(|_| baseline::Writer::default()),
        collected: args.statistics.then(Outcome::default),
        counts: output::Counts::default(),
        errors: walk_errors
            .into_iter()
            .map(|e| InputError {
                path: e.path,
                line: None,
                column: None,
                message: e.message,
            })
            .collect(),
        files: 0,
    };

    // Inputs are checked in parallel a chunk at a time and reported in walk order, so output is
    // deterministic and streams: memory holds one chunk's reports, not the whole run's.
    let progress = Progress::new(jobs.len());
    let mut agent_reports = agent_reports.into_iter().peekable();
    for chunk in jobs.chunks(CHUNK) {
        let reports: Vec<stackwarden_core::Report> = chunk
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
                // A `.json` file named on the command line that is not JSON is an input error.
                if report.files == 0
                    && report.errors.is_empty()
                    && args.paths.iter().any(|p| p == &input.path)
                {
                    report
                        .errors
                        .extend(stackwarden_cfn::named_json_error(&input.path));
                }
                // `[per-file]` ignores, matched against each finding's own file.
                let rules = &file_rules[config_path];
                let root = configs[config_path].root();
                report
                    .findings
                    .retain(|f| !rules.ignores(&relative_to_root(&f.path, root), f.rule.id));
                report
            })
            .inspect(|_| progress.tick())
            .collect();
        for (report, (input, _)) in reports.into_iter().zip(chunk) {
            // A project's own findings (agent/hooks-missing) go out before the first input
            // that sorts after them, as if they were an input of their own.
            while let Some(agent) = agent_reports.next_if(|a| a.0 <= input.path) {
                to.emit(agent.1)?;
            }
            to.emit(report)?;
        }
    }
    progress.finish();
    for agent in agent_reports {
        to.emit(agent.1)?;
    }
    // The baseline's entries that matched nothing, reported last (and not filtered by it).
    if let Some(baseline) = to.baseline.take() {
        to.counts.baselined = baseline.matched;
        to.emit(stackwarden_core::Report {
            findings: baseline.unused(
                |rule| filter.enabled(rule),
                |path| {
                    jobs.iter()
                        .any(|(input, _)| path.starts_with(tidy(&input.path)))
                },
            ),
            ..Default::default()
        })?;
    }
    let Emitter {
        mut sink,
        accepted,
        collected,
        counts,
        mut errors,
        files,
        ..
    } = to;
    for error in &mut errors {
        error.path = tidy(&error.path);
    }
    errors.sort();
    skipped.sort();
    if let (Some(path), Some(accepted)) = (&args.write_baseline, &accepted) {
        accepted.write(path)?;
        writeln!(
            std::io::stderr().lock(),
            "stackwarden: wrote a baseline of {} finding{} to {}; check with --baseline {} to fail on new findings only",
            accepted.len(),
            if accepted.len() == 1 { "" } else { "s" },
            path.display(),
            path.display()
        )?;
    }
    let end = output::End {
        errors: &errors,
        files,
        skipped: &skipped,
        counts,
    };
    if let Some(mut outcome) = collected {
        outcome.errors = errors.clone();
        outcome.files = files;
        output::emit(
            &output::statistics::render(&outcome),
            args.output.as_deref(),
        )?;
    } else {
        sink.finish(&end)?;
    }
    Ok(exit_code(&end, args.write_baseline.is_some()))
}

/// Inputs checked in parallel between two outputs: enough to keep both cores busy past one slow
/// file, few enough that memory stays flat.
const CHUNK: usize = 64;

/// Where the inputs' reports go, one at a time in walk order, and what the run counts.
struct Emitter<'s> {
    sink: Box<dyn output::Sink + 's>,
    baseline: Option<Baseline>,
    accepted: Option<baseline::Writer>,
    /// `--statistics`: every finding is kept for the table instead of written.
    collected: Option<Outcome>,
    counts: output::Counts,
    errors: Vec<InputError>,
    files: usize,
}

impl Emitter<'_> {
    /// Tidies, sorts and filters one input's findings through the baseline, then writes them.
    fn emit(&mut self, mut report: stackwarden_core::Report) -> Result<()> {
        for finding in &mut report.findings {
            let tidied = tidy(&finding.path);
            finding.path = tidied;
            if let Some(source) = &mut finding.source {
                source.path = tidy(&source.path);
            }
        }
        report.excerpts = report.excerpts.tidied(tidy);
        report.app_entries = std::mem::take(&mut report.app_entries)
            .into_iter()
            .map(|(assembly, entry)| (tidy(&assembly), tidy(&entry)))
            .collect();
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        report.findings.dedup();
        if let Some(accepted) = &mut self.accepted {
            accepted.add(&report.findings, &report.excerpts);
        }
        if let Some(baseline) = &mut self.baseline {
            baseline.filter(&mut report.findings, &report.excerpts);
        }
        // `--verbose`: what the permission rules could not judge, in walk order.
        if !report.notes.is_empty() {
            let mut err = std::io::stderr().lock();
            for note in &report.notes {
                writeln!(err, "stackwarden: {note}")?;
            }
        }
        self.counts.add(&report.findings);
        self.files += report.files;
        self.errors.extend(report.errors);
        match &mut self.collected {
            Some(outcome) => outcome.findings.extend(report.findings),
            None => self
                .sink
                .findings(&report.findings, &report.excerpts, &report.app_entries)?,
        }
        Ok(())
    }
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

/// 2 unreadable input, 1 error-severity findings (not accepted by a baseline), 0 otherwise;
/// writing a baseline accepts every finding.
fn exit_code(end: &output::End<'_>, wrote_baseline: bool) -> ExitCode {
    if !end.errors.is_empty() {
        ExitCode::from(2)
    } else if end.counts.errors > 0 && !wrote_baseline {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The exit code of a whole outcome (`iam check`).
pub(crate) fn outcome_exit_code(outcome: &Outcome) -> ExitCode {
    let mut counts = output::Counts::default();
    counts.add(&outcome.findings);
    exit_code(
        &output::End {
            errors: &outcome.errors,
            files: outcome.files,
            skipped: &outcome.skipped,
            counts,
        },
        false,
    )
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
