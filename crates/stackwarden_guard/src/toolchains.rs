//! Language toolchains, version managers and secret injectors that run a command with an
//! environment of their own: `uv run`, `uvx`/`uv tool run`, `pipx run`, `poetry run`, `pdm run`,
//! `hatch run`, `pipenv run`, `rye run`, `conda run`, `mise exec`/`mise x`, `asdf exec`, `nix-shell
//! --run`, `nix develop -c`, `nix shell -c`, `nix run`, `corepack pnpm`, `doppler run`,
//! `infisical run`, `chamber exec`, `saml2aws exec`, `sops exec-env`, `envchain`. Each is peeled
//! off to the command it runs, like the wrappers in `wrappers.rs`: what they add (a virtualenv,
//! a tool version, secrets in the environment) does not change what the command does, only
//! possibly the credentials it holds.
//!
//! Runners that install a package and run its executable (`pipx run awscli`, `uvx --from
//! awscli aws`, `nix run nixpkgs#awscli2`) are mapped from the package to the program it
//! installs, for the tools the guard judges.

use crate::words::Arg;
use crate::wrappers::{command_after, options_end, Step};

/// `None` when `name` is none of these.
pub(crate) fn unwrap(name: &str, rest: &[Arg]) -> Option<Vec<Step>> {
    let sub = rest.first().and_then(Arg::known);
    let after_sub = rest.get(1..).unwrap_or_default();
    Some(match (name, sub) {
        // `uv run [options] CMD …`, `uv tool run …` = `uvx …`.
        ("uv", Some("run")) => command_after(after_sub, UV_WITH_VALUE),
        ("uv", Some("tool")) if rest.get(1).and_then(Arg::known) == Some("run") => package_runner(
            rest.get(2..).unwrap_or_default(),
            UV_WITH_VALUE,
            &["--from"],
        ),
        ("uvx", _) => package_runner(rest, UV_WITH_VALUE, &["--from"]),
        // `pipx run [--spec S] PACKAGE_OR_APP …`.
        ("pipx", Some("run")) => package_runner(
            after_sub,
            &["--spec", "--python", "--pip-args", "--index-url", "-i"],
            &["--spec"],
        ),
        ("poetry" | "pdm" | "pipenv" | "rye" | "hatch" | "pixi", Some("run")) => {
            let mut steps = command_after(
                after_sub,
                &[
                    "-C",
                    "--directory",
                    "-P",
                    "--project",
                    "-p",
                    "--python",
                    "-e",
                    "--env",
                    "--environment",
                    "--manifest-path",
                ],
            );
            // `hatch run env:cmd …`: the environment's name before the command.
            if name == "hatch" {
                strip_hatch_environment(&mut steps);
            }
            steps
        }
        ("conda" | "mamba" | "micromamba", Some("run")) => command_after(
            after_sub,
            &["-n", "--name", "-p", "--prefix", "--cwd", "--live-stream"],
        ),
        // `mise exec [TOOL@VERSION…] [-c 'cmd' | -- cmd …]`, `mise x`, rtx the same.
        ("mise" | "rtx", Some("exec" | "x")) => option_script(after_sub, &["-c", "--command"])
            .unwrap_or_else(|| after_double_dash(after_sub)),
        // `asdf exec CMD …`, `asdf env CMD …` (with a command it runs it).
        ("asdf", Some("exec" | "env")) => command_after(after_sub, &[]),
        // `doppler run [flags] -- cmd …` or `--command 'cmd'`; infisical likewise.
        ("doppler" | "infisical", Some("run")) => {
            option_script(after_sub, &["--command"]).unwrap_or_else(|| after_double_dash(after_sub))
        }
        // `chamber exec SERVICE… -- cmd …`, `saml2aws exec [flags] -- cmd`, `teller run -- cmd`.
        ("chamber", Some("exec")) | ("teller", Some("run")) => after_double_dash(after_sub),
        ("saml2aws", Some("exec")) | ("aws-sso", Some("exec")) => {
            let steps = after_double_dash(after_sub);
            if steps.is_empty() {
                command_after(
                    after_sub,
                    &["-a", "--idp-account", "-p", "--profile", "--exec-profile"],
                )
            } else {
                steps
            }
        }
        // `sops exec-env FILE 'cmd'`: the command is shell text.
        ("sops", Some("exec-env" | "exec-file")) => match after_sub
            .iter()
            .filter(|a| !a.known().is_some_and(|t| t.starts_with('-')))
            .nth(1)
        {
            Some(cmd) => shell_text(cmd, "sops runs a command built at run time"),
            None => vec![],
        },
        // `envchain NAMESPACE cmd …`.
        ("envchain", _) => match rest.get(options_end(rest, &[])..) {
            Some([_, command @ ..]) if !command.is_empty() => vec![Step::run(command.to_vec())],
            _ => vec![],
        },
        ("nix-shell", _) => nix_shell(rest),
        ("nix", Some("develop" | "shell" | "print-dev-env")) => nix_command(after_sub),
        ("nix", Some("run")) => nix_run(after_sub),
        // `corepack pnpm …`, `corepack yarn@1 …`: the package manager itself.
        ("corepack", Some(manager)) if !manager.starts_with('-') => {
            let program = manager.split('@').next().unwrap_or(manager);
            if matches!(program, "npm" | "npx" | "pnpm" | "pnpx" | "yarn") {
                let mut argv = vec![Arg::lit(program)];
                argv.extend(after_sub.iter().cloned());
                vec![Step::run(argv)]
            } else {
                vec![]
            }
        }
        _ => return None,
    })
}

