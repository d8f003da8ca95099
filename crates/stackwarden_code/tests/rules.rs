//! Every code rule against its fixtures: `tests/fixtures/<rule>/fail.*` must produce the
//! snapshotted findings (rule id, line, column, message, help) and `pass.*` must produce none.
//! The rule folders are found on disk (`rule_fixtures`), so a new rule's folder needs no line
//! here; a folder may add a variant to the rule's name: package rules use `<rule>-package/`
//! folders holding package.json fixtures.

use std::path::Path;

use stackwarden_code::{check_package_json, check_source_file};
use stackwarden_core::config::Config;
use stackwarden_testkit::findings::{of_one_file, render, sorted, Layout};
use stackwarden_testkit::{CheckRun, Fixtures};

fn fixtures() -> Fixtures {
    stackwarden_testkit::fixtures!()
}

/// A run that knows the code rules and the meta rules about suppressions.
fn check_run(config: Config) -> CheckRun {
    CheckRun::new(config)
        .known(stackwarden_code::all_metas())
        .also_known(&["meta/suppression-without-reason", "meta/unused-suppression"])
}

/// Runs the rules selected by `select` over one fixture and renders what they found.
fn run(path: &Path, select: &[&str]) -> String {
    let run = check_run(fixtures().config()).select(select);
    let report = if path.extension().is_some_and(|e| e == "json") {
        check_package_json(path, &run.options())
    } else {
        check_source_file(path, &run.options())
    };
    render(
        &sorted(of_one_file(report, path, "source")),
        Layout::SNAPSHOT,
    )
}

// Every `code/*` folder of tests/fixtures, found on disk.
stackwarden_testkit::rule_fixture_tests! {
    run: run,
    plan: stackwarden_testkit::RuleFixtures::new(fixtures(), stackwarden_code::all_metas(), "code")
        .folder_tested_by(
            "iam-unknown-action",
            "the `iam_unknown_action` tests below (all of `iam` selected: its fail fixture holds iam/unknown-service findings too)",
        )
        .folder_tested_by(
            "empty-package",
            "an_empty_package_json_is_an_input_error_like_a_truncated_one (an input error, not a finding)",
        ),
}

/// code/missing-idempotency follows a handler into local modules: transitively (through a
/// `require`d folder's index.ts into a `./archive.js` specifier naming archive.ts), and without
/// looping on import cycles or flagging modules that only read.
#[test]
fn missing_idempotency_follows_local_imports_transitively() {
    let dir = fixtures().join("missing-idempotency-imports");
    let found = run(&dir.join("transitive.js"), &["code/missing-idempotency"]);
    assert_eq!(
        found.lines().next(),
        Some("5:1 warn [code/missing-idempotency] the handler reaches PutObject (lib/archive.ts:6) through `keep` imported from './lib', without Powertools idempotency, so a retried event repeats it"),
        "{found}"
    );
    assert_eq!(
        run(&dir.join("read-only.ts"), &["code/missing-idempotency"]),
        ""
    );
}

/// code/missing-idempotency follows a mutation through a class instance: a class of the same file
/// reached through a callback passed by reference, an imported class instantiated here, and an
/// instance the local module exports; a class method that only reads is not a mutation.
#[test]
fn missing_idempotency_follows_class_instances_and_callbacks() {
    let local = fixtures().join("missing-idempotency/class-local.ts");
    assert_eq!(
        run(&local, &["code/missing-idempotency"]).lines().next(),
        Some("15:14 warn [code/missing-idempotency] the handler reaches Publish (line 6) without Powertools idempotency, so a retried event repeats it"),
    );
    let dir = fixtures().join("missing-idempotency-imports");
    for (file, line, via) in [
        ("class-instance.ts", 5, "OrderRepo.cancel"),
        ("exported-instance.ts", 3, "orders.cancel"),
    ] {
        let found = run(&dir.join(file), &["code/missing-idempotency"]);
        assert_eq!(
            found.lines().next(),
            Some(format!("{line}:14 warn [code/missing-idempotency] the handler reaches Update (repo.ts:14) through `{via}` imported from './repo', without Powertools idempotency, so a retried event repeats it").as_str()),
            "{file}: {found}"
        );
    }
    assert_eq!(
        run(
            &dir.join("class-read-only.ts"),
            &["code/missing-idempotency"]
        ),
        ""
    );
}

