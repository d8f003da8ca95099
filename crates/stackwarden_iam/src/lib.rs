//! IAM for stackwarden: the embedded AWS action database ([`db`]), the policy model parsed from
//! the spanned document tree ([`policy`]), and the `iam/*` rules as pure functions from policies
//! to findings ([`rules`]).
//!
//! Where policies live (templates, CDK synth output, standalone JSON) is the callers' business:
//! this crate never reads files, prints or exits, and depends on `stackwarden_core` only.

pub mod db;
pub mod pattern;
pub mod policy;
pub mod principals;
pub mod resolve;
pub mod rules;
pub mod suggest;

use stackwarden_core::{RuleMeta, Span};

pub use policy::{parse, Policy, PolicyKind, ResourcePolicy};
pub use rules::{all_metas, check_policy, check_principal};

/// What a policy rule found, before the caller places it in a file and resource.
#[derive(Debug, Clone)]
pub struct PolicyFinding {
    pub rule: &'static RuleMeta,
    pub span: Span,
    pub message: String,
    pub help: String,
    pub suggestion: Option<String>,
    /// What the problem is about wherever it is written (see `Finding::cause`): the account a
    /// trust policy lets in.
    pub cause: Option<String>,
}

/// What the rules need to know beyond the policy itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct PolicyContext<'a> {
    /// The account the policy is deployed in, when known literally (a CDK stack's `env.account`).
    pub own_account: Option<&'a str>,
    /// Accounts that may be trusted without an external id (`accounts.trusted`).
    pub trusted_accounts: &'a [String],
}
