//! Suppressions: what they do once a domain has found them, and the grammar of a suppression
//! comment.
//!
//! Where a suppression is written is each domain's business (a template resource's `Metadata`,
//! a comment the TypeScript parser lists, any line of any text file for the key scanner). Once
//! collected as [`Suppression`]s they all work the same way, here: [`apply`] drops the findings
//! a suppression with a reason covers (same rule, same [`Scope`]), then reports the suppressions
//! that give no reason, name no rule or an unknown one, or cover nothing while their rule runs
//! (`meta/suppression-without-reason`, `meta/unused-suppression`, declared once below). Each
//! domain words those findings for its own syntax ("the entry" of a resource, "the comment").
//!
//! The comment grammar, `stackwarden-ignore RULE[, RULE...]: reason`, is shared by every crate
//! that reads comments: the code rules (from the parser's comment list) and the key scanner
//! (from any line of any text file). Where a comment starts is each reader's business; [`parse`]
//! is only what it says.

use std::path::Path;

use crate::finding::{Finding, Severity};
use crate::options::Options;
use crate::rule::RuleMeta;
use crate::span::Location;

pub const SUPPRESSION_WITHOUT_REASON: RuleMeta = RuleMeta {
    id: "meta/suppression-without-reason",
    severity: Severity::Error,
    summary: "a suppression that gives no reason (and so suppresses nothing)",
    docs: r#"## What it does
Flags a suppression with no `reason` (or an empty one): a template resource's
`Metadata.stackwarden.ignore` entry, or a `// stackwarden-ignore RULE` comment without `: reason`.
Such a suppression does not suppress: the finding it aimed at is still reported.

## Why
A suppression is a decision someone made about a risk. Without the why, the next reader cannot
tell a considered exception from a silenced warning.

## Example
```yaml
Metadata:
  stackwarden:
    ignore:
      - rule: cfn/s3-versioning
```

## Fix
```yaml
      - rule: cfn/s3-versioning
        reason: scratch bucket, objects are rebuilt nightly from the warehouse
```
In CDK: `(bucket.node.defaultChild as CfnResource).addMetadata('stackwarden', { ignore: [{ rule, reason }] })`.
"#,
};

pub const UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    id: "meta/unused-suppression",
    severity: Severity::Warn,
    summary: "a suppression that suppresses nothing",
    docs: r#"## What it does
Flags a suppression (with a reason) whose rule produced no finding on that resource or line, or
that names a rule stackwarden does not have (a typo). Suppressions of rules that are turned off
or not selected in this run, or that another part of stackwarden checks (a
`// stackwarden-ignore secret/aws-access-key` comment is the key scanner's, not the code rules'),
are not reported. A suppression that names no rule is `meta/suppression-without-reason`'s.

## Why
Stale suppressions hide the next real finding of the same rule and mislead readers about what is
risky.

## Example
```yaml
Metadata:
  stackwarden:
    ignore:
      - rule: cfn/s3-encryption
        reason: legacy bucket
```
on a bucket that now declares its encryption.

## Fix
Delete the entry.
"#,
};

/// The rules the suppression pass itself reports under, for the registry.
pub static META_RULES: &[&RuleMeta] = &[&SUPPRESSION_WITHOUT_REASON, &UNUSED_SUPPRESSION];

/// Which findings a suppression covers, besides naming their rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The findings on one template resource (a `Metadata` entry), by logical id.
    Resource(String),
    /// The findings on lines `first..=last` (a comment covers its own line and the next).
    Lines { first: u32, last: u32 },
}

impl Scope {
    fn covers(&self, finding: &Finding) -> bool {
        match self {
            Scope::Resource(id) => finding.resource.as_deref() == Some(id.as_str()),
            Scope::Lines { first, last } => (*first..=*last).contains(&finding.line),
        }
    }

    /// The resource the findings about the suppression are on.
    fn resource(&self) -> Option<&str> {
        match self {
            Scope::Resource(id) => Some(id),
            Scope::Lines { .. } => None,
        }
    }
}

