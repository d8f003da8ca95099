//! The permission rules; each file declares its metadata, [`crate::check`] runs them.

pub mod missing_permission;
pub mod unused_permission;

use stackwarden_core::RuleMeta;

pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    [&missing_permission::META, &unused_permission::META].into_iter()
}
