#!/usr/bin/env bash
# Reruns the cargo-fuzz targets (not part of CI: fuzzing needs a nightly toolchain).
# Seeds: the rule fixtures and, when present, ../shared/corpus. Crashes land in
# fuzz/artifacts/<target>/; turn each into a regression test before fixing it.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 120 s, every target)
#
# FUZZ_TIMEOUT=S sets the per-input timeout (default 10 s).
# CAMPAIGN=1 keeps going past timeouts, out-of-memory and crashes (libFuzzer's fork mode), saving
# each as an artifact: the guard's parser is only bounded by the binary's resource envelope, so
# in-process those are expected. Replay them through the envelope with bench/envelope-replay.sh,
# which reports the worst time and memory and any input that was not decided or blocked.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
shift || true
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
toolchain=nightly
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cargo +"$toolchain" fuzz list --fuzz-dir fuzz))

for target in "${targets[@]}"; do
  seeds="fuzz/corpus/$target"
  mkdir -p "$seeds"
  case "$target" in
    template_yaml|template_check) pattern='*.yaml' ;;
    template_json|hook_event|policy_parse) pattern='*.json' ;;
    *) pattern='' ;;
  esac
  if [ "$target" = guard_command ]; then
    i=0
    for seed in "cdk deploy --all" "bash -c 'AWS_PROFILE=prod npx aws-cdk@2 deploy'" "npm run nuke" "make deploy" \
        "git commit -m \"never cdk destroy\"" "env -i FOO=1 sudo xargs aws s3 rb s3://x <<EOF
x
EOF" "\$(echo cdk) destroy" "( { cd /x && c\"d\"k diff; } ) | tee log"; do
      printf '%s' "$seed" > "$seeds/seed-$i"; i=$((i + 1))
    done
  fi
  if [ -n "$pattern" ]; then
    find crates/*/tests/fixtures examples -name "$pattern" -not -path '*/node_modules/*' -exec cp -n {} "$seeds/" \; 2>/dev/null || true
    [ -d ../shared/corpus ] && find ../shared/corpus -name "$pattern" -size -64k -exec cp -n {} "$seeds/" \; 2>/dev/null || true
  fi
  echo "== $target: ${seconds}s, $(ls "$seeds" | wc -l) seeds"
  campaign=()
  [ -z "${CAMPAIGN:-}" ] || campaign=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  mkdir -p "fuzz/artifacts/$target"
  cargo +"$toolchain" fuzz run --fuzz-dir fuzz "$target" "$seeds" -- "${campaign[@]}" \
    -artifact_prefix="fuzz/artifacts/$target/" \
    -max_total_time="$seconds" -max_len=262144 -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==|SUMMARY|Test unit written|INFO: -max_total_time|#[0-9]+: cov)' || true
done
