//! `iam/unknown-action` and `iam/unknown-service` on CDK source: the action strings of the
//! policy statements written in code go through the IAM engine's own judgements
//! (`stackwarden_iam::rules::unknown_action::judge`, `unknown_service::judge`), so a typo is
//! caught in the `.ts` file the moment it is written, with the message and did-you-mean the
//! template gets after synth. Those rules' metadata and documentation live in stackwarden_iam;
//! only dynamic values (identifiers, template literals with substitutions) are not judged.

use stackwarden_core::Finding;
use stackwarden_iam::rules::{unknown_action, unknown_service};

use crate::cdk::judge_actions;
use crate::context::SourceContext;

pub(crate) fn check_unknown_action(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    judge_actions(ctx, unknown_action::judge, out);
}

pub(crate) fn check_unknown_service(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    judge_actions(ctx, unknown_service::judge, out);
}
