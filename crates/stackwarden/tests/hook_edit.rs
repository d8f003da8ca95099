//! The edit hook end to end: the real binary reads the event JSON Claude Code sends after a
//! Write/Edit/MultiEdit (fields as in Claude Code's hooks reference) and answers with the
//! findings of the file written, in the project's configuration.

use std::path::Path;

use stackwarden_testkit::cli::*;
use stackwarden_testkit::project::copy_tree;

/// A Write as Claude Code reports it once the file is on disk.
fn post_write(cwd: &Path, file: &Path, content: &str) -> serde_json::Value {
    serde_json::json!({
        "session_id": "9f1c2d3e-0000-4000-8000-000000000001",
        "transcript_path": "/home/dev/.claude/projects/orders/9f1c2d3e.jsonl",
        "cwd": cwd,
        "permission_mode": "acceptEdits",
        "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": { "file_path": file, "content": content },
        "tool_response": { "filePath": file, "success": true },
        "tool_use_id": "toolu_01ABCDEFGHJKLMNPQRSTUVWX"
    })
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The line (1-based) of the first occurrence of `needle`, so assertions follow the fixture.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in the fixture"))
}

const BAD_HANDLER: &str = "\
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';

const logger = new Logger();

export const handler = async (event: { id: string }) => {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    await documents.send(new PutCommand({ TableName: 'orders', Item: { pk: event.id } }));
  } catch (error) {
  }
};
";

#[test]
fn a_bad_handler_written_by_the_agent_is_blocked_with_each_finding_and_its_fix() {
    let dir = example_project();
    let file = dir.path().join("src/lambda/record/index.ts");
    write_file(&file, BAD_HANDLER);
    let output = hook(dir.path(), &post_write(dir.path(), &file, BAD_HANDLER));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let answer = json(&output);
    assert_eq!(answer["decision"], "block", "{answer}");
    let reason = answer["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with("stackwarden: src/lambda/record/index.ts has "),
        "{reason}"
    );
    let client_line = line_of(BAD_HANDLER, "DynamoDBDocumentClient.from");
    let catch_line = line_of(BAD_HANDLER, "} catch (error) {");
    for expected in [
        format!("\nsrc/lambda/record/index.ts:{client_line}:"),
        " error code/client-in-handler: ".to_string(),
        format!("\nsrc/lambda/record/index.ts:{catch_line}:"),
        " error code/swallowed-error: ".to_string(),
        "warn code/missing-idempotency: ".to_string(),
    ] {
        assert!(
            reason.contains(&expected),
            "missing `{expected}` in:\n{reason}"
        );
    }
    // Every listed finding carries its fix.
    for line in reason.lines().skip(1) {
        assert!(line.contains(" — "), "no fix in `{line}`");
    }
}

#[test]
fn the_fixed_handler_gets_no_answer() {
    let dir = example_project();
    let file = dir.path().join("src/lambda/process-order/index.ts");
    let good = std::fs::read_to_string(
        repo_root().join("examples/orders-app/src/lambda/process-order/index.ts"),
    )
    .expect("read the example handler");
    write_file(&file, &good);
    let output = hook(dir.path(), &post_write(dir.path(), &file, &good));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "a clean file must get no answer");
}

#[test]
fn an_edit_of_a_template_is_checked_in_the_projects_stage_and_tags() {
    let dir = example_project();
    let file = dir.path().join("infra/queue.yaml");
    let template = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n";
    write_file(&file, template);
    let event = serde_json::json!({
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": dir.path(),
        "permission_mode": "default", "hook_event_name": "PostToolUse", "tool_name": "Edit",
        "tool_input": { "file_path": file, "old_string": "Bucket\n", "new_string": "Bucket\n", "replace_all": false },
        "tool_response": { "filePath": file, "success": true }, "tool_use_id": "toolu_2"
    });
    let output = hook(dir.path(), &event);
    let answer = json(&output);
    let reason = answer["reason"].as_str().expect("reason");
    assert!(
        reason.contains("\ninfra/queue.yaml:3:5: ") && reason.contains(" cfn/s3-encryption: "),
        "{reason}"
    );
    assert!(
        reason.contains("lacks required tags: Project, Stage, Owner, CostCenter"),
        "{reason}"
    );
}

