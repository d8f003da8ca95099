//! `stackwarden check examples/orders-app`: the compliant stacks get no finding, the deliberately
//! non-compliant ones get exactly the findings they deserve, each traced to its TypeScript line.
//! The orders stacks' one deliberate mistake is ArchiveOrder's role: its handler's PutObject is
//! not granted, and a hand-written statement grants a DeleteItem no code uses.

use stackwarden_testkit::cli::*;

#[test]
fn example_app_findings_in_agent_format() {
    let output = stackwarden(&["check", "examples/orders-app", "--format", "agent"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        !text.contains("-orders.template.json"),
        "the compliant stacks must be clean:\n{text}"
    );
    for compliant in [
        "process-order/index.ts",
        "archive-order/orders.ts",
        "bin/orders-app.ts",
        "lib/config.ts",
        "package.json",
    ] {
        assert!(
            !text.lines().any(|l| l.starts_with("examples/")
                && l.split(' ').next().is_some_and(|p| p.contains(compliant))),
            "{compliant} must be clean:\n{text}"
        );
    }
    assert!(
        text.contains("nightly-report/index.js:3:21: error code/sdk-v2"),
        "{text}"
    );
    // ArchiveOrder's handler and stack: only the permission rules, each once for both stages
    // (one cause: the same handler line and statement in dev-orders and prod-orders).
    let permission_lines = |file: &str| -> Vec<&str> {
        text.lines()
            .filter(|l| l.split(' ').next().is_some_and(|p| p.contains(file)))
            .collect()
    };
    let handler = permission_lines("archive-order/index.ts");
    assert_eq!(handler.len(), 1, "{text}");
    assert!(handler
        .iter()
        .all(|l| l.contains("error iam/missing-permission")
            && l.contains("`s3:PutObject`")
            && l.contains("2 occurrences in dev-orders, prod-orders")
            && l.contains("receipts.grantPut(archiveOrder);")));
    let stack = permission_lines("orders-stack.ts:");
    assert_eq!(stack.len(), 1, "{text}");
    assert!(stack
        .iter()
        .all(|l| l.contains("warn iam/unused-permission")
            && l.contains("`dynamodb:DeleteItem`")
            && l.contains("2 occurrences in dev-orders, prod-orders")));
    insta::assert_snapshot!("orders-app-agent", text);
}

#[test]
fn example_app_json_carries_stack_resource_and_source() {
    let output = stackwarden(&["check", "examples/orders-app", "--format", "json"]);
    let report = json(&output);
    assert_eq!(report["version"], 1);
    // 4 synthesized templates, 8 TypeScript/JavaScript sources, package.json, .claude/settings.json
    // and 7 other text files scanned for keys (CLAUDE.md, cdk.json, tsconfig.json,
    // package-lock.json, stackwarden.toml, .gitignore, scripts/synth.sh).
    assert_eq!(report["summary"]["files"], 21);
    assert_eq!(report["summary"]["errors"], 0);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(
        report["summary"]["findings"].as_u64(),
        Some(findings.len() as u64)
    );
    let retain = findings
        .iter()
        .find(|f| f["rule"] == "cfn/prod-retain" && f["resource"] == "ReportsBucket4E7C5994")
        .expect("prod-retain on the reports bucket");
    assert_eq!(
        retain["path"],
        "examples/orders-app/cdk.out/prod-reports.template.json"
    );
    assert_eq!(retain["line"], 29);
    assert_eq!(retain["column"], 4);
    assert_eq!(retain["stack"], "prod-reports");
    assert_eq!(retain["severity"], "error");
    assert_eq!(
        retain["source"]["path"],
        "examples/orders-app/lib/stacks/reports-stack.ts"
    );
    assert_eq!(retain["source"]["line"], 20);
    // The role another account assumes without an external id: the template finding (in both
    // stages) is traced to the `new iam.Role(` line, where code/cross-account-no-external-id
    // reports it in the source before synth.
    let stack_source = "examples/orders-app/lib/stacks/reports-stack.ts";
    let text = std::fs::read_to_string(repo_root().join(stack_source)).expect("reports-stack.ts");
    let (role_line, role_column) = text
        .lines()
        .enumerate()
        .find_map(|(i, line)| line.find("new iam.Role(").map(|c| (i + 1, c + 1)))
        .expect("reports-stack.ts creates an iam.Role");
    for stack in ["dev-reports", "prod-reports"] {
        let trust = findings
            .iter()
            .find(|f| f["rule"] == "iam/cross-account-no-external-id" && f["stack"] == stack)
            .unwrap_or_else(|| panic!("cross-account finding in {stack}: {findings:#?}"));
        assert!(
            trust["message"]
                .as_str()
                .is_some_and(|m| m.contains("444444444444")),
            "{trust}"
        );
        assert_eq!(trust["source"]["path"], stack_source, "{trust}");
        assert_eq!(trust["source"]["line"], role_line, "{trust}");
        assert_eq!(trust["source"]["column"], role_column, "{trust}");
    }
    let in_code = findings
        .iter()
        .find(|f| f["rule"] == "code/cross-account-no-external-id")
        .expect("code/cross-account-no-external-id on reports-stack.ts");
    assert_eq!(in_code["path"], stack_source);
    assert_eq!(in_code["line"], role_line);
    // Only the prod stack is a production stage.
    assert!(!findings
        .iter()
        .any(|f| f["rule"] == "cfn/prod-retain" && f["stack"] == "dev-reports"));
    // The orders stacks follow every rule but ArchiveOrder's permissions.
    let is_permission = |f: &serde_json::Value| {
        f["rule"] == "iam/missing-permission" || f["rule"] == "iam/unused-permission"
    };
    let (permissions, others): (Vec<_>, Vec<_>) = findings.iter().partition(|f| is_permission(f));
    assert_eq!(permissions.len(), 4, "{permissions:#?}");
    for stage in ["dev", "prod"] {
        let missing = permissions
            .iter()
            .find(|f| {
                f["rule"] == "iam/missing-permission" && f["stack"] == format!("{stage}-orders")
            })
            .unwrap_or_else(|| panic!("missing-permission in {stage}-orders"));
        assert_eq!(
            missing["path"],
            "examples/orders-app/src/lambda/archive-order/index.ts"
        );
        assert_eq!(
            missing["source"]["path"],
            "examples/orders-app/lib/stacks/orders-stack.ts"
        );
        assert_eq!(missing["suggestion"], "receipts.grantPut(archiveOrder);");
    }
    let (templates, sources): (Vec<_>, Vec<_>) =
        others.into_iter().partition(|f| f["stack"].is_string());
    assert!(templates
        .iter()
        .all(|f| f["stack"].as_str().is_some_and(|s| s.ends_with("-reports"))));
    // Source findings: only the deliberately non-compliant construct and handler.
    assert!(sources.iter().all(
        |f| f["rule"].as_str().is_some_and(|r| r.starts_with("code/"))
            && f["path"].as_str().is_some_and(
                |p| p.ends_with("reports-stack.ts") || p.ends_with("nightly-report/index.js")
            )
    ));
}

#[test]
fn stage_flag_overrides_the_stack_name() {
    let output = stackwarden(&[
        "check",
        "examples/orders-app",
        "--format",
        "json",
        "--stage",
        "prod",
        "--select",
        "cfn/prod-retain",
    ]);
    let report = json(&output);
    let stacks: std::collections::BTreeSet<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["stack"].as_str().map(str::to_string))
        .collect();
    // Forced to prod, the dev orders stack (built with RemovalPolicy.DESTROY for dev) is flagged too.
    assert_eq!(
        stacks.into_iter().collect::<Vec<_>>(),
        ["dev-orders", "dev-reports", "prod-reports"]
    );
}
