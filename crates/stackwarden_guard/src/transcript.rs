//! `guard/credentials`, the printing half: a command whose output reaches the agent's transcript
//! and holds a secret key — a credentials file read out (`cat ~/.aws/credentials`), a secret
//! variable printed (`printenv AWS_SECRET_ACCESS_KEY`), the AWS CLI asked for keys
//! (`aws configure get aws_secret_access_key`, `aws configure export-credentials`, `aws sts
//! assume-role`). The same commands are fine when their output goes straight into something that
//! consumes it (`eval "$(aws configure export-credentials --format env)"`, `creds=$(…)`, `> file`,
//! `| python3 use.py`): [`Walker::shown`] says whether it does.
//!
//! A credentials file counts however it is named: literally, relative to the folder the command
//! runs in, by a glob that can match it (`~/.aws/cred*`, `~/.aws/*`), by a folder a recursive
//! reader walks (`grep -r aws_secret ~/.aws`), or by an interpreter one-liner whose code names it.
//! The environment counts when it holds a secret variable: `env`, `printenv`, `set`, `export -p`,
//! `declare -p`/`-x`, `/proc/self/environ`. Copying or moving a credentials file (`cp`, `mv`,
//! `rsync`, `scp`, `tar`, `curl -T`, `cat … > file`) is denied whether or not anything is
//! shown: the copy is a credentials file the guard no longer recognises, outside the protected
//! location.

use std::path::{Component, PathBuf};

use brush_parser::ast::{IoFileRedirectKind, IoFileRedirectTarget, IoRedirect};

use crate::decision::{Decision, CREDENTIALS};
use crate::engine::basename;
use crate::scope::Scope;
use crate::walk::Walker;
use crate::words::{Arg, Var};

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

/// A command line's simple command: is it a reader of a credentials file, a copier of one, or a
/// printer of a secret variable or of an environment holding one, whose output is shown?
pub(crate) fn check(
    walker: &mut Walker<'_, '_>,
    name: &str,
    argv: &[Arg],
    seen: &str,
    scope: &Scope,
) {
    let args = &argv[1..];
    let files = Files::new(walker, scope);
    if let Some(what) = copies_credentials(name, args, &files) {
        deny(walker, Some(what), seen);
        return;
    }
    if !walker.shown {
        return;
    }
    let what = if READERS.contains(&name) && !prints_nothing(name, args) {
        let recursive = reads_folders(name, args);
        args.iter()
            .find(|a| files.names_credentials(&a.text, recursive))
            .map(|a| format!("`{name}` prints the AWS credentials file `{}`", a.text))
            .or_else(|| {
                args.iter()
                    .find(|a| is_process_environment(&a.text))
                    .filter(|_| holds_secret_variable(scope, walker, &[]))
                    .map(|a| {
                        format!(
                            "`{name}` prints `{}`, the environment, which holds AWS secret keys",
                            a.text
                        )
                    })
            })
    } else if crate::interpreters::is_interpreter(name) {
        args.iter()
            .find(|a| names_credentials_in_code(&a.text))
            .map(|_| format!("`{name}` runs code that reads the AWS credentials file"))
    } else if let Some(printed) = prints_environment(name, args) {
        match printed {
            Printed::Named(names) => names
                .into_iter()
                .find(|var| SECRET_VARIABLES.contains(&var.as_str()))
                .map(|var| format!("`{name} {var}` prints a secret key")),
            Printed::All(removed) if holds_secret_variable(scope, walker, &removed) => Some(
                format!("`{name}` prints the environment, which holds AWS secret keys"),
            ),
            Printed::All(_) => None,
        }
    } else if matches!(name, "echo" | "printf") {
        args.iter()
            .any(|a| names_secret_variable(a) || holds_secret(a, walker))
            .then(|| format!("`{name}` prints a secret key"))
    } else {
        None
    };
    deny(walker, what, seen);
}

