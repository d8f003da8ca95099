//! Any JSON text, read as every kind of policy and run through every `iam/*` rule: the
//! parser and rules must turn any shape (a string statement, a numeric Action, odd intrinsics,
//! huge strings) into findings, never a panic or a hang.
//!
//! Run: `scripts/fuzz.sh 120 policy_parse` (seeds: the JSON fixtures and corpus templates).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackwarden_core::RuleFilter;
use stackwarden_iam::{PolicyContext, PolicyKind, ResourcePolicy};

const KINDS: [PolicyKind; 4] =
    [PolicyKind::Identity, PolicyKind::Trust, PolicyKind::Resource(ResourcePolicy::KmsKey), PolicyKind::Resource(ResourcePolicy::S3Bucket)];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // JSON only: policy documents are JSON, and the YAML scanner's own panics (reported by the
    // template fuzz targets) would stop every run before it reaches the policy code.
    let Ok(loaded) = stackwarden_cfn::load::load(text, stackwarden_cfn::load::Format::Json) else { return };
    let filter = RuleFilter::default();
    let trusted = vec!["444444444444".to_string()];
    let ctx = PolicyContext { own_account: Some("111111111111"), trusted_accounts: &trusted };
    for kind in KINDS {
        let policy = stackwarden_iam::parse(&loaded.root, kind);
        let mut findings = Vec::new();
        stackwarden_iam::check_policy(&policy, &ctx, &filter, &mut findings);
        let mut escalations = Vec::new();
        stackwarden_iam::check_principal(&[&policy, &policy], &filter, &mut escalations);
    }
});
