//! What a rule reports: a finding, with where it is, what is wrong and what to do instead.

use serde::Serialize;
use std::path::PathBuf;

/// How serious a finding is, least first: `Info < Warn < Error`. Only `Error` fails a check (exit
/// code 1); `Info` reports something worth knowing that is not a problem (AWS's documented
/// example access key, which is not a credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// The TypeScript line that created a construct, traced from CDK synth metadata.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SourceLocation {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule, not its id as a string: a typo in a rule reference does not compile, and
    /// severity, docs and the SARIF rule index come from here. Serialized as its id.
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static crate::rule::RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    /// Where the flagged key or value ends (the column one past its last character), when the
    /// rule's model knows it; SARIF regions and code frames use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    pub help: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// What the problem is about wherever it is written (the literal ARN, the account id, the
    /// missing tag): findings of rules with the same name (`cfn/hardcoded-arn`,
    /// `code/hardcoded-arn`) that share a cause are one mistake, reported once.
    #[serde(skip)]
    pub cause: Option<String>,
}

impl Finding {
    /// A finding of `rule` at `at`, at the rule's default severity (the engine applies the
    /// configured one), with nothing else known yet.
    pub fn new(
        rule: &'static crate::rule::RuleMeta,
        path: PathBuf,
        at: crate::span::Location,
        message: String,
        help: String,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message,
            path,
            line: at.line,
            column: at.column,
            end_line: at.end().map(|(line, _)| line),
            end_column: at.end().map(|(_, column)| column),
            resource: None,
            stack: None,
            source: None,
            help,
            suggestion: None,
            cause: None,
        }
    }

    /// The finding with the cause it shares with others (see [`Finding::cause`]).
    #[must_use]
    pub fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.cause = Some(cause.into());
        self
    }

    /// The one line an agent acts on, the same in `check --format agent` and in the edit hook's
    /// answer: `path:line:col: severity rule: message (created at …) — fix: help`, with `also`
    /// (where else the same mistake is) before the fix.
    pub fn agent_line(&self, also: Option<&str>, help: &str) -> String {
        let created = self
            .source
            .as_ref()
            .map(|s| format!(" (created at {}:{}:{})", s.path.display(), s.line, s.column))
            .unwrap_or_default();
        let also = also.map(|a| format!(" ({a})")).unwrap_or_default();
        format!(
            "{}:{}:{}: {} {}: {}{created}{also} — fix: {help}",
            self.path.display(),
            self.line,
            self.column,
            self.severity.as_str(),
            self.rule,
            self.message,
        )
    }

    /// The rule's name without its domain: `hardcoded-arn` for `cfn/hardcoded-arn`.
    pub fn rule_name(&self) -> &'static str {
        let id = self.rule.id;
        id.split_once('/').map_or(id, |(_, name)| name)
    }

    /// Output order: by file, then position, then rule, so runs are deterministic.
    pub fn sort_key(&self) -> (&PathBuf, u32, u32, &'static str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            self.rule.id,
            &self.message,
        )
    }
}

fn rule_id<S: serde::Serializer>(
    rule: &&'static crate::rule::RuleMeta,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(rule.id)
}

/// FNV-1a, 64 bits: the fingerprints and group ids that findings carry, stable across runs and
/// platforms (no random seed, unlike the std hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An input that could not be read or parsed: reported beside the findings, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputError {
    pub path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
}

impl InputError {
    /// An error at a place in `path`, or about the file as a whole (`None`).
    pub fn at(path: PathBuf, at: Option<crate::span::Location>, message: String) -> Self {
        Self {
            path,
            line: at.map(|a| a.line),
            column: at.map(|a| a.column),
            message,
        }
    }
}

/// What checking one input produced: shared by every domain crate, so the CLI merges them alike.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// Files checked (a cloud assembly counts its stacks; skipped files count 0).
    pub files: usize,
    /// The source lines the findings point at, for code frames and fingerprints.
    pub excerpts: crate::excerpt::Excerpts,
    /// The file that creates each CDK app whose cloud assembly was checked (`bin/orders-app.ts`,
    /// named by the `app` command of the cdk.json beside the assembly), by assembly folder: the
    /// fix of a tag missing from a whole app is made there, and renderers read no file.
    pub app_entries: std::collections::BTreeMap<PathBuf, PathBuf>,
    /// What the rules could not judge and why (`check --verbose`): a function whose code or role
    /// the permission rules cannot resolve.
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_serialize_in_lower_case() {
        assert!(Severity::Info < Severity::Warn && Severity::Warn < Severity::Error);
        for severity in [Severity::Info, Severity::Warn, Severity::Error] {
            assert_eq!(
                serde_json::to_value(severity).expect("serialize"),
                serde_json::Value::String(severity.as_str().into())
            );
        }
    }
}