/// What a simple command's redirections do with a credentials file: `cat < ~/.aws/credentials`
/// (stdin) prints it when the output is shown, `cat ~/.aws/credentials > /tmp/c` copies it.
pub(crate) fn check_redirected(
    walker: &mut Walker<'_, '_>,
    argv: &[Arg],
    redirects: &[&IoRedirect],
    scope: &Scope,
    seen: &str,
) {
    let Some(name) = argv.first().and_then(Arg::known).map(basename) else {
        return;
    };
    if !READERS.contains(&name) && !crate::interpreters::is_interpreter(name) {
        return;
    }
    let files = Files::new(walker, scope);
    let env = &walker.ctx.env;
    let to_file = redirects.iter().any(|r| crate::pipes::stdout_to_file(r));
    let args = &argv[1..];
    if to_file && READERS.contains(&name) && !prints_nothing(name, args) {
        let recursive = reads_folders(name, args);
        if let Some(file) = args
            .iter()
            .find(|a| files.names_credentials(&a.text, recursive))
        {
            let what = format!(
                "`{name}` copies the AWS credentials file `{}` into another file",
                file.text
            );
            deny(walker, Some(what), seen);
            return;
        }
    }
    if !walker.shown || to_file {
        return;
    }
    let stdin = redirects.iter().find_map(|r| match r {
        IoRedirect::File(fd, IoFileRedirectKind::Read, IoFileRedirectTarget::Filename(w))
            if fd.is_none_or(|fd| fd == 0) =>
        {
            Some(
                crate::words::expand(&w.value, &|v| scope.get(v, env))
                    .arg
                    .text,
            )
        }
        _ => None,
    });
    let Some(file) = stdin else { return };
    let what = if files.names_credentials(&file, false) {
        format!("`{name} < {file}` prints the AWS credentials file")
    } else if is_process_environment(&file) && holds_secret_variable(scope, walker, &[]) {
        format!("`{name} < {file}` prints the environment, which holds AWS secret keys")
    } else {
        return;
    };
    deny(walker, Some(what), seen);
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
        ("sso", "get-role-credentials") if query_keeps_secrets(args) => Some(
            "`aws sso get-role-credentials` answers with the role's secret access key and session token"
                .to_string(),
        ),
        ("cognito-identity", "get-credentials-for-identity") if query_keeps_secrets(args) => {
            Some(format!("`aws {service} {operation}` answers with a secret key and session token"))
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
        // JMESPath is case-sensitive, but the answers differ in case (STS `SecretAccessKey`,
        // SSO `secretAccessKey`); a wildcard or `@` keeps everything.
        return query.is_none_or(|q| {
            let q = q.to_ascii_lowercase();
            q.contains("secret")
                || q.contains("token")
                || q.contains('*')
                || q.trim() == "@"
                || q.trim_end_matches(['"', '\'']).ends_with("credentials")
        });
    }
    true
}

/// The credentials files as the path components they end with (`*` stands for any name).
const CREDENTIAL_FILES: &[&[&str]] = &[
    &[".aws", "credentials"],
    &[".aws", "sso", "cache", "*"],
    &[".aws", "cli", "cache", "*"],
];

/// The folders that hold them, which a recursive reader walks.
const CREDENTIAL_FOLDERS: &[&[&str]] = &[
    &[".aws"],
    &[".aws", "sso"],
    &[".aws", "sso", "cache"],
    &[".aws", "cli"],
    &[".aws", "cli", "cache"],
];

/// Paths as the command sees them: relative to the folder it runs in, `~` as the home folder.
struct Files {
    cwd: PathBuf,
    home: Option<String>,
    /// `AWS_SHARED_CREDENTIALS_FILE`, when set.
    shared: Option<String>,
}

impl Files {
    fn new(walker: &Walker<'_, '_>, scope: &Scope) -> Self {
        let env = &walker.ctx.env;
        let known = |name: &str| match scope.get(name, env) {
            Some(Var::Known(value)) if !value.is_empty() => Some(value),
            _ => None,
        };
        Files {
            cwd: scope.cwd.clone(),
            home: known("HOME"),
            shared: known("AWS_SHARED_CREDENTIALS_FILE"),
        }
    }

