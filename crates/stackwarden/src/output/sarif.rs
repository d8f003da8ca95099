//! `--format sarif`: SARIF 2.1.0 with one run, every rule in `tool.driver.rules` with its help,
//! regions with their end where the rule's model knows it, and `partialFingerprints` that do not
//! depend on line numbers (the baseline's fingerprint, and the root-cause group), so code
//! scanning keeps one alert per problem as lines move. SARIF is one document: its results are
//! kept until the end (compact findings, not JSON values).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{json, Value};
use stackwarden_core::{Excerpts, Finding, InputError, Severity};

use super::{End, Sink};
use crate::grouping;
use stackwarden_agent::{baseline, registry};

pub(super) struct Sarif<'w> {
    out: Box<dyn Write + 'w>,
    results: Vec<(Finding, String)>,
}

impl<'w> Sarif<'w> {
    pub(super) fn new(out: Box<dyn Write + 'w>) -> Self {
        Self {
            out,
            results: Vec::new(),
        }
    }
}

impl Sink for Sarif<'_> {
    fn findings(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        _: &BTreeMap<PathBuf, PathBuf>,
    ) -> io::Result<()> {
        self.results.extend(
            findings
                .iter()
                .map(|f| (f.clone(), baseline::fingerprint(f, excerpts))),
        );
        Ok(())
    }

    fn finish(&mut self, end: &End<'_>) -> io::Result<()> {
        let document = document(&self.results, end.errors);
        self.out
            .write_all((serde_json::to_string_pretty(&document)? + "\n").as_bytes())?;
        self.out.flush()
    }
}

fn document(findings: &[(Finding, String)], errors: &[InputError]) -> Value {
    let rules = registry::all_rules();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.docs, "markdown": rule.docs },
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|(f, fingerprint)| {
            let mut region = json!({ "startLine": f.line, "startColumn": f.column });
            if let (Some(line), Some(column)) = (f.end_line, f.end_column) {
                region["endLine"] = json!(line);
                region["endColumn"] = json!(column);
            }
            let mut result = json!({
                "ruleId": f.rule.id,
                "level": level(f.severity),
                "message": { "text": format!("{} — {}", f.message, f.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path) },
                        "region": region,
                    }
                }],
                "partialFingerprints": {
                    "stackwarden/v1": fingerprint,
                    "stackwarden/group/v1": grouping::id(&grouping::key(f)),
                },
            });
            if let Some(index) = rules.iter().position(|r| r.id == f.rule.id) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(source) = &f.source {
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "message": { "text": "the construct was created here" },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&source.path) },
                        "region": { "startLine": source.line, "startColumn": source.column },
                    }
                }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&e.path) },
                    "region": { "startLine": e.line.unwrap_or(1) },
                }}],
            })
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stackwarden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    document
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

fn uri(path: &std::path::Path) -> String {
    path.display().to_string().replace('\\', "/")
}
