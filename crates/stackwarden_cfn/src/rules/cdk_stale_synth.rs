//! `cdk/stale-synth`: a cloud assembly older than the app sources it was synthesized from, so
//! the templates checked may not be what the app synthesizes now. Detected in [`crate::cdk_app`].

use stackwarden_core::{RuleMeta, Severity};

pub(crate) const META: RuleMeta = RuleMeta {
    id: "cdk/stale-synth",
    severity: Severity::Warn,
    summary: "a cdk.out older than the CDK app sources it was synthesized from",
    docs: r#"## What it does
Flags a `cdk.json` whose cloud assembly (`cdk.out/manifest.json`, which `cdk synth` writes last)
is older than a source of the app: `cdk.json` itself, the file its `app` command runs, or a source
file under `bin/`, `lib/` or `src/` (TypeScript, JavaScript, Python, Go, Java, C#, JSON, YAML;
JavaScript compiled next to its TypeScript does not count). The finding names the newest source
and how long after the synth it changed.

## Why
The template rules judge the synthesized templates. When a stack's code changed after the last
synth, those templates describe the app as it was: a fix made in the source still shows as a
finding, and a new mistake does not show at all.

Precision: not measured: it did not fire on the projects of bench/PRECISION.md (their synth output
is made by the sweep itself).

## Example
```text
cdk.out/manifest.json   written 09:12
lib/orders-stack.ts     saved   11:40
```

## Fix
Synthesize again, then check:
```sh
npx cdk synth          # or: npm run synth
stackwarden check
```
"#,
};
