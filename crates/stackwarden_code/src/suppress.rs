//! `// stackwarden-ignore RULE: reason` comments. A suppression covers findings on its own line
//! (a trailing comment) and on the line below it. The reason is mandatory: without one the
//! suppression does not apply and is itself reported.
//!
//! Comments come from the parser's comment list; only their content is read here. What a
//! suppression does once found is stackwarden_core's `suppression::apply`.

use stackwarden_core::suppression::{parse, Problem, Scope, Suppression};

use crate::context::SourceContext;

pub(crate) fn collect(ctx: &SourceContext<'_, '_>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for comment in ctx.semantic.comments() {
        let content = comment.content_span();
        let Some(text) = ctx.text.get(content.start as usize..content.end as usize) else {
            continue;
        };
        if let Some((rules, reason)) = parse(text) {
            let at = ctx.position(comment.span.start);
            let scope = Scope::Lines {
                first: at.line,
                last: at.line + 1,
            };
            found.push(Suppression::new(rules, reason, scope, at));
        }
    }
    found
}

/// The message and help about a suppression comment: fixed in the comment.
pub(crate) fn describe(_: &Suppression, problem: Problem<'_>) -> (String, String) {
    match problem {
        Problem::NoRule => (
            "`stackwarden-ignore` names no rule".to_string(),
            "write `// stackwarden-ignore RULE_ID: why this is acceptable`".to_string(),
        ),
        Problem::NoReason { rules } => (
            format!("suppression of {rules} gives no reason, so it suppresses nothing"),
            format!("add `: why {rules} does not apply here` after the rule id"),
        ),
        Problem::UnknownRule { rule } => (
            format!("suppression names {rule}, which is not a stackwarden rule"),
            "fix the rule id (`stackwarden rules` lists them) or delete the comment".to_string(),
        ),
        Problem::Unused { rules } => (
            format!("suppression of {rules} suppresses nothing"),
            "delete the comment: the rule no longer fires on this line or the next".to_string(),
        ),
    }
}
