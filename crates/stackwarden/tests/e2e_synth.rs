//! End to end on a real CDK synth: copy examples/orders-app to a fresh folder, run `cdk synth`
//! there (aws-cdk-lib from npm, installed by `.ci/run`), check the new cdk.out, and expect exactly
//! the findings the committed cdk.out gives — same rules, resources, positions and source lines.
//!
//! Skipped when the app's node_modules are absent, unless STACKWARDEN_E2E_SYNTH=1 (CI) makes
//! that a failure.

// A skipped test says why on stderr, which the test harness shows.
#![allow(clippy::print_stderr)]

use std::collections::BTreeSet;
use std::process::Command;

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::copy_tree;

/// (rule, stack, resource, line, column, message, source file name and line), path-independent.
fn findings(report: &serde_json::Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let source = f["source"]["path"].as_str().map(|p| {
                let relative = p
                    .split("orders-app")
                    .last()
                    .unwrap_or(p)
                    .trim_start_matches('/');
                let relative = relative
                    .rsplit_once("lib/")
                    .map_or(relative.to_string(), |(_, r)| format!("lib/{r}"));
                format!("{relative}:{}", f["source"]["line"])
            });
            format!(
                "{} {} {} {}:{} {} @{}",
                f["rule"],
                f["stack"],
                f["resource"],
                f["line"],
                f["column"],
                f["message"],
                source.unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn a_fresh_synth_gives_the_committed_findings() {
    let app = repo_root().join("examples/orders-app");
    if !app.join("node_modules/aws-cdk-lib").is_dir() {
        assert_ne!(
            std::env::var("STACKWARDEN_E2E_SYNTH").as_deref(),
            Ok("1"),
            "STACKWARDEN_E2E_SYNTH=1 but examples/orders-app/node_modules is missing: run `npm ci` there"
        );
        eprintln!("skipped: examples/orders-app/node_modules not installed (npm ci)");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("orders-app");
    for item in ["bin", "lib", "src", "scripts", ".claude"] {
        copy_tree(&app.join(item), &copy.join(item), &[]);
    }
    for file in [
        "package.json",
        "package-lock.json",
        "cdk.json",
        "tsconfig.json",
        "stackwarden.toml",
        "CLAUDE.md",
    ] {
        std::fs::copy(app.join(file), copy.join(file)).expect("copy");
    }
    std::os::unix::fs::symlink(app.join("node_modules"), copy.join("node_modules"))
        .expect("symlink");

    let synth = Command::new("bash")
        .arg(copy.join("scripts/synth.sh"))
        .output()
        .expect("run synth.sh");
    assert!(
        synth.status.success(),
        "synth failed:\n{}\n{}",
        stdout(&synth),
        stderr(&synth)
    );
    assert!(copy.join("cdk.out/manifest.json").is_file());

    let fresh = stackwarden_in(dir.path(), &["check", "orders-app", "--format", "json"]);
    let committed = stackwarden(&["check", "examples/orders-app", "--format", "json"]);
    assert_eq!(fresh.status.code(), Some(1), "{}", stderr(&fresh));
    let (fresh, committed) = (findings(&json(&fresh)), findings(&json(&committed)));
    // Template findings are traced to their TypeScript line; code/* findings are on the source
    // itself, and so are the permission findings (the handler's send line, the statement).
    let permission = |f: &&String| {
        f.starts_with("\"iam/missing-permission\"") || f.starts_with("\"iam/unused-permission\"")
    };
    let traced = fresh
        .iter()
        .filter(|f| !f.starts_with("\"code/") && !permission(f));
    assert!(
        traced
            .clone()
            .all(|f| f.contains("@lib/stacks/reports-stack.ts:")),
        "every finding traced to its line: {fresh:#?}"
    );
    // The deliberately wrong ArchiveOrder of both stages: its handler's PutObject is not granted
    // (traced to the function's creation), and the hand-written DeleteItem is unused.
    let permissions: Vec<&String> = fresh.iter().filter(permission).collect();
    assert_eq!(permissions.len(), 4, "{permissions:#?}");
    assert!(
        permissions
            .iter()
            .filter(|f| f.starts_with("\"iam/missing-permission\""))
            .all(|f| f.contains("s3:PutObject") && f.contains("@lib/stacks/orders-stack.ts:")),
        "{permissions:#?}"
    );
    assert!(
        permissions
            .iter()
            .filter(|f| f.starts_with("\"iam/unused-permission\""))
            .all(|f| f.contains("dynamodb:DeleteItem")),
        "{permissions:#?}"
    );
    assert_eq!(fresh, committed);
}
