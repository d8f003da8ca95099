//! Baselines: `check --write-baseline FILE` records today's findings; `check --baseline FILE`
//! reports only the findings that are not in it, so a team adopting stackwarden on a legacy
//! repository fails CI on new problems only (checkov's `--baseline`, ruff's `--add-noqa` in
//! spirit).
//!
//! A finding is matched by rule, path and a fingerprint that survives line shifts: the resource
//! it is about and the text of its line (whitespace collapsed), never the line number. Equal
//! fingerprints are counted, so a second identical finding is new. Entries that match nothing are
//! reported as `meta/unused-baseline`, like a suppression that suppresses nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use stackwarden_core::{Excerpts, Finding, Location, RuleMeta, Severity};

use stackwarden_core::finding::fnv1a;

pub static UNUSED_BASELINE: RuleMeta = RuleMeta {
    id: "meta/unused-baseline",
    severity: Severity::Warn,
    summary: "a baseline entry that no longer matches a finding",
    docs: r#"## What it does
With `stackwarden check --baseline FILE`, flags each entry of the baseline that matched no
finding of this run: the problem it accepted was fixed, or its line changed beyond recognition.
Entries of rules that are turned off or not selected in this run are not reported.

## Why
A stale entry would silently accept the next finding that happens to match it, and it keeps the
baseline from shrinking as problems are fixed.

## Example
```json
{"rule": "cfn/s3-encryption", "path": "template.yaml", "fingerprint": "3f1c…", "message": "S3 bucket `Data` declares no default encryption"}
```
in a baseline, after `Data` got its `BucketEncryption`.

## Fix
Write the baseline again (`stackwarden check --write-baseline FILE`) and commit it, or delete
the entry.
"#,
};

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub rule: String,
    pub path: PathBuf,
    pub fingerprint: String,
    /// For the people reading the file; not matched.
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// The fingerprint of a finding: its rule, path, resource and the text of its line.
pub fn fingerprint(f: &Finding, excerpts: &Excerpts) -> String {
    let line: String = excerpts
        .of(f)
        .map(|e| e.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let key = format!(
        "{}\0{}\0{}\0{line}",
        f.rule,
        f.path.display().to_string().replace('\\', "/"),
        f.resource.as_deref().unwrap_or("")
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

/// A loaded baseline: the entries not yet matched, by (rule, path, fingerprint).
pub struct Baseline {
    path: PathBuf,
    /// Each entry's line in the file (one entry a line, as [`write`] writes them).
    lines: Vec<u32>,
    entries: Vec<Entry>,
    unmatched: HashMap<(String, PathBuf, String), Vec<usize>>,
    /// Findings accepted by the baseline in this run.
    pub matched: usize,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--baseline: cannot read {}", path.display()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "--baseline: {}:{}:{}: {e} (write one with `stackwarden check --write-baseline {}`)",
                path.display(),
                e.line(),
                e.column(),
                path.display()
            )
        })?;
        if file.version != 1 {
            anyhow::bail!(
                "--baseline: {}: version {} is not one this stackwarden reads (1)",
                path.display(),
                file.version
            );
        }
        let lines = entry_lines(&text, file.findings.len());
        let mut unmatched: HashMap<(String, PathBuf, String), Vec<usize>> = HashMap::new();
        for (i, entry) in file.findings.iter().enumerate().rev() {
            unmatched
                .entry((
                    entry.rule.clone(),
                    entry.path.clone(),
                    entry.fingerprint.clone(),
                ))
                .or_default()
                .push(i);
        }
        Ok(Self {
            path: path.to_path_buf(),
            lines,
            entries: file.findings,
            unmatched,
            matched: 0,
        })
    }

    /// Removes the findings the baseline accepts from `findings`, counting them.
    pub fn filter(&mut self, findings: &mut Vec<Finding>, excerpts: &Excerpts) {
        findings.retain(|f| {
            let key = (f.rule.to_string(), f.path.clone(), fingerprint(f, excerpts));
            match self.unmatched.get_mut(&key).and_then(Vec::pop) {
                Some(_) => {
                    self.matched += 1;
                    false
                }
                None => true,
            }
        });
    }

    /// A `meta/unused-baseline` finding for every entry that matched nothing, of the rules and
    /// files this run checked (a check of one folder says nothing of the others' entries).
    pub fn unused(
        &self,
        enabled: impl Fn(&str) -> bool,
        checked: impl Fn(&Path) -> bool,
    ) -> Vec<Finding> {
        let mut left: Vec<usize> = self.unmatched.values().flatten().copied().collect();
        left.sort_unstable();
        left.into_iter()
            .filter(|&i| enabled(&self.entries[i].rule) && checked(&self.entries[i].path))
            .map(|i| {
                let entry = &self.entries[i];
                let message = format!(
                    "baseline entry for {} in {} matches no finding any more ({})",
                    entry.rule,
                    entry.path.display(),
                    if entry.message.is_empty() { "no message" } else { &entry.message }
                );
                let help = format!(
                    "the problem it accepted is gone: write the baseline again (`stackwarden check --write-baseline {}`) or delete the entry",
                    self.path.display()
                );
                let at = Location::new(self.lines.get(i).copied().unwrap_or(1), 1);
                Finding::new(&UNUSED_BASELINE, self.path.clone(), at, message, help)
            })
            .collect()
    }
}

