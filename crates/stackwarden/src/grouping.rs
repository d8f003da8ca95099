//! One finding per root cause. Several findings are one mistake when they share:
//! - a cause their rules name (`Finding::cause`): the same literal ARN or account id in the
//!   TypeScript source and in every synthesized template (`code/hardcoded-arn` and
//!   `cfn/hardcoded-arn`), a tag missing from every resource of one app;
//! - the CDK source line that created them: one construct in several stacks or stages;
//! - the very position they point at: a SAM `Globals` value inherited by every function.
//!
//! JSON and SARIF keep every occurrence and carry the group's id, so code scanning and scripts
//! de-duplicate alike; text and agent output show a group once, with its occurrences and the fix
//! at the place where it is made.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use stackwarden_core::{Excerpt, Excerpts, Finding};

/// What makes findings one mistake; `None` for a finding that is its own group.
pub(crate) fn key(f: &Finding) -> String {
    if let Some(cause) = &f.cause {
        return format!("cause\0{}\0{cause}", f.rule_name());
    }
    if let Some(source) = &f.source {
        return format!(
            "source\0{}\0{}\0{}\0{}",
            f.rule,
            source.path.display(),
            source.line,
            source.column
        );
    }
    format!(
        "at\0{}\0{}\0{}\0{}",
        f.rule,
        f.path.display(),
        f.line,
        f.column
    )
}

/// Whether a finding's group can have occurrences in other files (so text and agent output hold
/// it back until every file is checked) or only at its own position (grouped as its file ends).
pub(crate) fn spans_files(f: &Finding) -> bool {
    f.cause.is_some() || f.source.is_some()
}

/// The group's id as JSON and SARIF carry it: FNV-1a of the key, stable across runs and
/// platforms.
pub(crate) fn id(key: &str) -> String {
    format!("{:016x}", stackwarden_core::finding::fnv1a(key.as_bytes()))
}

/// A group of findings with the frame of the one shown.
pub(crate) struct Group {
    /// The occurrence shown: the one written by hand (outside `cdk.out`) when there is one, so
    /// the fix points where it is made; else the first in output order.
    pub(crate) shown: Finding,
    pub(crate) excerpt: Option<Excerpt>,
    /// Every other occurrence, in output order.
    pub(crate) others: Vec<Occurrence>,
}

/// Where else a group's mistake is: what its note names, and no more (a held group of
/// thousands stays small).
pub(crate) struct Occurrence {
    path: PathBuf,
    line: u32,
    column: u32,
    resource: Option<String>,
    stack: Option<String>,
}

impl From<Finding> for Occurrence {
    fn from(f: Finding) -> Self {
        Self {
            path: f.path,
            line: f.line,
            column: f.column,
            resource: f.resource,
            stack: f.stack,
        }
    }
}

impl Group {
    pub(crate) fn new(shown: Finding, excerpt: Option<Excerpt>) -> Self {
        Self {
            shown,
            excerpt,
            others: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, finding: Finding, excerpt: Option<Excerpt>) {
        if is_synthesized(&self.shown.path) && !is_synthesized(&finding.path) {
            let previous = std::mem::replace(&mut self.shown, finding);
            self.excerpt = excerpt;
            self.others.insert(0, previous.into());
        } else {
            self.others.push(finding.into());
        }
    }

    /// "also in prod-reports (3 more: ...)": where the other occurrences are, said briefly.
    pub(crate) fn occurrences(&self) -> Option<String> {
        if self.others.is_empty() {
            return None;
        }
        let mut stacks: Vec<&str> = std::iter::once(self.shown.stack.as_deref())
            .chain(self.others.iter().map(|o| o.stack.as_deref()))
            .flatten()
            .collect();
        stacks.sort_unstable();
        stacks.dedup();
        let count = self.others.len() + 1;
        let places: Vec<String> = self
            .others
            .iter()
            .take(3)
            .map(|f| {
                let what = f
                    .resource
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                format!("{}:{}:{}{what}", f.path.display(), f.line, f.column)
            })
            .collect();
        let more = match self.others.len().saturating_sub(places.len()) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let stacks = match stacks.len() {
            0 => String::new(),
            _ => format!(" in {}", stacks.join(", ")),
        };
        Some(format!(
            "one cause, {count} occurrences{stacks}: also {}{more}",
            places.join(", ")
        ))
    }

    /// The fix at the place where it is made, when a group says more than its findings do: a tag
    /// missing from every resource of a CDK app is one `Tags.of(app).add` in the app's entry
    /// (`app_entries`: the entry file by cloud assembly folder, as the engine found them).
    pub(crate) fn help(&self, app_entries: &BTreeMap<PathBuf, PathBuf>) -> String {
        let f = &self.shown;
        if f.rule == stackwarden_cfn::rules::MISSING_TAGS
            && !self.others.is_empty()
            && f.stack.is_some()
        {
            if let Some(entry) = f
                .path
                .parent()
                .and_then(|assembly| app_entries.get(assembly))
            {
                return format!(
                    "tag the whole app once where it is created, in {}: {}",
                    entry.display(),
                    tags_of_app(&f.help)
                );
            }
        }
        f.help.clone()
    }
}

/// Groups held across files, in the order their first occurrence arrived.
#[derive(Default)]
pub(crate) struct Held {
    order: Vec<String>,
    groups: HashMap<String, Group>,
}

impl Held {
    pub(crate) fn add(&mut self, finding: Finding, excerpt: Option<Excerpt>) {
        let key = key(&finding);
        match self.groups.get_mut(&key) {
            Some(group) => group.add(finding, excerpt),
            None => {
                self.order.push(key.clone());
                self.groups.insert(key, Group::new(finding, excerpt));
            }
        }
    }

