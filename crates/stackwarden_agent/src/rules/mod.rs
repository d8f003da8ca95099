//! The agent settings rules. Each rule is one file: its metadata and documentation (`META`) and
//! one function from the parsed settings to findings. Adding a rule = copy a sibling, change it,
//! add fixtures under `tests/fixtures/<rule>/`, and list its META in [`all_metas`].

use stackwarden_core::RuleMeta;

pub(crate) mod hooks_missing;
pub(crate) mod settings_broad_allow;

static METAS: &[&RuleMeta] = &[&hooks_missing::META, &settings_broad_allow::META];

/// The metadata of every rule this crate implements.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    METAS.iter().copied()
}