/// code/missing-idempotency leaves alone what a repeat cannot harm or Lambda never repeats: deletes
/// (in the handler, or through a repository method), and handlers that answer a synchronous HTTP
/// request (a `statusCode` response, an API Gateway event type); an SQS consumer is still reported.
#[test]
fn missing_idempotency_leaves_deletes_and_http_handlers_alone() {
    let dir = fixtures().join("missing-idempotency");
    for file in ["delete.ts", "http-response.js", "http-typed.ts"] {
        assert_eq!(
            run(&dir.join(file), &["code/missing-idempotency"]),
            "",
            "{file}"
        );
    }
    assert_eq!(
        run(
            &fixtures().join("missing-idempotency-imports/class-delete.ts"),
            &["code/missing-idempotency"]
        ),
        ""
    );
    let found = run(
        &dir.join("queue-consumer.ts"),
        &["code/missing-idempotency"],
    );
    assert_eq!(
        found.lines().next(),
        Some("7:14 warn [code/missing-idempotency] the handler reaches Publish (line 9) without Powertools idempotency, so a retried event repeats it"),
        "{found}"
    );
}

/// Documented example accounts are placeholders (here in a sample event for `sam local invoke`),
/// and so are ARNs holding them; any other account is still reported.
#[test]
fn example_accounts_are_not_reported() {
    let path = fixtures().join("hardcoded-account/events/sqs-event.ts");
    assert_eq!(
        run(&path, &["code/hardcoded-account", "code/hardcoded-arn"]),
        "10:10 warn [code/hardcoded-account] account id 999988887777 is written literally\n    help: use `Stack.of(this).account` / `process.env.CDK_DEFAULT_ACCOUNT`, look it up from the stage configuration, or add \"999988887777\" to accounts.trusted"
    );
}

/// `iam/unknown-action` and `iam/unknown-service` (declared by stackwarden_iam) on the action
/// strings of CDK source: same message and did-you-mean as in a template, at the string itself.
mod iam_unknown_action {
    use super::*;

    #[test]
    fn fail_fixture_findings() {
        let found = run(&fixtures().case("iam-unknown-action", "fail"), &["iam"]);
        let lines: Vec<&str> = found.lines().filter(|l| !l.starts_with("    ")).collect();
        for expected in [
            "6:15 error [iam/unknown-action] `s3:GetObjects` is not an action of s3; did you mean `s3:GetObject`?",
            "6:32 error [iam/unknown-action] `dynamodb:GetTable` is not an action of dynamodb; did you mean `dynamodb:DescribeTable`?",
            "9:52 error [iam/unknown-service] `s4` is not an AWS service prefix; did you mean `s3`?",
        ] {
            assert!(lines.contains(&expected), "missing {expected:?} in:\n{found}");
        }
        assert_eq!(lines.len(), 7, "{found}");
        insta::assert_snapshot!("iam-unknown-action-fail", found);
    }

    #[test]
    fn pass_fixture_is_clean() {
        assert_eq!(
            run(&fixtures().case("iam-unknown-action", "pass"), &["iam"]),
            ""
        );
    }

    #[test]
    fn selection_and_configured_severities_apply() {
        let path = fixtures().case("iam-unknown-action", "fail");
        // `code` selects the code rules only.
        assert!(!run(&path, &["code"]).contains("[iam/"));
        let config = Config::parse(
            Path::new("stackwarden.toml"),
            "[rules]\n\"iam/unknown-action\" = \"warn\"\n\"iam/unknown-service\" = \"off\"\n",
        )
        .expect("config");
        let report = check_source_file(&path, &check_run(config).options());
        let iam: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.id.starts_with("iam/"))
            .collect();
        assert!(!iam.is_empty());
        assert!(iam
            .iter()
            .all(|f| f.rule == "iam/unknown-action" && f.severity.as_str() == "warn"));
        let ignored = check_run(Config::default()).ignore(&["iam/unknown-action"]);
        let report = check_source_file(&path, &ignored.options());
        assert!(report
            .findings
            .iter()
            .any(|f| f.rule == "iam/unknown-service"));
        assert!(!report
            .findings
            .iter()
            .any(|f| f.rule == "iam/unknown-action"));
    }
}

