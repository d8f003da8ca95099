//! `--format json`, exactly the SPEC's shape (`version`, `findings`, `errors`, `summary`).

use serde::Serialize;
use stackwarden_core::{Finding, InputError};

use super::Outcome;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: &'a [Finding],
    errors: &'a [InputError],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
}

pub(super) fn render(outcome: &Outcome) -> anyhow::Result<String> {
    let document = Document {
        version: 1,
        findings: &outcome.findings,
        errors: &outcome.errors,
        summary: Summary {
            files: outcome.files,
            findings: outcome.findings.len(),
            errors: outcome.errors.len(),
        },
    };
    Ok(serde_json::to_string_pretty(&document)? + "\n")
}
