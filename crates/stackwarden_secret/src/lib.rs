//! The credential scanner (`secret/*`): AWS access key ids and secret access keys in any text the
//! walk reaches (.env files, shell scripts, JSON/YAML values, source), and masking so that no
//! output ever prints a secret in full.
//!
//! This is token detection, not parsing: credentials are found wherever they are written, in
//! whatever syntax, so the scanner looks at bytes (an Aho-Corasick pass for the few anchors,
//! then local checks around each hit). The template and CDK forms of
//! `secret/credentials-in-env` live with the template and code rules (stackwarden_cfn,
//! stackwarden_code), which use [`scan_value`] and declare the rule with [`CREDENTIALS_IN_ENV`].
//!
//! Nothing here prints, exits or reads the environment.

mod check;
mod mask;
pub mod rules;
mod scan;
mod suppress;

pub use check::{check_file, check_text, Options, MAX_SCAN_BYTES};
pub use mask::{mask, mask_line, mask_text};
pub use rules::{
    all_metas, describe, AWS_ACCESS_KEY, CREDENTIALS_IN_ENV, CREDENTIALS_IN_ENV_EXAMPLE_HELP,
    CREDENTIALS_IN_ENV_HELP,
};
pub use scan::{is_secret_key_name, scan, scan_value, SecretKind, SecretMatch};
pub use stackwarden_core::Report;
