//! `stackwarden init [DIR] [--force] [--check]`: writes stackwarden.toml, CLAUDE.md and
//! .claude/settings.json (and `.stackwarden/` into .gitignore) as planned by
//! `stackwarden_agent::init::plan`; `--check` writes nothing and exits 1 when CLAUDE.md or the
//! settings have drifted from stackwarden.toml.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use stackwarden_agent::init::{self, InitOptions, Plan, WriteStatus};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Also reset stackwarden's own entries you changed (the user's entries are never touched).
    #[arg(long, conflicts_with = "check")]
    force: bool,
    /// Write nothing; exit 1 when CLAUDE.md or .claude/settings.json differ from what
    /// stackwarden.toml renders.
    #[arg(long)]
    check: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        anyhow::bail!("{}: no such folder", args.dir.display());
    }
    let options = InitOptions {
        force: args.force,
        hook: hook_program(&args.dir),
        aws_config: super::hook::aws_config_text(&std::env::vars().collect()),
    };
    let plan = init::plan(&args.dir, &options)?;
    let mut out = String::new();
    let code = if args.check {
        check(&plan, &mut out)
    } else {
        write(&plan, &mut out)?;
        ExitCode::SUCCESS
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to stdout")?;
    Ok(code)
}

/// The native binary this process is, as the hooks should name it (see
/// `stackwarden_agent::init::hook_program`): when run through the npm package's Node shim, this
/// process is already the platform package's binary the shim started.
fn hook_program(dir: &std::path::Path) -> init::HookProgram {
    let exe = std::env::current_exe().and_then(|p| p.canonicalize());
    let root = dir.canonicalize();
    match (exe, root) {
        (Ok(exe), Ok(root)) => {
            init::hook_program::hook_program(&root, &exe, std::env::var_os("PATH").as_deref())
        }
        _ => init::HookProgram::default(),
    }
}

fn check(plan: &Plan, out: &mut String) -> ExitCode {
    if plan.drift.is_empty() {
        out.push_str("CLAUDE.md and .claude/settings.json match stackwarden.toml.\n");
        return ExitCode::SUCCESS;
    }
    for drift in &plan.drift {
        out.push_str(&format!(
            "{}: {}: {}\n",
            drift.path, drift.section, drift.message
        ));
    }
    out.push_str("Run `stackwarden init` to bring them in line with stackwarden.toml.\n");
    ExitCode::from(1)
}

fn write(plan: &Plan, out: &mut String) -> anyhow::Result<()> {
    for planned in &plan.writes {
        let path = plan.root.join(&planned.path);
        let verb = match planned.status {
            WriteStatus::Unchanged => {
                out.push_str(&format!("unchanged {}\n", planned.path));
                continue;
            }
            WriteStatus::Created => "created",
            WriteStatus::Updated => "updated",
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        write_atomically(&path, &planned.contents)?;
        out.push_str(&format!("{verb} {} ({})\n", planned.path, planned.what));
    }
    for note in &plan.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, so a crash never leaves half a file.
fn write_atomically(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.stackwarden-tmp"));
    std::fs::write(&temp, contents).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
}
