//! `--format json`: the SPEC's shape (`version`, `findings`, `errors`, `summary`), plus the files
//! skipped and why (`skipped`, `summary.skipped`), which the SPEC's `[files]` section promises.
//! Each finding carries its `group` (findings of one root cause share it) and the `fingerprint`
//! a baseline matches it by. Findings are written as each input is checked, so the document is
//! never held in memory; the layout is serde_json's pretty one.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;
use stackwarden_core::{Excerpts, Finding, InputError};

use super::{End, Sink};
use crate::grouping;
use stackwarden_agent::baseline;

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    group: String,
    fingerprint: String,
}

#[derive(Serialize)]
struct Skipped<'a> {
    path: &'a std::path::Path,
    reason: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    skipped: usize,
    baselined: usize,
}

pub(super) struct Json<'w> {
    out: Box<dyn Write + 'w>,
    written: usize,
}

impl<'w> Json<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self { out, written: 0 }
    }
}

impl Sink for Json<'_> {
    fn findings(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        _: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()> {
        for finding in findings {
            let entry = Entry {
                finding,
                group: grouping::id(&grouping::key(finding)),
                fingerprint: baseline::fingerprint(finding, excerpts),
            };
            let head = if self.written == 0 {
                "{\n  \"version\": 1,\n  \"findings\": [\n    "
            } else {
                ",\n    "
            };
            self.out.write_all(head.as_bytes())?;
            self.out.write_all(indented(&entry, 4)?.as_bytes())?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        if self.written == 0 {
            self.out
                .write_all(b"{\n  \"version\": 1,\n  \"findings\": [],\n")?;
        } else {
            self.out.write_all(b"\n  ],\n")?;
        }
        let skipped: Vec<Skipped<'_>> = end
            .skipped
            .iter()
            .map(|(path, reason)| Skipped { path, reason })
            .collect();
        let errors: &[InputError] = end.errors;
        write!(
            self.out,
            "  \"errors\": {},\n  \"skipped\": {},\n  \"summary\": {}\n}}\n",
            indented(&errors, 2)?,
            indented(&skipped, 2)?,
            indented(
                &Summary {
                    files: end.files,
                    findings: end.counts.findings(),
                    errors: end.errors.len(),
                    skipped: end.skipped.len(),
                    baselined: end.counts.baselined,
                },
                2
            )?
        )?;
        self.out.flush()
    }
}

/// `value` pretty-printed as it would be `depth` spaces deep in a pretty document.
fn indented(value: &impl Serialize, depth: usize) -> io::Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(text.replace('\n', &format!("\n{}", " ".repeat(depth))))
}
