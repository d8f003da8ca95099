//! What a check of one input depends on besides the input itself: one type for every domain
//! crate (templates, code, settings, the key scanner) and for the engine that dispatches to
//! them, so a setting the command line adds reaches every domain the same way. A domain reads
//! only the fields it needs.

use crate::config::Config;
use crate::rule::RuleFilter;

pub struct Options<'a> {
    /// The project's configuration (`[rules]` severities, stages, tags, file rules).
    pub config: &'a Config,
    /// `--select` / `--ignore`.
    pub filter: &'a RuleFilter,
    /// Every rule id the tool knows, so a suppression naming none is reported.
    pub known_rules: &'a [&'a str],
    /// `--stage`, overriding every other source of a template's stage.
    pub stage: Option<&'a str>,
    /// `YYYY-MM-DD`, for runtime deprecation dates.
    pub today: &'a str,
    /// `--verbose`: keep, in the report's notes, which functions the permission rules could not
    /// judge and why.
    pub verbose: bool,
}