/// Options of `uv run` / `uvx` that take a value.
const UV_WITH_VALUE: &[&str] = &[
    "--with",
    "--with-editable",
    "--with-requirements",
    "-p",
    "--python",
    "--package",
    "--directory",
    "--project",
    "--env-file",
    "--group",
    "--extra",
    "--index",
    "--index-url",
    "--default-index",
    "--extra-index-url",
    "-i",
    "--from",
    "--config-file",
    "--cache-dir",
    "--color",
    "--index-strategy",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--link-mode",
    "--refresh-package",
    "--reinstall-package",
    "--upgrade-package",
    "-P",
    "-w",
    "--only-group",
    "--no-group",
    "--allow-insecure-host",
    "--keyring-provider",
];

/// The command after a `--` word.
fn after_double_dash(args: &[Arg]) -> Vec<Step> {
    match args.iter().position(|a| a.literal && a.text == "--") {
        Some(end) => match args.get(end + 1..) {
            Some(rest) if !rest.is_empty() => vec![Step::run(rest.to_vec())],
            _ => vec![],
        },
        None => vec![],
    }
}

/// Shell text handed to `sh -c`: judged as a script, or unresolved when built at run time.
fn shell_text(arg: &Arg, why: &'static str) -> Vec<Step> {
    if arg.literal {
        vec![Step::Script(arg.text.clone())]
    } else {
        vec![Step::Unresolved(arg.text.clone(), why)]
    }
}

/// The text after one of `flags` (`--command 'cmd'`, `--command=cmd`, `-c 'cmd'`).
fn option_script(args: &[Arg], flags: &[&str]) -> Option<Vec<Step>> {
    for (i, arg) in args.iter().enumerate() {
        if !arg.literal {
            continue;
        }
        if arg.text == "--" {
            return None;
        }
        if flags.contains(&arg.text.as_str()) {
            return Some(match args.get(i + 1) {
                Some(script) => shell_text(script, "a command built at run time is run"),
                None => vec![],
            });
        }
        if let Some(text) = flags
            .iter()
            .filter(|f| f.starts_with("--"))
            .find_map(|f| arg.text.strip_prefix(&format!("{f}=")))
        {
            return Some(vec![Step::Script(text.to_string())]);
        }
    }
    None
}

/// `hatch run ENV:cmd …`: the first word names the environment and the command.
fn strip_hatch_environment(steps: &mut [Step]) {
    for step in steps {
        if let Step::Run { argv, .. } = step {
            if let Some(first) = argv.first_mut() {
                if let Some((_, command)) = first.known().and_then(|t| t.split_once(':')) {
                    *first = Arg::lit(command);
                }
            }
        }
    }
}

