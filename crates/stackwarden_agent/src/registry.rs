//! Every rule the tool knows, gathered from the domain crates' own registries: what `rules`,
//! `explain`, SARIF and the suppression checks list, and what the edit hook knows too.

use stackwarden_core::RuleMeta;

pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = stackwarden_cfn::rules::all_metas().collect();
    rules.extend(stackwarden_iam::all_metas());
    rules.extend(stackwarden_code::all_metas());
    rules.extend(stackwarden_guard::RULES.iter());
    rules.extend(crate::rules::all_metas());
    rules.extend(stackwarden_secret::all_metas());
    rules.extend(stackwarden_core::suppression::META_RULES.iter().copied());
    rules.push(&crate::baseline::UNUSED_BASELINE);
    rules.extend(stackwarden_permissions::all_metas());
    rules.sort_by_key(|r| r.id);
    // `secret/credentials-in-env` is checked by three crates (templates, CDK source, the
    // scanner) that all point at its one `static` declaration: list it once. Two declarations
    // sharing an id stay, for the test below to catch.
    rules.dedup_by(|a, b| std::ptr::eq(*a, *b));
    rules
}

pub fn rule_ids() -> Vec<&'static str> {
    all_rules().iter().map(|r| r.id).collect()
}

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    all_rules().into_iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented_with_the_fixed_headings() {
        for rule in all_rules() {
            assert!(
                rule.missing_doc_headings().is_empty(),
                "{} lacks {:?}",
                rule.id,
                rule.missing_doc_headings()
            );
            assert!(rule.id.contains('/'), "{} is not domain/name", rule.id);
            assert!(!rule.summary.is_empty());
        }
        let mut ids = rule_ids();
        ids.dedup();
        assert_eq!(ids.len(), all_rules().len(), "duplicate rule ids");
    }

    /// Rules whose pass and fail cases are not fixture files, and where they are tested instead.
    const TESTED_ELSEWHERE: &[(&str, &str)] = &[
        ("guard/", "the guard's decisions: crates/stackwarden_guard/tests (corpus files of real commands, plain and obfuscated)"),
        ("meta/unused-baseline", "crates/stackwarden/src/baseline.rs and tests/report_shape.rs (a baseline written, then checked)"),
        ("meta/", "the suppressions fixtures of crates/stackwarden_cfn and crates/stackwarden_code"),
        ("cdk/stale-synth", "crates/stackwarden_cfn/tests/cdk_synth_state.rs: git keeps no modification times, so the test copies one app and sets them both ways"),
        ("cfn/lambda-bundle-size", "crates/stackwarden_cfn/tests/rules.rs: the failing case is over 1 MB of code, written by the test rather than committed"),
        ("iam/missing-permission", "crates/stackwarden_permissions/tests (a synthesized app's functions)"),
        ("iam/unused-permission", "crates/stackwarden_permissions/tests (a synthesized app's functions)"),
    ];

    /// Every rule has a fail and a pass fixture: `tests/fixtures/<name>/` (or `<domain>-<name>/`)
    /// in a crate, holding a `fail*` and a `pass*` entry, unless it is tested another way said
    /// above. A new rule without fixtures fails here, not in review.
    #[test]
    fn every_rule_has_fail_and_pass_fixtures() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let folders: Vec<std::path::PathBuf> = std::fs::read_dir(&crates)
            .expect("crates")
            .flatten()
            .map(|c| c.path().join("tests/fixtures"))
            .filter(|f| f.is_dir())
            .collect();
        let mut missing = Vec::new();
        for rule in all_rules() {
            if TESTED_ELSEWHERE.iter().any(|(prefix, _)| {
                rule.id == *prefix || (prefix.ends_with('/') && rule.id.starts_with(prefix))
            }) {
                continue;
            }
            let (domain, name) = rule.id.split_once('/').expect("domain/name");
            let has = |kind: &str| {
                folders.iter().any(|folder| {
                    [name.to_string(), format!("{domain}-{name}")]
                        .iter()
                        .any(|dir| {
                            std::fs::read_dir(folder.join(dir)).is_ok_and(|entries| {
                                entries
                                    .flatten()
                                    .any(|e| e.file_name().to_string_lossy().starts_with(kind))
                            })
                        })
                })
            };
            if !has("fail") || !has("pass") {
                missing.push(rule.id);
            }
        }
        assert!(
            missing.is_empty(),
            "rules without a fail and a pass fixture under crates/*/tests/fixtures/<name>/: {missing:?}"
        );
    }

    /// Every rule that is off by default is a rule, and its docs say so and why.
    #[test]
    fn rules_off_by_default_exist_and_say_so() {
        for id in stackwarden_core::config::DEFAULT_OFF {
            let rule = find(id).unwrap_or_else(|| panic!("DEFAULT_OFF names {id}, no rule"));
            assert!(
                rule.docs.contains("**Off by default**") && rule.docs.contains("Precision:"),
                "{id}: its docs must say it is off by default, with its measured precision"
            );
        }
    }

    #[test]
    fn the_secret_rules_are_listed_once() {
        let ids = rule_ids();
        for id in ["secret/aws-access-key", "secret/credentials-in-env"] {
            assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}");
        }
    }
}
