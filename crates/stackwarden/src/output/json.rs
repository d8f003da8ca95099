//! `--format json`: the SPEC's shape (`version`, `findings`, `errors`, `summary`), plus the files
//! skipped and why (`skipped`, `summary.skipped`), which the SPEC's `[files]` section promises.

use serde::Serialize;
use stackwarden_core::{Finding, InputError};

use super::Outcome;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: &'a [Finding],
    errors: &'a [InputError],
    skipped: Vec<Skipped<'a>>,
    summary: Summary,
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
}

pub(super) fn render(outcome: &Outcome) -> anyhow::Result<String> {
    let document = Document {
        version: 1,
        findings: &outcome.findings,
        errors: &outcome.errors,
        skipped: outcome
            .skipped
            .iter()
            .map(|(path, reason)| Skipped { path, reason })
            .collect(),
        summary: Summary {
            files: outcome.files,
            findings: outcome.findings.len(),
            errors: outcome.errors.len(),
            skipped: outcome.skipped.len(),
        },
    };
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}
