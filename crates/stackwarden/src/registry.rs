//! Every rule the tool knows, gathered from the domain crates' own registries.

use stackwarden_core::RuleMeta;

pub(crate) fn all_rules() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = stackwarden_cfn::rules::all_metas().collect();
    rules.extend(stackwarden_iam::all_metas());
    rules.extend(stackwarden_code::all_metas());
    rules.extend(stackwarden_guard::RULES.iter());
    rules.extend(stackwarden_agent::all_metas());
    rules.extend(stackwarden_secret::all_metas());
    rules.extend(stackwarden_permissions::all_metas());
    rules.sort_by_key(|r| r.id);
    // `secret/credentials-in-env` is checked by three crates (templates, CDK source, the
    // scanner) that all point at its one `static` declaration: list it once. Two declarations
    // sharing an id stay, for the test below to catch.
    rules.dedup_by(|a, b| std::ptr::eq(*a, *b));
    rules
}

pub(crate) fn rule_ids() -> Vec<&'static str> {
    all_rules().iter().map(|r| r.id).collect()
}

pub(crate) fn find(id: &str) -> Option<&'static RuleMeta> {
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

    #[test]
    fn the_secret_rules_are_listed_once() {
        let ids = rule_ids();
        for id in ["secret/aws-access-key", "secret/credentials-in-env"] {
            assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}");
        }
    }
}
