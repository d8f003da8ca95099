//! The template rules. Each rule is one file: its metadata and documentation (`META`) and one
//! function from the template context to findings. Adding a rule = copy a sibling, change it, and
//! add pass/fail fixtures under tests/fixtures/<rule>/; build.rs lists every file of this folder
//! (stackwarden_rulegen): one with a `check` in [`RULES`], one without (its check elsewhere) in
//! [`CDK_APP_RULES`]. Run `cargo xtask docs` for docs/rules.md.

use stackwarden_core::{Finding, RuleMeta};

use crate::context::TemplateContext;

pub type Check = fn(&TemplateContext<'_>, &mut Vec<Finding>);

pub struct TemplateRule {
    pub meta: &'static RuleMeta,
    pub check: Check,
}

// The `mod`s of the files in this folder, [`RULES`] and [`CDK_APP_RULES`].
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// `cfn/missing-tags`, whose findings across a CDK app are fixed by one `Tags.of(app)` call.
pub static MISSING_TAGS: &RuleMeta = &missing_tags::META;

/// The metadata of every rule this crate implements.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta)
        .chain(CDK_APP_RULES.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables are sorted by id, not by file name: `credentials_in_env.rs` declares
    /// `secret/credentials-in-env`, which comes after every `cfn/*` rule.
    #[test]
    fn the_generated_tables_are_in_id_order() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(ids.first(), Some(&"cfn/duplicate-key"));
        assert_eq!(ids.last(), Some(&"secret/credentials-in-env"));
        let app: Vec<&str> = CDK_APP_RULES.iter().map(|r| r.id).collect();
        assert_eq!(app, ["cdk/not-synthesized", "cdk/stale-synth"]);
    }
}
