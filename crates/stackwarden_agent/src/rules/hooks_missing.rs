use stackwarden_core::{RuleMeta, Severity};

use crate::registration::HookSpec;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "agent/hooks-missing",
    severity: Severity::Warn,
    summary: "the project has stackwarden.toml but its Claude Code settings do not register the stackwarden hooks",
    docs: r#"## What it does
When a project has a `stackwarden.toml`, looks at `.claude/settings.json` and
`.claude/settings.local.json` beside it and reports the hook registrations neither provides:
`PreToolUse` on `Bash` (judges each command before it runs), `PreToolUse` on `mcp__.*` (judges
MCP tool calls that reach AWS, such as `call_aws` and Cloud Control changes), `PreToolUse` on
`Write|Edit|MultiEdit` (asks before editing a legacy SAM template), `PostToolUse` on `Bash`
(records successful `cdk diff` runs, which deploys need) and `PostToolUse` on
`Write|Edit|MultiEdit` (checks each file the agent writes). A registration counts when a group of
that event whose matcher covers the tool runs `stackwarden hook` (also through a path or `npx`);
an MCP matcher must cover every server's tools, since `call_aws` can sit under any server name.
The finding is at `.claude/settings.json` (or the local file, or `stackwarden.toml` when there is
no settings file) and names the missing entries.

## Why
The rules in CLAUDE.md are advice an agent can forget; the hooks are what enforces them. A project
configured for stackwarden without the hooks looks protected and is not.

## Example
```json
{ "permissions": { "allow": ["Bash(npm run test *)"] } }
```
(no `hooks` at all, beside a `stackwarden.toml`)

## Fix
Run `stackwarden init`: it adds the five registrations to `.claude/settings.json` and keeps every
entry already there. By hand:
```json
{ "hooks": {
    "PreToolUse": [
      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "stackwarden hook", "timeout": 10, "onFailure": "block" }] },
      { "matcher": "mcp__.*", "hooks": [{ "type": "command", "command": "stackwarden hook", "timeout": 10, "onFailure": "block" }] },
      { "matcher": "Write|Edit|MultiEdit", "hooks": [{ "type": "command", "command": "stackwarden hook", "timeout": 10 }] } ],
    "PostToolUse": [
      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "stackwarden hook", "timeout": 10 }] },
      { "matcher": "Write|Edit|MultiEdit", "hooks": [{ "type": "command", "command": "stackwarden hook", "timeout": 30 }] } ] } }
```
"#,
};

pub(crate) const HELP: &str =
    "run `stackwarden init` to register the hooks (it keeps the entries already in the file)";

/// The message naming what is missing.
pub(crate) fn message(missing: &[&HookSpec]) -> String {
    let labels: Vec<String> = missing.iter().map(|s| format!("`{}`", s.label())).collect();
    format!(
        "the stackwarden hook is not registered for {} in .claude/settings.json or .claude/settings.local.json, so {}",
        labels.join(", "),
        if missing.iter().any(|s| s.event == "PreToolUse" && s.matcher == "Bash") {
            "the agent's shell commands are not checked before they run"
        } else if missing.iter().any(|s| s.matcher.starts_with("mcp__")) {
            "the agent's MCP tool calls to AWS (`call_aws`, Cloud Control) are not checked before they run"
        } else {
            "part of the checks do not run"
        }
    )
}
