//! The `secret/*` rules. `secret/aws-access-key` runs here, over any text; the checks of
//! `secret/credentials-in-env` run where its inputs are parsed (templates in stackwarden_cfn, CDK
//! source in stackwarden_code), which declare it with [`CREDENTIALS_IN_ENV`] from here.
//!
//! Each rule is one file; build.rs lists every file of this folder in `METAS`
//! (stackwarden_rulegen). Adding a rule = a file with its `META`, its check called from
//! `crate::check`, fixtures under tests/fixtures/<rule>/, and `cargo xtask docs`.
//!
//! Both are `static`s, not `const`s: every crate that reports a rule refers to the one
//! declaration, so the CLI's registry can tell a rule listed by two crates from two rules that
//! share an id.

use stackwarden_core::RuleMeta;

// The `mod`s of the files in this folder and `METAS`.
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

pub use aws_access_key::{describe, META as AWS_ACCESS_KEY};
pub use credentials_in_env::{
    EXAMPLE_HELP as CREDENTIALS_IN_ENV_EXAMPLE_HELP, HELP as CREDENTIALS_IN_ENV_HELP,
    META as CREDENTIALS_IN_ENV,
};

pub(crate) use aws_access_key::finding as access_key_finding;

/// The metadata of every `secret/*` rule.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    METAS.iter().copied()
}