    /// The path's components after `~` and the working folder are applied, `.`/`..` removed.
    fn components(&self, text: &str) -> Vec<String> {
        let expanded = match (text.strip_prefix('~'), &self.home) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                format!("{home}{rest}")
            }
            _ => text.to_string(),
        };
        let path = crate::scope::normalize(&self.cwd.join(expanded));
        path.components()
            .filter_map(|c| match c {
                Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    }

    /// Whether `text` names a credentials file, or a glob that can match one; with `folders`
    /// (a recursive reader), also a folder that holds one.
    fn names_credentials(&self, text: &str, folders: bool) -> bool {
        if text.contains("AWS_SHARED_CREDENTIALS_FILE")
            || self
                .shared
                .as_deref()
                .is_some_and(|file| text == file || self.components(text) == self.components(file))
        {
            return true;
        }
        let parts = self.components(text);
        let ends_with = |tail: &[&str]| {
            parts.len() >= tail.len()
                && parts[parts.len() - tail.len()..]
                    .iter()
                    .zip(tail)
                    .all(|(pattern, name)| *name == "*" || glob(pattern, name))
        };
        if CREDENTIAL_FILES.iter().any(|tail| ends_with(tail)) {
            return true;
        }
        folders
            && (CREDENTIAL_FOLDERS.iter().any(|tail| ends_with(tail))
                || self.holds_home(text, &parts))
    }

    /// `~`, `$HOME`, the home folder or one above it (`/home`, `/`).
    fn holds_home(&self, text: &str, parts: &[String]) -> bool {
        if matches!(text.trim_end_matches('/'), "~" | "$HOME" | "${HOME}") || parts.is_empty() {
            return true;
        }
        match &self.home {
            Some(home) => self.components(home).starts_with(parts),
            None => {
                parts == ["root"]
                    || (parts.first().is_some_and(|p| p == "home") && parts.len() <= 2)
            }
        }
    }
}

/// Matches one path component against a shell glob (`*`, `?`, `[abc]`, `[!a-z]`); as in bash, a
/// leading `.` is only matched by a pattern that starts with one.
pub(crate) fn glob(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    // The iterative matcher (runs of `*` collapsed, one star backtracked): linear-ish where a
    // recursive one is exponential on a failing `a*****b`. A pattern it does not evaluate
    // (`[[:alpha:]]`) counts as matching: the callers ask what it could name.
    let chars: Vec<(char, bool)> = pattern.chars().map(|c| (c, true)).collect();
    match crate::glob::compile(&chars) {
        Some(tokens) => crate::glob::matches(&tokens, name),
        None => true,
    }
}

/// `grep -r`, `rg`: readers that walk the folders they are given.
fn reads_folders(name: &str, args: &[Arg]) -> bool {
    match name {
        "rg" | "ag" | "ack" => true,
        "grep" | "egrep" | "fgrep" => args.iter().filter_map(Arg::known).any(|a| {
            matches!(
                a,
                "--recursive" | "--dereference-recursive" | "--directories=recurse"
            ) || (a.starts_with('-')
                && !a.starts_with("--")
                && a.chars().skip(1).any(|c| c == 'r' || c == 'R'))
        }),
        _ => false,
    }
}

/// Tools that copy, move, link, archive or send the files they are given.
fn copies_credentials(name: &str, args: &[Arg], files: &Files) -> Option<String> {
    let operands = || args.iter().filter(|a| !a.text.starts_with('-'));
    let recursive = || {
        args.iter().filter_map(Arg::known).any(|a| {
            matches!(a, "--recursive" | "--archive")
                || (a.starts_with('-')
                    && !a.starts_with("--")
                    && a.chars().skip(1).any(|c| matches!(c, 'r' | 'R' | 'a')))
        })
    };
    let found = match name {
        "cp" | "mv" | "install" | "ln" | "link" | "scp" | "sftp" | "gzip" | "bzip2" | "xz"
        | "zstd" | "gpg" | "openssl" => {
            let folders = matches!(name, "cp" | "scp") && recursive();
            operands().find(|a| files.names_credentials(&a.text, folders))
        }
        "rsync" | "zip" | "7z" | "tar" => {
            operands().find(|a| files.names_credentials(&a.text, true))
        }
        // `curl -T FILE`, `-d @FILE`, `-F f=@FILE`, `wget --post-file=FILE`, `dd if=FILE`.
        "curl" | "wget" | "dd" | "nc" | "ncat" | "socat" => args.iter().find(|a| {
            let text = a.text.as_str();
            let value = text
                .rsplit_once('@')
                .map(|(_, file)| file)
                .or_else(|| text.split_once('=').map(|(_, file)| file))
                .unwrap_or(text);
            files.names_credentials(value, false) || files.names_credentials(text, false)
        }),
        _ => None,
    }?;
    Some(format!(
        "`{name}` copies the AWS credentials file `{}` out of its place",
        found.text
    ))
}

