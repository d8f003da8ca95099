//! `stackwarden hook`: one Claude Code event in, one answer out. The dispatch is a table on
//! (event, tool): PreToolUse/Bash judges the command, PostToolUse/Bash records successful
//! `cdk diff` runs, PostToolUse on Write/Edit/MultiEdit checks the file written,
//! PreToolUse on them asks before a legacy SAM template is edited (see [`crate::edit`]) and
//! PreToolUse on an MCP tool judges the AWS call it makes (see [`crate::mcp_hook`]).
//! Everything else gets no answer (exit 0), so registering the hook for more events than it
//! handles is harmless.
//!
//! Decide first, log second: the answer is computed before the ledger is touched, and a ledger
//! failure is reported on stderr without changing the answer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stackwarden_core::config::Config;
use stackwarden_guard::{AwsConfig, Context, DiskFiles};

use crate::ledger::{DecisionRecord, DiffRecord, Progress, ProjectLedger};
use crate::project::project_root;
use crate::protocol::{BashInput, HookEvent, PreToolUseAnswer};

/// What the hook process has to offer besides stdin, gathered by the binary.
pub struct HookEnv {
    pub env: BTreeMap<String, String>,
    /// Text of `$AWS_CONFIG_FILE` or `~/.aws/config`, when readable.
    pub aws_config: Option<String>,
    /// The process's own folder, used when the event carries no `cwd`.
    pub process_cwd: PathBuf,
    pub now_ms: i64,
    /// `YYYY-MM-DD`, for runtime deprecation dates in the edited file's checks.
    pub today: String,
    /// Told of each step that can take long (parsing, fingerprinting, the ledger).
    pub progress: Progress,
}

/// What the binary should print and return.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HookOutcome {
    pub stdout: Option<String>,
    pub stderr: Vec<String>,
    pub exit_code: u8,
}

impl HookOutcome {
    pub(crate) fn malformed(message: String) -> Self {
        Self {
            stdout: None,
            stderr: vec![format!("stackwarden hook: {message}")],
            exit_code: 2,
        }
    }
}

pub fn handle(input: &str, env: &HookEnv) -> HookOutcome {
    let event: HookEvent = match serde_json::from_str(input) {
        Ok(event) => event,
        Err(e) => {
            return HookOutcome::malformed(format!(
                "the hook input is not a Claude Code event ({e})"
            ))
        }
    };
    match (event.hook_event_name.as_str(), event.tool_name.as_deref()) {
        ("PreToolUse", Some("Bash")) => pre_bash(&event, env),
        ("PreToolUse", Some(tool)) if tool.starts_with(crate::mcp::MCP_PREFIX) => {
            crate::mcp_hook::pre_mcp(&event, env)
        }
        ("PostToolUse", Some("Bash")) => post_bash(&event, env),
        ("PreToolUse", Some(tool)) if is_edit_tool(tool) => crate::edit::pre_edit(&event, env),
        ("PostToolUse", Some(tool)) if is_edit_tool(tool) => crate::edit::post_edit(&event, env),
        _ => HookOutcome::default(),
    }
}

/// The tools that write a file named by `tool_input.file_path`.
fn is_edit_tool(tool: &str) -> bool {
    matches!(tool, "Write" | "Edit" | "MultiEdit")
}

fn bash_input(event: &HookEvent) -> Result<BashInput, String> {
    let input = event
        .tool_input
        .clone()
        .ok_or("the Bash event has no tool_input")?;
    serde_json::from_value(input)
        .map_err(|e| format!("the Bash tool_input has no usable `command` ({e})"))
}

pub(crate) fn event_cwd(event: &HookEvent, env: &HookEnv) -> PathBuf {
    event
        .cwd
        .as_deref()
        .map(PathBuf::from)
        .unwrap_or_else(|| env.process_cwd.clone())
}

/// The configuration for `cwd`. A broken file must not switch the guard off: the defaults
/// apply and the error goes to stderr.
pub(crate) fn config_for(cwd: &Path, stderr: &mut Vec<String>) -> Config {
    Config::discover(cwd).unwrap_or_else(|e| {
        stderr.push(format!(
            "stackwarden hook: {e}; using the default configuration"
        ));
        Config::default()
    })
}

fn pre_bash(event: &HookEvent, env: &HookEnv) -> HookOutcome {
    let input = match bash_input(event) {
        Ok(input) => input,
        Err(message) => return HookOutcome::malformed(message),
    };
    let mut outcome = HookOutcome::default();
    let cwd = event_cwd(event, env);
    let config = config_for(&cwd, &mut outcome.stderr);
    let root = project_root(&cwd);
    let ledger = ProjectLedger::new(&root, env.progress);
    let judgement = judge_in_project(&input.command, &cwd, &config, env, &ledger);
    let decided = Decided {
        judgement,
        command: input.command,
        tool: None,
        translated: false,
    };
    answer_and_record(event, env, &cwd, &ledger, decided, outcome)
}

/// A judgement and what it was about, ready to answer and record.
pub(crate) struct Decided {
    pub judgement: stackwarden_guard::Judgement,
    /// The command line judged, as the ledger keeps it (masked there).
    pub command: String,
    /// The tool the command came through when it is not Bash (`mcp__aws-api__call_aws`): named
    /// in the reason, so the agent knows which call was stopped, and in the ledger.
    pub tool: Option<String>,
    /// The command is a translation of the tool's arguments (a Cloud Control change), which
    /// the reason shows, since the agent never wrote it.
    pub translated: bool,
}

