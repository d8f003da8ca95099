//! The permission rules; each file declares its metadata, [`crate::check`] runs them. Adding a
//! rule = a file with its `META`, its check in [`crate::check`], and `cargo xtask docs`; build.rs
//! lists every file of this folder in [`all_metas`] (stackwarden_rulegen).

use stackwarden_core::RuleMeta;

// The `mod`s of the files in this folder and `METAS` (build.rs, stackwarden_rulegen).
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    METAS.iter().copied()
}
