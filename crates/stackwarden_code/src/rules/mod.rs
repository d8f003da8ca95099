//! The code rules. Each rule is one file: its metadata and documentation (`META`) and one
//! function from the parsed source (or package.json) to findings. Adding a rule = copy a sibling,
//! change it, and add `tests/fixtures/<rule>/{fail,pass}.*`; build.rs lists every file of this
//! folder (stackwarden_rulegen): its `check` in [`RULES`], its `check_package` in
//! [`PACKAGE_RULES`]. A rule that must not run on test files is also named in [`HANDLER_RULES`].
//! Run `cargo xtask docs` for docs/rules.md.
//!
//! [`IAM_RULES`] stays a hand list: its metadata is stackwarden_iam's and its two checks share one
//! file (`iam_actions.rs`), so generating it would need a second convention for one pair.

use stackwarden_core::{Finding, RuleMeta};

use crate::context::SourceContext;
use crate::package_json::PackageContext;

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

// The `mod`s of the files in this folder, [`RULES`] and [`PACKAGE_RULES`].
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

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

/// The metadata of every rule this crate implements (the `meta/*` ones are core's suppression
/// pass).
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted by id, not by file name (`credentials_in_env.rs` declares
    /// `secret/credentials-in-env`); a rule with both checks is in both tables.
    #[test]
    fn the_generated_tables_are_in_id_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(ids.last(), Some(&"secret/credentials-in-env"));
        let package: Vec<&str> = PACKAGE_RULES.iter().map(|r| r.meta.id).collect();
        assert_eq!(package, ["code/sdk-mixed", "code/sdk-v2"]);
    }
}
