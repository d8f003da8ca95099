//! The hook on MCP tools end to end: the real binary reads PreToolUse events for MCP tools as
//! Claude Code sends them (`tool_name` = `mcp__<server>__<tool>`, `tool_input` = the tool's
//! arguments) and judges the AWS calls they make like shell commands: awslabs' aws-api server's
//! `call_aws`, its Cloud Control server's `delete_resource`, an unknown AWS tool, and tools that
//! have nothing to do with AWS.

use std::path::Path;
use std::process::Output;

use stackwarden_core::config::Config;
use stackwarden_testkit::cli::*;

/// A PreToolUse event for an MCP tool, with the fields Claude Code sends.
fn pre_mcp(cwd: &Path, tool: &str, input: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "session_id": "9f1c2d3e-0000-4000-8000-000000000002",
        "transcript_path": "/home/dev/.claude/projects/orders/9f1c2d3e.jsonl",
        "cwd": cwd,
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01MCPABCDEFGHJKLMNPQRSTU"
    })
}

const CALL_AWS: &str = "mcp__awslabs_aws-api-mcp-server__call_aws";
const CCAPI: &str = "mcp__awslabs_ccapi-mcp-server";

/// The decision and reason of an answer.
fn decision(output: &Output) -> (String, String) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    let answer = json(output);
    let specific = &answer["hookSpecificOutput"];
    assert_eq!(specific["hookEventName"], "PreToolUse", "{answer}");
    (
        specific["permissionDecision"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        specific["permissionDecisionReason"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn no_decision(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    assert_eq!(stdout(output), "", "expected no decision");
}

fn logged(dir: &Path) -> Vec<stackwarden_agent::DecisionRecord> {
    stackwarden_agent::Ledger::open(&dir.join(".stackwarden/state.db"))
        .and_then(|ledger| ledger.decisions_since(0))
        .expect("the ledger")
}

#[test]
fn call_aws_deleting_a_bucket_is_denied_and_logged() {
    let dir = example_project();
    let output = hook(
        dir.path(),
        &pre_mcp(
            dir.path(),
            CALL_AWS,
            serde_json::json!({ "cli_command": "aws s3 rb s3://x --force" }),
        ),
    );
    let (decision, reason) = decision(&output);
    assert_eq!(decision, "deny");
    assert!(
        reason.starts_with(&format!("stackwarden: {CALL_AWS}: ")),
        "{reason}"
    );
    assert!(reason.contains("[guard/destructive]"), "{reason}");
    let records = logged(dir.path());
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].rule, "guard/destructive");
    assert_eq!(
        records[0].command,
        format!("{CALL_AWS}: aws s3 rb s3://x --force")
    );
    assert_eq!(
        records[0].tool_use_id.as_deref(),
        Some("toolu_01MCPABCDEFGHJKLMNPQRSTU")
    );
}

#[test]
fn call_aws_listing_gets_no_decision_and_a_list_is_judged_whole() {
    let dir = example_project();
    let ls = serde_json::json!({ "cli_command": "aws s3 ls", "max_results": 10 });
    no_decision(&hook(dir.path(), &pre_mcp(dir.path(), CALL_AWS, ls)));
    // The server also takes a list of commands: one deletion among them decides.
    let batch = serde_json::json!({ "cli_command": ["aws s3 ls", "aws cloudformation delete-stack --stack-name dev-orders"] });
    let (decision, reason) = decision(&hook(dir.path(), &pre_mcp(dir.path(), CALL_AWS, batch)));
    assert_eq!(decision, "deny");
    assert!(reason.contains("[guard/destructive]"), "{reason}");
    assert_eq!(
        logged(dir.path()).len(),
        1,
        "only the batch was objected to"
    );
}

#[test]
fn a_cloud_control_bucket_deletion_is_judged_as_the_cli_call() {
    let dir = example_project();
    let input = serde_json::json!({
        "resource_type": "AWS::S3::Bucket", "identifier": "orders-data", "region": "eu-west-2",
        "credentials_token": "creds_1", "confirmed": true, "explained_token": "explained_1"
    });
    let command = "aws cloudcontrol delete-resource --type-name AWS::S3::Bucket --identifier orders-data --region eu-west-2";
    // The guard's own answer for the same CLI call: the test checks the translation, not the
    // guard's table of AWS operations.
    let config = Config::parse(
        &dir.path().join("stackwarden.toml"),
        &std::fs::read_to_string(dir.path().join("stackwarden.toml")).expect("config"),
    )
    .expect("config");
    let expected = stackwarden_guard::judge(
        command,
        &stackwarden_guard::Context::bare(&config, dir.path()),
    );
    let top = expected
        .strictest()
        .expect("the guard objects to a bucket deletion");
    let output = hook(
        dir.path(),
        &pre_mcp(dir.path(), &format!("{CCAPI}__delete_resource"), input),
    );
    let (decision, reason) = decision(&output);
    assert_eq!(decision, top.decision.as_str());
    assert!(reason.contains(&format!("[{}]", top.rule)), "{reason}");
    assert!(
        reason.contains(&format!("judged as `{command}`")),
        "{reason}"
    );
    assert_eq!(decision, "deny", "a bucket deletion is denied");
    assert_eq!(
        logged(dir.path())[0].command,
        format!("{CCAPI}__delete_resource: {command}")
    );
}

#[test]
fn cloud_control_reads_pass() {
    let dir = example_project();
    for (tool, input) in [
        (
            "get_resource",
            serde_json::json!({"resource_type": "AWS::S3::Bucket", "identifier": "orders-data"}),
        ),
        (
            "list_resources",
            serde_json::json!({"resource_type": "AWS::S3::Bucket", "region": "eu-west-2"}),
        ),
    ] {
        no_decision(&hook(
            dir.path(),
            &pre_mcp(dir.path(), &format!("{CCAPI}__{tool}"), input),
        ));
    }
}

#[test]
fn an_unknown_aws_tool_that_deletes_is_asked_about() {
    let dir = example_project();
    let output = hook(
        dir.path(),
        &pre_mcp(
            dir.path(),
            "mcp__aws-tools__delete_stack",
            serde_json::json!({ "stack_name": "dev-orders" }),
        ),
    );
    let (decision, reason) = decision(&output);
    assert_eq!(decision, "ask");
    assert!(reason.contains("mcp__aws-tools__delete_stack"), "{reason}");
    assert!(reason.contains("[guard/unresolved]"), "{reason}");
    assert!(reason.contains("`delete`"), "{reason}");
    let records = logged(dir.path());
    assert_eq!(records[0].rule, "guard/unresolved");
    assert_eq!(records[0].decision, "ask");
    assert!(
        records[0].command.contains("dev-orders"),
        "{}",
        records[0].command
    );
}

#[test]
fn unrelated_mcp_tools_get_no_decision() {
    let dir = example_project();
    for (tool, input) in [
        (
            "mcp__github__create_issue",
            serde_json::json!({"owner": "o", "repo": "r", "title": "t"}),
        ),
        (
            "mcp__playwright__browser_navigate",
            serde_json::json!({"url": "https://example.com"}),
        ),
        (
            "mcp__github__create_issue",
            serde_json::json!("not even an object"),
        ),
    ] {
        no_decision(&hook(dir.path(), &pre_mcp(dir.path(), tool, input)));
    }
    assert!(
        !dir.path().join(".stackwarden").exists(),
        "nothing is logged for them"
    );
}

#[test]
fn malformed_call_aws_input_is_blocked() {
    let dir = example_project();
    for input in [
        serde_json::json!({ "cli_command": 42 }),
        serde_json::json!({ "max_results": 5 }),
        serde_json::json!("aws s3 rb s3://x"),
    ] {
        let output = hook(dir.path(), &pre_mcp(dir.path(), CALL_AWS, input));
        assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
        let message = stderr(&output);
        assert!(
            message.contains(CALL_AWS) && message.contains("blocked"),
            "{message}"
        );
    }
    let output = hook(
        dir.path(),
        &pre_mcp(
            dir.path(),
            &format!("{CCAPI}__delete_resource"),
            serde_json::json!({"resource_type": "AWS::S3::Bucket"}),
        ),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`identifier`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_terminal_mcp_tool_is_judged_like_bash() {
    // Found in review: a shell-running MCP server reached AWS without a word of AWS in its name.
    let dir = example_project();
    for (tool, input) in [
        (
            "mcp__desktop-commander__execute_command",
            serde_json::json!({"command": "aws s3 rb s3://orders-artifacts --force", "timeout_ms": 5000}),
        ),
        (
            "mcp__shell__run",
            serde_json::json!({"command": "aws", "args": ["s3", "rb", "s3://orders-artifacts"]}),
        ),
        (
            "mcp__ide__run_terminal_cmd",
            serde_json::json!({"cmd": "bash -c 'npx cdk destroy --force'"}),
        ),
    ] {
        let (kind, reason) = decision(&hook(dir.path(), &pre_mcp(dir.path(), tool, input)));
        assert_eq!(kind, "deny", "{tool}: {reason}");
        assert!(reason.contains("guard/destructive"), "{tool}: {reason}");
    }
    no_decision(&hook(
        dir.path(),
        &pre_mcp(
            dir.path(),
            "mcp__desktop-commander__execute_command",
            serde_json::json!({"command": "ls -la && npm test"}),
        ),
    ));
}
