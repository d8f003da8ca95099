//! Every IAM policy of a template, run through the `iam/*` rules of `stackwarden_iam`: identity
//! policies (AWS::IAM::Policy/ManagedPolicy, the inline `Policies` of roles, users and groups,
//! SAM `Policies` including SAM policy templates), trust policies (`AssumeRolePolicyDocument`),
//! resource policies (S3/SQS/SNS/KMS), managed policy attachments, and the template-level IAM
//! rules (`iam/iam-user`, `iam/access-key`, `iam/shared-execution-role`). Also standalone policy
//! documents (`stackwarden iam check`, and `check` on a policy JSON file).

mod find;
mod json_text;
mod sam_templates;
mod template_rules;

use std::collections::BTreeMap;
use std::path::Path;

use stackwarden_core::config::Config;
use stackwarden_core::{Finding, InputError, LineIndex, Location, Node, RuleFilter};
use stackwarden_iam::{PolicyContext, PolicyFinding, PolicyKind};

use crate::context::TemplateContext;
use crate::load;

pub use find::{find, Found, Source};

/// Runs the IAM rules over every policy of the template in `ctx`.
pub fn check(ctx: &TemplateContext<'_>, filter: &RuleFilter, out: &mut Vec<Finding>) {
    let found = find(ctx.template);
    let policy_ctx = PolicyContext {
        // The CDK stack's env.account, else the account configured for the template's stage.
        own_account: ctx
            .stack_account()
            .filter(|a| stackwarden_core::aws::is_account_id(a))
            .or_else(|| {
                ctx.stage
                    .as_ref()
                    .and_then(|s| ctx.config.accounts.get(&s.name))
                    .map(String::as_str)
            }),
        trusted_accounts: &ctx.config.trusted_accounts,
    };
    let policies: Vec<(&Source<'_>, stackwarden_iam::Policy<'_>)> = found
        .sources
        .iter()
        .map(|s| (s, stackwarden_iam::parse(found.node(s), s.kind)))
        .collect();
    let mut policy_findings = Vec::new();
    for (source, policy) in &policies {
        policy_findings.clear();
        stackwarden_iam::check_policy(policy, &policy_ctx, filter, &mut policy_findings);
        if let Some(name) = source.sam_template {
            sam_template_findings(name, &mut policy_findings);
        }
        out.extend(
            policy_findings
                .drain(..)
                .map(|f| to_finding(ctx, source.resource, f)),
        );
    }

    // Everything granted to one principal is judged together (privilege escalation paths).
    let mut by_principal: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, (source, _)) in policies.iter().enumerate() {
        for principal in &source.principals {
            by_principal
                .entry(principal.as_str())
                .or_default()
                .push(index);
        }
    }
    for indexes in by_principal.values() {
        let group: Vec<&stackwarden_iam::Policy<'_>> =
            indexes.iter().map(|&i| &policies[i].1).collect();
        let mut escalations = Vec::new();
        stackwarden_iam::check_principal(&group, filter, &mut escalations);
        for (at, finding) in escalations {
            let resource = policies[indexes[at]].0.resource;
            out.push(to_finding(ctx, resource, finding));
        }
    }

    if filter.enabled(stackwarden_iam::rules::admin_policy::META.id) {
        for (resource, entry) in &found.managed {
            // `!Ref PolicyArn` is judged by the parameter's default, what a deploy without
            // overrides attaches; reported at the reference.
            let by_parameter = ctx
                .template
                .default_value(entry)
                .filter(|v| v.parameter.is_some());
            let judged = by_parameter.map_or(*entry, |v| v.node);
            if let Some(mut finding) = stackwarden_iam::rules::admin_policy::check_managed(judged) {
                finding.span = entry.span;
                finding
                    .message
                    .push_str(&by_parameter.map(|v| v.origin()).unwrap_or_default());
                out.push(to_finding(ctx, resource, finding));
            }
        }
    }
    template_rules::check(ctx, filter, out);
}

