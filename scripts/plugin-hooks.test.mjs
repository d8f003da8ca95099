// Feeds the Claude Code plugin's hook commands (hooks/hooks.json, exec form) the hook JSON Claude
// Code sends, the way Claude Code runs them: `command` with ${CLAUDE_PLUGIN_ROOT} and
// ${CLAUDE_PROJECT_DIR} substituted, spawned with `args` and no shell, the event on stdin.
//   PLUGIN_DIR=OUT_DIR/claude-plugin PROJECT_DIR=... node --test scripts/plugin-hooks.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const pluginDir = process.env.PLUGIN_DIR;
const projectDir = process.env.PROJECT_DIR;
assert.ok(pluginDir && projectDir, "set PLUGIN_DIR and PROJECT_DIR");
const hooks = JSON.parse(readFileSync(join(pluginDir, "hooks/hooks.json"), "utf8")).hooks;

function handler(event, matcher) {
  const group = hooks[event].find((g) => g.matcher === matcher);
  assert.ok(group, `${event} ${matcher} is registered`);
  return group.hooks[0];
}

function substitute(text) {
  return text.replaceAll("${CLAUDE_PLUGIN_ROOT}", pluginDir).replaceAll("${CLAUDE_PROJECT_DIR}", projectDir);
}

function run(event, matcher, input, env = {}) {
  const h = handler(event, matcher);
  assert.equal(h.type, "command");
  assert.ok(Array.isArray(h.args), "exec form: args is a list");
  const payload = {
    session_id: "8a1e2c3d-0000-4000-8000-00000000000a",
    transcript_path: join(projectDir, ".transcript.jsonl"),
    cwd: projectDir,
    permission_mode: "default",
    hook_event_name: event,
    tool_use_id: "toolu_01PLUGINTEST0000000000000",
    ...input,
  };
  return spawnSync(substitute(h.command), h.args.map(substitute), {
    input: JSON.stringify(payload),
    cwd: projectDir,
    encoding: "utf8",
    env: {
      ...process.env,
      CLAUDE_PROJECT_DIR: projectDir,
      CLAUDE_PLUGIN_ROOT: pluginDir,
      // The decisions must not depend on this machine's profiles.
      AWS_CONFIG_FILE: join(projectDir, "no-aws-config"),
      AWS_PROFILE: "",
      ...env,
    },
    timeout: (h.timeout ?? 60) * 1000,
  });
}

test("every registration the guard needs is there, in exec form, failing closed where it must", () => {
  for (const [event, matcher, timeout, onFailure] of [
    ["PreToolUse", "Bash", 10, "block"],
    ["PreToolUse", "mcp__.*", 10, "block"],
    ["PreToolUse", "Write|Edit|MultiEdit", 10, undefined],
    ["PostToolUse", "Bash", 10, undefined],
    ["PostToolUse", "Write|Edit|MultiEdit", 30, undefined],
  ]) {
    const h = handler(event, matcher);
    assert.equal(h.command, "${CLAUDE_PLUGIN_ROOT}/bin/stackwarden");
    assert.deepEqual(h.args, ["hook"]);
    assert.equal(h.timeout, timeout);
    assert.equal(h.onFailure, onFailure);
  }
});

test("PreToolUse Bash denies a production deploy and says why", () => {
  const r = run("PreToolUse", "Bash", {
    tool_name: "Bash",
    tool_input: { command: "npx cdk deploy prod-orders --require-approval never", description: "Deploy" },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.hookSpecificOutput.permissionDecision, "deny");
  assert.match(out.hookSpecificOutput.permissionDecisionReason, /guard\/prod-deploy/);
});

test("PreToolUse Bash says nothing about a benign command", () => {
  const r = run("PreToolUse", "Bash", { tool_name: "Bash", tool_input: { command: "ls -la lib" } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "");
});

test("PreToolUse mcp__ judges call_aws like the shell command it carries", () => {
  const r = run("PreToolUse", "mcp__.*", {
    tool_name: "mcp__awslabs_aws-api-mcp-server__call_aws",
    tool_input: { cli_command: "aws s3 rb s3://222222222222-prod-orders-data --force" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision, "deny");
});

test("PostToolUse Write sends the findings of the written file back as a block", () => {
  const file = join(projectDir, "src", "plugin-test-handler.ts");
  mkdirSync(join(projectDir, "src"), { recursive: true });
  const content = [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "export const handler = async () => {",
    "  const client = new DynamoDBClient({});",
    "  return client;",
    "};",
    "",
  ].join("\n");
  writeFileSync(file, content);
  const r = run("PostToolUse", "Write|Edit|MultiEdit", {
    tool_name: "Write",
    tool_input: { file_path: file, content },
    tool_response: { filePath: file, success: true },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.decision, "block");
  assert.match(out.reason, /code\/client-in-handler/);
});
