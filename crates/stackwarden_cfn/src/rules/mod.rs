//! The template rules. Each rule is one file: its metadata and documentation (`META`) and one
//! function from the template context to findings. Adding a rule = copy a sibling, change it, add
//! pass/fail fixtures under tests/fixtures/<rule>/, and list it in [`RULES`].

use stackwarden_core::{Finding, RuleMeta};

use crate::context::TemplateContext;

pub(crate) mod cdk_not_synthesized;
pub(crate) mod cdk_stale_synth;
mod credentials_in_env;
mod duplicate_key;
mod dynamodb_pitr;
mod hardcoded_account;
mod hardcoded_arn;
mod hardcoded_region;
mod lambda_bundle_size;
mod lambda_runtime;
mod missing_tags;
mod naming;
mod prod_retain;
mod s3_encryption;
mod s3_public_access;
mod s3_versioning;

pub type Check = fn(&TemplateContext<'_>, &mut Vec<Finding>);

pub struct TemplateRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

/// Every template rule, in id order.
pub static RULES: &[TemplateRule] = &[
    TemplateRule {
        meta: &duplicate_key::META,
        check: duplicate_key::check,
    },
    TemplateRule {
        meta: &dynamodb_pitr::META,
        check: dynamodb_pitr::check,
    },
    TemplateRule {
        meta: &hardcoded_account::META,
        check: hardcoded_account::check,
    },
    TemplateRule {
        meta: &hardcoded_arn::META,
        check: hardcoded_arn::check,
    },
    TemplateRule {
        meta: &hardcoded_region::META,
        check: hardcoded_region::check,
    },
    TemplateRule {
        meta: &lambda_bundle_size::META,
        check: lambda_bundle_size::check,
    },
    TemplateRule {
        meta: &lambda_runtime::META,
        check: lambda_runtime::check,
    },
    TemplateRule {
        meta: &missing_tags::META,
        check: missing_tags::check,
    },
    TemplateRule {
        meta: &naming::META,
        check: naming::check,
    },
    TemplateRule {
        meta: &prod_retain::META,
        check: prod_retain::check,
    },
    TemplateRule {
        meta: &s3_encryption::META,
        check: s3_encryption::check,
    },
    TemplateRule {
        meta: &s3_public_access::META,
        check: s3_public_access::check,
    },
    TemplateRule {
        meta: &s3_versioning::META,
        check: s3_versioning::check,
    },
    TemplateRule {
        meta: &credentials_in_env::META,
        check: credentials_in_env::check,
    },
];

/// Rules about a CDK app as a whole, checked from its cdk.json (`crate::cdk_app`).
pub static CDK_APP_RULES: &[&RuleMeta] = &[&cdk_not_synthesized::META, &cdk_stale_synth::META];

/// `cfn/missing-tags`, whose findings across a CDK app are fixed by one `Tags.of(app)` call.
pub static MISSING_TAGS: &RuleMeta = &missing_tags::META;

/// The metadata of every rule this crate implements.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta)
        .chain(CDK_APP_RULES.iter().copied())
}
