//! What a template rule sees: the template, the project's configuration, the stack it belongs to
//! (for CDK synth output) and the stage it deploys to.

use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::{Finding, LineIndex, Location, RuleMeta, Span};

use crate::cdk::CdkStack;
use crate::template::Template;

/// The stage a template deploys to, and how that was found (said in messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub name: String,
    pub production: bool,
    pub source: StageSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageSource {
    /// `--stage` on the command line.
    Flag,
    /// `context.stage` in cdk.json (what `-c stage=...` sets).
    CdkContext,
    StackName,
    /// The `Stage` parameter's default.
    Parameter,
    /// A `Stage` stack tag.
    Tag,
}

impl StageSource {
    pub fn describe(self) -> &'static str {
        match self {
            StageSource::Flag => "--stage",
            StageSource::CdkContext => "the cdk.json context `stage`",
            StageSource::StackName => "the stack name",
            StageSource::Parameter => "the Stage parameter's default",
            StageSource::Tag => "the Stage stack tag",
        }
    }
}

pub struct TemplateContext<'a> {
    pub path: &'a Path,
    /// The template as written, and its lines: spans become lines and columns only here, for
    /// the findings that are made.
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub template: &'a Template,
    pub config: &'a Config,
    pub stack: Option<&'a CdkStack>,
    pub stage: Option<Stage>,
    /// Today as `YYYY-MM-DD`, for runtime deprecation dates (passed in: libraries read no clock).
    pub today: &'a str,
}

impl TemplateContext<'_> {
    /// A finding of `rule` at `span` on resource `resource`, at the rule's default severity (the
    /// engine applies the configured one).
    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        resource: &str,
        span: Span,
        message: String,
        help: String,
    ) -> Finding {
        Finding {
            resource: Some(resource.to_string()),
            ..Finding::new(
                rule,
                self.path.to_path_buf(),
                self.location(span),
                message,
                help,
            )
        }
    }

    /// Where `span` is, in lines and columns.
    pub fn location(&self, span: Span) -> Location {
        self.lines.location(self.text, span)
    }

    /// The account a CDK stack was synthesized for; CDK writes it literally wherever the app
    /// used `this.account`, so it is not a hardcoding by the user.
    pub fn stack_account(&self) -> Option<&str> {
        self.stack.and_then(|s| s.account.as_deref())
    }

    /// Whether `account` is the account of a stack of the same CDK app (this one's or another's):
    /// CDK writes those literally into cross-environment references, and the app declares them.
    pub fn app_account(&self, account: &str) -> bool {
        self.stack_account() == Some(account)
            || self
                .stack
                .is_some_and(|s| s.app_accounts.iter().any(|a| a == account))
    }

    pub fn stack_region(&self) -> Option<&str> {
        self.stack.and_then(|s| s.region.as_deref())
    }
}

/// Decides the stage: `--stage`, then cdk.json's context, then the stack name, then a `Stage`
/// parameter default, then a `Stage` stack tag.
pub fn resolve_stage(
    config: &Config,
    flag: Option<&str>,
    cdk_context_stage: Option<&str>,
    stack_name: Option<&str>,
    template: &Template,
    stack_tags: &[(String, String)],
) -> Option<Stage> {
    let make = |name: &str, source| Stage {
        name: name.to_string(),
        production: config.is_production_stage(name),
        source,
    };
    if let Some(stage) = flag {
        return Some(make(stage, StageSource::Flag));
    }
    if let Some(stage) = cdk_context_stage {
        return Some(make(stage, StageSource::CdkContext));
    }
    if let Some(name) = stack_name {
        let known: Vec<&String> = config
            .production_stages
            .iter()
            .chain(config.accounts.keys())
            .collect();
        if let Some(stage) = name_tokens(name).into_iter().find_map(|token| {
            known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(&token))
                .map(|k| k.to_string())
        }) {
            return Some(make(&stage, StageSource::StackName));
        }
    }
    if let Some(default) = template
        .parameter_default("Stage")
        .and_then(|n| n.as_scalar())
    {
        return Some(make(&default, StageSource::Parameter));
    }
    stack_tags
        .iter()
        .find(|(k, _)| k == "Stage")
        .map(|(_, v)| make(v, StageSource::Tag))
}

/// `prod-orders`, `OrdersProd`, `orders_prod` → lower-case words.
fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            tokens.push(std::mem::take(&mut current));
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            tokens.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    tokens.push(current);
    tokens.retain(|t| !t.is_empty());
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names_split_into_words() {
        assert_eq!(name_tokens("prod-orders"), ["prod", "orders"]);
        assert_eq!(name_tokens("OrdersProdStack"), ["orders", "prod", "stack"]);
        assert_eq!(name_tokens("orders_prod2"), ["orders", "prod2"]);
    }
}
