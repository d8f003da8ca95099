//! The stackwarden command line. Only this crate prints, reads the environment and picks exit
//! codes: 0 nothing at error severity, 1 error-severity findings, 2 usage error or unreadable input.

mod commands;
mod output;
mod registry;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "stackwarden", version, about = "Checks AWS CDK/CloudFormation projects, and an AI agent's commands and edits, against a team's infrastructure rules")]
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Rules(args) => commands::rules::run_rules(args),
        Command::Explain(args) => commands::rules::run_explain(args),
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
