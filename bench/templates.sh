#!/usr/bin/env bash
# Benchmark (not a test): stackwarden check vs cfn-lint vs cloudformation-validate on the same
# 100 templates of ../shared/corpus/cfn-templates, each peer installed from PyPI into a temporary
# venv by this script. Prints CPU seconds (user+sys, median of several runs), wall seconds, peak
# RSS and the ratios; then stackwarden on the whole corpus and its start-up time.
#
# Usage: bench/templates.sh [RUNS]      (default 5 runs for the fast tools, 3 for cfn-lint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
corpus="../shared/corpus"
[ -d "$corpus/cfn-templates" ] || { echo "no $corpus/cfn-templates: nothing to measure" >&2; exit 2; }

CFN_LINT_VERSION=1.58.0
CFN_VALIDATE_VERSION=1.14.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building stackwarden (release)..." >&2
cargo build --release --quiet -p stackwarden
echo "installing cfn-lint $CFN_LINT_VERSION and cloudformation-validate $CFN_VALIDATE_VERSION into $work..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
  "cfn-lint==$CFN_LINT_VERSION" "cloudformation-validate==$CFN_VALIDATE_VERSION"

exec python3 bench/compare.py \
  --stackwarden target/release/stackwarden \
  --venv "$work/venv" \
  --corpus "$corpus" \
  --runs "$runs" \
  --work "$work"
