//! `cdk/not-synthesized` and `cdk/stale-synth`: a CDK app checked from its cdk.json. The stale
//! fixtures are copied to a fresh folder and given modification times there, since git does not
//! keep them.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use stackwarden_cfn::check_template_file;
use stackwarden_core::config::Config;
use stackwarden_testkit::findings::{render, Layout};
use stackwarden_testkit::project::copy_tree;
use stackwarden_testkit::{CheckRun, Fixtures};

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!()
}

/// The findings of `select` on one cdk.json, as `line:column severity [rule] message / help`.
fn run(cdk_json: &Path, select: &[&str], config: &Config) -> String {
    let run = CheckRun::new(config.clone())
        .select(select)
        .known(stackwarden_cfn::rules::all_metas());
    let report = check_template_file(cdk_json, &run.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    render(&report.findings, Layout::SNAPSHOT)
}

#[test]
fn an_app_without_synth_output_is_a_finding_that_names_its_synth_script() {
    let cdk_json = fixtures().join("cdk-not-synthesized/fail/cdk.json");
    let found = run(&cdk_json, &["cdk"], &Config::default());
    let dir = fixtures().join("cdk-not-synthesized/fail");
    assert_eq!(
        found,
        format!(
            "2:3 warn [cdk/not-synthesized] this CDK app (`npx ts-node --prefer-ts-exts bin/shop.ts`) has not been synthesized: there is no `cdk.out/manifest.json`, so none of its stacks was checked\n    help: run `npm run synth` in `{}`, then check again; in CI, synthesize before `stackwarden check`",
            dir.display()
        )
    );
}

#[test]
fn an_app_with_synth_output_is_not_reported() {
    let cdk_json = fixtures().join("cdk-not-synthesized/pass/cdk.json");
    assert_eq!(
        run(&cdk_json, &["cdk/not-synthesized"], &Config::default()),
        ""
    );
}

#[test]
fn the_rule_can_be_turned_off_like_any_other() {
    let dir = tempfile::tempdir().expect("tmp");
    let config_path = dir.path().join("stackwarden.toml");
    std::fs::write(&config_path, "[rules]\n\"cdk/not-synthesized\" = \"off\"\n").expect("write");
    let config = Config::load(&config_path).expect("config");
    let cdk_json = fixtures().join("cdk-not-synthesized/fail/cdk.json");
    assert_eq!(run(&cdk_json, &[], &config), "");
    assert_eq!(
        run(&cdk_json, &[], &Config::default())
            .lines()
            .filter(|l| l.contains("[cdk/not-synthesized]"))
            .count(),
        1
    );
}

#[test]
fn a_cdk_json_without_an_app_command_is_not_an_app() {
    let dir = tempfile::tempdir().expect("tmp");
    let cdk_json = dir.path().join("cdk.json");
    std::fs::write(&cdk_json, "{\"context\": {\"stage\": \"dev\"}}\n").expect("write");
    assert_eq!(run(&cdk_json, &["cdk"], &Config::default()), "");
}

/// A copy of the stale-synth fixture app where every file was written an hour before the synth,
/// then `newer` (relative paths) `after` the synth.
fn app_with(newer: &[&str], after: Duration) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let app = dir.path().join("app");
    copy_tree(&fixtures().join("cdk-stale-synth/app"), &app, &[]);
    let synth = SystemTime::now() - Duration::from_secs(24 * 3_600);
    for file in walk(&app) {
        set_mtime(&file, synth - Duration::from_secs(3_600));
    }
    set_mtime(&app.join("cdk.out/manifest.json"), synth);
    for file in newer {
        set_mtime(&app.join(file), synth + after);
    }
    let cdk_json = app.join("cdk.json");
    (dir, cdk_json)
}

#[test]
fn a_source_changed_after_the_synth_makes_it_stale() {
    let (_dir, cdk_json) = app_with(
        &["lib/reports-stack.ts"],
        Duration::from_secs(3 * 3_600 + 10),
    );
    let found = run(&cdk_json, &["cdk"], &Config::default());
    assert_eq!(
        found,
        format!(
            "2:3 warn [cdk/stale-synth] `cdk.out` is older than the app it was synthesized from: `lib/reports-stack.ts` changed 3 hours after the last synth, so the templates checked may not be what the app synthesizes now\n    help: run `npx cdk synth` in `{}` again, then check again",
            cdk_json.parent().expect("dir").display()
        )
    );
}

#[test]
fn the_app_entry_and_cdk_json_count_as_sources() {
    let (_dir, cdk_json) = app_with(&["bin/reports.ts"], Duration::from_secs(600));
    let found = run(&cdk_json, &["cdk/stale-synth"], &Config::default());
    assert!(
        found.contains("`bin/reports.ts` changed 10 minutes after the last synth"),
        "{found}"
    );
    let (_dir, cdk_json) = app_with(&["cdk.json"], Duration::from_secs(600));
    let found = run(&cdk_json, &["cdk/stale-synth"], &Config::default());
    assert!(found.contains("`cdk.json` changed 10 minutes"), "{found}");
}

#[test]
fn a_synth_newer_than_every_source_is_not_stale() {
    let (_dir, cdk_json) = app_with(&[], Duration::ZERO);
    assert_eq!(run(&cdk_json, &["cdk"], &Config::default()), "");
}

#[test]
fn javascript_compiled_after_the_synth_does_not_make_it_stale() {
    // `npm run build` (tsc) after `cdk synth` rewrites lib/*.js; the synth read the TypeScript.
    let (_dir, cdk_json) = app_with(&["lib/reports-stack.js"], Duration::from_secs(3_600));
    assert_eq!(run(&cdk_json, &["cdk"], &Config::default()), "");
}

#[test]
fn a_checkout_that_writes_sources_just_after_a_committed_cdk_out_is_not_stale() {
    // git writes cdk.out/ before lib/ (path order), milliseconds apart.
    let (_dir, cdk_json) = app_with(&["lib/reports-stack.ts"], Duration::from_secs(2));
    assert_eq!(run(&cdk_json, &["cdk"], &Config::default()), "");
}

fn set_mtime(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .unwrap_or_else(|e| panic!("set mtime of {}: {e}", path.display()));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_creation_stack_position_that_does_not_fit_the_source_is_dropped() {
    let dir = fixtures().join("cdk-source-position");
    let run = CheckRun::default()
        .select(&["cfn/s3-versioning"])
        .known(stackwarden_cfn::rules::all_metas());
    let report = stackwarden_cfn::check_assembly(&dir.join("cdk.out"), &run.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let source = |resource: &str| {
        let finding = report
            .findings
            .iter()
            .find(|f| f.resource.as_deref() == Some(resource))
            .unwrap_or_else(|| panic!("no finding on {resource}: {:?}", report.findings));
        assert_eq!(finding.rule, "cfn/s3-versioning");
        finding
            .source
            .as_ref()
            .map(|s| (s.path.clone(), s.line, s.column))
    };
    // `example-stack.ts:1:1250` on a 43-character line: the file changed since the synth.
    assert_eq!(source("Moved"), None);
    assert_eq!(
        source("Kept"),
        Some((dir.join("lib/example-stack.ts"), 6, 3))
    );
}
