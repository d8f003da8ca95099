//! `// stackwarden-ignore RULE: reason` comments. A suppression covers findings on its own line
//! (a trailing comment) and on the line below it. The reason is mandatory: without one the
//! suppression does not apply and is itself reported.
//!
//! Comments come from the parser's comment list; only their content is read here.

use stackwarden_core::suppression::parse;

use crate::context::SourceContext;

#[derive(Debug)]
pub(crate) struct Suppression {
    /// Rule ids, comma-separated in the comment.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Byte offset of the comment, for the finding about the suppression itself.
    pub offset: u32,
    pub line: u32,
    pub used: bool,
}

impl Suppression {
    pub(crate) fn covers(&self, line: u32) -> bool {
        line == self.line || line == self.line + 1
    }
}

pub(crate) fn collect(ctx: &SourceContext<'_, '_>) -> Vec<Suppression> {
    let mut found = Vec::new();
    for comment in ctx.semantic.comments() {
        let content = comment.content_span();
        let Some(text) = ctx.text.get(content.start as usize..content.end as usize) else {
            continue;
        };
        if let Some(parsed) = parse(text) {
            let line = ctx.line_of(comment.span.start);
            found.push(Suppression {
                rules: parsed.0,
                reason: parsed.1,
                offset: comment.span.start,
                line,
                used: false,
            });
        }
    }
    found
}
