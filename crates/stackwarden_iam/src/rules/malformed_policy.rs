use stackwarden_core::{RuleMeta, Severity};

use super::finding;
use crate::policy::Policy;
use crate::{PolicyContext, PolicyFinding};

pub const META: RuleMeta = RuleMeta {
    id: "iam/malformed-policy",
    severity: Severity::Error,
    summary: "a policy document IAM would reject (wrong Version, a statement that is not a mapping, a non-string Action)",
    docs: r#"## What it does
Reports policy documents whose shape IAM rejects or misreads: a `Version` other than `2012-10-17`
(or the legacy `2008-10-17`), a statement that is a string or a number, an `Action`/`Resource` entry
that is not a string, a statement without `Effect`, or with both `Action` and `NotAction`, and a
policy document written as a string that is not JSON. (A document written as JSON text, or as an
`Fn::Sub` template of JSON, is parsed as CloudFormation parses it and every `iam/*` rule checks
inside it, at the string's position; a template whose placeholders stand outside JSON strings is
known only at deploy time and left alone.)

## Why
A deploy fails late on these (CloudFormation only finds out when IAM refuses the document), and
a missing or legacy `Version` silently disables policy variables such as `${aws:username}`. The
other `iam/*` rules skip what they cannot read, so a malformed entry would otherwise go unchecked.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md.

## Example
```json
{ "Version": "2012-10-18",
  "Statement": [ "s3:GetObject", { "Effect": "Allow", "Action": 42, "Resource": "*" } ] }
```

## Fix
```json
{ "Version": "2012-10-17",
  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::receipts/*" } ] }
```
"#,
};

pub fn check(policy: &Policy<'_>, _ctx: &PolicyContext<'_>, out: &mut Vec<PolicyFinding>) {
    for problem in &policy.problems {
        out.push(finding(
            &META,
            problem.span,
            problem.message.clone(),
            "write the policy as {Version: \"2012-10-17\", Statement: [{Effect, Action, Resource}]} with string entries",
        ));
    }
}
