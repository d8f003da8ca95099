#!/usr/bin/env bash
# Benchmark (not a test): the inputs that used to be slow or to grow memory with their size.
#   1. One large template, minified (one line, as `aws cloudformation get-template` returns it)
#      and the same template pretty-printed: the resources of every JSON template of
#      ../shared/corpus, concatenated (logical ids prefixed, so none collides), as many times as
#      it takes for the minified text to pass 1.2 MB. The goal is the minified one within 2x of the pretty-printed one.
#   2. 50 copies of ../shared/corpus (hard links, so no disk), checked in one run: peak resident
#      memory must stay flat in the number of files (goal: under 150 MB).
# Prints wall seconds and peak RSS of `stackwarden check` (medians of RUNS runs) per output format.
#
# Usage: bench/large.sh [BINARY] [RUNS]     (default target/release/stackwarden, 3 runs)
# Skips (exit 0) when ../shared/corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/stackwarden}"
runs="${2:-3}"
corpus="${STACKWARDEN_CORPUS:-../shared/corpus}"
[ -d "$corpus" ] || { echo "no $corpus: nothing to measure, skipping"; exit 0; }
[ -x "$bin" ] || { echo "no binary at $bin: cargo build --release first" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$corpus" "$work" <<'PY'
import json, pathlib, sys
corpus, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
templates = []
for path in sorted(corpus.rglob("*.json")):
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        continue
    if isinstance(doc, dict) and isinstance(doc.get("Resources"), dict):
        templates.append(doc["Resources"])
# The JSON templates of the corpus hold about 0.55 MB of resources: take them again, with other
# logical ids, until the minified text passes 1.2 MB.
resources, size, copy = {}, 0, 0
while size <= 1_200_000 and templates:
    for number, template in enumerate(templates):
        prefix = "C%dT%d" % (copy, number)
        for logical_id, resource in template.items():
            resources[prefix + "".join(c for c in logical_id if c.isalnum())] = resource
    copy += 1
    size = len(json.dumps(resources, separators=(",", ":")))
template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
minified = json.dumps(template, separators=(",", ":"))
(work / "minified.template.json").write_text(minified)
(work / "pretty.template.json").write_text(json.dumps(template, indent=2))
# One character that is not ASCII makes every column a count of characters, not bytes; the same
# text after a comment line is read by the YAML parsers (JSON is YAML's flow style).
accented = json.dumps(dict(template, Description="Commandes é"), separators=(",", ":"), ensure_ascii=False)
(work / "accented.template.json").write_text(accented, encoding="utf-8")
(work / "accented-flow.template.yaml").write_text("# flow style\n" + accented, encoding="utf-8")
PY
mkdir -p "$work/corpus50"
for i in $(seq 1 50); do cp -al "$corpus" "$work/corpus50/copy$i"; done

# median wall seconds and peak KB of RUNS runs of: stackwarden check --format FORMAT TARGET
# (a run is stopped after LIMIT seconds, default 120, and then counts as LIMIT)
limit="${LIMIT:-120}"
measure() {
  local format=$1 target=$2
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" timeout "$limit" "$bin" check --format "$format" "$target" >/dev/null 2>"$work/err" || true
    tail -1 "$work/time"
  done | sort -n | awk -v n="$runs" '{ wall[NR] = $1; rss[NR] = $2 } END { m = int((n + 1) / 2); printf "%8.2f s %8.1f MB", wall[m], rss[m] / 1024 }'
}
size() { python3 -c 'import os,sys; print("%.2f MB" % (os.path.getsize(sys.argv[1]) / 1048576))' "$1"; }

echo "binary: $bin ($("$bin" --version))"
# `check` exits 1 when it finds something: that is expected here.
findings=$( ("$bin" check --format json "$work/minified.template.json" 2>/dev/null || true) |
  python3 -c 'import json, sys; print(len(json.load(sys.stdin)["findings"]))')
echo "minified template: $(size "$work/minified.template.json") ($findings findings), pretty-printed: $(size "$work/pretty.template.json")"
printf '%-34s %-6s %s\n' input format "wall, peak RSS (median of $runs)"
for format in text json; do
  printf '%-34s %-6s %s\n' "large template, minified" "$format" "$(measure "$format" "$work/minified.template.json")"
  printf '%-34s %-6s %s\n' "large template, pretty-printed" "$format" "$(measure "$format" "$work/pretty.template.json")"
  printf '%-34s %-6s %s\n' "minified, one non-ASCII character" "$format" "$(measure "$format" "$work/accented.template.json")"
  printf '%-34s %-6s %s\n' "the same as one-line YAML" "$format" "$(measure "$format" "$work/accented-flow.template.yaml")"
done
files=$(find "$work/corpus50" -type f | wc -l)
for format in json text; do
  printf '%-34s %-6s %s\n' "50 copies of the corpus ($files files)" "$format" "$(measure "$format" "$work/corpus50")"
done
