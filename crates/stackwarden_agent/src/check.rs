//! Running the agent rules: `agent/settings-broad-allow` over one `.claude/settings*.json` file,
//! `agent/hooks-missing` over the settings beside a project's `stackwarden.toml`. Rule selection
//! and configured severities work as in the other domain crates.

use std::path::{Path, PathBuf};

use stackwarden_core::config::Config;
use stackwarden_core::{Finding, InputError, LineIndex, Report, RuleMeta};

use crate::registration;
use crate::rules::{hooks_missing, settings_broad_allow};
use crate::settings::ClaudeSettings;

/// Settings files larger than this are not read: real ones are a few kilobytes.
const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// The options every domain takes (stackwarden_core's), re-exported where this crate's callers
/// look for them.
pub use stackwarden_core::Options;

/// One parsed settings file, as the settings rules see it.
pub(crate) struct SettingsContext<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub lines: LineIndex,
    pub settings: ClaudeSettings,
    pub config: &'a Config,
}

impl SettingsContext<'_> {
    pub(crate) fn finding(
        &self,
        meta: &'static RuleMeta,
        offset: usize,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        let at = self.lines.position(self.text, offset);
        Finding {
            rule: meta,
            severity: meta.severity,
            message,
            path: self.path.to_path_buf(),
            line: at.line,
            column: at.column,
            resource: None,
            stack: None,
            source: None,
            help: help.into(),
            suggestion: None,
            end_line: None,
            end_column: None,
            cause: None,
        }
    }
}

/// Checks one `.claude/settings*.json` file (`agent/settings-broad-allow`).
pub fn check_settings_file(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    let text = match read_text(path) {
        Ok(text) => text,
        Err(error) => {
            report.errors.push(error);
            return report;
        }
    };
    let lines = LineIndex::new(&text);
    let settings = match ClaudeSettings::parse(&text) {
        Ok(settings) => settings,
        Err(error) => {
            let at = lines.position(&text, error.offset);
            report.errors.push(InputError {
                path: path.to_path_buf(),
                line: Some(at.line),
                column: Some(at.column),
                message: format!("cannot parse Claude Code settings: {}", error.message),
            });
            return report;
        }
    };
    report.files += 1;
    let ctx = SettingsContext {
        path,
        text: &text,
        lines,
        settings,
        config: options.config,
    };
    let mut findings = Vec::new();
    if options.filter.enabled(settings_broad_allow::META.id) {
        settings_broad_allow::check(&ctx, &mut findings);
    }
    finish(findings, options, &mut report);
    report
}

/// `agent/hooks-missing`: given a configuration loaded from a `stackwarden.toml`, checks that
/// `.claude/settings.json` / `.claude/settings.local.json` beside it register the hooks.
/// Nothing is reported for the built-in defaults (no file, no project to speak of). Settings that
/// cannot be parsed register nothing; their parse error is `check_settings_file`'s to report.
pub fn check_hooks_registered(config: &Config, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    let (Some(config_path), Some(root)) = (config.path.as_deref(), config.root()) else {
        return report;
    };
    if !options.filter.enabled(hooks_missing::META.id) {
        return report;
    }
    let candidates: Vec<PathBuf> = ["settings.json", "settings.local.json"]
        .iter()
        .map(|name| root.join(".claude").join(name))
        .collect();
    let mut parsed = Vec::new();
    for path in &candidates {
        if let Ok(text) = read_text(path) {
            let settings = ClaudeSettings::parse(&text).ok();
            parsed.push((path.clone(), text, settings));
        }
    }
    let files: Vec<&ClaudeSettings> = parsed.iter().filter_map(|(_, _, s)| s.as_ref()).collect();
    let missing = registration::missing(&files);
    if missing.is_empty() {
        return report;
    }
    // Point at the `"hooks"` key of the shared settings when there is one, else its first line.
    let (path, line, column) = match parsed.first() {
        Some((path, text, settings)) => {
            let offset = settings.as_ref().and_then(|s| s.hooks_offset).unwrap_or(0);
            let at = LineIndex::new(text).position(text, offset);
            (path.clone(), at.line, at.column)
        }
        None => (config_path.to_path_buf(), 1, 1),
    };
    let finding = Finding {
        rule: &hooks_missing::META,
        severity: hooks_missing::META.severity,
        message: hooks_missing::message(&missing),
        path,
        line,
        column,
        resource: None,
        stack: None,
        source: None,
        help: hooks_missing::HELP.into(),
        suggestion: None,
        end_line: None,
        end_column: None,
        cause: None,
    };
    finish(vec![finding], options, &mut report);
    report
}

/// Applies the configured severities (dropping rules turned off) and appends the findings.
fn finish(mut findings: Vec<Finding>, options: &Options<'_>, report: &mut Report) {
    stackwarden_core::rule::configure(&mut findings, options.config, options.filter);
    report.findings.extend(findings);
}

fn read_text(path: &Path) -> Result<String, InputError> {
    stackwarden_core::files::read_text(path, MAX_SETTINGS_BYTES, |size| {
        format!(
            "file is {size} bytes; Claude Code settings files are expected to be under {MAX_SETTINGS_BYTES}"
        )
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used)]
mod tests {
    use super::*;
    use stackwarden_core::RuleFilter;

    /// Settings are read like templates and source: a file that is not UTF-8 is an error at the
    /// line of its first bad byte, and one over the cap says how big it is.
    #[test]
    fn settings_are_read_bounded_and_as_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let config = Config::default();
        let filter = RuleFilter::default();
        let options = Options {
            config: &config,
            filter: &filter,
            known_rules: &[],
            stage: None,
            today: "2026-11-25",
            verbose: false,
        };
        std::fs::write(
            &path,
            b"{\n  \"permissions\": {\"allow\": [\"caf\xe9\"]}\n}\n",
        )
        .unwrap();
        let report = check_settings_file(&path, &options);
        assert_eq!(report.files, 0);
        let error = &report.errors[0];
        assert_eq!(error.line, Some(2));
        assert_eq!(
            error.message,
            "not valid UTF-8 (byte 34); save the file as UTF-8"
        );
        let big = vec![b' '; MAX_SETTINGS_BYTES as usize + 1];
        std::fs::write(&path, big).unwrap();
        let report = check_settings_file(&path, &options);
        assert_eq!(
            report.errors[0].message,
            "file is 1048577 bytes; Claude Code settings files are expected to be under 1048576"
        );
    }
}
