//! Does a deploy target production? Each helper returns the evidence in words ("profile `ops`
//! (account 123456789013 = stage prod)") so the reason can say exactly what was seen.

use crate::context::Context;
use crate::tools::Invocation;

/// The profile a tool would use and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileChoice {
    pub(crate) name: String,
    /// `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, or `the default profile`.
    pub(crate) source: &'static str,
}

/// `--profile` wins, then `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `[default]`.
pub(crate) fn profile(
    ctx: &Context<'_>,
    tool: &Invocation<'_>,
    flag: Option<String>,
) -> Option<ProfileChoice> {
    if let Some(name) = flag {
        return Some(ProfileChoice {
            name,
            source: "--profile",
        });
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Some(name) = (tool.lookup)(var).filter(|v| !v.is_empty()) {
            return Some(ProfileChoice { name, source: var });
        }
    }
    ctx.aws_config
        .has_profile("default")
        .then(|| ProfileChoice {
            name: "default".into(),
            source: "the default profile",
        })
}

/// Why a profile means production, if it does.
pub(crate) fn profile_is_production(ctx: &Context<'_>, choice: &ProfileChoice) -> Option<String> {
    let described = match choice.source {
        "--profile" => format!("profile `{}`", choice.name),
        "the default profile" => "the default profile".to_string(),
        var => format!("profile `{}` (from {var})", choice.name),
    };
    if let Some(account) = ctx.aws_config.account_of(&choice.name) {
        if let Some(stage) = ctx.config.stage_of_account(&account) {
            if ctx.config.is_production_stage(stage) {
                return Some(format!("{described} (account {account} = stage {stage})"));
            }
            // The account is known and is not production: the profile's name does not matter.
            return None;
        }
    }
    name_is_production(ctx, &choice.name)
        .then(|| format!("{described}, named for a production stage"))
}

/// A stack, profile or config-env name whose words include a production stage:
/// `prod-orders`, `OrdersProdStack`, `orders_production`; not `products`.
pub(crate) fn name_is_production(ctx: &Context<'_>, name: &str) -> bool {
    name_words(name)
        .iter()
        .any(|word| ctx.config.is_production_stage(word))
        || ctx.config.accounts.iter().any(|(stage, account)| {
            name.contains(account.as_str()) && ctx.config.is_production_stage(stage)
        })
}

/// Splits on punctuation and on lower→upper case changes.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A context or parameter value naming production: a production stage or account.
pub(crate) fn value_is_production(ctx: &Context<'_>, value: &str) -> bool {
    ctx.config.is_production_stage(value)
        || ctx
            .config
            .stage_of_account(value)
            .is_some_and(|stage| ctx.config.is_production_stage(stage))
}

/// The stage to suggest instead: the first configured stage that is not production.
pub(crate) fn safe_stage(ctx: &Context<'_>) -> String {
    ctx.config
        .accounts
        .keys()
        .find(|stage| !ctx.config.is_production_stage(stage))
        .cloned()
        .unwrap_or_else(|| "dev".to_string())
}

/// The production stage to name in messages.
pub(crate) fn production_stage(ctx: &Context<'_>) -> String {
    ctx.config
        .production_stages
        .first()
        .cloned()
        .unwrap_or_else(|| "prod".to_string())
}

/// Whether the configuration declares an account for a production stage.
pub(crate) fn has_production_account(ctx: &Context<'_>) -> bool {
    ctx.config
        .accounts
        .keys()
        .any(|stage| ctx.config.is_production_stage(stage))
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwarden_core::config::Config;

    #[test]
    fn words_of_names() {
        assert_eq!(
            name_words("OrdersProdStack"),
            vec!["Orders", "Prod", "Stack"]
        );
        assert_eq!(name_words("prod-orders"), vec!["prod", "orders"]);
        let config = Config::default();
        let ctx = Context::bare(&config, "/");
        assert!(name_is_production(&ctx, "Orders/Prod/Api"));
        assert!(name_is_production(&ctx, "orders_production"));
        assert!(!name_is_production(&ctx, "products-api"));
        assert!(!name_is_production(&ctx, "dev-orders"));
    }
}
