//! One simple command, expanded: peel wrappers, launchers, npm scripts and make targets off it
//! until a tool the guard knows (aws, cdk, sam, terraform) or an ordinary command remains, and
//! judge every command met on the way (the project's own patterns apply at each level).

use crate::scope::Scope;
use crate::walk::{shorten, Walker, MAX_DEPTH};
use crate::words::{Arg, Var};
use crate::wrappers::{self, Step};

/// `/usr/local/bin/cdk`, `./node_modules/.bin/cdk` → `cdk`.
pub(crate) fn basename(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

pub(crate) fn describe(argv: &[Arg]) -> String {
    shorten(
        &argv
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Judges `argv` run with `scope` (which already holds its inline assignments); `outer` is the
/// shell's own state, which `cd`, `export` and `unset` change for the commands after this one.
pub(crate) fn dispatch(
    walker: &mut Walker<'_, '_>,
    argv: Vec<Arg>,
    scope: &mut Scope,
    depth: usize,
    outer: &mut Scope,
) {
    if depth > MAX_DEPTH {
        walker.unseen(&describe(&argv), "the command nests wrappers too deeply");
        return;
    }
    let Some(first) = argv.first() else { return };
    crate::patterns::check(walker, &argv);
    // `$(npm bin)/cdk`: a run-time folder, but the program is `cdk`. (A script there is a
    // file whose content the guard cannot find: not a name to judge by.)
    let program = first.program.as_deref().filter(|p| !is_script_name(p));
    let Some(name) = first.known().or(program) else {
        // A name from a command's output (`$(printf a%ss w) s3 rb`) can be anything; one from
        // an unknown variable (`$EDITOR`, `"$@"`), or a script in a run-time folder
        // (`"$(dirname "$0")/run.sh"`), is asked about when the text names a tool.
        if first.from_output && first.program.is_none() {
            walker.unseen(
                &describe(&argv),
                "the command name is the output of a command",
            );
        } else {
            walker.unresolved(&describe(&argv), "the command name is built at run time");
        }
        return;
    };
    // A function defined earlier on the line runs its body with these arguments.
    if let Some((called, body)) = first
        .known()
        .and_then(|n| scope.function(n).map(|body| (n.to_string(), body)))
    {
        walker.call(&called, &body, &argv[1..], scope, outer, depth);
        return;
    }
    let name = case_folded(basename(name));
    crate::transcript::check(walker, &name, &argv, &describe(&argv), scope);
    crate::self_protection::check_command(walker, &name, &argv, &describe(&argv), scope);
    if crate::builtins::apply(walker, &name, &argv, outer, depth) {
        return;
    }
    if matches!(name.as_str(), "source" | ".") {
        crate::scripts::source(walker, &argv, scope, outer, depth);
        return;
    }
    if let Some(steps) = wrappers::is_shell(&name)
        .then(|| crate::scripts::shell(&argv))
        .flatten()
    {
        for step in steps {
            run_step(walker, step, scope, depth + 1);
        }
        return;
    }
    let steps = wrappers::unwrap(&name, &argv, &scope.cwd)
        .or_else(|| crate::launchers::unwrap(walker.ctx, &name, &argv, &scope.cwd))
        .or_else(|| crate::make::unwrap(walker.ctx, &name, &argv, &scope.cwd))
        .or_else(|| crate::runners::unwrap(walker.ctx, &name, &argv, &scope.cwd))
        .or_else(|| crate::programs::unwrap(walker.ctx, &name, &argv, &scope.cwd));
    if let Some(steps) = steps {
        for step in steps {
            run_step(walker, step, scope, depth + 1);
        }
        return;
    }
    if is_script_path(first) {
        if let Some(path) = first.known() {
            run_step(
                walker,
                Step::ScriptFile(
                    crate::scope::normalize(&scope.cwd.join(path)),
                    Some(argv[1..].to_vec()),
                ),
                scope,
                depth + 1,
            );
        }
        return;
    }
    let env = &walker.ctx.env;
    let lookup = |var: &str| {
        if let Some(name) = var.strip_prefix(crate::scope::RUN_TIME_VALUE) {
            return matches!(scope.get(name, env), Some(Var::Unknown(_))).then(String::new);
        }
        match scope.get(var, env) {
            Some(Var::Known(value)) => Some(value),
            _ => None,
        }
    };
    let variables = || scope.variable_names(env);
    let tool = crate::tools::Invocation {
        name: &name,
        args: &argv[1..],
        lookup: &lookup,
        variables: &variables,
        cwd: &scope.cwd,
    };
    crate::tools::judge(walker, &tool);
    // A workspace or stack selected here is the one the later commands apply to.
    crate::tools::remember(walker, &tool, outer);
}

pub(crate) fn run_step(walker: &mut Walker<'_, '_>, step: Step, scope: &Scope, depth: usize) {
    match step {
        Step::Run {
            argv,
            set,
            unset,
            clear_env,
            cd,
        } => {
            let mut inner = scope.clone();
            if clear_env {
                inner.clear_environment();
            }
            for name in unset {
                inner.unset(&name);
            }
            for (name, value) in set {
                inner.set(&name, value);
            }
            if let Some(dir) = cd {
                inner.change_dir(&dir);
            }
            let mut outer = inner.clone();
            dispatch(walker, argv, &mut inner, depth, &mut outer);
        }
        Step::Script(text) => walker.script(&text, &mut scope.clone(), depth),
        Step::ScriptFile(path, args) => {
            let Some(text) = crate::scripts::read_file(walker, &path) else {
                crate::scripts::cannot_read(walker, &path, &path.display().to_string());
                return;
            };
            {
                let mut inner = scope.clone();
                // `bash deploy.sh prod`: the script's `$1` is `prod`; `source f` keeps the caller's.
                if let Some(args) = args {
                    inner.set_positional(Some(args.into_iter().map(crate::walk::as_var).collect()));
                }
                walker.script(&text, &mut inner, depth);
            }
        }
        // A shell or launcher running text built at run time is asked about when the text names
        // a tool.
        Step::Unresolved(text, why) => walker.unresolved(&text, why),
        // `eval` of text nobody can read here is asked about whatever it says; inside a function
        // or alias judged where it is defined, only when it names a tool, since each call is
        // judged with its own arguments (`retry() { eval "$@"; }`).
        Step::Unseen(text, why) if walker.defining > 0 => walker.unresolved(&text, why),
        Step::Unseen(text, why) => walker.unseen(&text, why),
        Step::Probe(steps, text, why) => {
            let mut probe = Walker::new(walker.ctx);
            probe.obtained = walker.obtained.clone();
            probe.aws_config_changed = walker.aws_config_changed;
            for step in steps {
                run_step(&mut probe, step, scope, depth);
            }
            if !probe.verdicts.is_empty() || probe.truncated {
                walker.unseen(&text, why);
            }
        }
    }
}

/// `AWS`, `Cdk`: on a case-insensitive file system (macOS's default) these run the tool, so a
/// name that differs from a tool's only in case is judged as that tool (`v=aws; ${v^^} s3 rb`).
fn case_folded(name: &str) -> String {
    const TOOLS: &[&str] = &[
        "aws",
        "cdk",
        "sam",
        "terraform",
        "tofu",
        "terragrunt",
        "cdktf",
        "pulumi",
        "serverless",
        "sls",
    ];
    let lower = name.to_ascii_lowercase();
    if lower != name && TOOLS.contains(&lower.as_str()) {
        lower
    } else {
        name.to_string()
    }
}

/// `./deploy.sh`, `scripts/release.sh`: a script file run by path.
fn is_script_path(first: &Arg) -> bool {
    first
        .known()
        .is_some_and(|name| name.contains('/') && is_script_name(name))
}

fn is_script_name(name: &str) -> bool {
    name.ends_with(".sh") || name.ends_with(".bash")
}
