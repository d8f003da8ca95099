//! `guard/credentials`: access keys typed into a command — exported, assigned inline, or written
//! to a file (`~/.aws/credentials`, a `.env`). `aws configure set aws_secret_access_key` is judged
//! with the AWS CLI in `aws_cli.rs`. Keys read at run time (`$(aws configure get ...)`) are not
//! this rule's business: they never appear in the transcript.

use brush_parser::ast::{IoFileRedirectKind, IoFileRedirectTarget, IoRedirect};

use crate::decision::{Decision, CREDENTIALS};
use crate::walk::Walker;
use crate::words::{self, Arg, Var};

const KEY_VARIABLES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SESSION_TOKEN",
    "AWS_SECRET_KEY",
    "AWS_ACCESS_KEY",
];

const ALTERNATIVE: &str = "Use a named profile (`aws sso login --profile dev`, then `--profile dev`) instead of access keys.";

pub(crate) fn check_assignments(
    walker: &mut Walker<'_, '_>,
    assignments: &[(String, Var, bool)],
    seen: &str,
) {
    for (name, value, _) in assignments {
        check_export(walker, name, value, seen);
    }
}

pub(crate) fn check_export(walker: &mut Walker<'_, '_>, name: &str, value: &Var, seen: &str) {
    if !KEY_VARIABLES.contains(&name) {
        return;
    }
    if let Var::Known(value) = value {
        if !value.is_empty() {
            walker.push(
                Decision::Deny,
                CREDENTIALS,
                seen,
                format!(
                    "the command sets {name} to a literal key ({}). {ALTERNATIVE}",
                    redact(value)
                ),
            );
        }
    }
}

/// Output redirections to `~/.aws/credentials`, or of text holding a key to any file.
/// `targets` are the files the redirections write ([`redirect_targets`]).
pub(crate) fn check_redirects(
    walker: &mut Walker<'_, '_>,
    redirects: &[&IoRedirect],
    mut targets: Vec<String>,
    argv: &[Arg],
    seen: &str,
) {
    let mut writes = !targets.is_empty();
    let mut body = String::new();
    for redirect in redirects {
        match redirect {
            IoRedirect::HereDocument(_, doc) => body.push_str(&doc.doc.value),
            IoRedirect::HereString(_, word) => body.push_str(&word.value),
            _ => {}
        }
    }
    if argv
        .first()
        .and_then(Arg::known)
        .is_some_and(|n| crate::engine::basename(n) == "tee")
    {
        writes = true;
        targets.extend(
            argv[1..]
                .iter()
                .filter(|a| !a.text.starts_with('-'))
                .map(|a| a.text.clone()),
        );
    }
    if !writes {
        return;
    }
    if let Some(target) = targets.iter().find(|t| t.ends_with(".aws/credentials")) {
        walker.push(
            Decision::Deny,
            CREDENTIALS,
            seen,
            format!("the command writes to `{target}`. {ALTERNATIVE}"),
        );
        return;
    }
    let text = argv
        .iter()
        .map(|a| a.text.as_str())
        .chain(std::iter::once(body.as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(key) = find_key(&text) {
        walker.push(
            Decision::Deny,
            CREDENTIALS,
            seen,
            format!(
                "the command writes an AWS key ({}) to a file. {ALTERNATIVE}",
                redact(&key)
            ),
        );
    }
}

/// The files output redirections write (`>`, `>>`, `>|`, `<>`, `&>`), as far as they are known.
/// `lookup` gives the variables the command line set (`f=stackwarden.toml; echo x > $f`).
pub(crate) fn redirect_targets(
    redirects: &[&IoRedirect],
    lookup: &dyn Fn(&str) -> Option<Var>,
) -> Vec<String> {
    let mut targets = Vec::new();
    for redirect in redirects {
        match redirect {
            IoRedirect::File(
                _,
                IoFileRedirectKind::Write
                | IoFileRedirectKind::Append
                | IoFileRedirectKind::Clobber
                | IoFileRedirectKind::ReadAndWrite,
                IoFileRedirectTarget::Filename(word),
            )
            | IoRedirect::OutputAndError(word, _) => {
                targets.push(words::expand(&word.value, lookup).arg.text);
            }
            _ => {}
        }
    }
    targets
}

/// An access key id (`AKIA`/`ASIA` + 16 upper-case letters or digits) or a secret key assignment.
pub(crate) fn find_key(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for start in 0..bytes.len() {
        let rest = &bytes[start..];
        if (rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA"))
            && rest.len() >= 20
            && rest[4..20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
        {
            return text.get(start..start + 20).map(str::to_string);
        }
    }
    let lower = text.to_ascii_lowercase();
    lower.find("aws_secret_access_key").and_then(|at| {
        let after = lower[at + "aws_secret_access_key".len()..].trim_start();
        let value = after.strip_prefix('=')?.trim_start();
        let secret: String = value
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '\'')
            .collect();
        (secret.len() >= 16 && !secret.starts_with('$')).then_some(secret)
    })
}

/// Never repeat a key in full: the reason ends up in logs and transcripts.
pub(crate) fn redact(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    format!("{shown}…")
}
