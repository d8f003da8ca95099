#!/usr/bin/env bash
# Benchmark (not a test) and precision sweep of the code rules on AWS's own JavaScript:
# installs aws-cdk-lib and the @aws-lambda-powertools/* packages from npm into a temporary folder,
# then runs `stackwarden check --select code` over them. Prints throughput (MB/s of .js/.ts source,
# declaration files excluded) on 1 and 2 threads (RAYON_NUM_THREADS), peak RSS, and the number of
# findings per rule for each package set.
#
# Usage: bench/code.sh [RUNS]      (default 3; the best wall time of RUNS is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
CDK_VERSION=2.276.0
# Powertools packages are released together but not always all at the same version: pin each.
POWERTOOLS="logger@2.36.0 metrics@2.36.0 tracer@2.36.0 commons@2.36.0 idempotency@2.35.0 batch@2.35.0 parameters@2.35.0 event-handler@2.35.0"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building stackwarden (release)..." >&2
cargo build --release --quiet -p stackwarden
bin="$PWD/target/release/stackwarden"
[ -n "${CARGO_TARGET_DIR:-}" ] && bin="$CARGO_TARGET_DIR/release/stackwarden"

echo "installing aws-cdk-lib@$CDK_VERSION and Powertools ($POWERTOOLS) into $work..." >&2
pkgs="aws-cdk-lib@$CDK_VERSION"
for p in $POWERTOOLS; do pkgs="$pkgs @aws-lambda-powertools/$p"; done
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund --ignore-scripts $pkgs >/dev/null)

# Discovery skips node_modules, so the packages are moved out of it into a corpus folder.
mkdir -p "$work/corpus/cdk" "$work/corpus/powertools"
mv "$work/node_modules/aws-cdk-lib" "$work/corpus/cdk/"
mv "$work/node_modules/@aws-lambda-powertools" "$work/corpus/powertools/"

# The files the code rules read: sources, minus declarations, `*.generated.*` tables and nested
# node_modules (all skipped by stackwarden), so MB/s counts only what was parsed and checked.
sources() {
  find "$1" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.ts' \) \
    ! -name '*.d.ts' ! -name '*.generated.*' ! -path '*/node_modules/*' "${@:2}"
}
source_bytes() {
  sources "$1" -printf '%s\n' \
    | awk '{s+=$1} END {print s}'
}

measure() { # dir threads -> best wall seconds and peak RSS (KB) over $runs runs
  local dir="$1" threads="$2" best="" peak=0
  for _ in $(seq "$runs"); do
    RAYON_NUM_THREADS="$threads" /usr/bin/time -f '%e %M' -o "$work/time" \
      "$bin" check "$dir" --select code --format json --output "$work/out.json" || true
    # /usr/bin/time puts "Command exited with non-zero status 1" first when there are findings.
    read -r wall rss < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN {exit !($wall < $best)}"; then best="$wall"; fi
    [ "$rss" -gt "$peak" ] && peak="$rss"
  done
  echo "$best $peak"
}

for set in cdk powertools; do
  dir="$work/corpus/$set"
  bytes="$(source_bytes "$dir")"
  files="$(sources "$dir" | wc -l)"
  echo
  echo "== $set: $files source files, $(awk "BEGIN {printf \"%.1f\", $bytes/1048576}") MB"
  for threads in 1 2; do
    read -r wall rss <<<"$(measure "$dir" "$threads")"
    awk -v b="$bytes" -v w="$wall" -v r="$rss" -v t="$threads" \
      'BEGIN {printf "  %d thread(s): %.2f s wall, %.1f MB/s, peak RSS %.0f MB\n", t, w, (w > 0 ? b/1048576/w : 0), r/1024}'
  done
  echo "  findings per rule:"
  jq -r '.findings | group_by(.rule) | map("    \(length)\t\(.[0].rule)") | .[]' "$work/out.json"
  echo "  input errors: $(jq '.errors | length' "$work/out.json")"
  jq -r '.errors[:5][] | "    \(.path | split("/corpus/")[1]):\(.line // "-") \(.message)"' "$work/out.json"
done
