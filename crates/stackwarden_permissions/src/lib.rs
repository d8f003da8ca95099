//! Least privilege by evidence: what a Lambda function's code calls against what its role allows.
//!
//! Layers, each depending only on those before it:
//! 1. [`sdk`]: the generated SDK v3 command table (`data/sdk-v3-commands.bin`): command → IAM
//!    actions, transaction items, input-dependent and library actions.
//! 2. [`needs`]: what a handler needs, from `stackwarden_code::calls` (the commands its module
//!    and local imports send, with what each input names) joined to the table: (action, target,
//!    where) triples.
//! 3. [`role`]: what a function's role allows, from a synthesized template
//!    (`stackwarden_cfn::Template`): the role's inline, attached and AWS managed policies
//!    ([`managed`], `data/aws-managed-policies.json`), statements with resources bound to the
//!    template's `Ref`/`Fn::GetAtt`.
//! 4. [`functions`]: each function of a cloud assembly with its role, environment and handler
//!    file (through the creation trace to the `entry`/`Code.fromAsset` written in CDK source).
//! 5. [`rules`] (`iam/missing-permission`, `iam/unused-permission`) and [`check`], which runs
//!    them over a cloud assembly; [`policy`] writes the least-privilege policy for a handler.
//!
//! Nothing here prints or exits, and nothing opens a network connection: the tables are embedded.

pub mod check;
pub mod functions;
pub mod grants;
pub mod managed;
pub mod needs;
pub mod policy;
pub mod role;
pub mod rules;
pub mod sdk;

pub use check::{check_assembly, Outcome};
pub use rules::all_metas;
