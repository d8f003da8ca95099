//! The agent settings rules. Each rule is one file: its metadata and documentation (`META`) and
//! one function from the parsed settings to findings. Adding a rule = copy a sibling, change it,
//! call its check from `crate::check`, and add fixtures under `tests/fixtures/<rule>/`; build.rs
//! lists every file of this folder in [`all_metas`] (stackwarden_rulegen).

use stackwarden_core::RuleMeta;

// The `mod`s of the files in this folder and `METAS`.
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// The metadata of every rule this crate implements.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    METAS.iter().copied()
}
