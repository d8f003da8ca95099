//! The command guard: decides whether a shell command an agent wants to run deploys to
//! production, deploys without approval or without a reviewed diff, destroys resources, writes
//! to production or changes permissions through the AWS API, creates IAM users or handles access
//! keys — through whatever shell form it takes. AWS CLI calls are judged by the access level of
//! the IAM action behind each operation, from a table generated out of botocore.
//!
//! The command is parsed with a real shell grammar, then walked in execution order: every simple
//! command reached (in pipelines, lists, subshells, groups, `$(...)`, `bash -c`, `eval` of literal
//! text, functions — where defined and again where called, with their arguments — aliases,
//! traps, loops, here-documents fed to a shell, npm scripts, make recipes, monorepo runners'
//! tasks, script files) is expanded as far as it can be known (variables, arrays, positional
//! parameters), peeled of wrappers (`env`, `sudo`, `xargs`, `find -exec`, `parallel`, `tmux`,
//! `screen`, `docker run`, `npx`, ...) and judged. The strictest verdict wins; "no verdict" means the guard has no
//! objection and Claude Code's own permission flow decides. The guard never approves.
//!
//! It never reads the environment, the home folder or the network: the caller passes the
//! environment, the AWS config text, a file reader and the diff history in a [`Context`].
//!
//! # Choice of parser: brush-parser 0.4
//!
//! Measured on a corpus of 25 tricky commands (quoting, `bash -c`, `env -i`, here-documents,
//! substitutions, functions, `case`, process substitution), release build, this machine (2 cores):
//!
//! | | brush-parser 0.4.0 | tree-sitter-bash 0.25.1 |
//! |---|---|---|
//! | corpus parsed without error | 25/25 | 25/25 |
//! | mean time per command | 5.4 µs | 5.9 µs |
//! | 1 MB of `echo hello world;` | 219 ms | 177 ms |
//! | 1,000 nested subshells | 0.6 ms | 0.5 ms |
//! | 10,000 nested subshells | 9 ms (8 MB stack) | 5 ms |
//!
//! Speed is a wash. brush-parser wins on what the guard needs: a typed AST (simple command with
//! prefix assignments, words, redirects, here-document bodies kept apart from commands) and a word
//! parser that splits quotes, escapes, parameter expansions and command substitutions — with
//! tree-sitter each of those is a CST node kind to unquote by hand. It is pure Rust (no C
//! toolchain in the build).
//!
//! # Untrusted input: run it in the envelope
//!
//! brush-parser is a recursive-descent PEG parser. On hostile input it recurses as deep as the
//! input nests, and on some malformed input it backtracks exponentially or loops while
//! allocating (fifteen shapes found by fuzzing before the envelope, and more kept coming). Two
//! grammar rules whose backtracking hit *valid* commands (nested subshells around `if`, nested
//! `case`) are memoised in the vendored copy (`vendor/brush-parser/STACKWARDEN.md`); the rest is
//! not guessed at here. This crate bounds only its own work (input size [`MAX_COMMAND_BYTES`],
//! nesting of scripts in scripts, simple commands per line, and per reader: includes followed
//! by make, recipes and tasks expanded by just and task, YAML nodes in a Taskfile, nesting of
//! expect scripts) and answers those with `guard/unresolved`; what the parser does is bounded by the operating system: the binary runs
//! [`judge`] in a child process with memory, CPU, stack and wall-clock limits and blocks
//! whatever does not come back with a verdict (`crates/stackwarden/src/envelope`). Calling
//! [`judge`] on untrusted text outside such an envelope can take unbounded time and memory.

mod awk;
mod aws_api;
mod aws_cli;
mod builtins;
pub mod cdk;
mod containers;
pub mod context;
mod credentials;
pub mod decision;
mod deploy_tools;
mod engine;
mod eval;
mod expect;
mod glob;
mod interpreters;
mod launchers;
mod make;
mod multiplexers;
mod parallel;
mod patterns;
mod pipes;
pub mod profiles;
mod programs;
mod pulumi;
mod recipes;
mod runners;
mod sam;
mod scope;
mod scripts;
mod sed;
pub mod self_protection;
mod session;
mod stage;
mod target;
mod terraform;
mod toolchains;
mod tools;
mod transcript;
mod walk;
mod words;
mod workspaces;
mod wrappers;

pub use cdk::DiffKey;
pub use context::{Context, DiffHistory, DiskFiles, MemoryFiles, NoDiffs, ProjectFiles};
pub use decision::{Decision, Judgement, Verdict, RULES};
pub use profiles::AwsConfig;

/// Whether this process has inflated the generated AWS CLI operation table: only judging an AWS
/// CLI call does, so the hook pays nothing for it on other commands (asserted by a test).
pub fn aws_operations_loaded() -> bool {
    aws_api::loaded()
}

/// Commands longer than this are not parsed (Claude Code's own commands are far shorter).
pub const MAX_COMMAND_BYTES: usize = 1 << 20;

/// What one command line does, as far as the guard is concerned.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub judgement: Judgement,
    /// The `cdk diff` runs in the command, for the ledger once the command has succeeded.
    pub diffs: Vec<DiffKey>,
}

/// Judges one command line.
pub fn judge(command: &str, ctx: &Context<'_>) -> Judgement {
    analyse(command, ctx).judgement
}

/// Judges one command line and reports the `cdk diff` runs in it.
pub fn analyse(command: &str, ctx: &Context<'_>) -> Analysis {
    let mut walker = walk::Walker::new(ctx);
    if command.len() > MAX_COMMAND_BYTES {
        walker.unseen(command, "the command is too long to inspect");
    } else {
        let mut scope = scope::Scope::new(&ctx.cwd);
        walker.script(command, &mut scope, 0);
        if walker.truncated {
            // What was not walked may hold anything: judge the text as a whole.
            walker.unseen(
                command,
                "the command line is too long to inspect completely",
            );
        }
    }
    // `[rules] "guard/…" = "off"` in stackwarden.toml turns a guard rule off like any other,
    // through the one pass that decides every rule's level (there is no `--select` in a hook).
    let mut verdicts = walker.verdicts;
    let no_filter = stackwarden_core::RuleFilter::default();
    verdicts.retain(|v| {
        stackwarden_core::rule::level(
            v.rule,
            stackwarden_core::Severity::Error,
            ctx.config,
            &no_filter,
        )
        .is_some()
    });
    Analysis {
        judgement: Judgement { verdicts },
        diffs: walker.diffs,
    }
}
