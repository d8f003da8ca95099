//! CloudFormation, SAM and CDK synth output: loading templates into the spanned model (YAML
//! short-form tags and JSON long forms alike), SAM `Globals`, the CDK cloud assembly reader, and
//! the template rules (`cfn/*`) and the checks of a CDK app as a whole (`cdk/*`). `Metadata`
//! suppressions are read here and applied by stackwarden_core's suppression pass (`meta/*`).
//!
//! Nothing here prints or exits; the CLI renders what [`check`] returns.

mod aws_owned;
pub mod cdk;
mod cdk_app;
pub mod check;
pub mod context;
pub mod data;
mod literals;
pub mod load;
pub mod policies;
pub mod rules;
mod sam;
pub mod template;

pub use cdk_app::CdkJson;
pub use check::{
    check_assembly, check_template_file, check_template_source, named_json_error, read_text,
    Options,
};
pub use stackwarden_core::Report;
pub use template::Template;