/// code/missing-observability counts the Powertools logger built by a shared module the handler
/// imports, and one reached through a package.json subpath import (`#powertools`); a local
/// module that does not build it does not count.
#[test]
fn missing_observability_follows_shared_modules_and_subpath_imports() {
    let dir = fixtures().join("missing-observability");
    for clean in [
        "shared/functions/orders/get.ts",
        "subpath/src/handler.ts",
        "subpath/src/direct.ts",
    ] {
        assert_eq!(
            run(&dir.join(clean), &["code/missing-observability"]),
            "",
            "{clean}"
        );
    }
    assert_eq!(
        run(&dir.join("subpath/src/plain.ts"), &["code/missing-observability"]).lines().next(),
        Some("4:14 warn [code/missing-observability] the handler module does not use the Powertools logger")
    );
}

/// code/client-in-handler in a module that is not a handler: a function that makes a client for
/// its own use is reported; a factory that hands the client back, and a client with credentials
/// of its own (one tenant's request), are not.
#[test]
fn client_in_handler_outside_handler_modules() {
    let path = fixtures().join("client-in-handler/store.ts");
    let found = run(&path, &["code/client-in-handler"]);
    let lines: Vec<&str> = found.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(
        lines,
        ["7:18 error [code/client-in-handler] SDK client `DynamoDBDocumentClient` is created inside a function, so every call builds a new one"],
        "{found}"
    );
}

/// JSX parses in `.js` files (create-react-app components) and `.jsx` files, and the code rules run
/// on both.
#[test]
fn jsx_in_js_and_jsx_files_parses_and_is_checked() {
    let dir = fixtures().join("jsx");
    assert_eq!(run(&dir.join("App.js"), &["code"]), "");
    assert_eq!(
        run(&dir.join("Upload.jsx"), &["code/hardcoded-region"])
            .lines()
            .next(),
        Some("3:35 info [code/hardcoded-region] region eu-west-2 is written literally")
    );
}

#[test]
fn every_rule_has_fixtures() {
    for meta in stackwarden_code::all_metas() {
        let dir = meta.id.trim_start_matches("code/");
        assert!(
            fixtures().join(dir).join("pass.ts").exists()
                || fixtures().join(dir).join("pass.js").exists(),
            "{} has no pass fixture",
            meta.id
        );
        assert!(
            meta.missing_doc_headings().is_empty(),
            "{} docs lack {:?}",
            meta.id,
            meta.missing_doc_headings()
        );
    }
}

#[test]
fn suppressions_need_a_reason_and_must_be_used() {
    let found = run(&fixtures().case("suppressions", "fail"), &["code", "meta"]);
    insta::assert_snapshot!("suppressions", found);
}

#[test]
fn unparseable_source_is_an_input_error_with_a_line() {
    let dir = std::env::temp_dir().join(format!("stackwarden-code-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("broken.ts");
    std::fs::write(&path, "const a = 1;\nconst b = ;\n").expect("write");
    let report = check_source_file(&path, &check_run(Config::default()).options());
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].line, Some(2));
    assert!(
        report.errors[0].message.starts_with("cannot parse"),
        "{}",
        report.errors[0].message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_output_and_declarations_are_skipped() {
    let dir = std::env::temp_dir().join(format!("stackwarden-code-skip-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("app/dist")).expect("temp dir");
    std::fs::write(dir.join("app/package.json"), "{}").expect("write");
    assert!(stackwarden_code::is_skipped(
        &dir.join("app/cdk.out/asset.1/index.js")
    ));
    assert!(stackwarden_code::is_skipped(&dir.join("app/dist/index.js")));
    assert!(stackwarden_code::is_skipped(Path::new("src/types.d.ts")));
    assert!(stackwarden_code::is_skipped(Path::new(
        "lib/region-info/built-ins.generated.js"
    )));
    assert!(stackwarden_code::is_skipped(Path::new(
        "client/src/aws-exports.js"
    )));
    assert!(!stackwarden_code::is_skipped(Path::new(
        "src/lambda/index.ts"
    )));
    // A `build` folder that is not a package's output folder is ordinary source.
    assert!(!stackwarden_code::is_skipped(
        &dir.join("build/app/src/index.ts")
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_package_json_is_an_input_error_like_a_truncated_one() {
    let setup = check_run(Config::default());
    let options = setup.options();
    let path = fixtures().join("empty-package/fail/package.json");
    let report = check_package_json(&path, &options);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(
        (error.path.as_path(), error.line),
        (path.as_path(), Some(1))
    );
    assert_eq!(
        error.message,
        "package.json is empty (npm cannot read it): write at least `{}` with the package's name and dependencies, or run `npm init -y`"
    );
    assert_eq!(
        run(&fixtures().join("empty-package/pass/package.json"), &[]),
        ""
    );
}
