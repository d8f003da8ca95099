//! Containers: `docker run` / `podman run` (and `nerdctl`, `finch`) run a command in a container
//! that reaches AWS as soon as credentials are handed in (`-v ~/.aws:/root/.aws`, `-e
//! AWS_PROFILE=prod`). The command after the image is judged as if run here; for the images
//! whose entry point is a tool the guard knows (`amazon/aws-cli`, `public.ecr.aws/aws-cli/
//! aws-cli`, `hashicorp/terraform`, any tag or digest) the words after the image are that
//! tool's arguments. `--entrypoint X` runs X with them. `-e NAME=value`/`--env` give the
//! command that environment. `docker exec CONTAINER cmd …` runs cmd in a running container.

use crate::words::{Arg, Var};
use crate::wrappers::Step;

/// Options of the client, before its command, that take a value.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "-H",
    "--host",
    "-c",
    "--context",
    "--config",
    "-l",
    "--log-level",
    "--tlscacert",
    "--tlscert",
    "--tlskey",
    "--connection",
    "--url",
    "--identity",
    "--root",
    "--runroot",
    "--storage-driver",
    "--namespace",
    "-n",
];

/// Options of `run`/`create`/`exec` that take a value (the others are flags).
const RUN_WITH_VALUE: &[&str] = &[
    "-a",
    "--attach",
    "--add-host",
    "--blkio-weight",
    "--cap-add",
    "--cap-drop",
    "--cgroup-parent",
    "--cgroupns",
    "--cidfile",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-shares",
    "-c",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--detach-keys",
    "--device",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--domainname",
    "-e",
    "--env",
    "--entrypoint",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-start-period",
    "--health-timeout",
    "-h",
    "--hostname",
    "--ip",
    "--ip6",
    "--ipc",
    "--isolation",
    "-l",
    "--label",
    "--label-file",
    "--link",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "-m",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--mount",
    "--name",
    "--network",
    "--net",
    "--network-alias",
    "--pid",
    "--pids-limit",
    "--platform",
    "-p",
    "--publish",
    "--pull",
    "--restart",
    "--runtime",
    "--security-opt",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "-u",
    "--user",
    "--ulimit",
    "--userns",
    "--uts",
    "-v",
    "--volume",
    "--volumes-from",
    "-w",
    "--workdir",
    "--arch",
    "--os",
    "--pod",
    "--secret",
    // docker compose run/exec.
    "--index",
];

/// `docker [global options] run|exec|container run|container exec …`; other commands run
/// nothing the guard judges.
pub(crate) fn unwrap(args: &[Arg]) -> Vec<Step> {
    let i = crate::wrappers::options_end(args, GLOBAL_WITH_VALUE);
    let rest = args.get(i..).unwrap_or_default();
    let (command, rest) = match rest.first().and_then(Arg::known) {
        Some("container") => (rest.get(1).and_then(Arg::known), rest.get(2..)),
        other => (other, rest.get(1..)),
    };
    let rest = rest.unwrap_or_default();
    match command {
        Some("run") => run(rest, true),
        Some("exec") => run(rest, false),
        Some("compose") => compose(rest),
        _ => vec![],
    }
}

/// `docker compose [options] run|exec [options] SERVICE cmd …` (and `docker-compose`,
/// `podman-compose`): the command runs in the service's container, judged as if run here,
/// with the `-e` environment. Without a command the service runs its own, which is in the
/// compose file, not on the command line.
pub(crate) fn compose(args: &[Arg]) -> Vec<Step> {
    const GLOBAL_WITH_VALUE: &[&str] = &[
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--profile",
        "--env-file",
        "--project-directory",
        "--ansi",
        "--parallel",
        "--progress",
        "-c",
        "--context",
        "-H",
        "--host",
    ];
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        i += if GLOBAL_WITH_VALUE.contains(&text) {
            2
        } else {
            1
        };
    }
    match args.get(i).and_then(Arg::known) {
        Some("run" | "exec") => run(args.get(i + 1..).unwrap_or_default(), false),
        _ => vec![],
    }
}

/// `run [options] IMAGE [command …]`, `exec [options] CONTAINER command …`.
fn run(args: &[Arg], image: bool) -> Vec<Step> {
    let mut set = Vec::new();
    let mut entrypoint: Option<Arg> = None;
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Arg::known) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text.len() == 1 {
            break;
        }
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (text, None),
        };
        let takes_value = RUN_WITH_VALUE.contains(&name) && inline.is_none();
        let value = match inline {
            Some(v) => Some(Arg::lit(v)),
            None if takes_value => args.get(i + 1).cloned(),
            None => None,
        };
        i += if takes_value { 2 } else { 1 };
        match (name, value) {
            ("-e" | "--env", Some(value)) => {
                // `-e NAME` alone passes the host's value on: nothing changes.
                if let Some((name, value)) = value.known().and_then(crate::wrappers::assignment) {
                    set.push((name, Var::Known(value)));
                }
            }
            ("--entrypoint", Some(value)) => entrypoint = Some(value),
            _ => {}
        }
    }
    let Some(target) = args.get(i) else {
        return vec![];
    };
    let command = args.get(i + 1..).unwrap_or_default();
    let mut argv: Vec<Arg> = Vec::new();
    match entrypoint {
        // `--entrypoint ''` resets it: the command is what runs.
        Some(entry) if entry.literal && entry.text.is_empty() => {}
        Some(entry) => argv.push(entry),
        None if image => {
            if let Some(tool) = target.known().and_then(image_tool) {
                argv.push(Arg::lit(tool));
            }
        }
        None => {}
    }
    argv.extend(command.iter().cloned());
    if argv.is_empty() || (argv.len() == 1 && command.is_empty() && image) {
        return vec![];
    }
    vec![Step::Run {
        argv,
        set,
        unset: Vec::new(),
        clear_env: false,
        cd: None,
    }]
}

/// The tool an image runs as its entry point, for the images the guard knows.
fn image_tool(image: &str) -> Option<&'static str> {
    let image = image.split('@').next().unwrap_or(image);
    // A tag follows the last `:` after the last `/` (a registry may have a port).
    let repository = match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => image,
    };
    let repository = repository.strip_prefix("docker.io/").unwrap_or(repository);
    match repository {
        "amazon/aws-cli" | "public.ecr.aws/aws-cli/aws-cli" => Some("aws"),
        "hashicorp/terraform" => Some("terraform"),
        "ghcr.io/opentofu/opentofu" => Some("tofu"),
        _ => None,
    }
}
