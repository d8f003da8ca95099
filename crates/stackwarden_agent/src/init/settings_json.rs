//! `.claude/settings.json`: our permission entries and hook registrations merged into whatever
//! the file already holds, through jsonc-parser's CST so the user's entries keep their order,
//! formatting and comments. Our entries are recognised by their text (permissions) and by the
//! `stackwarden hook` command (hooks); a re-run adds only what is missing.
//!
//! Without `--force`, an entry of ours the user has changed (a hook's timeout, say) is kept and
//! reported as drift; with `--force` it is reset, and permission entries of a stage-dependent
//! shape the configuration no longer renders are removed. Entries the user placed in another
//! list (one of our allow entries under `ask`, say) are respected and never re-added.

use jsonc_parser::cst::{CstArray, CstInputValue, CstNode, CstObject, CstRootNode};
use jsonc_parser::ParseOptions;

use super::permissions::{is_stage_dependent, OurPermissions};
use crate::registration::{is_stackwarden_command, matcher_covers, HookSpec, HOOKS};
use crate::settings::SettingsParseError;

const SCHEMA: &str = "https://json.schemastore.org/claude-code-settings.json";

/// One difference between the file and what the configuration renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsDrift {
    /// `permissions.allow`, `hooks.PreToolUse`, ...
    pub section: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsMerge {
    pub text: String,
    /// How the file as it was differs from what `init` renders.
    pub drift: Vec<SettingsDrift>,
    /// What was kept on purpose (user changes to our entries).
    pub notes: Vec<String>,
}

/// Merges our entries into `existing` (or a new file); `hook_command` is what each hook runs.
pub fn merge(
    existing: Option<&str>,
    ours: &OurPermissions,
    hook_command: &str,
    force: bool,
) -> Result<SettingsMerge, SettingsParseError> {
    let mut drift = Vec::new();
    let mut notes = Vec::new();
    let new_file = existing.is_none_or(|t| t.trim().is_empty());
    if existing.is_none() {
        drift.push(SettingsDrift {
            section: "file".into(),
            message: "does not exist".into(),
        });
    }
    let text = existing.filter(|t| !t.trim().is_empty()).unwrap_or("{}");
    let root =
        CstRootNode::parse(text, &ParseOptions::default()).map_err(|e| SettingsParseError {
            offset: e.range().start,
            message: e.kind().to_string(),
        })?;
    let object = match root.value() {
        None => root.object_value_or_set(),
        Some(value) => value.as_object().ok_or_else(|| SettingsParseError {
            offset: 0,
            message: "the settings must be a JSON object".into(),
        })?,
    };
    if new_file {
        object.ensure_multiline();
        object.append("$schema", SCHEMA.into());
    }

    let permissions = child_object(&object, "permissions")?;
    let lists: Vec<(&str, Vec<String>)> = ["allow", "ask", "deny"]
        .into_iter()
        .map(|name| {
            let values = permissions
                .as_ref()
                .and_then(|p| p.array_value(name))
                .map(|a| strings(&a))
                .unwrap_or_default();
            (name, values)
        })
        .collect();
    let present = |entry: &str| lists.iter().any(|(_, v)| v.iter().any(|e| e == entry));
    for (name, wanted) in [("allow", &ours.allow), ("deny", &ours.deny)] {
        let missing: Vec<&String> = wanted.iter().filter(|e| !present(e)).collect();
        let section = format!("permissions.{name}");
        let stale: Vec<String> = lists
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|e| is_stage_dependent(e) && !wanted.contains(e))
            .collect();
        if missing.is_empty() && (!force || stale.is_empty()) {
            continue;
        }
        let permissions = match &permissions {
            Some(p) => p.clone(),
            None => {
                let created = object_value_or_create(&object, "permissions")?;
                created.ensure_multiline();
                created
            }
        };
        let list = array_value_or_create(&permissions, name, &section)?;
        if list.elements().is_empty() {
            list.ensure_multiline();
        }
        if force {
            for element in list.elements() {
                if string_of(&element).is_some_and(|e| stale.contains(&e)) {
                    element.remove();
                }
            }
        }
        for entry in missing {
            drift.push(SettingsDrift {
                section: section.clone(),
                message: format!("`{entry}` is missing"),
            });
            list.append(entry.as_str().into());
        }
    }

    merge_hooks(&object, hook_command, force, &mut drift, &mut notes)?;

    let mut text = root.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(SettingsMerge { text, drift, notes })
}

