//! The hook registrations stackwarden needs in `.claude/settings.json`, and whether a set of
//! settings files provides them. Shared by `init` (which writes them) and `agent/hooks-missing`
//! (which reports their absence), so the two never disagree.
//!
//! Shape, per Claude Code's hooks reference: `{"hooks": {"PreToolUse": [{"matcher": "Bash",
//! "hooks": [{"type": "command", "command": "stackwarden hook", "timeout": 10}]}]}}`. The matcher
//! is a tool name, a `|` list or a regular expression; empty, `*` or absent matches every tool.
//!
//! Fail-closed: Claude Code (2.1.295 and later) treats a command hook with `"onFailure": "block"`
//! that cannot start, times out or exits with an unexpected code as a block instead of letting
//! the tool call through. Older versions ignore the field; there the hook's own exit 2 — which
//! the binary answers whenever its resource envelope's worker crashes or hits a limit — is the
//! only safety net.

use crate::settings::{ClaudeSettings, HookHandler};

/// The command Claude Code runs for every stackwarden hook.
pub const HOOK_COMMAND: &str = "stackwarden hook";

/// One hook registration stackwarden needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookSpec {
    pub event: &'static str,
    pub matcher: &'static str,
    /// The tools the matcher must cover.
    pub tools: &'static [&'static str],
    /// Seconds before Claude Code cancels the hook.
    pub timeout: u32,
    /// `"block"` for the entries that must fail closed.
    pub on_failure: Option<&'static str>,
    /// What it is for, in words (messages, CLAUDE.md).
    pub purpose: &'static str,
}

const EDIT_TOOLS: &[&str] = &["Write", "Edit", "MultiEdit"];

/// MCP tools the PreToolUse MCP entry must cover: awslabs' AWS API and Cloud Control servers
/// under their usual names, and `call_aws` under a server name that says nothing about AWS —
/// a server's name is whatever the user called it, so only a matcher over every `mcp__` tool
/// is sure to reach the ones that call AWS.
const MCP_TOOLS: &[&str] = &[
    "mcp__awslabs_aws-api-mcp-server__call_aws",
    "mcp__awslabs_ccapi-mcp-server__delete_resource",
    "mcp__cloud__call_aws",
];

/// Every registration, in the order `init` writes them.
pub const HOOKS: &[HookSpec] = &[
    HookSpec {
        event: "PreToolUse",
        matcher: "Bash",
        tools: &["Bash"],
        timeout: 10,
        on_failure: Some("block"),
        purpose: "judges each shell command before it runs (production deploys, destroys, IAM users, credentials)",
    },
    // Blocks when it fails, like the Bash entry: it is the same guard, reached through MCP.
    HookSpec {
        event: "PreToolUse",
        matcher: "mcp__.*",
        tools: MCP_TOOLS,
        timeout: 10,
        on_failure: Some("block"),
        purpose: "judges MCP tool calls that reach AWS (`call_aws` commands, Cloud Control changes) the same way",
    },
    HookSpec {
        event: "PreToolUse",
        matcher: "Write|Edit|MultiEdit",
        tools: EDIT_TOOLS,
        timeout: 10,
        on_failure: None,
        purpose: "asks before an edit to a legacy SAM template",
    },
    HookSpec {
        event: "PostToolUse",
        matcher: "Bash",
        tools: &["Bash"],
        timeout: 10,
        on_failure: None,
        purpose: "records each successful `cdk diff`, which a later deploy needs",
    },
    HookSpec {
        event: "PostToolUse",
        matcher: "Write|Edit|MultiEdit",
        tools: EDIT_TOOLS,
        timeout: 30,
        on_failure: None,
        purpose: "checks each file the agent writes and sends the findings back",
    },
];

impl HookSpec {
    /// `PreToolUse Bash`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.event, self.matcher)
    }

    /// Whether a handler is exactly what `init` writes for this registration.
    pub fn is_canonical(&self, handler: &HookHandler) -> bool {
        handler.kind.as_deref() == Some("command")
            && handler.command.as_deref() == Some(HOOK_COMMAND)
            && handler.timeout == Some(f64::from(self.timeout))
            && handler.on_failure.as_deref() == self.on_failure
    }
}

