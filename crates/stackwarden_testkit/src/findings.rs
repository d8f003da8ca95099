//! Findings as the tests compare them: one headline per finding,
//! `line:column severity [rule] message`, with its help (and suggestion) on indented lines below,
//! so a snapshot or an expected list reads like the tool's own report.

use std::path::Path;

use stackwarden_core::{Finding, Report};

/// Which parts of a finding are rendered, besides `line:column [rule] message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    file_name: bool,
    severity: bool,
    help: bool,
    suggestion: bool,
}

impl Layout {
    /// `line:column severity [rule] message` and `    help: …` below: what the rule fixture
    /// snapshots hold.
    pub const SNAPSHOT: Layout = Layout {
        file_name: false,
        severity: true,
        help: true,
        suggestion: false,
    };
    /// `line:column severity [rule] message`, one line per finding.
    pub const HEADLINE: Layout = Layout {
        help: false,
        ..Layout::SNAPSHOT
    };
    /// `line:column [rule] message`.
    pub const BRIEF: Layout = Layout {
        severity: false,
        ..Layout::HEADLINE
    };

    /// Adds `    suggestion: …` below the help when the finding has one.
    pub const fn with_suggestion(self) -> Layout {
        Layout {
            suggestion: true,
            ..self
        }
    }

    /// Starts each headline with the finding's file name (`template.json:line:column …`).
    pub const fn with_file_name(self) -> Layout {
        Layout {
            file_name: true,
            ..self
        }
    }

    /// One finding, on one line or with its indented help/suggestion lines.
    pub fn line(self, f: &Finding) -> String {
        let mut out = String::new();
        if self.file_name {
            out.push_str(&f.path.file_name().unwrap_or_default().to_string_lossy());
            out.push(':');
        }
        out.push_str(&format!("{}:{} ", f.line, f.column));
        if self.severity {
            out.push_str(f.severity.as_str());
            out.push(' ');
        }
        out.push_str(&format!("[{}] {}", f.rule, f.message));
        if self.help {
            out.push_str(&format!("\n    help: {}", f.help));
        }
        if self.suggestion {
            if let Some(suggestion) = &f.suggestion {
                out.push_str(&format!("\n    suggestion: {suggestion}"));
            }
        }
        out
    }
}

/// Each finding rendered, in the order given.
pub fn lines(findings: &[Finding], layout: Layout) -> Vec<String> {
    findings.iter().map(|f| layout.line(f)).collect()
}

/// The findings rendered, in the order given, one after the other (`""` for none).
pub fn render(findings: &[Finding], layout: Layout) -> String {
    lines(findings, layout).join("\n")
}

/// The findings in the report's order (path, line, column, rule, message), which does not
/// depend on the order the rules ran in.
pub fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// The headlines of rendered findings, without their indented help and suggestion lines.
pub fn headlines(rendered: &str) -> Vec<&str> {
    rendered
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect()
}

/// The findings of a report that read `path` as one file of its kind without an input error.
/// `kind` completes "is not read as …" when it was skipped.
pub fn of_one_file(report: Report, path: &Path, kind: &str) -> Vec<Finding> {
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        report.errors
    );
    assert_eq!(report.files, 1, "{} is not read as {kind}", path.display());
    report.findings
}

/// Asserts that none of `secrets` appears in full in the findings, as JSON (every output format
/// is built from the serialized fields) or as `Debug` (logs, panics).
pub fn assert_masked(findings: &[Finding], secrets: &[&str]) {
    let json = serde_json::to_string(findings).expect("findings serialize");
    let debug = format!("{findings:?}");
    for secret in secrets {
        assert!(!json.contains(secret), "{secret} printed in full: {json}");
        assert!(!debug.contains(secret), "{secret} in Debug output: {debug}");
    }
}
