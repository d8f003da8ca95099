use oxc::ast::AstKind;
use stackwarden_core::{Finding, RuleMeta, Severity};

use crate::cdk::iam_class;
use crate::context::SourceContext;

pub(crate) const META: RuleMeta = RuleMeta {
    id: "code/iam-user",
    severity: Severity::Error,
    summary: "an IAM user or access key created in CDK code",
    docs: r#"## What it does
Flags `new iam.User(...)`, `new iam.AccessKey(...)`, `new iam.CfnUser(...)` and
`new iam.CfnAccessKey(...)` in CDK source, before synth.

## Why
IAM users carry long-lived credentials that leak, are never rotated and bypass SSO. Workloads
should use roles; people should use IAM Identity Center.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```ts
const deployer = new iam.User(this, 'Deployer');
new iam.AccessKey(this, 'DeployerKey', { user: deployer });
```

## Fix
Use a role (`new iam.Role(this, 'Deployer', { assumedBy: new iam.WebIdentityPrincipal(...) })`
for CI via OIDC) and Identity Center for people.
"#,
};

pub(crate) fn check(ctx: &SourceContext<'_, '_>, out: &mut Vec<Finding>) {
    for node in ctx.nodes() {
        let AstKind::NewExpression(new) = node.kind() else {
            continue;
        };
        let Some(class) = iam_class(ctx, &new.callee) else {
            continue;
        };
        let what = match class {
            "User" | "CfnUser" => "an IAM user",
            "AccessKey" | "CfnAccessKey" => "an IAM access key",
            _ => continue,
        };
        out.push(ctx.finding(
            &META,
            new.span,
            format!("`new {class}(...)` creates {what}, a long-lived credential"),
            "use a role (assumed by the workload, or by CI through OIDC) and IAM Identity Center for people",
        ));
    }
}
