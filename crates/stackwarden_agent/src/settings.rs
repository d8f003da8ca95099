//! `.claude/settings*.json` read as the agent rules need it: the permission lists and the hook
//! registrations, each entry with the byte offset it starts at, so findings point at the entry
//! itself. Parsed with jsonc-parser (comments and trailing commas are accepted, as people write
//! them); values of an unexpected type are skipped, never guessed at.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

/// A string in the file and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    /// Byte offset of the string literal (its opening quote).
    pub offset: usize,
}

/// One `{"type": "command", "command": ...}` handler of a hook group.
#[derive(Debug, Clone, PartialEq)]
pub struct HookHandler {
    pub kind: Option<String>,
    pub command: Option<String>,
    pub timeout: Option<f64>,
    pub on_failure: Option<String>,
}

/// One `{"matcher": ..., "hooks": [...]}` group under an event.
#[derive(Debug, Clone, PartialEq)]
pub struct HookGroup {
    pub event: String,
    /// `None` when the group has no matcher (it then matches every tool).
    pub matcher: Option<String>,
    pub handlers: Vec<HookHandler>,
    pub offset: usize,
}

/// What the agent rules read from one Claude Code settings file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaudeSettings {
    pub allow: Vec<Located>,
    pub ask: Vec<Located>,
    pub deny: Vec<Located>,
    /// `permissions.defaultMode`.
    pub default_mode: Option<Located>,
    pub hooks: Vec<HookGroup>,
    /// Where the `"hooks"` key is, when there is one.
    pub hooks_offset: Option<usize>,
}

/// A settings text that is not JSON (or not a JSON object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsParseError {
    pub offset: usize,
    pub message: String,
}

impl ClaudeSettings {
    pub fn parse(text: &str) -> Result<Self, SettingsParseError> {
        let parsed =
            jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
                .map_err(|e| SettingsParseError {
                    offset: e.range().start,
                    message: e.kind().to_string(),
                })?;
        let root = match parsed.value {
            None => return Ok(Self::default()),
            Some(Value::Object(root)) => root,
            Some(_) => {
                return Err(SettingsParseError {
                    offset: 0,
                    message: "the settings must be a JSON object".into(),
                })
            }
        };
        let mut settings = Self::default();
        if let Some(permissions) = root.get_object("permissions") {
            settings.allow = strings(permissions, "allow");
            settings.ask = strings(permissions, "ask");
            settings.deny = strings(permissions, "deny");
            settings.default_mode = permissions.get_string("defaultMode").map(|s| Located {
                value: s.value.to_string(),
                offset: s.range.start,
            });
        }
        if let Some(hooks) = root.get("hooks") {
            settings.hooks_offset = Some(hooks.range.start);
            if let Some(events) = hooks.value.as_object() {
                for event in &events.properties {
                    let Some(groups) = event.value.as_array() else {
                        continue;
                    };
                    for group in groups.elements.iter().filter_map(Value::as_object) {
                        settings.hooks.push(HookGroup {
                            event: event.name.as_str().to_string(),
                            matcher: group.get_string("matcher").map(|m| m.value.to_string()),
                            handlers: group
                                .get_array("hooks")
                                .map(|list| {
                                    list.elements
                                        .iter()
                                        .filter_map(Value::as_object)
                                        .map(handler)
                                        .collect()
                                })
                                .unwrap_or_default(),
                            offset: group.range.start,
                        });
                    }
                }
            }
        }
        Ok(settings)
    }
}

fn strings(object: &Object<'_>, key: &str) -> Vec<Located> {
    object
        .get_array(key)
        .map(|list| {
            list.elements
                .iter()
                .filter_map(Value::as_string_lit)
                .map(|s| Located {
                    value: s.value.to_string(),
                    offset: s.range.start,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn handler(object: &Object<'_>) -> HookHandler {
    HookHandler {
        kind: object.get_string("type").map(|s| s.value.to_string()),
        command: object.get_string("command").map(|s| s.value.to_string()),
        timeout: object
            .get_number("timeout")
            .and_then(|n| n.value.parse().ok()),
        on_failure: object.get_string("onFailure").map(|s| s.value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_permissions_and_hooks_with_offsets() {
        let text = r#"{
  // team settings
  "permissions": { "allow": ["Bash(npm test)", 3], "deny": ["Bash(rm -rf *)"], "defaultMode": "acceptEdits" },
  "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "stackwarden hook", "timeout": 10 } ] } ] },
}"#;
        let settings = ClaudeSettings::parse(text).expect("parses");
        assert_eq!(settings.allow.len(), 1);
        assert_eq!(settings.allow[0].value, "Bash(npm test)");
        assert_eq!(&text[settings.allow[0].offset..][..5], "\"Bash");
        assert_eq!(settings.deny[0].value, "Bash(rm -rf *)");
        assert_eq!(
            settings.default_mode.as_ref().map(|m| m.value.as_str()),
            Some("acceptEdits")
        );
        assert_eq!(settings.hooks.len(), 1);
        assert_eq!(settings.hooks[0].event, "PreToolUse");
        assert_eq!(settings.hooks[0].matcher.as_deref(), Some("Bash"));
        assert_eq!(
            settings.hooks[0].handlers[0].command.as_deref(),
            Some("stackwarden hook")
        );
        assert_eq!(settings.hooks[0].handlers[0].timeout, Some(10.0));
    }

    #[test]
    fn broken_json_reports_where() {
        let err = ClaudeSettings::parse("{\n  \"permissions\": [\"x\",,]\n}").expect_err("broken");
        assert!(err.offset > 0, "{err:?}");
        assert!(ClaudeSettings::parse("[1]").is_err());
        assert_eq!(
            ClaudeSettings::parse("").expect("empty"),
            ClaudeSettings::default()
        );
    }
}
