//! Rule metadata. Each rule declares its id, default severity, one-line summary and its
//! documentation in its own file; `stackwarden rules`, `stackwarden explain` and docs/rules are
//! generated from these declarations.

use crate::finding::Severity;

#[derive(Clone, Copy)]
pub struct RuleMeta {
    /// Stable id, `domain/name` (`cfn/s3-encryption`).
    pub id: &'static str,
    pub severity: Severity,
    /// One line for the rules table.
    pub summary: &'static str,
    /// Markdown with the fixed headings `## What it does`, `## Why`, `## Example`, `## Fix`.
    pub docs: &'static str,
}

/// A rule is its id: two declarations compare equal when they declare the same id.
impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for RuleMeta {}

/// `finding.rule == "cfn/s3-encryption"`, for tests and for input that names a rule.
impl PartialEq<str> for RuleMeta {
    fn eq(&self, id: &str) -> bool {
        self.id == id
    }
}

/// A finding's `Debug` names its rule, not the rule's whole documentation (which holds example
/// keys and would bury the finding).
impl std::fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RuleMeta({})", self.id)
    }
}

/// A rule prints as its id.
impl std::fmt::Display for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

/// The headings every rule's documentation must have, in this order.
pub const DOC_HEADINGS: [&str; 4] = ["## What it does", "## Why", "## Example", "## Fix"];

impl RuleMeta {
    /// The headings missing from the documentation, for the test that keeps docs complete.
    pub fn missing_doc_headings(&self) -> Vec<&'static str> {
        DOC_HEADINGS
            .iter()
            .copied()
            .filter(|h| !self.docs.contains(h))
            .collect()
    }
}

/// Whether `rule` runs at all: selected by `--select`/`--ignore` and not turned off in
/// `[rules]`. Every domain asks this one question before running a rule or reporting about one.
pub fn runs(rule: &RuleMeta, config: &crate::config::Config, filter: &RuleFilter) -> bool {
    filter.enabled(rule.id) && level(rule.id, rule.severity, config, filter).is_some()
}

/// The severity a finding of rule `id` gets (`default` unless `[rules]` says otherwise), `None`
/// when the rule is off. A rule off by default ([`crate::config::DEFAULT_OFF`]) that `--select`
/// names by id runs at its default severity.
pub fn level(
    id: &str,
    default: crate::finding::Severity,
    config: &crate::config::Config,
    filter: &RuleFilter,
) -> Option<crate::finding::Severity> {
    if !config.rule_levels.contains_key(id) && filter.select.iter().any(|s| s.trim() == id) {
        return Some(default);
    }
    config.severity_for(id, default)
}

/// Gives each finding the severity `[rules]` configures for its rule and drops the findings of
/// rules turned off: the one pass every domain's findings go through.
pub fn configure(
    findings: &mut Vec<crate::finding::Finding>,
    config: &crate::config::Config,
    filter: &RuleFilter,
) {
    findings.retain_mut(|f| match level(f.rule.id, f.severity, config, filter) {
        Some(severity) => {
            f.severity = severity;
            true
        }
        None => false,
    });
}

/// `--select` / `--ignore`: rule ids or domain prefixes (`iam`, `cfn/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleFilter {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleFilter {
    pub fn enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| selects(s, id)))
            && !self.ignore.iter().any(|s| selects(s, id))
    }
}

/// `cfn/s3-encryption` selects itself; `cfn` and `cfn/` select the whole domain.
fn selects(selector: &str, id: &str) -> bool {
    let selector = selector.trim();
    if selector == id {
        return true;
    }
    let domain = selector.trim_end_matches('/');
    !domain.contains('/')
        && id
            .strip_prefix(domain)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_ids_and_domains() {
        let filter = RuleFilter {
            select: vec!["cfn".into()],
            ignore: vec!["cfn/naming".into()],
        };
        assert!(filter.enabled("cfn/s3-encryption"));
        assert!(!filter.enabled("cfn/naming"));
        assert!(!filter.enabled("iam/wildcard-action"));
        assert!(!filter.enabled("cfnx/thing"));
        assert!(RuleFilter::default().enabled("iam/wildcard-action"));
    }
}