/// The PreToolUse answer for a judgement (none when the guard has no objection) and its
/// ledger record. Shared by Bash and MCP tools so that both answer and log alike.
pub(crate) fn answer_and_record(
    event: &HookEvent,
    env: &HookEnv,
    cwd: &Path,
    ledger: &ProjectLedger,
    decided: Decided,
    mut outcome: HookOutcome,
) -> HookOutcome {
    let judgement = &decided.judgement;
    let (Some(top), Some(reason)) = (judgement.strictest(), judgement.combined_reason()) else {
        return outcome;
    };
    let shown = match &decided.tool {
        Some(tool) if decided.translated => format!(
            "stackwarden: {tool}, judged as `{}`: {reason}",
            decided.command
        ),
        Some(tool) => format!("stackwarden: {tool}: {reason}"),
        None => format!("stackwarden: {reason}"),
    };
    let answer = PreToolUseAnswer::new(top.decision, shown);
    match serde_json::to_string(&answer) {
        Ok(json) => outcome.stdout = Some(json),
        // Cannot happen for these plain structs; if it did, exit 2 still blocks the command.
        Err(e) => return HookOutcome::malformed(format!("cannot write the answer: {e}")),
    }
    let command = match &decided.tool {
        Some(tool) => format!("{tool}: {}", decided.command),
        None => decided.command.clone(),
    };
    let record = DecisionRecord {
        time_ms: env.now_ms,
        session: event.session_id.clone(),
        tool_use_id: event.tool_use_id.clone(),
        cwd: Some(cwd.to_string_lossy().into_owned()),
        // The ledger is a file on disk that `stackwarden log` prints: a key in a denied
        // `export AWS_SECRET_ACCESS_KEY=...` must not end up there in full.
        command: stackwarden_secret::mask_text(&command).into_owned(),
        rule: top.rule.to_string(),
        decision: top.decision.as_str().to_string(),
        reason,
    };
    (env.progress)("writing the decision to the ledger");
    if let Err(e) = ledger
        .open()
        .and_then(|ledger| ledger.record_decision(&record))
    {
        outcome.stderr.push(format!(
            "stackwarden hook: the decision was not logged: {e}"
        ));
    }
    outcome
}

/// Judges `command` as run in `cwd`, with this process's environment and AWS config, the
/// project's files on disk and its ledger's recorded diffs: the hook's and `stackwarden guard`'s
/// judgement alike.
pub fn judge_in_project(
    command: &str,
    cwd: &Path,
    config: &Config,
    env: &HookEnv,
    ledger: &ProjectLedger,
) -> stackwarden_guard::Judgement {
    let ctx = Context {
        config,
        env: env.env.clone(),
        cwd: cwd.to_path_buf(),
        aws_config: env
            .aws_config
            .as_deref()
            .map(AwsConfig::parse)
            .unwrap_or_default(),
        files: &DiskFiles,
        diffs: ledger,
    };
    (env.progress)("parsing and judging the command");
    stackwarden_guard::judge(command, &ctx)
}

fn post_bash(event: &HookEvent, env: &HookEnv) -> HookOutcome {
    let input = match bash_input(event) {
        Ok(input) => input,
        Err(message) => return HookOutcome::malformed(message),
    };
    let mut outcome = HookOutcome::default();
    // PostToolUse only fires for tools that succeeded; an interrupted run saw nothing whole.
    let interrupted = event
        .tool_response
        .as_ref()
        .and_then(|r| r.get("interrupted"))
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    if interrupted {
        return outcome;
    }
    let cwd = event_cwd(event, env);
    let config = config_for(&cwd, &mut outcome.stderr);
    let aws_config = env
        .aws_config
        .as_deref()
        .map(AwsConfig::parse)
        .unwrap_or_default();
    let ctx = Context {
        config: &config,
        env: env.env.clone(),
        cwd: cwd.clone(),
        aws_config: aws_config.clone(),
        files: &DiskFiles,
        diffs: &stackwarden_guard::NoDiffs,
    };
    (env.progress)("parsing the command for cdk diff runs");
    let analysis = stackwarden_guard::analyse(&input.command, &ctx);
    if analysis.diffs.is_empty() {
        return outcome;
    }
    let root = project_root(&cwd);
    (env.progress)("fingerprinting the project's sources");
    let fingerprint = crate::fingerprint::source_fingerprint(&root);
    (env.progress)("recording the cdk diff in the ledger");
    let ledger = ProjectLedger::new(&root, env.progress);
    let result = ledger.open().and_then(|ledger| {
        for key in analysis.diffs {
            let account = key
                .profile
                .as_deref()
                .and_then(|p| aws_config.account_of(p));
            ledger.record_diff(&DiffRecord {
                time_ms: env.now_ms,
                session: event.session_id.clone(),
                cwd: Some(cwd.to_string_lossy().into_owned()),
                // Stored masked, like the decisions: `cdk diff -c key=AKIA…` must not keep the key.
                command: stackwarden_secret::mask_text(&input.command).into_owned(),
                key,
                account,
                fingerprint: fingerprint.clone(),
            })?;
        }
        Ok(())
    });
    if let Err(e) = result {
        outcome.stderr.push(format!(
            "stackwarden hook: the cdk diff was not recorded: {e}"
        ));
    }
    outcome
}
