//! The code rules. Each rule is one file: its metadata and documentation (`META`) and one
//! function from the parsed source (or package.json) to findings. Adding a rule = copy a sibling,
//! change it, add `tests/fixtures/<rule>/{fail,pass}.*`, and list it in [`RULES`].

use stackwarden_core::{Finding, RuleMeta};

use crate::context::SourceContext;
use crate::package_json::PackageContext;

mod client_in_handler;
mod credentials_in_env;
mod cross_account_no_external_id;
mod env_unchecked;
mod handler_no_rethrow;
mod hardcoded_account;
mod hardcoded_arn;
mod hardcoded_region;
mod iam_actions;
mod iam_user;
mod missing_idempotency;
mod missing_observability;
mod missing_timeout;
mod policy_string_concat;
mod put_without_condition;
mod resource_star_comment;
mod sdk_aggregated_client;
mod sdk_mixed;
mod sdk_v2;
mod swallowed_error;
mod wildcard_action;

pub(crate) type Check = fn(&SourceContext<'_, '_>, &mut Vec<Finding>);
pub(crate) type PackageCheck = fn(&PackageContext<'_>, &mut Vec<Finding>);

pub(crate) struct SourceRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

pub(crate) struct PackageRule {
    pub meta: &'static RuleMeta,
    pub check: PackageCheck,
}

/// Every source rule, in id order.
pub(crate) static RULES: &[SourceRule] = &[
    SourceRule {
        meta: &client_in_handler::META,
        check: client_in_handler::check,
    },
    SourceRule {
        meta: &cross_account_no_external_id::META,
        check: cross_account_no_external_id::check,
    },
    SourceRule {
        meta: &env_unchecked::META,
        check: env_unchecked::check,
    },
    SourceRule {
        meta: &handler_no_rethrow::META,
        check: handler_no_rethrow::check,
    },
    SourceRule {
        meta: &hardcoded_account::META,
        check: hardcoded_account::check,
    },
    SourceRule {
        meta: &hardcoded_arn::META,
        check: hardcoded_arn::check,
    },
    SourceRule {
        meta: &hardcoded_region::META,
        check: hardcoded_region::check,
    },
    SourceRule {
        meta: &iam_user::META,
        check: iam_user::check,
    },
    SourceRule {
        meta: &missing_idempotency::META,
        check: missing_idempotency::check,
    },
    SourceRule {
        meta: &missing_observability::META,
        check: missing_observability::check,
    },
    SourceRule {
        meta: &missing_timeout::META,
        check: missing_timeout::check,
    },
    SourceRule {
        meta: &policy_string_concat::META,
        check: policy_string_concat::check,
    },
    SourceRule {
        meta: &put_without_condition::META,
        check: put_without_condition::check,
    },
    SourceRule {
        meta: &resource_star_comment::META,
        check: resource_star_comment::check,
    },
    SourceRule {
        meta: &sdk_aggregated_client::META,
        check: sdk_aggregated_client::check,
    },
    SourceRule {
        meta: &sdk_mixed::META,
        check: sdk_mixed::check,
    },
    SourceRule {
        meta: &sdk_v2::META,
        check: sdk_v2::check,
    },
    SourceRule {
        meta: &swallowed_error::META,
        check: swallowed_error::check,
    },
    SourceRule {
        meta: &wildcard_action::META,
        check: wildcard_action::check,
    },
    SourceRule {
        meta: &credentials_in_env::META,
        check: credentials_in_env::check,
    },
];

/// IAM rules that also judge the action strings of CDK source. Their metadata and documentation
/// are stackwarden_iam's (so they are not in [`all_metas`]); listing them here makes rule
/// selection, configured severities and suppressions apply to them as to any code rule.
pub(crate) static IAM_RULES: &[SourceRule] = &[
    SourceRule {
        meta: &stackwarden_iam::rules::unknown_action::META,
        check: iam_actions::check_unknown_action,
    },
    SourceRule {
        meta: &stackwarden_iam::rules::unknown_service::META,
        check: iam_actions::check_unknown_service,
    },
];

/// Rules over package.json dependencies.
pub(crate) static PACKAGE_RULES: &[PackageRule] = &[
    PackageRule {
        meta: &sdk_mixed::META,
        check: sdk_mixed::check_package,
    },
    PackageRule {
        meta: &sdk_v2::META,
        check: sdk_v2::check_package,
    },
];

/// The rules about a deployed Lambda handler's behaviour (timeouts, clients at module scope,
/// rethrowing, idempotency, observability, checked environment, conditional writes): a test
/// file is not deployed, and its mocks and fixtures are not handlers, so these rules do not run
/// on tests. Nor do the hardcoded region and ARN rules: a test's events and expectations are
/// literal by nature (`awsRegion: 'eu-west-2'`, `eventSourceARN: 'arn:aws:sqs:eu-west-2:...'` in
/// a sample record), and nothing in a test pins deployed code to a region. Nor does
/// swallowed-error: `try { fn() } catch {}` before asserting on a spy is how a test lets an
/// expected failure happen. Every other code rule
/// (credentials, account ids, IAM, SDK version) runs on tests too: a real account id in a test
/// is still one written into the repository.
const HANDLER_RULES: &[&str] = &[
    "code/client-in-handler",
    "code/env-unchecked",
    "code/handler-no-rethrow",
    "code/hardcoded-arn",
    "code/hardcoded-region",
    "code/missing-idempotency",
    "code/missing-observability",
    "code/missing-timeout",
    "code/put-without-condition",
    "code/swallowed-error",
];

/// Whether a code rule runs on test files (see [`HANDLER_RULES`]).
pub fn runs_on_tests(rule: &str) -> bool {
    !HANDLER_RULES.contains(&rule)
}

/// The metadata of every rule this crate implements (the `meta/*` ones are listed by stackwarden_cfn).
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta)
}
