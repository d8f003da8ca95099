//! Running `secret/aws-access-key` over one file: reading (bounded, binary files skipped, any
//! encoding read lossily), rule selection, configured severity and suppressions.

use std::io::Read;
use std::path::Path;

use stackwarden_core::{InputError, Report, Severity};

use crate::rules::{access_key_finding, AWS_ACCESS_KEY};
use crate::scan::scan;
use crate::suppress;

/// Files larger than this are not scanned (the template loader's cap): logs and data dumps, not
/// configuration someone wrote.
pub const MAX_SCAN_BYTES: u64 = 16 * 1024 * 1024;
/// A NUL byte in this much of the start of a file marks it as binary (git's own test).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// The options every domain takes (stackwarden_core's), re-exported where this crate's callers
/// look for them. Nothing is reported about suppressions here (see [`crate::suppress`]), so
/// `known_rules` is not read.
pub use stackwarden_core::Options;

/// Scans one file. Binary files, files over [`MAX_SCAN_BYTES`] and runs where the rule is off or
/// deselected give an empty report (no error, `files` 0); invalid UTF-8 is read lossily, since a
/// key in a Latin-1 file is still a key.
pub fn check_file(path: &Path, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    if !is_active(options) {
        return report;
    }
    match read_bytes(path) {
        Ok(Some(bytes)) => {
            let text = String::from_utf8_lossy(&bytes);
            report = check_text(path, &text, options);
        }
        Ok(None) => {}
        Err(message) => report.errors.push(InputError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message,
        }),
    }
    report
}

/// Scans text already in memory (the edit hook's file); `path` is only used in findings.
pub fn check_text(path: &Path, text: &str, options: &Options<'_>) -> Report {
    let mut report = Report::default();
    if !is_active(options) {
        return report;
    }
    report.files = 1;
    let Some(configured) = options
        .config
        .severity_for(AWS_ACCESS_KEY.id, AWS_ACCESS_KEY.severity)
    else {
        return report;
    };
    let matches = scan(text);
    if matches.is_empty() {
        return report;
    }
    let mut findings: Vec<_> = matches
        .iter()
        .map(|m| access_key_finding(path, text, m))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut suppressions = suppress::collect(&lines, findings.iter().map(|f| f.line));
    stackwarden_core::suppression::suppress(&mut findings, &mut suppressions);
    for mut finding in findings {
        // A documented example stays informational whatever the rule is configured to.
        if finding.severity != Severity::Info {
            finding.severity = configured;
        }
        report.findings.push(finding);
    }
    report
}

fn is_active(options: &Options<'_>) -> bool {
    stackwarden_core::rule::runs(&AWS_ACCESS_KEY, options.config, options.filter)
}

/// The file's bytes, or `None` when it is skipped (too large, binary).
fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_SCAN_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Bounded even if the file grows between the size check and the read.
    file.take(MAX_SCAN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_SCAN_BYTES {
        return Ok(None);
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if memchr::memchr(0, head).is_some() {
        return Ok(None);
    }
    Ok(Some(bytes))
}
