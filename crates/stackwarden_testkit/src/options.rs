//! The inputs of one check run, as a test chooses them (configuration, `--select`/`--ignore`,
//! the rule ids the tool knows), turned into the options every domain's checker takes
//! ([`stackwarden_core::Options`]). They are built here and nowhere else in the tests, so a
//! change to them is a change to this file.

use stackwarden_core::config::Config;
use stackwarden_core::{Options, RuleFilter};

use crate::TODAY;

/// A check run: what `stackwarden check` would be given, minus the files.
#[derive(Debug, Clone, Default)]
pub struct CheckRun {
    pub config: Config,
    pub filter: RuleFilter,
    /// Every rule id the run knows, so a suppression naming none is reported.
    pub known_rules: Vec<&'static str>,
}

impl CheckRun {
    /// A run with `config`, every rule selected and no rule id known.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            ..Self::default()
        }
    }

    /// `--select`: only these rule ids or domains run.
    pub fn select(mut self, rules: &[&str]) -> Self {
        self.filter.select = rules.iter().map(|s| s.to_string()).collect();
        self
    }

    /// `--ignore`: these rule ids or domains do not run.
    pub fn ignore(mut self, rules: &[&str]) -> Self {
        self.filter.ignore = rules.iter().map(|s| s.to_string()).collect();
        self
    }

    /// `--select` and `--ignore` as one filter.
    pub fn filter(mut self, filter: RuleFilter) -> Self {
        self.filter = filter;
        self
    }

    /// The rule ids the run knows (a domain's `all_metas()`, or several chained).
    pub fn known<'m>(
        mut self,
        rules: impl IntoIterator<Item = &'m stackwarden_core::RuleMeta>,
    ) -> Self {
        self.known_rules = rules.into_iter().map(|m| m.id).collect();
        self
    }

    /// Rule ids the run knows besides those of [`CheckRun::known`].
    pub fn also_known(mut self, ids: &[&'static str]) -> Self {
        self.known_rules.extend_from_slice(ids);
        self
    }

    /// The options every domain's checker takes, with no `--stage` and [`crate::TODAY`] as the
    /// date.
    pub fn options(&self) -> Options<'_> {
        Options {
            config: &self.config,
            filter: &self.filter,
            known_rules: &self.known_rules,
            stage: None,
            today: TODAY,
            verbose: false,
        }
    }
}
