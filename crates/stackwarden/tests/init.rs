//! `stackwarden init` end to end: on a copy of the example app and on a project with a
//! hand-written .claude/settings.json; re-runs, `--check`, `--force`, broken settings, .gitignore.

use std::path::{Path, PathBuf};

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::copy_tree;

/// This machine's AWS profiles as the example's team has them: one per account.
const AWS_CONFIG: &str =
    "[profile dev]\nsso_account_id = 111111111111\n[profile prod]\nsso_account_id = 222222222222\n";

/// `stackwarden ARGS` in `dir` as a user with stackwarden on PATH (so the hooks are written as
/// `stackwarden hook`) and the profiles above.
fn init_in(dir: &Path, args: &[&str]) -> std::process::Output {
    static CONFIG: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("init-aws-config");
        std::fs::write(&path, AWS_CONFIG).expect("write aws config");
        path
    });
    let bin = exe().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    command()
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("AWS_CONFIG_FILE", config)
        .output()
        .expect("run stackwarden")
}

fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("orders-app");
    copy_tree(
        &repo_root().join("examples/orders-app"),
        &root,
        &["node_modules"],
    );
    // The example ships what `init` writes; start from the project as it was before.
    std::fs::remove_dir_all(root.join(".claude")).expect("rm .claude");
    for name in ["CLAUDE.md", ".gitignore"] {
        std::fs::remove_file(root.join(name)).expect("rm");
    }
    (dir, root)
}

fn read(root: &Path, name: &str) -> String {
    std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn snapshot(root: &Path) -> Vec<(String, String)> {
    [
        "stackwarden.toml",
        "CLAUDE.md",
        ".claude/settings.json",
        ".gitignore",
    ]
    .iter()
    .map(|n| (n.to_string(), read(root, n)))
    .collect()
}

fn settings(root: &Path) -> serde_json::Value {
    serde_json::from_str(&read(root, ".claude/settings.json")).expect("strict JSON")
}

/// The `permissions.allow` or `permissions.deny` entries of a settings file.
fn permissions<'a>(settings: &'a serde_json::Value, list: &str) -> Vec<&'a str> {
    settings["permissions"][list]
        .as_array()
        .unwrap_or_else(|| panic!("permissions.{list}"))
        .iter()
        .filter_map(|v| v.as_str())
        .collect()
}

fn hook_commands(settings: &serde_json::Value, event: &str) -> Vec<(String, String)> {
    settings["hooks"][event]
        .as_array()
        .expect("event list")
        .iter()
        .flat_map(|group| {
            let matcher = group["matcher"].as_str().unwrap_or("").to_string();
            group["hooks"]
                .as_array()
                .expect("hooks")
                .iter()
                .map(move |h| {
                    (
                        matcher.clone(),
                        h["command"].as_str().unwrap_or("").to_string(),
                    )
                })
        })
        .collect()
}

