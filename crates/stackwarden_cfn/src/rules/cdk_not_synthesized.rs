//! `cdk/not-synthesized`: a CDK app (cdk.json with an `app` command) and no cloud assembly, so
//! none of its stacks is checked. Detected in [`crate::cdk_app`].

use stackwarden_core::{RuleMeta, Severity};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cdk/not-synthesized",
    severity: Severity::Warn,
    summary: "a CDK app (cdk.json) with no cloud assembly (cdk.out) to check",
    docs: r#"## What it does
Flags a `cdk.json` that names an `app` command when the cloud assembly it synthesizes to
(`cdk.out/`, or the folder its `output` setting names) does not exist. The finding points at the
`app` line and says the command that synthesizes: the project's `synth` script when
package.json has one, `npx cdk synth` otherwise.

## Why
stackwarden checks what CloudFormation deploys: the templates `cdk synth` writes. Without them
the stacks of the app are not checked at all, and a check that says "No findings" about an app it
never saw is worse than no check. Synth output is usually gitignored, so a fresh clone or a CI job
that skips the synth step is exactly this case.

Precision: 100% on the classified real-world sample of bench/PRECISION.md (15 of 15 true; 212
findings in the sweep, one per CDK app of the repositories that was not synthesized).

## Example
```text
my-app/
  cdk.json        {"app": "npx ts-node --prefer-ts-exts bin/my-app.ts"}
  bin/my-app.ts
  lib/my-stack.ts
```
(no `cdk.out/`)

## Fix
Synthesize, then check:
```sh
npx cdk synth          # or: npm run synth
stackwarden check
```
In CI, run the synth step before `stackwarden check`.
"#,
};
