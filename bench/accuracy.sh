#!/usr/bin/env bash
# Accuracy sweep (not a test): stackwarden against cfn-lint, checkov and Parliament on the checks
# they share, over every template of ../shared/corpus. Prints per check how many findings both
# tools make, only stackwarden makes and only the peer makes, the mechanical reason for each
# disagreement where one is visible, and samples of each class. The peers are installed from
# PyPI at pinned versions into a temporary virtualenv. bench/ACCURACY.md records which side is
# right in each disagreement class, and why.
#
# Usage: bench/accuracy.sh [CORPUS_DIR]   (default ../shared/corpus; skips when absent)
#   SAMPLES=N  samples printed per class (default 4); OUT=FILE  every disagreement as TSV
#   TODAY=YYYY-MM-DD  the date runtime deprecations are judged at (default: today, as cfn-lint does)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
[ -d "$corpus" ] || { echo "no corpus at $corpus; skipping"; exit 0; }
corpus="$(cd "$corpus" && pwd)"

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
PARLIAMENT_VERSION=1.6.4

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-target}"

echo "building stackwarden (release)..." >&2
cargo build --release --quiet -p stackwarden
echo "installing cfn-lint $CFN_LINT_VERSION, checkov $CHECKOV_VERSION, parliament $PARLIAMENT_VERSION into $work/venv..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
  "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION" "parliament==$PARLIAMENT_VERSION"
echo "versions: $("$target_dir/release/stackwarden" --version); $("$work/venv/bin/pip" list --disable-pip-version-check 2>/dev/null | awk 'tolower($1) ~ /^(cfn-lint|checkov|parliament|pyyaml)$/ {printf "%s %s; ", $1, $2}')"

# No stackwarden.toml applies (the defaults of SPEC.md), whatever lies above the corpus.
printf '# accuracy sweep: defaults\n' > "$work/stackwarden.toml"

"$work/venv/bin/python" bench/accuracy.py \
  --corpus "$corpus" \
  --stackwarden "$target_dir/release/stackwarden" \
  --venv "$work/venv" \
  --config "$work/stackwarden.toml" \
  --today "${TODAY:-$(date +%F)}" \
  --samples "${SAMPLES:-4}" \
  ${OUT:+--out "$OUT"}
