//! PreToolUse on an MCP tool: [`crate::mcp::classify`] reads the call, the guard judges what it
//! runs through the same [`judge_in_project`] as a Bash command, and the answer and ledger record
//! are the Bash path's own ([`answer_and_record`]). A call the guard has nothing to say about —
//! most MCP tools — returns before the configuration or the ledger is touched.

use stackwarden_guard::decision::UNRESOLVED;
use stackwarden_guard::{Decision, Judgement, Verdict};

use crate::hook::{answer_and_record, config_for, event_cwd, judge_in_project, Decided};
use crate::hook::{HookEnv, HookOutcome};
use crate::ledger::ProjectLedger;
use crate::mcp::{classify, McpCall, McpTool};
use crate::project::project_root;
use crate::protocol::HookEvent;

/// The arguments of an opaque call kept in the ledger, at most: enough to recognise the call.
const MAX_LOGGED_INPUT: usize = 2_000;

pub(crate) fn pre_mcp(event: &HookEvent, env: &HookEnv) -> HookOutcome {
    let Some(tool) = event.tool_name.as_deref().and_then(McpTool::parse) else {
        return HookOutcome::default();
    };
    let call = match classify(&tool, event.tool_input.as_ref()) {
        Ok(call) => call,
        Err(message) => {
            return HookOutcome::malformed(format!(
                "{message}; the call is blocked because the guard cannot read what it would run"
            ))
        }
    };
    let commands = match &call {
        McpCall::Pass => return HookOutcome::default(),
        McpCall::Commands(commands) if commands.is_empty() => return HookOutcome::default(),
        McpCall::Commands(commands) => commands.clone(),
        McpCall::CloudControl(command) => vec![command.clone()],
        McpCall::Opaque { .. } => Vec::new(),
    };
    let mut outcome = HookOutcome::default();
    let cwd = event_cwd(event, env);
    let root = project_root(&cwd);
    let ledger = ProjectLedger::new(&root, env.progress);
    let decided = match call {
        McpCall::Opaque { why } => opaque(&tool, event, why),
        McpCall::CloudControl(command) => Decided {
            judgement: judge_all(&commands, &cwd, env, &ledger, &mut outcome),
            command,
            tool: Some(tool.name.to_string()),
            translated: true,
        },
        _ => Decided {
            judgement: judge_all(&commands, &cwd, env, &ledger, &mut outcome),
            command: commands.join("\n"),
            tool: Some(tool.name.to_string()),
            translated: false,
        },
    };
    answer_and_record(event, env, &cwd, &ledger, decided, outcome)
}

/// Every command of the call judged; the strictest verdict of all decides, as for one line.
fn judge_all(
    commands: &[String],
    cwd: &std::path::Path,
    env: &HookEnv,
    ledger: &ProjectLedger,
    outcome: &mut HookOutcome,
) -> Judgement {
    let config = config_for(cwd, &mut outcome.stderr);
    let mut all = Judgement::default();
    for command in commands {
        let judgement = judge_in_project(command, cwd, &config, env, ledger);
        all.verdicts.extend(judgement.verdicts);
    }
    all
}

/// An ask for a tool that may change AWS in a way the guard cannot see.
fn opaque(tool: &McpTool<'_>, event: &HookEvent, why: String) -> Decided {
    let mut input = event
        .tool_input
        .as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "{}".into());
    if input.len() > MAX_LOGGED_INPUT {
        let cut = (0..=MAX_LOGGED_INPUT)
            .rev()
            .find(|&i| input.is_char_boundary(i))
            .unwrap_or(0);
        input.truncate(cut);
        input.push('…');
    }
    let reason = format!(
        "this MCP tool may change AWS resources ({why}), and the guard cannot see which API call it makes or in which account. Make the change with an AWS CLI command the guard can judge (in the shell, or through the aws-api server's `call_aws`), or confirm it yourself if you know it is safe."
    );
    Decided {
        judgement: Judgement {
            verdicts: vec![Verdict {
                decision: Decision::Ask,
                rule: UNRESOLVED,
                reason,
                seen: tool.name.to_string(),
            }],
        },
        command: input,
        tool: Some(tool.name.to_string()),
        translated: false,
    }
}