/// Whether a hook command runs `stackwarden hook` (also through a path or a launcher:
/// `/usr/local/bin/stackwarden hook`, `npx stackwarden hook`).
pub fn is_stackwarden_command(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.windows(2).any(|pair| {
        // A quoted path (`'/opt/my tools/stackwarden' hook`, as init writes one with spaces)
        // ends in a quote after whitespace splitting.
        let word = pair[0].trim_end_matches(['"', '\'']);
        let program = word.rsplit(['/', '\\']).next().unwrap_or(word);
        let program = program.strip_suffix(".exe").unwrap_or(program);
        program == "stackwarden" && pair[1] == "hook"
    })
}

/// Whether a matcher selects a tool: empty, `*` or absent select all; otherwise Claude Code
/// reads it as an exact name or a regular expression.
pub fn matcher_covers(matcher: Option<&str>, tool: &str) -> bool {
    let Some(matcher) = matcher.map(str::trim) else {
        return true;
    };
    if matcher.is_empty() || matcher == "*" {
        return true;
    }
    if matcher == tool {
        return true;
    }
    match regex::Regex::new(&format!("^(?:{matcher})$")) {
        Ok(re) => re.is_match(tool),
        Err(_) => matcher.split('|').any(|m| m.trim() == tool),
    }
}

/// Whether some settings file registers `stackwarden hook` for every tool of `spec`.
pub fn is_registered(spec: &HookSpec, files: &[&ClaudeSettings]) -> bool {
    spec.tools.iter().all(|tool| {
        files.iter().any(|settings| {
            settings.hooks.iter().any(|group| {
                group.event == spec.event
                    && matcher_covers(group.matcher.as_deref(), tool)
                    && group.handlers.iter().any(|h| {
                        h.kind.as_deref().is_none_or(|k| k == "command")
                            && h.command.as_deref().is_some_and(is_stackwarden_command)
                    })
            })
        })
    })
}

/// The registrations none of `files` provides.
pub fn missing(files: &[&ClaudeSettings]) -> Vec<&'static HookSpec> {
    HOOKS
        .iter()
        .filter(|spec| !is_registered(spec, files))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_command_through_paths_and_launchers() {
        assert!(is_stackwarden_command("stackwarden hook"));
        assert!(is_stackwarden_command("/usr/local/bin/stackwarden hook"));
        assert!(is_stackwarden_command("npx stackwarden hook --quiet"));
        assert!(is_stackwarden_command("'/opt/my tools/stackwarden' hook"));
        assert!(is_stackwarden_command(
            "\"$CLAUDE_PROJECT_DIR\"/node_modules/@stackwarden/cli-*/bin/stackwarden hook"
        ));
        assert!(!is_stackwarden_command("stackwarden check"));
        assert!(!is_stackwarden_command("my-stackwarden hook"));
    }

    #[test]
    fn matchers_follow_claude_code() {
        assert!(matcher_covers(None, "Bash"));
        assert!(matcher_covers(Some(""), "Write"));
        assert!(matcher_covers(Some("*"), "Write"));
        assert!(matcher_covers(Some("Edit|Write|MultiEdit"), "Write"));
        assert!(matcher_covers(Some(".*Edit"), "MultiEdit"));
        assert!(!matcher_covers(Some("Edit|Write"), "MultiEdit"));
        assert!(!matcher_covers(Some("Bash"), "Write"));
        assert!(matcher_covers(Some("mcp__.*"), "mcp__aws-api__call_aws"));
        assert!(!matcher_covers(Some("mcp__.*"), "Bash"));
        // A matcher naming one server does not reach `call_aws` under another name.
        assert!(!matcher_covers(Some("mcp__aws.*"), "mcp__cloud__call_aws"));
    }

    #[test]
    fn missing_lists_what_no_file_registers() {
        let settings = ClaudeSettings::parse(
            r#"{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "stackwarden hook"}]}],
                          "PostToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "stackwarden hook"}]}]}}"#,
        )
        .expect("parses");
        let missing: Vec<String> = missing(&[&settings]).iter().map(|s| s.label()).collect();
        assert_eq!(
            missing,
            vec!["PreToolUse mcp__.*", "PreToolUse Write|Edit|MultiEdit"]
        );
        let local = ClaudeSettings::parse(
            r#"{"hooks": {"PreToolUse": [{"matcher": "Write|Edit|MultiEdit", "hooks": [{"type": "command", "command": "stackwarden hook"}]},
                                         {"matcher": "mcp__.*", "hooks": [{"type": "command", "command": "stackwarden hook"}]}]}}"#,
        )
        .expect("parses");
        assert!(super::missing(&[&settings, &local]).is_empty());
        assert_eq!(super::missing(&[]).len(), HOOKS.len());
    }
}
