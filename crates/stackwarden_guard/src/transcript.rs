//! `guard/credentials`, the printing half: a command whose output reaches the agent's transcript
//! and holds a secret key — a credentials file read out (`cat ~/.aws/credentials`), a secret
//! variable printed (`printenv AWS_SECRET_ACCESS_KEY`), the AWS CLI asked for keys
//! (`aws configure get aws_secret_access_key`, `aws configure export-credentials`, `aws sts
//! assume-role`). The same commands are fine when their output goes straight into something that
//! consumes it (`eval "$(aws configure export-credentials --format env)"`, `creds=$(…)`, `> file`,
//! `| python3 use.py`): [`Walker::shown`] says whether it does.

use crate::decision::{Decision, CREDENTIALS};
use crate::engine::basename;
use crate::walk::Walker;
use crate::words::Arg;

/// Variables whose value is a secret (an access key id alone is not one).
const SECRET_VARIABLES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECRET_KEY",
];

/// Commands that print (some of) what they read.
const READERS: &[&str] = &[
    "cat", "tac", "head", "tail", "less", "more", "bat", "batcat", "grep", "egrep", "fgrep", "rg",
    "awk", "sed", "cut", "sort", "uniq", "strings", "xxd", "od", "hexdump", "base64", "jq", "yq",
    "nl", "tr", "column", "fold", "paste", "rev", "tee",
];

/// Commands that pass what they read on to the transcript when last in a pipeline.
pub(crate) fn passes_output_on(name: &str) -> bool {
    READERS.contains(&basename(name))
}

const INSTEAD: &str = "Keys printed here stay in the agent's transcript. Use the profile by name (`--profile dev`); where a tool needs the keys, hand them over without printing them (`eval \"$(aws configure export-credentials --profile dev --format env)\"`).";

/// A command line's simple command: is it a reader of a credentials file, or a printer of a
/// secret variable, whose output is shown?
pub(crate) fn check(walker: &mut Walker<'_, '_>, name: &str, argv: &[Arg], seen: &str) {
    if !walker.shown {
        return;
    }
    let args = &argv[1..];
    let what = if READERS.contains(&name) && !prints_nothing(name, args) {
        args.iter()
            .find(|a| is_credentials_path(&a.text, walker))
            .map(|a| format!("`{name}` prints the AWS credentials file `{}`", a.text))
    } else if name == "printenv" {
        let named = args
            .iter()
            .find(|a| SECRET_VARIABLES.contains(&a.text.as_str()));
        match named {
            Some(var) => Some(format!("`printenv {}` prints a secret key", var.text)),
            None if args.is_empty() && has_secret_variable(walker) => {
                Some("`printenv` prints the environment, which holds AWS secret keys".into())
            }
            None => None,
        }
    } else if name == "env" && args.is_empty() && has_secret_variable(walker) {
        Some("`env` prints the environment, which holds AWS secret keys".into())
    } else if matches!(name, "echo" | "printf") {
        args.iter()
            .any(|a| names_secret_variable(a) || holds_secret(a, walker))
            .then(|| format!("`{name}` prints a secret key"))
    } else {
        None
    };
    deny(walker, what, seen);
}

/// `aws configure get aws_secret_access_key`, `aws configure export-credentials`, `aws sts
/// assume-role` and friends, whose answer holds a secret key, when that answer is shown. `args`
/// are all of the CLI's words (`--query` is a global option).
pub(crate) fn check_aws(
    walker: &mut Walker<'_, '_>,
    service: &str,
    operation: &str,
    args: &[Arg],
    seen: &str,
) {
    if !walker.shown {
        return;
    }
    let what = match (service, operation) {
        ("configure", "get") => args
            .iter()
            .find(|a| {
                let key = a.text.rsplit('.').next().unwrap_or_default();
                matches!(key, "aws_secret_access_key" | "aws_session_token")
            })
            .map(|a| format!("`aws configure get {}` prints a secret key", a.text)),
        ("configure", "export-credentials") => {
            Some("`aws configure export-credentials` prints the profile's keys".to_string())
        }
        (
            "sts",
            "assume-role"
            | "assume-role-with-saml"
            | "assume-role-with-web-identity"
            | "get-session-token"
            | "get-federation-token",
        ) if query_keeps_secrets(args) => Some(format!(
            "`aws sts {operation}` answers with a secret access key and session token"
        )),
        _ => None,
    };
    deny(walker, what, seen);
}

fn deny(walker: &mut Walker<'_, '_>, what: Option<String>, seen: &str) {
    if let Some(what) = what {
        walker.push(
            Decision::Deny,
            CREDENTIALS,
            seen,
            format!("{what}. {INSTEAD}"),
        );
    }
}

/// Whether `--query` (if any) still selects the secret parts of an STS answer.
fn query_keeps_secrets(rest: &[Arg]) -> bool {
    let mut words = rest.iter();
    while let Some(arg) = words.next() {
        let query = match arg.text.strip_prefix("--query") {
            Some("") => words.next().map(|a| a.text.as_str()),
            Some(inline) => inline.strip_prefix('='),
            None => continue,
        };
        return query.is_none_or(|q| {
            q.contains("Secret")
                || q.contains("Token")
                || q.trim_end_matches(['"', '\'']).ends_with("Credentials")
        });
    }
    true
}

fn is_credentials_path(text: &str, walker: &Walker<'_, '_>) -> bool {
    text.ends_with(".aws/credentials")
        || text.contains(".aws/sso/cache/")
        || text.contains(".aws/cli/cache/")
        || text.contains("AWS_SHARED_CREDENTIALS_FILE")
        || walker
            .ctx
            .env
            .get("AWS_SHARED_CREDENTIALS_FILE")
            .is_some_and(|file| !file.is_empty() && text == file)
}

fn has_secret_variable(walker: &Walker<'_, '_>) -> bool {
    SECRET_VARIABLES.iter().any(|v| {
        walker
            .ctx
            .env
            .get(*v)
            .is_some_and(|value| !value.is_empty())
    })
}

/// `sed -i` edits in place; `grep -q`/`-c`/`-l` print no line of the file.
fn prints_nothing(name: &str, args: &[Arg]) -> bool {
    let flag = |f: &str| args.iter().any(|a| a.literal && a.text.starts_with(f));
    match name {
        "sed" => flag("-i") || flag("--in-place"),
        "grep" | "egrep" | "fgrep" | "rg" => {
            flag("-q") || flag("-c") || flag("-l") || flag("--quiet") || flag("--count")
        }
        _ => false,
    }
}

/// An argument the guard could not expand that reads a secret variable (`$AWS_SESSION_TOKEN`).
fn names_secret_variable(arg: &Arg) -> bool {
    !arg.literal
        && SECRET_VARIABLES
            .iter()
            .any(|v| arg.text.contains(&format!("${v}")) || arg.text.contains(&format!("${{{v}")))
}

/// An argument holding the value of a secret variable of the environment (the guard expanded
/// it), or text the key scanner recognises as a key.
fn holds_secret(arg: &Arg, walker: &Walker<'_, '_>) -> bool {
    arg.literal
        && (SECRET_VARIABLES.iter().any(|v| {
            walker
                .ctx
                .env
                .get(*v)
                .is_some_and(|value| !value.is_empty() && arg.text.contains(value.as_str()))
        }) || !stackwarden_secret::scan(&arg.text).is_empty())
}
