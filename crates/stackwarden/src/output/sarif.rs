//! `--format sarif`: SARIF 2.1.0 with one run, every rule in `tool.driver.rules` with its help,
//! and `partialFingerprints` that do not depend on line numbers, so code scanning keeps one alert
//! per problem as lines move.

use serde_json::{json, Value};
use stackwarden_core::{Finding, Severity};

use super::Outcome;
use crate::registry;

pub(super) fn render(outcome: &Outcome) -> anyhow::Result<String> {
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
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": format!("{} — {}", f.message, f.help) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path) },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
                "partialFingerprints": { "stackwarden/v1": fingerprint(f) },
            });
            if let Some(index) = rules.iter().position(|r| r.id == f.rule) {
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
    let notifications: Vec<Value> = outcome
        .errors
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
                "executionSuccessful": outcome.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    Ok(serde_json::to_string_pretty(&document)? + "\n")
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

/// FNV-1a over what identifies the problem, not where it currently is.
fn fingerprint(f: &Finding) -> String {
    let key = format!(
        "{}\0{}\0{}\0{}",
        f.rule,
        uri(&f.path),
        f.resource.as_deref().unwrap_or(""),
        f.message
    );
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}