    /// The groups, in output order of the finding each shows.
    pub(crate) fn into_groups(mut self) -> Vec<Group> {
        let mut groups: Vec<Group> = self
            .order
            .iter()
            .filter_map(|key| self.groups.remove(key))
            .collect();
        groups.sort_by(|a, b| a.shown.sort_key().cmp(&b.shown.sort_key()));
        groups
    }
}

/// The grouping of a streamed run, for the sinks that show each problem once (text, agent):
/// the groups held until every input is checked, and the CDK apps' entry files that the help of
/// a group written later names.
#[derive(Default)]
pub(crate) struct Stream {
    held: Held,
    app_entries: BTreeMap<PathBuf, PathBuf>,
}

impl Stream {
    /// The groups of one chunk of findings that can be written now (see [`groups_now`]).
    pub(crate) fn chunk(
        &mut self,
        findings: &[Finding],
        excerpts: &Excerpts,
        app_entries: &BTreeMap<PathBuf, PathBuf>,
        frames: bool,
    ) -> Vec<Group> {
        self.app_entries
            .extend(app_entries.iter().map(|(k, v)| (k.clone(), v.clone())));
        groups_now(findings, excerpts, &mut self.held, frames)
    }

    /// The groups held until the end, once every input is checked.
    pub(crate) fn rest(&mut self) -> Vec<Group> {
        std::mem::take(&mut self.held).into_groups()
    }

    /// A group's help, naming the app entry where its fix is made.
    pub(crate) fn help(&self, group: &Group) -> String {
        group.help(&self.app_entries)
    }
}

/// The groups of one input's findings that can be written now; the findings whose group may have
/// occurrences in inputs not yet checked go to `held` instead. `frames`: keep each group's
/// excerpt (text output shows it).
pub(crate) fn groups_now(
    findings: &[Finding],
    excerpts: &Excerpts,
    held: &mut Held,
    frames: bool,
) -> Vec<Group> {
    let excerpt = |f: &Finding| frames.then(|| excerpts.of(f).cloned()).flatten();
    let mut now = Vec::new();
    for same in at_same_position(findings) {
        if spans_files(&same[0]) {
            for f in same {
                held.add(f.clone(), excerpt(f));
            }
            continue;
        }
        let mut group = Group::new(same[0].clone(), excerpt(&same[0]));
        for f in &same[1..] {
            group.add(f.clone(), None);
        }
        now.push(group);
    }
    now
}

/// Groups the findings of one file that point at the same position with the same rule;
/// `findings` is sorted, so such findings are adjacent.
pub(crate) fn at_same_position(findings: &[Finding]) -> Vec<&[Finding]> {
    findings
        .chunk_by(|a, b| {
            a.rule == b.rule && a.path == b.path && a.line == b.line && a.column == b.column
        })
        .collect()
}

/// Whether a file is generated by `cdk synth`.
fn is_synthesized(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "cdk.out")
}

