#!/usr/bin/env bash
# Regenerates cdk.out/ with a real `cdk synth` (aws-cdk-lib from npm, no AWS credentials needed:
# every stack has an explicit account and region and no lookups).
# CDK_DEBUG=true keeps `aws:cdk:creationStack` traces in the metadata, which stackwarden maps
# back to the TypeScript line that created each construct.
# Usage: scripts/synth.sh [OUTDIR]   (default cdk.out)
set -euo pipefail
cd "$(dirname "$0")/.."
outdir="${1:-cdk.out}"
[ -d node_modules/aws-cdk-lib ] || npm ci --no-audit --no-fund
rm -rf "$outdir"
CDK_DEBUG=true npx cdk synth --quiet --output "$outdir" --no-version-reporting >/dev/null
echo "synthesized into $outdir"
