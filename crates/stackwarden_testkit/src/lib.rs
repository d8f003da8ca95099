//! What the stackwarden crates' tests share, written once: the rule fixture folders
//! (`tests/fixtures/<rule>/{fail,pass}.*`) and the generated fail/pass tests over them, the
//! one-line rendering of findings the snapshots hold, the inputs of a check run (configuration,
//! rule selection, known rule ids, a fixed date) turned into each domain's options, temporary
//! project folders, the built `stackwarden` binary run as a user or Claude Code would, and the
//! guard's in-memory project.
//!
//! A dev-dependency only: no shipped crate depends on it (`cargo tree -e normal -p stackwarden`).
//! The domain-specific parts sit behind a feature named after their domain (`cfn`, `code`,
//! `secret`, `agent`, `guard`), so each crate's tests build only what they use.

#![allow(clippy::unwrap_used)] // A test helper that cannot do its job fails the test: that is its report.

pub mod cli;
pub mod findings;
pub mod fixtures;
#[cfg(feature = "guard")]
pub mod guard;
pub mod options;
pub mod project;

pub use findings::{render, sorted, Layout};
pub use fixtures::Fixtures;
pub use options::CheckRun;

/// Re-exported for [`rule_fixture_tests!`], whose snapshots are written by the calling crate.
#[doc(hidden)]
pub use insta;

/// The date every test runs on, so rules about deprecation dates (Lambda runtimes) give the same
/// findings whatever day the tests run.
pub const TODAY: &str = "2026-11-25";
