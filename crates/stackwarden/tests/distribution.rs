//! The distributed pieces that are plain files in the repository stay in step with the code: the
//! Claude Code plugin registers exactly the hooks `init` does (in exec form, through the plugin's
//! own binary), and every package carries the workspace version.

use stackwarden_agent::registration::HOOKS;
use stackwarden_testkit::cli::repo_root;

fn json(path: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_plugin_registers_every_hook_init_does_in_exec_form() {
    let hooks = json("plugin/hooks/hooks.json");
    let events = hooks["hooks"].as_object().expect("hooks object");
    let mut seen = 0;
    for spec in HOOKS {
        let groups = events[spec.event].as_array().expect("event list");
        let group = groups
            .iter()
            .find(|g| g["matcher"] == spec.matcher)
            .unwrap_or_else(|| panic!("plugin/hooks/hooks.json lacks {}", spec.label()));
        let handler = &group["hooks"][0];
        assert_eq!(handler["type"], "command", "{}", spec.label());
        assert_eq!(
            handler["command"],
            "${CLAUDE_PLUGIN_ROOT}/bin/stackwarden",
            "{}",
            spec.label()
        );
        assert_eq!(
            handler["args"],
            serde_json::json!(["hook"]),
            "{}",
            spec.label()
        );
        assert_eq!(handler["timeout"], spec.timeout, "{}", spec.label());
        assert_eq!(
            handler["onFailure"].as_str(),
            spec.on_failure,
            "{}",
            spec.label()
        );
        seen += 1;
    }
    let registered: usize = events
        .values()
        .map(|g| g.as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(registered, seen, "the plugin registers hooks init does not");
}

#[test]
fn every_package_carries_the_workspace_version() {
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        json("plugin/.claude-plugin/plugin.json")["version"],
        version
    );
    assert_eq!(
        json(".claude-plugin/marketplace.json")["plugins"][0]["version"],
        version
    );
    let cdk = json("npm/cdk/package.json");
    assert_eq!(cdk["version"], version);
    assert_eq!(cdk["peerDependencies"]["stackwarden"], version);
    // The npm manifests and the wheel take theirs from Cargo.toml (scripts/npm-packages.mjs,
    // pyproject.toml `dynamic = ["version"]`).
    let pyproject = std::fs::read_to_string(repo_root().join("pyproject.toml")).expect("pyproject");
    assert!(
        pyproject.contains("dynamic = [\"version\"]") && pyproject.contains("bindings = \"bin\"")
    );
}