/// The `Tags.of(app).add(...)` part of the missing-tags help.
fn tags_of_app(help: &str) -> String {
    help.split_once("Tags.of(app)")
        .map(|(_, rest)| format!("Tags.of(app){rest}"))
        .unwrap_or_else(|| help.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackwarden_core::{Severity, SourceLocation};

    fn finding(rule: &'static str, path: &str, line: u32) -> Finding {
        Finding {
            severity: Severity::Error,
            ..Finding::new(
                stackwarden_agent::registry::find(rule).expect("rule"),
                PathBuf::from(path),
                stackwarden_core::Location::new(line, 1),
                format!("{rule} at {line}"),
                "fix it".into(),
            )
        }
    }

    #[test]
    fn a_literal_in_the_source_and_the_templates_is_one_group_shown_at_the_source() {
        let arn = "arn:aws:sns:eu-west-2:333333333333:reports-ready";
        let mut held = Held::default();
        for (rule, path, stack) in [
            (
                "cfn/hardcoded-arn",
                "app/cdk.out/dev.template.json",
                Some("dev"),
            ),
            (
                "cfn/hardcoded-arn",
                "app/cdk.out/prod.template.json",
                Some("prod"),
            ),
            ("code/hardcoded-arn", "app/lib/stack.ts", None),
        ] {
            let mut f = finding(rule, path, 9).caused_by(arn);
            f.stack = stack.map(str::to_string);
            held.add(f, None);
        }
        let groups = held.into_groups();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].shown.rule, "code/hardcoded-arn");
        assert_eq!(
            groups[0].occurrences().as_deref(),
            Some("one cause, 3 occurrences in dev, prod: also app/cdk.out/dev.template.json:9:1, app/cdk.out/prod.template.json:9:1")
        );
    }

    #[test]
    fn a_construct_in_two_stacks_is_one_group_and_other_rules_are_not() {
        let source = SourceLocation {
            path: PathBuf::from("lib/stack.ts"),
            line: 20,
            column: 5,
        };
        let mut held = Held::default();
        for (rule, path) in [
            ("cfn/s3-encryption", "cdk.out/dev.template.json"),
            ("cfn/s3-encryption", "cdk.out/prod.template.json"),
            ("cfn/s3-versioning", "cdk.out/dev.template.json"),
        ] {
            let mut f = finding(rule, path, 4);
            f.source = Some(source.clone());
            held.add(f, None);
        }
        let groups = held.into_groups();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].others.len(), 1);
        assert!(groups[1].occurrences().is_none());
    }

    #[test]
    fn a_tag_missing_from_a_whole_app_is_fixed_in_the_entry_the_engine_found() {
        let help = "add Tags: [{Key: Stage, Value: ...}] to the resource, or tag the whole app once in CDK: Tags.of(app).add('Stage', '...')";
        let mut held = Held::default();
        for (path, stack) in [
            ("shop/cdk.out/dev.template.json", "dev"),
            ("shop/cdk.out/prod.template.json", "prod"),
        ] {
            let mut f = finding("cfn/missing-tags", path, 7).caused_by("Stage");
            f.stack = Some(stack.to_string());
            f.help = help.to_string();
            held.add(f, None);
        }
        let groups = held.into_groups();
        assert_eq!(groups.len(), 1);
        // Nothing of this exists on disk: the help comes from what the report carries.
        let entries = BTreeMap::from([(
            PathBuf::from("shop/cdk.out"),
            PathBuf::from("shop/bin/shop.ts"),
        )]);
        assert_eq!(
            groups[0].help(&entries),
            "tag the whole app once where it is created, in shop/bin/shop.ts: Tags.of(app).add('Stage', '...')"
        );
        // An app whose entry is not known (a Python app, no cdk.json) keeps the finding's help.
        assert_eq!(groups[0].help(&BTreeMap::new()), help);
    }

    #[test]
    fn findings_at_one_position_group_within_their_file() {
        let findings = [
            finding("cfn/lambda-runtime", "t.yaml", 3),
            finding("cfn/lambda-runtime", "t.yaml", 3),
            finding("cfn/lambda-runtime", "t.yaml", 8),
        ];
        let groups = at_same_position(&findings);
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(key(&findings[0]), key(&findings[1]));
        assert_ne!(key(&findings[0]), key(&findings[2]));
    }
}