/// Collects the entries of a run for `--write-baseline`.
#[derive(Default)]
pub struct Writer {
    entries: Vec<Entry>,
}

impl Writer {
    pub fn add(&mut self, findings: &[Finding], excerpts: &Excerpts) {
        self.entries.extend(findings.iter().map(|f| Entry {
            rule: f.rule.to_string(),
            path: f.path.clone(),
            fingerprint: fingerprint(f, excerpts),
            message: f.message.clone(),
        }));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One entry a line, so `meta/unused-baseline` can point at it and diffs stay readable.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut out = String::from("{\n  \"version\": 1,\n  \"findings\": [\n");
        for (i, entry) in self.entries.iter().enumerate() {
            out.push_str("    ");
            out.push_str(&serde_json::to_string(entry)?);
            out.push_str(if i + 1 < self.entries.len() {
                ",\n"
            } else {
                "\n"
            });
        }
        out.push_str("  ]\n}\n");
        std::fs::write(path, out)
            .with_context(|| format!("--write-baseline: cannot write {}", path.display()))
    }
}

/// The line of each entry: the n-th line that starts an object inside `findings`. A baseline
/// edited by hand into another layout still loads; its entries then point at line 1.
fn entry_lines(text: &str, count: usize) -> Vec<u32> {
    let lines: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("{\"rule\""))
        .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX))
        .collect();
    if lines.len() == count {
        lines
    } else {
        vec![1; count]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(line: u32, resource: &str) -> Finding {
        Finding {
            rule: crate::registry::find("cfn/s3-encryption").expect("rule"),
            severity: Severity::Error,
            message: format!("bucket {resource}"),
            path: PathBuf::from("t.yaml"),
            line,
            column: 3,
            end_line: None,
            end_column: None,
            resource: Some(resource.into()),
            stack: None,
            source: None,
            help: String::new(),
            suggestion: None,
            cause: None,
        }
    }

    #[test]
    fn a_baseline_accepts_its_findings_after_lines_move_and_reports_what_is_gone() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("baseline.json");
        let mut writer = Writer::default();
        writer.add(&[finding(4, "A"), finding(9, "B")], &Excerpts::default());
        writer.write(&path).expect("write");

        let mut baseline = Baseline::load(&path).expect("load");
        // A moved to line 14, B fixed, C new.
        let mut findings = vec![finding(14, "A"), finding(20, "C")];
        baseline.filter(&mut findings, &Excerpts::default());
        assert_eq!(baseline.matched, 1);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].resource.as_deref(), Some("C"));
        let unused = baseline.unused(|_| true, |_| true);
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].rule, "meta/unused-baseline");
        assert_eq!(unused[0].line, 5, "the entry of B is the file's fifth line");
        assert!(
            unused[0].message.contains("bucket B"),
            "{}",
            unused[0].message
        );
        assert!(baseline
            .unused(|rule| rule != "cfn/s3-encryption", |_| true)
            .is_empty());
        assert!(baseline
            .unused(|_| true, |path| path != Path::new("t.yaml"))
            .is_empty());
    }

    #[test]
    fn a_second_identical_finding_is_new() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("baseline.json");
        let mut writer = Writer::default();
        writer.add(&[finding(4, "A")], &Excerpts::default());
        writer.write(&path).expect("write");
        let mut baseline = Baseline::load(&path).expect("load");
        let mut findings = vec![finding(4, "A"), finding(4, "A")];
        baseline.filter(&mut findings, &Excerpts::default());
        assert_eq!((baseline.matched, findings.len()), (1, 1));
    }

    #[test]
    fn a_bad_baseline_is_an_error_naming_its_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "{\"version\": 1,\n \"findings\": [oops]}").expect("write");
        let error = Baseline::load(&path).err().expect("error").to_string();
        assert!(error.contains("baseline.json:2:"), "{error}");
    }
}