fn merge_hooks(
    object: &CstObject,
    hook_command: &str,
    force: bool,
    drift: &mut Vec<SettingsDrift>,
    notes: &mut Vec<String>,
) -> Result<(), SettingsParseError> {
    let existing_hooks = child_object(object, "hooks")?;
    for spec in HOOKS {
        let section = format!("hooks.{}", spec.event);
        let groups = existing_hooks
            .as_ref()
            .and_then(|h| h.array_value(spec.event))
            .map(|a| a.elements())
            .unwrap_or_default();
        let ours = groups
            .iter()
            .filter_map(CstNode::as_object)
            .find_map(|group| {
                (string_prop(&group, "matcher").as_deref() == Some(spec.matcher))
                    .then(|| our_handler(&group))
                    .flatten()
            });
        if let Some(handler) = ours {
            if !is_canonical(spec, &handler, hook_command) {
                drift.push(SettingsDrift {
                    section: section.clone(),
                    message: format!(
                        "the `{}` entry differs from what init writes ({})",
                        spec.matcher,
                        describe(&canonical_handler(spec, hook_command))
                    ),
                });
                if force {
                    reset_handler(spec, &handler, hook_command);
                } else {
                    notes.push(format!(
                        "kept your changes to the {} hook entry; `stackwarden init --force` resets it",
                        spec.label()
                    ));
                }
            }
            continue;
        }
        let covered = spec.tools.iter().all(|tool| {
            groups.iter().filter_map(CstNode::as_object).any(|group| {
                matcher_covers(string_prop(&group, "matcher").as_deref(), tool)
                    && our_handler(&group).is_some()
            })
        });
        if covered {
            continue;
        }
        drift.push(SettingsDrift {
            section: section.clone(),
            message: format!("`{hook_command}` is not registered for {}", spec.matcher),
        });
        let hooks = match &existing_hooks {
            Some(h) => h.clone(),
            None => {
                let created = object_value_or_create(object, "hooks")?;
                created.ensure_multiline();
                created
            }
        };
        let list = array_value_or_create(&hooks, spec.event, &section)?;
        if list.elements().is_empty() {
            list.ensure_multiline();
        }
        list.append(CstInputValue::Object(vec![
            ("matcher".into(), spec.matcher.into()),
            (
                "hooks".into(),
                CstInputValue::Array(vec![canonical_handler(spec, hook_command)]),
            ),
        ]));
    }
    Ok(())
}

fn canonical_handler(spec: &HookSpec, hook_command: &str) -> CstInputValue {
    let mut fields = vec![
        ("type".to_string(), CstInputValue::from("command")),
        ("command".to_string(), hook_command.into()),
        ("timeout".to_string(), spec.timeout.into()),
    ];
    if let Some(on_failure) = spec.on_failure {
        fields.push(("onFailure".into(), on_failure.into()));
    }
    CstInputValue::Object(fields)
}

/// Sets each field of our handler to what init writes, in place (keeps the file's layout).
fn reset_handler(spec: &HookSpec, handler: &CstObject, hook_command: &str) {
    let CstInputValue::Object(fields) = canonical_handler(spec, hook_command) else {
        return;
    };
    for (name, value) in fields {
        match handler.get(&name) {
            Some(prop) => prop.set_value(value),
            None => {
                handler.append(&name, value);
            }
        }
    }
    if spec.on_failure.is_none() {
        if let Some(prop) = handler.get("onFailure") {
            prop.remove();
        }
    }
}