/// Findings on a SAM policy template's own statements. The user chose the template, not its
/// action names: the translator's spelling (SQSPollerPolicy's `sqs:DeleteMessageBatch`) is not
/// theirs to fix, so only what the template grants is reported, and the fix is to replace it.
fn sam_template_findings(name: &str, findings: &mut Vec<PolicyFinding>) {
    const NOT_THE_USERS: &[&str] = &[
        "iam/unknown-action",
        "iam/unknown-service",
        "iam/malformed-policy",
    ];
    findings.retain(|f| !NOT_THE_USERS.contains(&f.rule.id));
    for finding in findings.iter_mut() {
        finding.message = format!("SAM policy template {name}: {}", finding.message);
        finding.help = format!(
            "replace {name} with an inline statement that is narrower: {}",
            finding.help
        );
    }
}

fn to_finding(ctx: &TemplateContext<'_>, resource: &str, finding: PolicyFinding) -> Finding {
    let mut out = ctx.finding(
        finding.rule,
        resource,
        finding.span,
        finding.message,
        finding.help,
    );
    out.suggestion = finding.suggestion;
    out.cause = finding.cause;
    out
}

/// What a standalone policy document is, from its statements: IAM rejects `Principal` in an
/// identity policy, so a document without one is an identity policy; one whose statements with a
/// principal only grant role assumption (`sts:AssumeRole*`, and the session tagging that goes
/// with it) is a role's trust policy, judged as the same statement in a template's
/// `AssumeRolePolicyDocument` is; any other document with a principal is a resource policy.
fn standalone_kind(root: &Node) -> PolicyKind {
    const TRUST_ACTIONS: &[&str] = &[
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    ];
    let statements: Vec<&Node> = root
        .get("Statement")
        .map(Node::one_or_many)
        .unwrap_or_default()
        .iter()
        .collect();
    let with_principal: Vec<&&Node> = statements
        .iter()
        .filter(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
        .collect();
    if with_principal.is_empty() {
        return PolicyKind::Identity;
    }
    let only_assumption = with_principal.iter().all(|s| {
        let actions = s.get("Action").map(Node::one_or_many).unwrap_or_default();
        !actions.is_empty()
            && actions.iter().all(|a| {
                a.as_str()
                    .is_some_and(|a| TRUST_ACTIONS.contains(&a.to_ascii_lowercase().as_str()))
            })
    });
    if only_assumption {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource(stackwarden_iam::ResourcePolicy::Other)
    }
}

/// A root mapping with `Statement` and `Version`: what `check` treats as a standalone policy.
pub fn is_policy_document(root: &Node) -> bool {
    root.get("Statement").is_some() && root.get("Version").is_some()
}

/// Checks one standalone policy document (JSON, or YAML). `Ok(None)` when the text is not a
/// policy document and `require` is false; with `require`, that is an error.
pub fn check_policy_text(
    path: &Path,
    text: &str,
    config: &Config,
    filter: &RuleFilter,
    require: bool,
) -> Result<Option<Vec<Finding>>, InputError> {
    let lines = LineIndex::new(text);
    let error =
        |at: Option<Location>, message: String| InputError::at(path.to_path_buf(), at, message);
    let loaded = match load::load(text, load::sniff_format(text)) {
        Ok(loaded) => loaded,
        Err(e) if require => {
            let at = lines.position(text, e.span.start as usize);
            return Err(error(Some(at), e.message));
        }
        Err(_) => return Ok(None),
    };
    let root = &loaded.root;
    let is_policy = if require {
        root.get("Statement").is_some()
    } else {
        is_policy_document(root)
    };
    if !is_policy {
        return match require {
            true => Err(error(
                None,
                "not an IAM policy document (no top-level Statement)".into(),
            )),
            false => Ok(None),
        };
    }
    let policy = stackwarden_iam::parse(root, standalone_kind(root));
    let ctx = PolicyContext {
        own_account: None,
        trusted_accounts: &config.trusted_accounts,
    };
    let mut found = Vec::new();
    stackwarden_iam::check_policy(&policy, &ctx, filter, &mut found);
    let mut escalations = Vec::new();
    stackwarden_iam::check_principal(&[&policy], filter, &mut escalations);
    found.extend(escalations.into_iter().map(|(_, f)| f));
    let findings = found
        .into_iter()
        .filter_map(|f| {
            let severity =
                stackwarden_core::rule::level(f.rule.id, f.rule.severity, config, filter)?;
            let at = lines.location(text, f.span);
            Some(Finding {
                severity,
                suggestion: f.suggestion,
                cause: f.cause,
                ..Finding::new(f.rule, path.to_path_buf(), at, f.message, f.help)
            })
        })
        .collect();
    Ok(Some(findings))
}
