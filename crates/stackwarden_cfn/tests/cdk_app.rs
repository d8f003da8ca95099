//! The template rules on a CDK cloud assembly whose stacks deploy to two accounts: what CDK
//! writes itself (names of `PhysicalName.GENERATE_IF_NEEDED`, cross-environment references to
//! the other stack's account, the bootstrap asset bucket, a published layer in the stack's own
//! region) is not reported; a literal account the app wrote is.

use std::path::Path;

use stackwarden_cfn::{check_assembly, Options};
use stackwarden_core::config::Config;
use stackwarden_core::RuleFilter;

#[test]
fn what_cdk_writes_is_not_the_users_hardcoding() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cdk-app/cdk.out");
    let config = Config::default();
    let filter = RuleFilter {
        select: [
            "cfn/hardcoded-account",
            "cfn/hardcoded-arn",
            "cfn/hardcoded-region",
            "cfn/naming",
        ]
        .map(String::from)
        .to_vec(),
        ignore: vec![],
    };
    let known: Vec<&str> = stackwarden_cfn::rules::all_metas().map(|m| m.id).collect();
    let options = Options {
        config: &config,
        filter: &filter,
        stage: None,
        today: "2026-11-25",
        known_rules: &known,
        verbose: false,
    };
    let report = check_assembly(&dir, &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} [{}] {}",
                f.path.file_name().unwrap_or_default().to_string_lossy(),
                f.line,
                f.column,
                f.rule,
                f.message
            )
        })
        .collect();
    assert_eq!(
        found,
        ["BillingPipelineStack.template.json:33:54 [cfn/hardcoded-account] `Handler886CB40B` has the account id 999988887777 written literally"]
    );
}