fn describe(value: &CstInputValue) -> String {
    match value {
        CstInputValue::Object(fields) => fields
            .iter()
            .filter(|(k, _)| k != "type" && k != "command")
            .map(|(k, v)| format!("{k}: {}", describe(v)))
            .collect::<Vec<_>>()
            .join(", "),
        CstInputValue::String(s) => format!("\"{s}\""),
        CstInputValue::Number(n) => n.clone(),
        CstInputValue::Bool(b) => b.to_string(),
        CstInputValue::Null => "null".into(),
        CstInputValue::Array(items) => format!(
            "[{}]",
            items.iter().map(describe).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn is_canonical(spec: &HookSpec, handler: &CstObject, hook_command: &str) -> bool {
    string_prop(handler, "type").as_deref() == Some("command")
        && string_prop(handler, "command").as_deref() == Some(hook_command)
        && number_prop(handler, "timeout") == Some(f64::from(spec.timeout))
        && string_prop(handler, "onFailure").as_deref() == spec.on_failure
}

/// The handler of a group that runs `stackwarden hook`.
fn our_handler(group: &CstObject) -> Option<CstObject> {
    group
        .array_value("hooks")?
        .elements()
        .iter()
        .filter_map(CstNode::as_object)
        .find(|h| string_prop(h, "command").is_some_and(|c| is_stackwarden_command(&c)))
}

fn child_object(parent: &CstObject, name: &str) -> Result<Option<CstObject>, SettingsParseError> {
    match parent.get(name) {
        None => Ok(None),
        Some(prop) => prop
            .value()
            .and_then(|v| v.as_object())
            .map(Some)
            .ok_or_else(|| SettingsParseError {
                offset: 0,
                message: format!("`{name}` must be a JSON object"),
            }),
    }
}

fn object_value_or_create(parent: &CstObject, name: &str) -> Result<CstObject, SettingsParseError> {
    parent
        .object_value_or_create(name)
        .ok_or_else(|| SettingsParseError {
            offset: 0,
            message: format!("`{name}` must be a JSON object"),
        })
}

fn array_value_or_create(
    parent: &CstObject,
    name: &str,
    section: &str,
) -> Result<CstArray, SettingsParseError> {
    parent
        .array_value_or_create(name)
        .ok_or_else(|| SettingsParseError {
            offset: 0,
            message: format!("`{section}` must be a JSON array"),
        })
}

fn strings(array: &CstArray) -> Vec<String> {
    array.elements().iter().filter_map(string_of).collect()
}

fn string_of(node: &CstNode) -> Option<String> {
    node.as_string_lit()?.decoded_value().ok()
}

fn string_prop(object: &CstObject, name: &str) -> Option<String> {
    string_of(&object.get(name)?.value()?)
}

fn number_prop(object: &CstObject, name: &str) -> Option<f64> {
    object
        .get(name)?
        .value()?
        .as_number_lit()?
        .to_string()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> OurPermissions {
        OurPermissions {
            allow: vec!["Bash(npm run test *)".into(), "Bash(npx cdk diff *)".into()],
            deny: vec!["Bash(aws s3 rm *)".into()],
        }
    }

    const USER: &str = r#"{
  // team conventions
  "model": "opus",
  "permissions": {
    "allow": [
      "Bash(git status)", // read-only
      "Bash(npm run lint)",
      "Bash(npx cdk diff *)"
    ],
    "ask": ["Bash(npm run test *)"]
  },
  "hooks": {
    "PostToolUse": [
      { "matcher": "Write", "hooks": [ { "type": "command", "command": "prettier --write" } ] }
    ]
  }
}
"#;

    #[test]
    fn keeps_user_entries_and_comments_and_adds_ours_once() {
        let merged = merge(Some(USER), &ours(), "stackwarden hook", false).expect("merges");
        let text = &merged.text;
        assert!(
            text.starts_with("{\n  // team conventions\n  \"model\": \"opus\","),
            "{text}"
        );
        let git = text
            .find("Bash(git status)\", // read-only")
            .expect("user entry kept");
        let lint = text.find("Bash(npm run lint)").expect("user entry kept");
        assert!(git < lint);
        assert!(text.contains("prettier --write"));
        // In the user's ask list: respected, not re-added to allow.
        assert_eq!(text.matches("Bash(npm run test *)").count(), 1, "{text}");
        assert_eq!(text.matches("Bash(npx cdk diff *)").count(), 1, "{text}");
        assert!(
            text.contains("\"deny\": [\n      \"Bash(aws s3 rm *)\"\n    ]"),
            "{text}"
        );
        assert_eq!(
            text.matches("stackwarden hook").count(),
            HOOKS.len(),
            "{text}"
        );
        assert!(text.contains("\"onFailure\": \"block\""));
        assert!(!text.contains("$schema"), "only new files get a schema");
        let sections: Vec<&str> = merged.drift.iter().map(|d| d.section.as_str()).collect();
        assert!(sections.contains(&"permissions.deny"));
        assert!(sections.contains(&"hooks.PreToolUse"));

        let again = merge(Some(text), &ours(), "stackwarden hook", false).expect("merges");
        assert_eq!(&again.text, text, "a re-run changes nothing");
        assert!(again.drift.is_empty(), "{:?}", again.drift);
        let forced = merge(Some(text), &ours(), "stackwarden hook", true).expect("merges");
        assert_eq!(&forced.text, text);
    }

    #[test]
    fn a_new_file_gets_everything_and_a_schema() {
        let merged = merge(None, &ours(), "stackwarden hook", false).expect("merges");
        let value: serde_json::Value = serde_json::from_str(&merged.text).expect("strict JSON");
        assert_eq!(value["$schema"], SCHEMA);
        assert_eq!(value["permissions"]["allow"][0], "Bash(npm run test *)");
        assert_eq!(value["hooks"]["PreToolUse"][0]["matcher"], "Bash");
        assert_eq!(
            value["hooks"]["PreToolUse"][0]["hooks"][0]["onFailure"],
            "block"
        );
        assert_eq!(value["hooks"]["PostToolUse"][1]["hooks"][0]["timeout"], 30);
        assert_eq!(merged.drift[0].section, "file");
    }

    #[test]
    fn changed_entries_of_ours_are_kept_unless_forced() {
        let first = merge(None, &ours(), "stackwarden hook", false)
            .expect("merges")
            .text;
        let edited = first.replacen(
            "\"timeout\": 10,\n            \"onFailure\"",
            "\"timeout\": 20,\n            \"onFailure\"",
            1,
        );
        assert_ne!(edited, first);
        let kept = merge(Some(&edited), &ours(), "stackwarden hook", false).expect("merges");
        assert_eq!(kept.text, edited);
        assert_eq!(kept.drift.len(), 1, "{:?}", kept.drift);
        assert_eq!(kept.drift[0].section, "hooks.PreToolUse");
        assert_eq!(kept.notes.len(), 1);
        let forced = merge(Some(&edited), &ours(), "stackwarden hook", true).expect("merges");
        assert_eq!(forced.text, first);
    }

    #[test]
    fn force_removes_stale_stage_entries_only() {
        let old = OurPermissions {
            allow: vec![
                "Bash(npx cdk deploy * --profile dev *)".into(),
                "Bash(npx cdk diff *)".into(),
            ],
            deny: vec![],
        };
        let new = OurPermissions {
            allow: vec![
                "Bash(npx cdk deploy * --profile sandbox *)".into(),
                "Bash(npx cdk diff *)".into(),
            ],
            deny: vec![],
        };
        let first = merge(None, &old, "stackwarden hook", false)
            .expect("merges")
            .text;
        let plain = merge(Some(&first), &new, "stackwarden hook", false)
            .expect("merges")
            .text;
        assert!(plain.contains("--profile dev *") && plain.contains("--profile sandbox *"));
        let forced = merge(Some(&first), &new, "stackwarden hook", true)
            .expect("merges")
            .text;
        assert!(
            !forced.contains("--profile dev *") && forced.contains("--profile sandbox *"),
            "{forced}"
        );
    }

    #[test]
    fn a_user_registration_covering_the_tools_counts() {
        let text = r#"{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "/opt/bin/stackwarden hook"}]}]}}"#;
        let merged = merge(
            Some(text),
            &OurPermissions::default(),
            "stackwarden hook",
            false,
        )
        .expect("merges");
        assert!(
            !merged.drift.iter().any(|d| d.section == "hooks.PreToolUse"),
            "{:?}",
            merged.drift
        );
    }

    #[test]
    fn wrong_shapes_are_errors() {
        assert!(merge(Some("[1, 2]"), &ours(), "stackwarden hook", false).is_err());
        assert!(merge(
            Some("{\"permissions\": []}"),
            &ours(),
            "stackwarden hook",
            false
        )
        .is_err());
        let err = merge(
            Some("{\n  \"permissions\": [\"x\",,]\n}"),
            &ours(),
            "stackwarden hook",
            false,
        )
        .expect_err("broken JSON");
        assert!(err.offset > 0);
    }
}