/// `uvx [options] [--from PKG] CMD …`, `pipx run [--spec PKG] PKG_OR_APP …`: the command is
/// the first word after the options; a package name stands for the program it installs.
fn package_runner(args: &[Arg], with_value: &[&str], from: &[&str]) -> Vec<Step> {
    let at = options_end(args, with_value);
    let mut argv: Vec<Arg> = args.get(at..).unwrap_or_default().to_vec();
    let has_from = args[..at.min(args.len())].iter().any(|a| {
        a.known().is_some_and(|t| {
            from.iter()
                .any(|f| t == *f || t.starts_with(&format!("{f}=")))
        })
    });
    let Some(first) = argv.first_mut() else {
        return vec![];
    };
    if let Some(text) = first.known() {
        let program = program_of_package(text);
        // With `--from`, the word is already the program; without, it names the package.
        if !has_from || program != text {
            *first = Arg::lit(program);
        }
    }
    vec![Step::run(argv)]
}

/// The program a Python or Nix package installs, for the tools the guard judges; other names
/// stand for themselves (a version or extras stripped: `awscli==1.32`, `awscli[crt]`).
pub(crate) fn program_of_package(spec: &str) -> String {
    let name = spec
        .split(['=', '<', '>', '[', '@', '~', '!', ';', ' '])
        .next()
        .unwrap_or(spec);
    let name = crate::engine::basename(name);
    match name.to_ascii_lowercase().as_str() {
        "awscli" | "awscli2" | "awscliv2" | "aws-cli" => "aws".into(),
        "aws-sam-cli" | "sam-cli" => "sam".into(),
        "aws-cdk" | "nodepackages.aws-cdk" => "cdk".into(),
        "terraform" | "opentofu" | "pulumi" | "terragrunt" => {
            if name.eq_ignore_ascii_case("opentofu") {
                "tofu".into()
            } else {
                name.to_ascii_lowercase()
            }
        }
        _ => name.to_string(),
    }
}

/// `nix-shell [-p pkgs…] [--run 'cmd' | --command 'cmd'] [file]`.
fn nix_shell(args: &[Arg]) -> Vec<Step> {
    if let Some(steps) = option_script(args, &["--run", "--command"]) {
        return steps;
    }
    vec![]
}

/// `nix develop|shell [installables…] (-c|--command) cmd args…`: the rest is the command.
fn nix_command(args: &[Arg]) -> Vec<Step> {
    match args
        .iter()
        .position(|a| a.known().is_some_and(|t| t == "-c" || t == "--command"))
    {
        Some(at) => match args.get(at + 1..) {
            Some(rest) if !rest.is_empty() => vec![Step::run(rest.to_vec())],
            _ => vec![],
        },
        None => vec![],
    }
}

/// `nix run [options] INSTALLABLE [-- args…]`: the installable's program with the arguments.
fn nix_run(args: &[Arg]) -> Vec<Step> {
    let at = options_end(
        args,
        &[
            "--override-input",
            "-I",
            "--include",
            "--option",
            "--expr",
            "-f",
            "--file",
        ],
    );
    let Some(installable) = args.get(at) else {
        return vec![];
    };
    let mut rest = args.get(at + 1..).unwrap_or_default();
    if rest.first().and_then(Arg::known) == Some("--") {
        rest = &rest[1..];
    }
    let Some(text) = installable.known() else {
        return vec![Step::Unresolved(
            installable.text.clone(),
            "nix runs a package chosen at run time",
        )];
    };
    // `nixpkgs#awscli2`, `github:NixOS/nixpkgs#awscli2`, `nixpkgs#nodePackages.aws-cdk`.
    let attribute = text.rsplit_once('#').map_or(text, |(_, attr)| attr);
    let attribute = attribute
        .strip_prefix("legacyPackages.")
        .unwrap_or(attribute);
    let last = attribute.rsplit('.').next().unwrap_or(attribute);
    let program = program_of_package(if attribute.starts_with("nodePackages.") {
        attribute
    } else {
        last
    });
    let mut argv = vec![Arg::lit(program)];
    argv.extend(rest.iter().cloned());
    vec![Step::run(argv)]
}
