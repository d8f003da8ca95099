//! What the stackwarden crates' tests share, written once: the rule fixture folders
//! (`tests/fixtures/<rule>/{fail,pass}.*`) and the fail/pass tests derived from them, the
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
pub mod rule_fixtures;

pub use findings::{render, sorted, Layout};
pub use fixtures::Fixtures;
pub use options::CheckRun;
pub use rule_fixtures::RuleFixtures;

/// Re-exported for [`rule_fixture_tests!`], whose snapshots are written by the calling crate.
#[doc(hidden)]
pub use insta;

/// The date every test runs on, so rules about deprecation dates (Lambda runtimes) give the same
/// findings whatever day the tests run.
pub const TODAY: &str = "2026-11-25";

#[cfg(test)]
mod tests {
    /// Every manifest of the workspace lists this crate under `[dev-dependencies]` or not at
    /// all, so no shipped binary or library links test support.
    #[test]
    fn only_dev_dependencies_name_the_testkit() {
        let root = crate::cli::repo_root();
        let mut manifests = vec![root.join("xtask/Cargo.toml"), root.join("fuzz/Cargo.toml")];
        for entry in std::fs::read_dir(root.join("crates"))
            .expect("crates")
            .flatten()
        {
            manifests.push(entry.path().join("Cargo.toml"));
        }
        let mut dev_users = 0;
        for path in manifests.iter().filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(path).expect("manifest");
            let manifest: toml::Table = toml::from_str(&text).expect("manifest parses");
            let mut sections = vec![&manifest];
            if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
                sections.extend(targets.values().filter_map(|t| t.as_table()));
            }
            for section in sections {
                for kind in ["dependencies", "build-dependencies"] {
                    let names = section.get(kind).and_then(|d| d.as_table());
                    assert!(
                        !names.is_some_and(|d| d.contains_key("stackwarden_testkit")),
                        "{}: stackwarden_testkit under [{kind}]; it belongs under [dev-dependencies]",
                        path.display()
                    );
                }
                if section
                    .get("dev-dependencies")
                    .and_then(|d| d.as_table())
                    .is_some_and(|d| d.contains_key("stackwarden_testkit"))
                {
                    dev_users += 1;
                }
            }
        }
        // The check read the manifests it meant to: the crates whose tests use the testkit.
        assert!(dev_users >= 7, "{dev_users} crates list the testkit");
    }
}