/// One suppression as a domain found it.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The rule ids it names (none when it names none).
    pub rules: Vec<String>,
    /// Why, when it says; an empty reason is `None`. Without one it suppresses nothing.
    pub reason: Option<String>,
    pub scope: Scope,
    /// Where it is written, for the findings about it.
    pub at: Location,
    /// Whether it suppressed a finding in this run.
    pub used: bool,
}

impl Suppression {
    pub fn new(rules: Vec<String>, reason: Option<String>, scope: Scope, at: Location) -> Self {
        Self {
            rules,
            reason,
            scope,
            at,
            used: false,
        }
    }
}

/// What is wrong with a suppression, for the domain to word in its own syntax. `rules` is the
/// rule ids it names, joined with `, `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem<'a> {
    /// It names no rule.
    NoRule,
    /// It gives no reason, so it suppresses nothing.
    NoReason { rules: &'a str },
    /// It names `rule`, which is no stackwarden rule.
    UnknownRule { rule: &'a str },
    /// It suppressed nothing although every rule it names runs.
    Unused { rules: &'a str },
}

/// Drops every finding that a suppression with a reason covers (its rule, its scope) and marks
/// that suppression used. A finding is suppressed by the first suppression that covers it.
pub fn suppress(findings: &mut Vec<Finding>, suppressions: &mut [Suppression]) {
    if suppressions.is_empty() {
        return;
    }
    findings.retain(|finding| {
        let hit = suppressions.iter_mut().find(|s| {
            s.reason.is_some()
                && s.rules.iter().any(|r| r == finding.rule.id)
                && s.scope.covers(finding)
        });
        match hit {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        }
    });
}

/// Applies `suppressions` to `findings` (see [`suppress`]) and returns the findings about the
/// suppressions themselves in `path`, with their configured severities: `describe` gives the
/// message and the help of each, in the domain's own words.
///
/// A suppression is reported when it names no rule or gives no reason
/// (`meta/suppression-without-reason`), names a rule the tool does not know, or suppressed
/// nothing although every rule it names is selected, on and checked by this domain
/// (`meta/unused-suppression`). A suppression of a rule turned off or not selected in this run
/// is not stale, only idle; so is one of a rule `checks` says this domain does not check: the
/// comment `// stackwarden-ignore secret/aws-access-key: …` above a key in TypeScript is read by
/// the code rules and used by the key scanner, and the code rules cannot see whether it was.
/// Nothing is reported when the meta rule itself does not run.
pub fn apply(
    findings: &mut Vec<Finding>,
    mut suppressions: Vec<Suppression>,
    path: &Path,
    options: &Options<'_>,
    checks: impl Fn(&str) -> bool,
    describe: impl Fn(&Suppression, Problem<'_>) -> (String, String),
) -> Vec<Finding> {
    suppress(findings, &mut suppressions);
    // Whether a suppressed rule would have run: selected, and not off in `[rules]`. Asked of
    // `[rules]` alone (not `rule::level`), as both domains did before this pass was shared: a
    // rule off by default that only `--select` turns on counts as idle here.
    let active = |id: &str| {
        options.filter.enabled(id) && options.config.severity_for(id, Severity::Warn).is_some()
    };
    let mut about = Vec::new();
    for s in &suppressions {
        let rules = s.rules.join(", ");
        let (meta, problem) = if s.rules.is_empty() {
            (&SUPPRESSION_WITHOUT_REASON, Problem::NoRule)
        } else if s.reason.is_none() {
            (
                &SUPPRESSION_WITHOUT_REASON,
                Problem::NoReason { rules: &rules },
            )
        } else if let Some(unknown) = s
            .rules
            .iter()
            .find(|r| !options.known_rules.contains(&r.as_str()))
        {
            (&UNUSED_SUPPRESSION, Problem::UnknownRule { rule: unknown })
        } else if !s.used && s.rules.iter().all(|r| active(r) && checks(r)) {
            (&UNUSED_SUPPRESSION, Problem::Unused { rules: &rules })
        } else {
            continue;
        };
        if !crate::rule::runs(meta, options.config, options.filter) {
            continue;
        }
        let (message, help) = describe(s, problem);
        about.push(Finding {
            resource: s.scope.resource().map(str::to_string),
            ..Finding::new(meta, path.to_path_buf(), s.at, message, help)
        });
    }
    crate::rule::configure(&mut about, options.config, options.filter);
    about
}

/// The word that starts a suppression.
pub const MARKER: &str = "stackwarden-ignore";

/// `stackwarden-ignore code/x, code/y: reason` → (rules, reason).
pub fn parse(comment: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = comment
        .trim()
        .trim_start_matches('*')
        .trim_start()
        .strip_prefix(MARKER)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) && !rest.starts_with(':') {
        return None;
    }
    // Rule ids contain `/` and `-` but never `:`, so the first colon starts the reason.
    let (rules, reason) = match rest.split_once(':') {
        Some((rules, reason)) => (
            rules,
            Some(reason.trim())
                .filter(|r| !r.is_empty())
                .map(str::to_string),
        ),
        None => (rest, None),
    };
    let rules = rules
        .split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Some((rules, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rule::RuleFilter;

    const RULE: RuleMeta = RuleMeta {
        id: "cfn/s3-versioning",
        severity: Severity::Warn,
        summary: "",
        docs: "",
    };

    fn finding(line: u32, resource: Option<&str>) -> Finding {
        Finding {
            rule: &RULE,
            severity: RULE.severity,
            message: "m".into(),
            path: "t.yaml".into(),
            line,
            column: 1,
            end_line: None,
            end_column: None,
            resource: resource.map(str::to_string),
            stack: None,
            source: None,
            help: String::new(),
            suggestion: None,
            cause: None,
        }
    }

    fn suppression(rules: &[&str], reason: Option<&str>, scope: Scope, line: u32) -> Suppression {
        Suppression::new(
            rules.iter().map(|r| r.to_string()).collect(),
            reason.map(str::to_string),
            scope,
            Location::new(line, 3),
        )
    }

    /// Each problem as `kind:rules`, so the tests see what `apply` decided.
    fn describe(s: &Suppression, problem: Problem<'_>) -> (String, String) {
        let said = match problem {
            Problem::NoRule => "no-rule".to_string(),
            Problem::NoReason { rules } => format!("no-reason:{rules}"),
            Problem::UnknownRule { rule } => format!("unknown:{rule}"),
            Problem::Unused { rules } => format!("unused:{rules}"),
        };
        (said, format!("{:?}", s.scope))
    }

    fn run(
        findings: &mut Vec<Finding>,
        suppressions: Vec<Suppression>,
        filter: &RuleFilter,
    ) -> Vec<(&'static str, String, u32, Option<String>)> {
        let config = Config::default();
        let options = Options {
            config: &config,
            filter,
            known_rules: &["cfn/s3-versioning", "cfn/naming", "secret/aws-access-key"],
            stage: None,
            today: "2026-11-25",
            verbose: false,
        };
        apply(
            findings,
            suppressions,
            Path::new("t.yaml"),
            &options,
            |id| id.starts_with("cfn/"),
            describe,
        )
        .into_iter()
        .map(|f| (f.rule.id, f.message, f.line, f.resource))
        .collect()
    }

    #[test]
    fn a_reasoned_suppression_drops_what_its_scope_covers() {
        let mut findings = vec![
            finding(4, Some("Bucket")),
            finding(9, Some("Other")),
            finding(12, None),
            finding(14, None),
        ];
        let about = run(
            &mut findings,
            vec![
                suppression(
                    &["cfn/s3-versioning"],
                    Some("scratch"),
                    Scope::Resource("Bucket".into()),
                    2,
                ),
                suppression(
                    &["cfn/naming", "cfn/s3-versioning"],
                    Some("legacy"),
                    Scope::Lines {
                        first: 11,
                        last: 12,
                    },
                    11,
                ),
            ],
            &RuleFilter::default(),
        );
        assert!(about.is_empty(), "{about:?}");
        let left: Vec<(u32, Option<&str>)> = findings
            .iter()
            .map(|f| (f.line, f.resource.as_deref()))
            .collect();
        assert_eq!(left, [(9, Some("Other")), (14, None)]);
    }

    #[test]
    fn bad_and_unused_suppressions_are_reported_where_they_are_written() {
        let mut findings = vec![finding(4, Some("Bucket"))];
        let about = run(
            &mut findings,
            vec![
                suppression(&[], Some("why"), Scope::Lines { first: 1, last: 2 }, 1),
                suppression(
                    &["cfn/s3-versioning"],
                    None,
                    Scope::Resource("Bucket".into()),
                    2,
                ),
                suppression(
                    &["cfn/s3-versoning"],
                    Some("typo"),
                    Scope::Resource("Bucket".into()),
                    3,
                ),
                suppression(
                    &["cfn/naming"],
                    Some("stale"),
                    Scope::Lines {
                        first: 20,
                        last: 21,
                    },
                    20,
                ),
            ],
            &RuleFilter::default(),
        );
        // Without a reason it suppressed nothing: the finding stays.
        assert_eq!(findings.len(), 1);
        assert_eq!(
            about,
            [
                ("meta/suppression-without-reason", "no-rule".into(), 1, None),
                (
                    "meta/suppression-without-reason",
                    "no-reason:cfn/s3-versioning".into(),
                    2,
                    Some("Bucket".into())
                ),
                (
                    "meta/unused-suppression",
                    "unknown:cfn/s3-versoning".into(),
                    3,
                    Some("Bucket".into())
                ),
                (
                    "meta/unused-suppression",
                    "unused:cfn/naming".into(),
                    20,
                    None
                ),
            ]
        );
    }

    #[test]
    fn idle_suppressions_of_rules_not_running_are_not_stale() {
        let ignore_naming = RuleFilter {
            select: Vec::new(),
            ignore: vec!["cfn/naming".into()],
        };
        let stale = || {
            suppression(
                &["cfn/naming"],
                Some("stale"),
                Scope::Lines {
                    first: 20,
                    last: 21,
                },
                20,
            )
        };
        assert!(run(&mut Vec::new(), vec![stale()], &ignore_naming).is_empty());
        // Nor is anything said when the meta rule itself is not selected.
        let only_cfn = RuleFilter {
            select: vec!["cfn".into()],
            ignore: Vec::new(),
        };
        assert!(run(&mut Vec::new(), vec![stale()], &only_cfn).is_empty());
    }

    /// Found in review: `// stackwarden-ignore secret/aws-access-key: …` above a key in
    /// TypeScript was called unused by the code rules, which never see the scanner's findings;
    /// following its help ("delete the comment") brought the key's finding back.
    #[test]
    fn a_suppression_of_a_rule_another_domain_checks_is_not_called_unused() {
        let elsewhere = suppression(
            &["secret/aws-access-key"],
            Some("documented test fixture"),
            Scope::Lines { first: 3, last: 4 },
            3,
        );
        assert!(run(&mut Vec::new(), vec![elsewhere], &RuleFilter::default()).is_empty());
        // The same suppression of a rule this domain checks is stale.
        let here = suppression(
            &["cfn/naming"],
            Some("old"),
            Scope::Lines { first: 3, last: 4 },
            3,
        );
        let about = run(&mut Vec::new(), vec![here], &RuleFilter::default());
        assert_eq!(about.len(), 1);
        assert_eq!(about[0].1, "unused:cfn/naming");
    }

    #[test]
    fn parses_rules_and_reason() {
        assert_eq!(
            parse(" stackwarden-ignore code/sdk-v2: legacy lambda"),
            Some((vec!["code/sdk-v2".into()], Some("legacy lambda".into())))
        );
        assert_eq!(
            parse("stackwarden-ignore code/a, code/b"),
            Some((vec!["code/a".into(), "code/b".into()], None))
        );
        assert_eq!(
            parse("stackwarden-ignore code/a:   "),
            Some((vec!["code/a".into()], None))
        );
        assert_eq!(parse("stackwarden-ignored"), None);
        assert_eq!(parse("just a comment"), None);
    }
}
