//! The agent side of stackwarden: the Claude Code hook protocol (event in, answer out) and the
//! ledger (SQLite) that remembers reviewed diffs and every deny/ask decision.
//!
//! No printing, no exiting, no environment reads: the binary gathers stdin, the environment,
//! the AWS config text and the clock, calls [`hook::handle`], and prints what comes back.

pub mod fingerprint;
pub mod hook;
pub mod ledger;
pub mod project;
pub mod protocol;

pub use hook::{handle, HookEnv, HookOutcome};
pub use ledger::{DecisionRecord, DiffRecord, Ledger, LedgerError};
