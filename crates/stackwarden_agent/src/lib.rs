//! The agent side of stackwarden: the check engine ([`engine`]: which rules see which file, for
//! `check` and for the edit hook alike, with the rule [`registry`] and [`baseline`]s), the Claude
//! Code hook protocol (event in, answer out), the ledger (SQLite) that remembers reviewed diffs
//! and every deny/ask decision, `stackwarden init` (what to write into stackwarden.toml,
//! CLAUDE.md and .claude/settings.json) and the agent settings rules (`agent/*`).
//!
//! The layers point one way; nothing calls back up:
//!
//! ```text
//!   stackwarden (binary: CLI, output formats, exit codes, the process envelope)
//!        │
//!   stackwarden_agent (engine + registry + baselines, hook, ledger, init, agent/* rules)
//!        │
//!   ├── stackwarden_permissions (iam/missing-permission, iam/unused-permission)
//!   ├── stackwarden_cfn (templates, cdk.out, cdk.json: cfn/* cdk/*) ── stackwarden_iam (iam/*)
//!   ├── stackwarden_code (TypeScript/JavaScript, package.json: code/*)
//!   ├── stackwarden_secret (secret/*)
//!   └── stackwarden_guard (shell commands: guard/*)
//!        │
//!   stackwarden_core (Finding, RuleMeta, Options, Config, discovery, spans and locations,
//!                     excerpts, the suppression pass and meta/*)
//! ```
//!
//! Beside the layers, never linked into the binary: `stackwarden_rulegen`, the build-dependency
//! that generates each domain's rule tables from its `src/rules/` files, and
//! `stackwarden_testkit`, the dev-dependency every crate's tests share.
//!
//! No printing, no exiting, no environment reads: the binary gathers stdin, the environment,
//! the AWS config text and the clock, calls [`hook::handle`], and prints what comes back; for
//! `init` it calls [`init::plan`] and writes the planned files.

pub mod baseline;
mod check;
pub mod edit;
pub mod engine;
pub mod fingerprint;
pub mod hook;
pub mod init;
pub mod ledger;
pub mod mcp;
mod mcp_hook;
pub mod permission;
pub mod prefix_rules;
pub mod project;
pub mod protocol;
pub mod registration;
pub mod registry;
pub mod rules;
pub mod settings;

pub use check::{check_hooks_registered, check_settings_file, Options};
pub use hook::{handle, judge_in_project, HookEnv, HookOutcome};
pub use init::permissions::deny_rules;
pub use ledger::{DecisionRecord, DiffRecord, Ledger, LedgerError, Progress, ProjectLedger};
pub use prefix_rules::prefix_rule_denies;
pub use rules::all_metas;
