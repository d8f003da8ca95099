//! The generated data files (see data/ and `cargo xtask update-data`), parsed once on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

const TAGGABLE: &str = include_str!("../../../data/taggable-resource-types.tsv");
const RUNTIMES: &str = include_str!("../../../data/lambda-runtimes.tsv");
const POLICY_PROPERTIES: &str = include_str!("../../../data/policy-properties.tsv");
const AWS_ACCOUNTS: &str = include_str!("../../../data/aws-accounts.tsv");

/// What an AWS-owned account is (data/aws-accounts.tsv: ELB log delivery, image registries,
/// AWS's Lambda layer publishers), or `None` for any other account.
pub fn aws_owned_account(account: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            rows(AWS_ACCOUNTS)
                .filter_map(|r| Some((*r.first()?, *r.get(1)?)))
                .collect()
        })
        .get(account)
        .copied()
}

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The property holding a resource type's tags (`Tags` for most), if the type is taggable.
pub fn tag_property(type_name: &str) -> Option<&'static str> {
    static TABLE: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            rows(TAGGABLE)
                .filter_map(|r| Some((*r.first()?, *r.get(1)?)))
                .collect()
        })
        .get(type_name)
        .copied()
}

/// What a policy property holds (data/policy-properties.tsv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyPropertyKind {
    Identity,
    Trust,
    Resource,
    /// A list of managed policy ARNs.
    Managed,
}

/// The properties of a resource type that hold a policy: (path, kind), where a path is
/// `.`-separated property names and `Name[]` stands for each item of the list `Name`.
pub fn policy_properties(type_name: &str) -> &'static [(&'static str, PolicyPropertyKind)] {
    static TABLE: OnceLock<HashMap<&'static str, Vec<(&'static str, PolicyPropertyKind)>>> =
        OnceLock::new();
    TABLE
        .get_or_init(|| {
            let mut table: HashMap<_, Vec<_>> = HashMap::new();
            for row in rows(POLICY_PROPERTIES) {
                let kind = match row.get(2).copied() {
                    Some("identity") => PolicyPropertyKind::Identity,
                    Some("trust") => PolicyPropertyKind::Trust,
                    Some("resource") => PolicyPropertyKind::Resource,
                    Some("managed") => PolicyPropertyKind::Managed,
                    _ => continue,
                };
                if let (Some(type_name), Some(path)) = (row.first(), row.get(1)) {
                    table.entry(*type_name).or_default().push((*path, kind));
                }
            }
            table
        })
        .get(type_name)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A Lambda runtime's lifecycle: its deprecation date and successor, when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeLifecycle {
    pub deprecated: Option<&'static str>,
    pub successor: Option<&'static str>,
}

pub fn runtime_lifecycle(runtime: &str) -> Option<RuntimeLifecycle> {
    static TABLE: OnceLock<HashMap<&'static str, RuntimeLifecycle>> = OnceLock::new();
    let dash_is_none = |s: &'static str| (s != "-" && !s.is_empty()).then_some(s);
    TABLE
        .get_or_init(|| {
            rows(RUNTIMES)
                .filter_map(|r| {
                    Some((
                        *r.first()?,
                        RuntimeLifecycle {
                            deprecated: r.get(1).copied().and_then(dash_is_none),
                            successor: r.get(2).copied().and_then(dash_is_none),
                        },
                    ))
                })
                .collect()
        })
        .get(runtime)
        .copied()
}

/// The provenance header of a data file, for `stackwarden --version`-style reporting and tests.
pub fn provenance() -> impl Iterator<Item = &'static str> {
    TAGGABLE
        .lines()
        .take_while(|l| l.starts_with('#'))
        .filter(|l| l.starts_with("# source:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tables_answer() {
        assert_eq!(tag_property("AWS::S3::Bucket"), Some("Tags"));
        assert_eq!(tag_property("AWS::Serverless::Function"), Some("Tags"));
        assert_eq!(tag_property("AWS::Lambda::Permission"), None);
        let node12 = runtime_lifecycle("nodejs12.x").expect("known runtime");
        assert!(node12.deprecated.is_some_and(|d| d < "2024-01-01"));
        assert!(provenance().next().is_some_and(|l| l.contains("cfn-lint")));
        assert!(policy_properties("AWS::SSO::PermissionSet")
            .contains(&("InlinePolicy", PolicyPropertyKind::Identity)));
        assert!(policy_properties("AWS::SNS::Subscription").is_empty());
        // us-east-1's ELB log delivery account, and the Lambda Insights layer's publisher.
        assert!(aws_owned_account("127311923021").is_some_and(|w| w.contains("Load Balancing")));
        assert!(aws_owned_account("580247275435").is_some_and(|w| w.contains("LambdaInsights")));
        assert_eq!(aws_owned_account("123456789012"), None);
    }
}
