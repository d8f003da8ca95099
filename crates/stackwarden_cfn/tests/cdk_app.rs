//! The template rules on a CDK cloud assembly whose stacks deploy to two accounts: what CDK
//! writes itself (names of `PhysicalName.GENERATE_IF_NEEDED`, cross-environment references to
//! the other stack's account, the bootstrap asset bucket, a published layer in the stack's own
//! region) is not reported; a literal account the app wrote is.

use stackwarden_cfn::check_assembly;
use stackwarden_testkit::findings::{lines, Layout};
use stackwarden_testkit::CheckRun;

#[test]
fn what_cdk_writes_is_not_the_users_hardcoding() {
    let dir = stackwarden_testkit::fixtures!("cdk-app/cdk.out");
    let run = CheckRun::default()
        .select(&[
            "cfn/hardcoded-account",
            "cfn/hardcoded-arn",
            "cfn/hardcoded-region",
            "cfn/naming",
        ])
        .known(stackwarden_cfn::rules::all_metas());
    let report = check_assembly(dir.root(), &run.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found = lines(&report.findings, Layout::BRIEF.with_file_name());
    assert_eq!(
        found,
        ["BillingPipelineStack.template.json:33:54 [cfn/hardcoded-account] `Handler886CB40B` has the account id 999988887777 written literally"]
    );
}
