//! TypeScript/JavaScript and package.json rules (`code/*`), on the oxc parser and its semantic
//! analysis (scopes, symbols, references, imports within a file): rules ask what a name refers
//! to, never what the text looks like.
//!
//! Nothing here prints or exits; the CLI renders what [`check_source_file`] and
//! [`check_package_json`] return.

pub mod calls;
mod catches;
mod cdk;
pub mod cdk_source;
mod check;
mod context;
mod facts;
mod handler;
mod imports;
mod literals;
mod package_json;
pub mod rules;
mod sdk;
mod suppress;

pub use check::is_test_file;
pub use check::{
    check_source_file, check_source_text, is_skipped, read_text as read_source, Options,
    MAX_SOURCE_BYTES,
};
pub use facts::{is_node_runtime, source_facts, NamedValue, SourceFacts};
pub use package_json::{
    check_package_json, parse_package_json, read_package_json, Dependency, PackageJson,
};
pub use rules::{all_metas, runs_on_tests};
pub use stackwarden_core::Report;
