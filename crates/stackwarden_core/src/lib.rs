//! The shared vocabulary of stackwarden: findings, rule metadata, configuration, the spanned
//! document model that templates and policies are parsed into, and file discovery.
//!
//! This crate never prints, never exits and never reads the environment: callers pass inputs in
//! and get data back.

pub mod aws;
pub mod config;
pub mod discover;
pub mod excerpt;
pub mod files;
pub mod finding;
pub mod node;
pub mod options;
pub mod rule;
pub mod span;
pub mod suppression;

pub use excerpt::{Excerpt, Excerpts};
pub use finding::{Finding, InputError, Report, Severity, SourceLocation};
pub use node::{Key, Map, Node, Value};
pub use options::Options;
pub use rule::{RuleFilter, RuleMeta};
pub use span::{LineIndex, Location, Span};
