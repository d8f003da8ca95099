//! The `iam/*` rules. Each rule is one file: its metadata and documentation (`META`) and a pure
//! function from a parsed policy to findings. Rules about templates as a whole (`iam/iam-user`,
//! `iam/access-key`, `iam/shared-execution-role`) keep their metadata and documentation here and
//! their check where the template is (`stackwarden_cfn::policies`).
//!
//! Adding a rule = copy a sibling, add fail/pass fixtures under tests/fixtures/<rule>/, list it in
//! [`RULES`] (or [`TEMPLATE_RULES`]).

use stackwarden_core::{RuleFilter, RuleMeta};

use crate::policy::Policy;
use crate::{PolicyContext, PolicyFinding};

pub mod access_key;
pub mod admin_policy;
pub mod cross_account_no_external_id;
pub mod iam_user;
pub mod malformed_policy;
pub mod not_action_allow;
pub mod not_resource_allow;
pub mod passrole_star;
pub mod privilege_escalation;
pub mod shared_execution_role;
pub mod unknown_action;
pub mod unknown_service;
pub mod wildcard_action;
pub mod wildcard_privileged;
pub mod wildcard_resource;

pub type Check = fn(&Policy<'_>, &PolicyContext<'_>, &mut Vec<PolicyFinding>);

pub struct PolicyRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// Every rule that judges one policy, in id order.
pub static RULES: &[PolicyRule] = &[
    PolicyRule {
        meta: &admin_policy::META,
        check: admin_policy::check,
    },
    PolicyRule {
        meta: &cross_account_no_external_id::META,
        check: cross_account_no_external_id::check,
    },
    PolicyRule {
        meta: &malformed_policy::META,
        check: malformed_policy::check,
    },
    PolicyRule {
        meta: &not_action_allow::META,
        check: not_action_allow::check,
    },
    PolicyRule {
        meta: &not_resource_allow::META,
        check: not_resource_allow::check,
    },
    PolicyRule {
        meta: &passrole_star::META,
        check: passrole_star::check,
    },
    PolicyRule {
        meta: &unknown_action::META,
        check: unknown_action::check,
    },
    PolicyRule {
        meta: &unknown_service::META,
        check: unknown_service::check,
    },
    PolicyRule {
        meta: &wildcard_action::META,
        check: wildcard_action::check,
    },
    PolicyRule {
        meta: &wildcard_privileged::META,
        check: wildcard_privileged::check,
    },
    PolicyRule {
        meta: &wildcard_resource::META,
        check: wildcard_resource::check,
    },
];

/// Rules checked across policies or on the template; listed for `rules` and `explain`.
pub static TEMPLATE_RULES: &[&RuleMeta] = &[
    &access_key::META,
    &iam_user::META,
    &privilege_escalation::META,
    &shared_execution_role::META,
];

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
        privilege_escalation::check(policies, out);
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
