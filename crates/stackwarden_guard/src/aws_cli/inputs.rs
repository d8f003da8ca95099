//! What an AWS CLI call is handed besides its options: input documents (`--cli-input-json`,
//! inline JSON, `file://`), the keys in them, and the statements it runs.

use serde_json::Value;

use crate::decision::{Decision, CREDENTIALS};
use crate::tools::Invocation;
use crate::walk::Walker;
use crate::words::Arg;

/// The documents a call reads: `--cli-input-json`, and every option value that is inline JSON
/// or a `file://` path (read from the project, relative to the folder the command runs in).
pub(super) struct Inputs {
    pub(super) documents: Vec<Value>,
    /// Their text, for the key check (a `file://` input that is not JSON is still scanned).
    pub(super) texts: Vec<String>,
    /// An input the guard could not read: a `file://` path it cannot open, or a value that is
    /// a command's output (`--request-items "$(cat items.json)"`).
    pub(super) unread: Option<String>,
}

impl Inputs {
    pub(super) fn read(walker: &Walker<'_, '_>, tool: &Invocation<'_>, rest: &[Arg]) -> Self {
        let mut inputs = Inputs {
            documents: Vec::new(),
            texts: Vec::new(),
            unread: None,
        };
        let mut option: Option<&str> = None;
        for arg in rest {
            let (name, value) = match arg.text.split_once('=') {
                Some((name, value)) if arg.literal && name.starts_with("--") => (Some(name), value),
                _ => (option.take(), arg.text.as_str()),
            };
            if arg.literal && arg.text.starts_with("--") && !arg.text.contains('=') {
                option = Some(arg.text.as_str());
                continue;
            }
            if !arg.literal && (arg.from_output || name.is_some()) {
                inputs.unread = Some(format!(
                    "the value of `{}` is only known at run time",
                    name.unwrap_or("an argument")
                ));
                continue;
            }
            // A template is what the stack will hold, not where the call lands or what it
            // deletes: it is not read as the call's input.
            if name.is_some_and(|n| n.contains("template")) {
                continue;
            }
            let yaml = name.is_some_and(|n| n.starts_with("--cli-input-y"));
            let text = if let Some(path) = value.strip_prefix("file://") {
                let path = tool.cwd.join(path);
                match walker.ctx.files.read(&path) {
                    Some(text) => text,
                    None => {
                        inputs.unread = Some(path.display().to_string());
                        continue;
                    }
                }
            } else if value.starts_with('{') || value.starts_with('[') || yaml {
                value.to_string()
            } else {
                continue;
            };
            let document = match serde_json::from_str::<Value>(&text) {
                Ok(document) => Some(document),
                Err(_) if yaml => super::yaml::to_json(&text),
                Err(_) => None,
            };
            inputs.documents.extend(document);
            inputs.texts.push(text);
        }
        inputs
    }

    /// Whether any document holds `key` with the string `value` anywhere (`"Action": "DELETE"`
    /// in a Route 53 change batch).
    pub(super) fn has_value(&self, key: &str, value: &str) -> bool {
        fn walk(node: &Value, key: &str, value: &str) -> bool {
            match node {
                Value::Object(map) => map
                    .iter()
                    .any(|(k, v)| (k == key && v.as_str() == Some(value)) || walk(v, key, value)),
                Value::Array(items) => items.iter().any(|v| walk(v, key, value)),
                _ => false,
            }
        }
        self.documents.iter().any(|d| walk(d, key, value))
    }

    /// Whether any document holds `key` anywhere (`DeleteRequest` in a batch write).
    pub(super) fn has_key(&self, key: &str) -> bool {
        fn walk(value: &Value, key: &str) -> bool {
            match value {
                Value::Object(map) => map.iter().any(|(k, v)| k == key || walk(v, key)),
                Value::Array(items) => items.iter().any(|v| walk(v, key)),
                _ => false,
            }
        }
        self.documents.iter().any(|d| walk(d, key))
    }
}

/// An access key written into a call's arguments or input documents is stored in AWS (a
/// parameter, a secret, a function's environment) and in the transcript. `--access-key-id`
/// names a key to manage (`iam update-access-key`); that id is not a secret.
pub(super) fn keys_in_arguments(
    walker: &mut Walker<'_, '_>,
    service: &str,
    operation: &str,
    rest: &[Arg],
    inputs: &Inputs,
    seen: &str,
) {
    let mut skip_next = false;
    let mut texts: Vec<&str> = Vec::new();
    for arg in rest {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if arg.text == "--access-key-id" {
            skip_next = true;
            continue;
        }
        if !arg.text.starts_with("--access-key-id=") {
            texts.push(&arg.text);
        }
    }
    texts.extend(inputs.texts.iter().map(String::as_str));
    for text in texts {
        let found = stackwarden_secret::scan(text);
        if let Some(key) = found.iter().find(|m| !m.is_documented_example) {
            let shown = text.get(key.range.clone()).unwrap_or_default();
            walker.push(
                Decision::Deny,
                CREDENTIALS,
                seen,
                format!(
                    "`aws {service} {operation}` is given an AWS {} ({}): it would be stored in AWS and in this transcript. Never store access keys in Parameter Store, Secrets Manager or an environment; give the workload an IAM role instead (CDK: `fn.role`, `grant*`).",
                    key.kind.describe(),
                    stackwarden_secret::mask(shown)
                ),
            );
            return;
        }
    }
}

/// Options whose value is a SQL or PartiQL statement.
pub(super) const STATEMENT_OPTIONS: &[&str] = &["--statement", "--sql", "--sqls", "--query-string"];
/// Options whose value is a policy document.
pub(super) const POLICY_OPTIONS: &[&str] = &[
    "--policy",
    "--policy-document",
    "--access-policies",
    "--access-policy",
    "--resource-policy",
    "--assume-role-policy-document",
];

/// What a statement does, by its first keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Statement {
    Reads,
    Deletes,
    Writes,
}

impl Statement {
    pub(super) fn of(text: &str) -> Self {
        let keyword: String = text
            .trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\'')
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_ascii_uppercase();
        match keyword.as_str() {
            "SELECT" | "SHOW" | "DESCRIBE" | "DESC" | "EXPLAIN" => Statement::Reads,
            "DELETE" | "DROP" | "TRUNCATE" => Statement::Deletes,
            _ => Statement::Writes,
        }
    }
}

/// `Statement`/`Sql`/`QueryString` values of a document (`batch-execute-statement`'s list).
pub(super) fn collect_statements(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(text)
                        if matches!(key.as_str(), "Statement" | "Sql" | "QueryString") =>
                    {
                        out.push(text.clone());
                    }
                    other => collect_statements(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_statements(item, out)),
        _ => {}
    }
}