#[test]
fn the_example_app_gets_all_three_files_and_reruns_are_idempotent() {
    let (_dir, root) = example_copy();
    let config_before = read(&root, "stackwarden.toml");
    let output = init_in(&root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("unchanged stackwarden.toml"), "{text}");
    assert!(text.contains("created CLAUDE.md"), "{text}");
    assert!(text.contains("created .claude/settings.json"), "{text}");
    // The existing config is kept and is what CLAUDE.md is rendered from.
    assert_eq!(read(&root, "stackwarden.toml"), config_before);
    let claude = read(&root, "CLAUDE.md");
    for needle in [
        "# Orders",
        "`eu-west-2`",
        "`dev` → 111111111111",
        "`prod` → 222222222222 (production)",
        "`CostCenter`",
        "`nodejs22.x`",
    ] {
        assert!(
            claude.contains(needle),
            "{needle} missing from CLAUDE.md:\n{claude}"
        );
    }
    let value = settings(&root);
    assert!(
        hook_commands(&value, "PreToolUse").contains(&("Bash".into(), "stackwarden hook".into()))
    );
    assert!(hook_commands(&value, "PostToolUse")
        .contains(&("Write|Edit|MultiEdit".into(), "stackwarden hook".into())));
    assert_eq!(
        value["hooks"]["PreToolUse"][0]["hooks"][0]["onFailure"],
        "block"
    );
    let allow = permissions(&value, "allow");
    assert!(
        allow.contains(&"Bash(npx cdk deploy * --profile dev *)"),
        "{allow:?}"
    );
    assert!(allow.contains(&"Bash(npm run build *)"), "{allow:?}");
    let deny = permissions(&value, "deny");
    assert!(
        deny.contains(&"Bash(npx cdk deploy *--profile prod*)"),
        "{deny:?}"
    );
    assert!(deny.contains(&"Bash(aws iam create-user *)"), "{deny:?}");
    assert_eq!(read(&root, ".gitignore"), ".stackwarden/\n");

    // The files committed in the example are exactly what `init` writes.
    for name in ["CLAUDE.md", ".claude/settings.json", ".gitignore"] {
        assert_eq!(
            read(&root, name),
            read(&repo_root().join("examples/orders-app"), name),
            "examples/orders-app/{name} is stale: run `stackwarden init --force` there"
        );
    }

    let first = snapshot(&root);
    let again = init_in(&root, &["init"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(snapshot(&root), first, "a re-run must not change a byte");
    assert_eq!(
        stdout(&again).matches("unchanged").count(),
        4,
        "{}",
        stdout(&again)
    );

    let check = init_in(&root, &["init", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    // A changed config: --check names the file and the section, and writes nothing.
    let toml = read(&root, "stackwarden.toml").replace(
        "required = [\"Project\", \"Stage\", \"Owner\", \"CostCenter\"]",
        "required = [\"Project\", \"Stage\", \"Team\"]",
    );
    std::fs::write(root.join("stackwarden.toml"), &toml).expect("write");
    let check = init_in(&root, &["init", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let report = stdout(&check);
    assert!(
        report
            .contains("CLAUDE.md: Naming and tagging: differs from what stackwarden.toml renders"),
        "{report}"
    );
    assert_eq!(
        read(&root, "CLAUDE.md"),
        first[1].1,
        "--check writes nothing"
    );

    let sandbox = toml.replace("dev = \"111111111111\"", "sandbox = \"111111111111\"");
    std::fs::write(root.join("stackwarden.toml"), &sandbox).expect("write");
    let report = stdout(&init_in(&root, &["init", "--check"]));
    assert!(report.contains(".claude/settings.json: permissions.allow: `Bash(npx cdk deploy * --profile sandbox *)` is missing"), "{report}");
    assert!(report.contains("CLAUDE.md: Deploy rules"), "{report}");

    let update = init_in(&root, &["init"]);
    assert_eq!(update.status.code(), Some(0));
    assert!(read(&root, "CLAUDE.md").contains("`Team`"));
    assert_eq!(init_in(&root, &["init", "--check"]).status.code(), Some(0));
}

const USER_SETTINGS: &str = r#"{
  // Our team's settings: keep these comments.
  "model": "opus",
  "permissions": {
    "allow": [
      "Bash(git status)", // read-only
      "Bash(npm run lint)",
      "Bash(npx cdk diff *)"
    ],
    "ask": ["Bash(npm run build *)"]
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Write",
        "hooks": [{ "type": "command", "command": "npx prettier --write \"$CLAUDE_FILE\"" }]
      }
    ]
  }
}
"#;

fn fresh_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    std::fs::write(root.join("cdk.json"), "{\"app\": \"npx tsx bin/app.ts\"}").expect("write");
    std::fs::write(
        root.join("package.json"),
        r#"{"name": "shop", "scripts": {"build": "tsc", "test": "vitest run"}, "dependencies": {"aws-cdk-lib": "2.200.0"}}"#,
    )
    .expect("write");
    std::fs::create_dir_all(root.join(".claude")).expect("mkdir");
    std::fs::write(root.join(".claude/settings.json"), USER_SETTINGS).expect("write");
    std::fs::write(root.join(".gitignore"), "node_modules\ncdk.out").expect("write");
    std::fs::write(root.join("CLAUDE.md"), "# Shop\n\nOur own notes.\n").expect("write");
    dir
}

#[test]
fn a_hand_written_settings_file_keeps_every_user_entry() {
    let dir = fresh_project();
    let root = dir.path();
    let output = init_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("created stackwarden.toml"));
    assert!(read(root, "stackwarden.toml").contains("iac = \"cdk\""));

    let text = read(root, ".claude/settings.json");
    assert!(text.starts_with("{\n  // Our team's settings: keep these comments.\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\n      \"Bash(git status)\", // read-only\n      \"Bash(npm run lint)\",\n      \"Bash(npx cdk diff *)\",\n"), "{text}");
    assert!(
        text.contains("\"ask\": [\"Bash(npm run build *)\"]"),
        "{text}"
    );
    // Ours, once: the diff entry the user already had, the build entry they put under ask.
    assert_eq!(text.matches("Bash(npx cdk diff *)").count(), 1, "{text}");
    assert_eq!(text.matches("Bash(npm run build *)").count(), 1, "{text}");
    assert!(text.contains("Bash(npm run test *)"));
    let prettier = text.find("npx prettier --write").expect("user hook kept");
    let ours_post = text
        .rfind("\"matcher\": \"Write|Edit|MultiEdit\"")
        .expect("our hook");
    assert!(prettier < ours_post, "the user's hook stays first");
    assert_eq!(
        text.matches("\"command\": \"stackwarden hook\"").count(),
        stackwarden_agent::registration::HOOKS.len(),
        "{text}"
    );

    let claude = read(root, "CLAUDE.md");
    assert!(
        claude.starts_with("# Shop\n\nOur own notes.\n\n<!-- stackwarden:begin -->"),
        "{claude}"
    );
    assert_eq!(
        read(root, ".gitignore"),
        "node_modules\ncdk.out\n.stackwarden/\n"
    );

    let first = snapshot(root);
    assert_eq!(init_in(root, &["init"]).status.code(), Some(0));
    assert_eq!(snapshot(root), first, "idempotent");
    assert_eq!(read(root, ".gitignore").matches(".stackwarden/").count(), 1);

    // The user edits outside the block and changes our hook's timeout: a re-run keeps both.
    let claude = format!(
        "{}\n## Team\nMore notes.\n",
        read(root, "CLAUDE.md").trim_end()
    );
    std::fs::write(root.join("CLAUDE.md"), &claude).expect("write");
    let edited = read(root, ".claude/settings.json").replacen(
        "\"timeout\": 10,\n            \"onFailure\": \"block\"",
        "\"timeout\": 5,\n            \"onFailure\": \"block\"",
        1,
    );
    assert!(edited.contains("\"timeout\": 5,"), "{edited}");
    std::fs::write(root.join(".claude/settings.json"), &edited).expect("write");
    let rerun = init_in(root, &["init"]);
    assert!(
        stdout(&rerun).contains("`stackwarden init --force` resets it"),
        "{}",
        stdout(&rerun)
    );
    assert_eq!(read(root, ".claude/settings.json"), edited);
    assert_eq!(read(root, "CLAUDE.md"), claude);
    let check = init_in(root, &["init", "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check)
            .contains(".claude/settings.json: hooks.PreToolUse: the `Bash` entry differs"),
        "{}",
        stdout(&check)
    );

    // --force rewrites our entry and nothing of the user's.
    let forced = init_in(root, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(read(root, ".claude/settings.json"), first[2].1);
    assert_eq!(read(root, "CLAUDE.md"), claude);
    assert_eq!(init_in(root, &["init", "--check"]).status.code(), Some(0));
}

#[test]
fn invalid_settings_json_is_an_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".claude")).expect("mkdir");
    let broken = "{\n  \"permissions\": {\n    \"allow\": [\"Bash(git status)\",,]\n  }\n}\n";
    std::fs::write(root.join(".claude/settings.json"), broken).expect("write");
    let output = init_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains(".claude/settings.json:3:"), "{message}");
    assert!(message.contains("left untouched"), "{message}");
    assert_eq!(read(root, ".claude/settings.json"), broken);
    assert!(!root.join("stackwarden.toml").exists());
    assert!(!root.join("CLAUDE.md").exists());
}

