use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::check::SettingsContext;
use crate::permission::judge_allow;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "agent/settings-broad-allow",
    severity: Severity::Error,
    summary: "a .claude/settings*.json allow rule lets the agent deploy to production, destroy, or run any AWS command",
    docs: r#"## What it does
Reads `permissions.allow` in `.claude/settings.json` and `.claude/settings.local.json` and flags each
entry that lets Claude Code run, without asking, a production deploy (`cdk deploy`, `sam deploy`,
`aws cloudformation deploy` reaching a stage listed in `[stages] production`), a destroy
(`cdk destroy`, `sam delete`, `aws cloudformation delete-stack`, `aws s3 rb`, ...), IAM user or
access key creation, S3 deletion, or any operation of an AWS service (`Bash(aws:*)`,
`Bash(aws s3 *)`). `Bash` and `Bash(*)` allow everything. `permissions.defaultMode` set to
`bypassPermissions` is flagged too. The finding points at the entry's line.

Entries are matched the way Claude Code matches them — `*` spans any characters, spaces included,
and `prefix:*` is the legacy spelling of `prefix *` — against probe commands built from the
configured stage names, so `Bash(npx cdk deploy * --profile dev *)` passes while
`Bash(npx cdk deploy dev-*)` does not (it also matches `npx cdk deploy dev-orders prod-orders`).

## Why
An allow entry turns off the prompt that is the last human check before a command runs. The
stackwarden hook still judges every command, but a broad allow removes the second line of
defence, and a session without the hook (a teammate's machine, a CI agent) has none at all.

## Example
```json
{ "permissions": { "allow": ["Bash(npm run test *)", "Bash(aws:*)", "Bash(npx cdk deploy*)"] } }
```

## Fix
Allow only read-only and development-scoped commands; leave production deploys and destroys to
the prompt (or deny them):
```json
{ "permissions": {
    "allow": ["Bash(aws sts get-caller-identity)", "Bash(aws s3 ls *)", "Bash(npx cdk diff *)",
              "Bash(npx cdk deploy * --profile dev *)"],
    "deny": ["Bash(npx cdk destroy *)", "Bash(aws s3 rm *)"] } }
```
"#,
};

const HELP: &str = "allow only read-only or dev-scoped commands (`Bash(aws s3 ls *)`, `Bash(npx cdk deploy * --profile dev *)`) and leave production deploys and destroys to the permission prompt; `stackwarden init` writes a safe list";

pub(crate) fn check(ctx: &SettingsContext<'_>, out: &mut Vec<Finding>) {
    for entry in &ctx.settings.allow {
        let Some(broad) = judge_allow(&entry.value, ctx.config) else {
            continue;
        };
        let message = if broad.everything {
            format!(
                "allow rule `{}` lets the agent run every shell command without a prompt, including production deploys, destroys and IAM user creation",
                entry.value
            )
        } else {
            let what: Vec<&str> = broad.dangers.iter().map(|d| d.describe()).collect();
            format!(
                "allow rule `{}` permits {} without a prompt (e.g. `{}`)",
                entry.value,
                join(&what),
                broad.example
            )
        };
        out.push(ctx.finding(&META, entry.offset, message, HELP));
    }
    if let Some(mode) = &ctx.settings.default_mode {
        if mode.value == "bypassPermissions" {
            out.push(ctx.finding(
                &META,
                mode.offset,
                "`defaultMode: \"bypassPermissions\"` lets the agent run every command without asking, including production deploys and destroys".into(),
                "use `acceptEdits` or `default`, and allow the safe commands one by one",
            ));
        }
    }
}

fn join(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