#[test]
fn a_file_that_does_not_parse_is_blocked_with_its_line() {
    let dir = example_project();
    let file = dir.path().join("template.yaml");
    let broken =
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: [AWS::S3::Bucket\n";
    write_file(&file, broken);
    let answer = json(&hook(dir.path(), &post_write(dir.path(), &file, broken)));
    assert_eq!(answer["decision"], "block");
    assert!(
        answer["reason"]
            .as_str()
            .is_some_and(|r| r.contains("cannot be read")),
        "{answer}"
    );
}

#[test]
fn warnings_only_go_back_as_context_without_blocking() {
    let dir = example_project();
    let file = dir.path().join("src/lambda/fetcher/index.ts");
    // Only `fetch` without a signal: code/missing-timeout, a warning.
    let text =
        "export async function load(url: string): Promise<Response> {\n  return fetch(url);\n}\n";
    write_file(&file, text);
    let answer = json(&hook(dir.path(), &post_write(dir.path(), &file, text)));
    assert!(answer.get("decision").is_none(), "{answer}");
    let context = answer["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .expect("additionalContext");
    assert!(
        context.contains("\nsrc/lambda/fetcher/index.ts:2:10: warn code/missing-timeout: "),
        "{context}"
    );
}

#[test]
fn editing_a_sam_template_in_a_cdk_project_asks_first() {
    let dir = example_project();
    let file = dir.path().join("legacy/template.yaml");
    write_file(
        &file,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n",
    );
    let event = serde_json::json!({
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": dir.path(),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Edit",
        "tool_input": { "file_path": file, "old_string": "Fn:", "new_string": "Func:" },
        "tool_use_id": "toolu_3"
    });
    let answer = json(&hook(dir.path(), &event));
    let output = &answer["hookSpecificOutput"];
    assert_eq!(output["hookEventName"], "PreToolUse");
    assert_eq!(output["permissionDecision"], "ask");
    assert!(
        output["permissionDecisionReason"]
            .as_str()
            .is_some_and(|r| r.contains("legacy/template.yaml is a SAM template")
                && r.contains("project.iac = \"cdk\"")),
        "{answer}"
    );

    // A plain CloudFormation template, or a SAM template in a SAM project, is not asked about.
    let plain = dir.path().join("infra/plain.yaml");
    write_file(&plain, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n");
    let mut event = event.clone();
    event["tool_input"]["file_path"] = serde_json::json!(plain);
    assert_eq!(stdout(&hook(dir.path(), &event)), "");
}

#[test]
fn a_write_that_turns_a_file_into_a_sam_template_asks_too() {
    let dir = example_project();
    let file = dir.path().join("new-stack.yaml");
    let event = serde_json::json!({
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": dir.path(),
        "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Write",
        "tool_input": { "file_path": file, "content": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n" },
        "tool_use_id": "toolu_4"
    });
    let answer = json(&hook(dir.path(), &event));
    assert_eq!(answer["hookSpecificOutput"]["permissionDecision"], "ask");
}

#[test]
fn an_edit_event_without_a_file_path_is_malformed() {
    let dir = example_project();
    let event = serde_json::json!({
        "session_id": "s", "cwd": dir.path(), "hook_event_name": "PostToolUse",
        "tool_name": "Write", "tool_input": { "content": "x" }
    });
    let output = hook(dir.path(), &event);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("file_path"), "{}", stderr(&output));
}

#[test]
fn editing_the_guards_own_configuration_asks_first() {
    // A Write of `{}` to .claude/settings.json removed every hook with no objection.
    let dir = example_project();
    for (tool, file, input) in [
        (
            "Write",
            ".claude/settings.json",
            serde_json::json!({ "content": "{}" }),
        ),
        (
            "Edit",
            ".claude/settings.local.json",
            serde_json::json!({ "old_string": "hook", "new_string": "" }),
        ),
        (
            "MultiEdit",
            "stackwarden.toml",
            serde_json::json!({ "edits": [] }),
        ),
    ] {
        let mut tool_input = input;
        tool_input["file_path"] = serde_json::json!(dir.path().join(file));
        let event = serde_json::json!({
            "session_id": "s", "transcript_path": "/t.jsonl", "cwd": dir.path(),
            "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": tool,
            "tool_input": tool_input, "tool_use_id": "toolu_5"
        });
        let answer = json(&hook(dir.path(), &event));
        let output = &answer["hookSpecificOutput"];
        assert_eq!(output["permissionDecision"], "ask", "{tool} {file}");
        let reason = output["permissionDecisionReason"]
            .as_str()
            .unwrap_or_default();
        assert!(
            reason.starts_with(&format!(
                "stackwarden: [guard/self-protection] {tool} of `{file}`"
            )),
            "{reason}"
        );
    }
}

#[test]
fn a_handler_call_its_role_does_not_allow_is_reported_when_written() {
    // The example app with its synthesized cdk.out: the agent writes ArchiveOrder's handler,
    // whose PutObject the function's role (grantRead only) does not allow.
    let dir = example_project();
    let app = repo_root().join("examples/orders-app");
    for folder in ["lib", "src", "cdk.out"] {
        copy_tree(&app.join(folder), &dir.path().join(folder), &[]);
    }
    let file = dir.path().join("src/lambda/archive-order/index.ts");
    let text = std::fs::read_to_string(&file).expect("read handler");
    let output = hook(dir.path(), &post_write(dir.path(), &file, &text));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let answer = json(&output);
    assert_eq!(answer["decision"], "block", "{answer}");
    let reason = answer["reason"].as_str().expect("reason");
    let send_line = line_of(&text, "await s3.send(");
    assert!(
        reason.contains(&format!("\nsrc/lambda/archive-order/index.ts:{send_line}:"))
            && reason
                .contains(" error iam/missing-permission: `PutObjectCommand` needs `s3:PutObject`"),
        "{reason}"
    );
    assert!(
        reason.contains("receipts.grantPut(archiveOrder);"),
        "{reason}"
    );

    // The right handler of the same app gets no answer.
    let file = dir.path().join("src/lambda/process-order/index.ts");
    let text = std::fs::read_to_string(&file).expect("read handler");
    let output = hook(dir.path(), &post_write(dir.path(), &file, &text));
    assert_eq!(
        stdout(&output),
        "",
        "a handler its role fits gets no answer"
    );
}