#[test]
fn a_sam_project_is_detected() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    std::fs::write(
        root.join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs22.x\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n",
    )
    .expect("write");
    std::fs::write(
        root.join("samconfig.toml"),
        "version = 0.1\n[dev.deploy.parameters]\nstack_name = \"app-dev\"\nregion = \"ap-southeast-2\"\n[prod.deploy.parameters]\nstack_name = \"app-prod\"\nregion = \"ap-southeast-2\"\n",
    )
    .expect("write");
    let output = init_in(root, &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let toml = read(root, "stackwarden.toml");
    assert!(toml.contains("iac = \"sam\""), "{toml}");
    assert!(
        toml.contains("default_region = \"ap-southeast-2\""),
        "{toml}"
    );
    assert!(toml.contains("production = [\"prod\"]"), "{toml}");
    assert!(toml.contains("node_runtime = \"nodejs22.x\""), "{toml}");
    let value = settings(root);
    let deny = permissions(&value, "deny");
    assert!(
        deny.contains(&"Bash(sam deploy *--config-env prod*)"),
        "{deny:?}"
    );
    assert!(deny.contains(&"Bash(sam delete *)"), "{deny:?}");
    assert!(read(root, "CLAUDE.md").contains("AWS SAM"));
}

/// Installed through npm in the project, the binary is named by the platform-package glob, which
/// a teammate's shell expands to whichever platform package npm gave them; `doctor` resolves it,
/// and without `npm ci` says what the session gets and how to fix it.
#[test]
fn an_npm_install_gets_hooks_that_exec_the_platform_binary_and_doctor_checks_them() {
    let (_dir, root) = example_copy();
    let exe = root.join("node_modules/@stackwarden/cli-linux-x64/bin/stackwarden");
    std::fs::create_dir_all(exe.parent().expect("bin")).expect("mkdir");
    std::fs::copy(stackwarden_testkit::cli::exe(), &exe).expect("copy binary");
    let output = std::process::Command::new(&exe)
        .arg("init")
        .current_dir(&root)
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_CONFIG_FILE", root.join("no-aws-config"))
        .output()
        .expect("run init");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("not the Node shim"), "{text}");
    let glob = "\"$CLAUDE_PROJECT_DIR\"/node_modules/@stackwarden/cli-*/bin/stackwarden hook";
    let value = settings(&root);
    for event in ["PreToolUse", "PostToolUse"] {
        for (matcher, command) in hook_commands(&value, event) {
            assert_eq!(command, glob, "{event} {matcher}");
        }
    }
    // No profile on this machine: CLAUDE.md names none.
    let claude = read(&root, "CLAUDE.md");
    assert!(!claude.contains("--profile dev"), "{claude}");
    assert!(
        claude.contains("No AWS profile for `dev` (account 111111111111)"),
        "{claude}"
    );
    assert!(
        claude.contains("`npx cdk diff dev-*` and read it"),
        "{claude}"
    );

    let doctor = |path: &str| {
        std::process::Command::new(stackwarden_testkit::cli::exe())
            .arg("doctor")
            .current_dir(&root)
            .env("PATH", path)
            .output()
            .expect("run doctor")
    };
    let ok = doctor("/usr/bin:/bin");
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).contains("Every stackwarden hook resolves to stackwarden"),
        "{}",
        stdout(&ok)
    );

    // A teammate who pulled the settings but never ran `npm ci`.
    std::fs::remove_dir_all(root.join("node_modules")).expect("rm");
    let missing = doctor("/usr/bin:/bin");
    assert_eq!(missing.status.code(), Some(1));
    let report = stdout(&missing);
    assert!(report.contains("nothing matches"), "{report}");
    assert!(
        report.contains("every Bash command and MCP tool call is blocked"),
        "{report}"
    );
    assert!(report.contains("the guard is silently off"), "{report}");
    assert!(report.contains("fix: run `npm ci`"), "{report}");
}

#[test]
fn doctor_without_settings_says_to_run_init() {
    let dir = tempfile::tempdir().expect("tmp");
    let output = init_in(dir.path(), &["doctor"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("fix: run `stackwarden init`"),
        "{}",
        stdout(&output)
    );
}
