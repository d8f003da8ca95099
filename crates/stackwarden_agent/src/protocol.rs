//! The Claude Code hook protocol: the event JSON Claude Code writes to a hook's stdin and the
//! answers it reads from stdout. Field names follow Claude Code's hooks reference (common fields
//! `session_id`, `transcript_path`, `cwd`, `permission_mode`, `hook_event_name`; tool events add
//! `tool_name`, `tool_input`, `tool_use_id`, and `PostToolUse` adds `tool_response`).
//! Unknown fields are ignored: Claude Code adds fields over time and a hook must not break.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct HookEvent {
    pub hook_event_name: String,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub transcript_path: Option<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    #[serde(default)]
    pub permission_mode: Option<String>,
    #[serde(default)]
    pub tool_name: Option<String>,
    #[serde(default)]
    pub tool_input: Option<serde_json::Value>,
    #[serde(default)]
    pub tool_use_id: Option<String>,
    #[serde(default)]
    pub tool_response: Option<serde_json::Value>,
}

/// `tool_input` of the Bash tool.
#[derive(Debug, Clone, Deserialize)]
pub struct BashInput {
    pub command: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub timeout: Option<u64>,
    #[serde(default)]
    pub run_in_background: Option<bool>,
}

/// The PreToolUse answer: `{"hookSpecificOutput":{"hookEventName":"PreToolUse",
/// "permissionDecision":"deny","permissionDecisionReason":"..."}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreToolUseAnswer {
    pub hook_specific_output: PermissionOutput,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionOutput {
    pub hook_event_name: &'static str,
    /// `deny` or `ask`; the guard never answers `allow`.
    pub permission_decision: &'static str,
    pub permission_decision_reason: String,
}

impl PreToolUseAnswer {
    pub fn new(decision: stackwarden_guard::Decision, reason: String) -> Self {
        Self {
            hook_specific_output: PermissionOutput {
                hook_event_name: "PreToolUse",
                permission_decision: decision.as_str(),
                permission_decision_reason: reason,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_fields_and_ignores_new_ones() {
        let event: HookEvent = serde_json::from_str(
            r#"{"session_id":"abc","transcript_path":"/t.jsonl","cwd":"/p","permission_mode":"default",
                "hook_event_name":"PreToolUse","tool_name":"Bash","tool_use_id":"toolu_1",
                "tool_input":{"command":"ls","description":"list","timeout":1000},"future_field":1}"#,
        )
        .expect("parses");
        assert_eq!(event.tool_name.as_deref(), Some("Bash"));
        assert_eq!(event.tool_use_id.as_deref(), Some("toolu_1"));
        let input: BashInput =
            serde_json::from_value(event.tool_input.unwrap_or_default()).expect("bash input");
        assert_eq!(input.command, "ls");
    }

    #[test]
    fn answer_shape() {
        let answer = PreToolUseAnswer::new(stackwarden_guard::Decision::Deny, "no".into());
        assert_eq!(
            serde_json::to_string(&answer).unwrap_or_default(),
            r#"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"no"}}"#
        );
    }
}
