//! The stackwarden command line. Only this crate prints, reads the environment and picks exit
//! codes: 0 nothing at error severity, 1 error-severity findings, 2 usage error or unreadable input.

mod commands;
mod envelope;
mod grouping;
mod output;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "stackwarden",
    version,
    about = "Checks AWS CDK/CloudFormation projects, and an AI agent's commands and edits, against a team's infrastructure rules"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check templates, CDK synth output and sources (default: the current folder).
    Check(commands::check::Args),
    /// List every rule with its default severity.
    Rules(commands::rules::RulesArgs),
    /// Show a rule's documentation: what it checks, why, an example and the fix.
    Explain(commands::rules::ExplainArgs),
    /// IAM policies: check standalone policy files, expand action wildcards.
    #[command(subcommand)]
    Iam(commands::iam::IamCommand),
    /// Decide one shell command as the hook would: allow, ask or deny, with the rule and reason.
    Guard(commands::guard::Args),
    /// Claude Code hook: reads one event (JSON) on stdin and answers per the hook contract.
    Hook(commands::hook::Args),
    /// The guard's audit log: every deny/ask decision the hook made in this project.
    Log(commands::log::Args),
    /// Set the project up: stackwarden.toml, CLAUDE.md and .claude/settings.json (permissions, hooks).
    Init(commands::init::Args),
    /// Whether the hooks in .claude/settings*.json resolve to a runnable stackwarden of this
    /// version, and what a session gets when they do not.
    Doctor(commands::doctor::Args),
    /// The child process of the resource envelope (see `envelope`): not for people.
    #[command(name = "envelope-worker", hide = true)]
    EnvelopeWorker,
}

/// libyaml-safer (the lenient second YAML reader) and brush-parser (the shell grammar) can panic
/// on malformed input; their callers contain that (the strict YAML error is reported; the command
/// is judged unresolved), so those panic messages are noise on stderr. Every other panic is still
/// printed.
fn quiet_contained_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let contained = info.location().is_some_and(|l| {
            l.file().contains("libyaml-safer") || l.file().contains("brush-parser")
        });
        if !contained {
            default(info);
        }
    }));
}

/// In the hook, a panic anywhere must block: Claude Code lets a tool call run when its hook exits
/// with anything but 2, and an unwinding panic exits 101. (The analysis itself runs in the
/// envelope's worker; this covers the parent that relays its answer.)
fn panics_block_the_tool_call() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        previous(info);
        std::process::exit(2);
    }));
}

fn main() -> ExitCode {
    quiet_contained_panics();
    let cli = Cli::parse();
    if matches!(cli.command, Command::Hook(_)) {
        panics_block_the_tool_call();
    }
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Rules(args) => commands::rules::run_rules(args),
        Command::Explain(args) => commands::rules::run_explain(args),
        Command::Iam(command) => commands::iam::run(command),
        Command::Guard(args) => commands::guard::run(args),
        Command::Hook(args) => commands::hook::run(args),
        Command::Log(args) => commands::log::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Doctor(args) => commands::doctor::run(args),
        Command::EnvelopeWorker => return envelope::worker::run(),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            #[expect(clippy::print_stderr, reason = "the binary reports its own failure")]
            {
                eprintln!("stackwarden: {error:#}");
            }
            ExitCode::from(2)
        }
    }
}