/// Code that names a credentials file or cache (`open('/home/u/.aws/credentials')`).
fn names_credentials_in_code(code: &str) -> bool {
    [
        ".aws/credentials",
        ".aws/sso/cache",
        ".aws/cli/cache",
        "AWS_SHARED_CREDENTIALS_FILE",
    ]
    .iter()
    .any(|needle| code.contains(needle))
        || (code.contains(".aws") && code.contains("credentials"))
}

/// `/proc/self/environ`, `/proc/$$/environ`, `/proc/1234/environ`.
fn is_process_environment(text: &str) -> bool {
    text.starts_with("/proc/") && text.ends_with("/environ")
}

/// What a command prints of the environment.
enum Printed {
    /// The whole environment, except the variables listed (`env -u NAME`).
    All(Vec<String>),
    /// These variables (`printenv NAME`, `declare -p NAME`).
    Named(Vec<String>),
}

/// `env`/`printenv` with no command or name, `set` alone, `export`/`export -p`,
/// `declare`/`typeset` with only `-p`/`-x`-like options print the environment.
fn prints_environment(name: &str, args: &[Arg]) -> Option<Printed> {
    let words: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    match name {
        "env" => {
            let mut removed = Vec::new();
            let mut i = 0;
            while let Some(word) = words.get(i) {
                i += 1;
                match *word {
                    "-0" | "--null" | "--" => {}
                    "-u" | "--unset" => {
                        removed.extend(words.get(i).map(|w| w.to_string()));
                        i += 1;
                    }
                    "-C" | "--chdir" => i += 1,
                    // Only the variables given are left, and those the guard judges as set.
                    "-i" | "-" | "--ignore-environment" => return None,
                    w if w.starts_with("--unset=") => removed.push(w["--unset=".len()..].into()),
                    w if w.starts_with("-u") => removed.push(w[2..].into()),
                    w if w.contains('=') && !w.starts_with('-') => {}
                    // A command: it is judged on its own.
                    _ => return None,
                }
            }
            Some(Printed::All(removed))
        }
        "printenv" => {
            let names: Vec<String> = words
                .iter()
                .filter(|w| !w.starts_with('-'))
                .map(|w| w.to_string())
                .collect();
            Some(if names.is_empty() {
                Printed::All(Vec::new())
            } else {
                Printed::Named(names)
            })
        }
        "set" => words.is_empty().then(|| Printed::All(Vec::new())),
        "export" => words
            .iter()
            .all(|w| *w == "-p")
            .then(|| Printed::All(Vec::new())),
        "declare" | "typeset" => {
            let (options, names): (Vec<&str>, Vec<&str>) =
                words.iter().partition(|w| w.starts_with(['-', '+']));
            // Functions (`-f`, `-F`) are not variables.
            if options.iter().any(|o| o.contains(['f', 'F']))
                || names.iter().any(|n| n.contains('='))
            {
                return None;
            }
            let prints = options.iter().any(|o| o.contains('p')) || names.is_empty();
            match (prints, names.is_empty()) {
                (false, _) => None,
                (true, true) => Some(Printed::All(Vec::new())),
                (true, false) => Some(Printed::Named(
                    names.iter().map(|n| n.to_string()).collect(),
                )),
            }
        }
        _ => None,
    }
}

/// Whether the environment the command sees holds a secret variable (one set to a value built
/// at run time counts too).
fn holds_secret_variable(scope: &Scope, walker: &Walker<'_, '_>, removed: &[String]) -> bool {
    SECRET_VARIABLES
        .iter()
        .filter(|v| !removed.iter().any(|r| r == *v))
        .any(|v| match scope.get(v, &walker.ctx.env) {
            Some(Var::Known(value)) => !value.is_empty(),
            Some(_) => true,
            None => false,
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
