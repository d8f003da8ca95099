//! The `iam/*` rules. Each rule is one file: its metadata and documentation (`META`) and a pure
//! function from a parsed policy to findings. Rules about templates as a whole (`iam/iam-user`,
//! `iam/access-key`, `iam/shared-execution-role`) keep their metadata and documentation here and
//! their check where the template is (`stackwarden_cfn::policies`).
//!
//! Adding a rule = copy a sibling and add fail/pass fixtures under tests/fixtures/<rule>/; build.rs
//! lists every file of this folder (stackwarden_rulegen): one with a `check` in [`RULES`], one
//! without (its check elsewhere) in [`TEMPLATE_RULES`]. Run `cargo xtask docs` for docs/rules.md.

use stackwarden_core::{RuleFilter, RuleMeta};

use crate::policy::Policy;
use crate::{PolicyContext, PolicyFinding};

pub type Check = fn(&Policy<'_>, &PolicyContext<'_>, &mut Vec<PolicyFinding>);

pub struct PolicyRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

// The `mod`s of the files in this folder, [`RULES`] and [`TEMPLATE_RULES`].
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// The metadata of every `iam/*` rule.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta)
        .chain(TEMPLATE_RULES.iter().copied())
}

/// Runs every enabled single-policy rule over `policy`.
pub fn check_policy(
    policy: &Policy<'_>,
    ctx: &PolicyContext<'_>,
    filter: &RuleFilter,
    out: &mut Vec<PolicyFinding>,
) {
    for rule in RULES.iter().filter(|r| filter.enabled(r.meta.id)) {
        (rule.check)(policy, ctx, out);
    }
}

/// Runs the rules that judge everything one principal is granted (`iam/privilege-escalation`);
/// each finding comes with the index in `policies` of the policy it points into.
pub fn check_principal(
    policies: &[&Policy<'_>],
    filter: &RuleFilter,
    out: &mut Vec<(usize, PolicyFinding)>,
) {
    if filter.enabled(privilege_escalation::META.id) {
        privilege_escalation::check_principal(policies, out);
    }
}

/// A finding of `meta` (shorthand for the rule files).
pub(crate) fn finding(
    meta: &'static RuleMeta,
    span: stackwarden_core::Span,
    message: String,
    help: impl Into<String>,
) -> PolicyFinding {
    PolicyFinding {
        rule: meta,
        span,
        message,
        help: help.into(),
        suggestion: None,
        cause: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule file with a `check` is a single-policy rule; one without (its check elsewhere) is
    /// listed for `rules` and `explain` only.
    #[test]
    fn the_generated_tables_hold_each_rule_once_in_id_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
        assert_eq!(ids.len(), 11);
        let template: Vec<&str> = TEMPLATE_RULES.iter().map(|r| r.id).collect();
        assert_eq!(
            template,
            [
                "iam/access-key",
                "iam/iam-user",
                "iam/privilege-escalation",
                "iam/shared-execution-role"
            ]
        );
    }
}
