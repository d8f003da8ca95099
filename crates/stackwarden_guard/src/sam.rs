//! The SAM CLI: `deploy`/`sync` to production (flags, or the samconfig.toml environment they
//! select) and `delete`.

use crate::decision::{Decision, PROD_DEPLOY};
use crate::stage;
use crate::tools::{destructive, first_positional, option_value, value_text, Invocation};
use crate::walk::Walker;

pub(crate) fn judge(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>) {
    match first_positional(tool.args) {
        Some("delete") => destructive(
            walker,
            tool,
            "`sam delete` deletes the stack and its artifacts",
        ),
        Some(sub @ ("deploy" | "sync")) => deploy(walker, tool, sub),
        _ => {}
    }
}

fn flag(tool: &Invocation<'_>, name: &str) -> Option<String> {
    option_value(tool.args, &[name]).map(|a| value_text(a, &[name]).text)
}

fn deploy(walker: &mut Walker<'_, '_>, tool: &Invocation<'_>, sub: &str) {
    let ctx = walker.ctx;
    let config_env = flag(tool, "--config-env").unwrap_or_else(|| "default".to_string());
    let config_file = flag(tool, "--config-file").unwrap_or_else(|| "samconfig.toml".to_string());
    let saved = samconfig(walker, tool, &config_file, &config_env, sub);
    let mut evidence = None;
    if stage::name_is_production(ctx, &config_env) {
        evidence = Some(format!(
            "`--config-env {config_env}`, a production environment"
        ));
    }
    let profile = flag(tool, "--profile").or_else(|| saved.profile.clone());
    if evidence.is_none() {
        if let Some(choice) = stage::profile(ctx, tool, profile) {
            evidence = stage::profile_is_production(ctx, &choice);
        }
    }
    if evidence.is_none() {
        if let Some(name) = flag(tool, "--stack-name").or(saved.stack_name) {
            if stage::name_is_production(ctx, &name) {
                evidence = Some(format!("stack `{name}`, a production stack"));
            }
        }
    }
    if evidence.is_none() {
        let overrides = flag(tool, "--parameter-overrides")
            .into_iter()
            .chain(saved.parameter_overrides);
        for text in overrides {
            if text
                .split([' ', '=', ',', '"', '\''])
                .any(|part| stage::value_is_production(ctx, part))
            {
                evidence = Some(format!("parameter overrides `{text}`, a production stage"));
                break;
            }
        }
    }
    if let Some(evidence) = evidence {
        let safe = stage::safe_stage(ctx);
        walker.push(
            Decision::Deny,
            PROD_DEPLOY,
            &tool.seen(),
            format!("sam {sub} targets {evidence}. Deploy to {safe} with `sam {sub} --config-env {safe}`, or ask a person to deploy {}.", stage::production_stage(ctx)),
        );
    }
}

#[derive(Default)]
struct Saved {
    profile: Option<String>,
    stack_name: Option<String>,
    parameter_overrides: Option<String>,
}

/// `[ENV.deploy.parameters]` (falling back to `[ENV.global.parameters]`) of samconfig.toml.
fn samconfig(
    walker: &Walker<'_, '_>,
    tool: &Invocation<'_>,
    file: &str,
    env: &str,
    sub: &str,
) -> Saved {
    let Some(text) = walker.ctx.files.read(&tool.cwd.join(file)) else {
        return Saved::default();
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Saved::default();
    };
    let Some(env_table) = doc.get(env).and_then(|e| e.as_table()) else {
        return Saved::default();
    };
    let get = |key: &str| {
        [sub, "global"].iter().find_map(|section| {
            let value = env_table.get(*section)?.get("parameters")?.get(key)?;
            match value {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Array(items) => Some(
                    items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => None,
            }
        })
    };
    Saved {
        profile: get("profile"),
        stack_name: get("stack_name"),
        parameter_overrides: get("parameter_overrides"),
    }
}
