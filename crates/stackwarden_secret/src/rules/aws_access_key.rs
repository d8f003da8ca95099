use std::path::Path;

use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::scan::{SecretKind, SecretMatch};

pub static META: RuleMeta = RuleMeta {
    id: "secret/aws-access-key",
    severity: Severity::Error,
    summary: "an AWS access key id or secret access key written in a file",
    docs: r#"## What it does
Finds AWS access key ids (`AKIA...` long-term keys, `ASIA...` temporary ones) and secret access
keys in every text file the check reaches: `.env` files, shell scripts, `~/.aws/credentials`
copies, JSON and YAML values, source code. A secret access key is a 40-character base64 token
that is the value of a secret-ish name (`aws_secret_access_key`, `secretAccessKey`,
`AWS_SECRET_ACCESS_KEY`, `secret_key`, ...) or sits within two lines of an access key id; other
40-character values (git SHAs, hashes, identifiers) are not taken. AWS's documented example keys
(`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, anything ending in
`EXAMPLE`) are reported at `info`, not as errors. The key is never printed in full: messages and
code frames show its first four characters and its length.

## Why
A key in a file ends up in git history, CI logs, container images and every clone. Leaked keys
are found by scanners within minutes of a push and used at once; rotating them afterwards does not
undo what was done with them.

Precision: every one of the 129 findings in the sweep of bench/PRECISION.md is one of AWS's
documented example keys (`AKIAIOSFODNN7EXAMPLE`) in tests and READMEs, reported at `info` by design
(it fails nothing; classified debatable: nothing to change). No real key was found, so there is no
true finding to count.

## Example
```ini
# .env (AWS's documented example keys, so that these docs trip no scanner; a real key is an error)
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
```

## Fix
Delete the key from the file and deactivate it in IAM
(`aws iam update-access-key --access-key-id <id> --status Inactive`, then delete it); the git
history still holds it, so treat it as leaked. Use an IAM role (workloads, CI through OIDC) or an
SSO profile (`aws sso login --profile dev`) instead. A key that a third party really requires
belongs in Secrets Manager, read at run time, never in a file. A fake key in a test fixture can be
kept with `# stackwarden-ignore secret/aws-access-key: fake key for tests` on its line or the line
above.
"#,
};

const HELP: &str = "delete it, deactivate the key in IAM (`aws iam update-access-key --access-key-id <id> --status Inactive`) and treat it as leaked (git history keeps it); use an IAM role or an SSO profile (`aws sso login`) instead, or Secrets Manager for a key a third party requires; never put keys in files";
const HELP_TEMPORARY: &str = "delete it: temporary credentials expire, but until then they work (revoke the role's active sessions in IAM if they may still be valid); use an IAM role or an SSO profile (`aws sso login`) instead of copying credentials into files";
const HELP_EXAMPLE: &str = "nothing to revoke; in real configuration use an IAM role or an SSO profile (`aws sso login`), never keys in files";

/// What a credential is, masked: `an AWS access key id (AKIA…(20 chars))`, `AWS's documented
/// example secret access key (wJal…(40 chars), not a real credential)`. `secret` is the matched
/// text; only its mask is used.
pub fn describe(m: &SecretMatch, secret: &str) -> String {
    let masked = crate::mask(secret);
    let kind = m.kind.describe();
    if m.is_documented_example {
        format!("AWS's documented example {kind} ({masked}, not a real credential)")
    } else if m.kind == SecretKind::AccessKeyId && secret.starts_with("ASIA") {
        format!("a temporary AWS {kind} ({masked})")
    } else {
        format!("an AWS {kind} ({masked})")
    }
}

/// The finding for one match of `text` (the scanned file), at the rule's default severity
/// (`info` for a documented example).
pub(crate) fn finding(path: &Path, text: &str, m: &SecretMatch) -> Finding {
    let secret = &text[m.range.clone()];
    let help = if m.is_documented_example {
        HELP_EXAMPLE
    } else if m.kind == SecretKind::AccessKeyId && secret.starts_with("ASIA") {
        HELP_TEMPORARY
    } else {
        HELP
    };
    Finding {
        rule: &META,
        severity: if m.is_documented_example {
            Severity::Info
        } else {
            META.severity
        },
        message: if m.is_documented_example {
            format!("{} appears in this file", describe(m, secret))
        } else {
            format!("{} is committed in this file", describe(m, secret))
        },
        path: path.to_path_buf(),
        line: m.line,
        column: m.column,
        resource: None,
        stack: None,
        source: None,
        help: help.to_string(),
        suggestion: None,
        // A key is ASCII and on one line.
        end_line: Some(m.line),
        end_column: Some(m.column + u32::try_from(secret.len()).unwrap_or(0)),
        cause: None,
    }
}
