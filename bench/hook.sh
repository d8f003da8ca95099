#!/usr/bin/env bash
# Whole-process latency of `stackwarden hook` with the ledger on: PreToolUse/Bash for a benign and
# a deny command, and PostToolUse/Write edit feedback on a 19-line Lambda handler with one finding (edit-1) and a
# 300-line module with three (edit-3)
# (the file is parsed and checked like `stackwarden check` would), against a bare process spawn
# (/bin/true). A benchmark, not a test:
# it prints median and p99 and the ratio to the bare spawn.
#
#   bash bench/hook.sh [path/to/stackwarden]     (default: target/release/stackwarden)
#
# Uses hyperfine -N --input (>= 1.17; installed with apt-get when missing and possible) when it can
# feed the event on stdin, else a Python loop that spawns each process the same way.
set -euo pipefail

BIN=${1:-${CARGO_TARGET_DIR:-target}/release/stackwarden}
RUNS=${RUNS:-300}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release -p stackwarden)" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

WORK=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
git init -q .
printf '[accounts]\ndev = "123456789012"\nprod = "123456789013"\n' > stackwarden.toml
printf '{"scripts":{"test":"vitest run","deploy":"cdk deploy prod-orders"}}\n' > package.json
mkdir -p lib && for i in $(seq 1 50); do echo "export const x$i = $i;" > "lib/f$i.ts"; done

event() {
  printf '{"session_id":"bench","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_use_id":"toolu_bench","tool_input":{"command":%s}}' "$WORK" "$1"
}
event '"npm test && git status && grep -rn \"cdk deploy\" docs/"' > benign.json
event '"bash -c \"AWS_PROFILE=prod npx aws-cdk@2 deploy --all\""' > deny.json
write_event() { # file written
  printf '{"session_id":"bench","transcript_path":"/tmp/t.jsonl","cwd":"%s","permission_mode":"default","hook_event_name":"PostToolUse","tool_name":"Write","tool_use_id":"toolu_bench","tool_input":{"file_path":"%s/%s","content":""},"tool_response":{"type":"create","filePath":"%s/%s"}}' "$WORK" "$WORK" "$1" "$WORK" "$1"
}
mkdir -p src
cat > src/clean.ts <<'TS'
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';

const logger = new Logger();
const db = new DynamoDBClient({});
const TABLE = process.env.TABLE_NAME ?? 'orders';

export const handler = async (event: { id: string }) => {
  try {
    await db.send(new PutItemCommand({
      TableName: TABLE,
      Item: { pk: { S: event.id } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }), { abortSignal: AbortSignal.timeout(3000) });
  } catch (error) {
    logger.error('put failed', { error });
    throw error;
  }
};
TS
cat > src/faulty.ts <<'TS'
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

export const handler = async (event: { id: string }) => {
  const db = new DynamoDBClient({});
  try {
    await db.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: { pk: { S: event.id } } }));
  } catch (e) {}
};
TS
# Pad the faulty handler to a typical 300-line module: helpers that format and validate orders.
for i in $(seq 1 58); do
  printf '\nexport function formatOrder%d(order: { id: string; total: number }): string {\n  const total = order.total.toFixed(2);\n  return `${order.id}:%d:${total}`;\n}\n' "$i" "$i" >> src/faulty.ts
done
write_event src/clean.ts > edit-clean.json
write_event src/faulty.ts > edit-faulty.json

# Sanity: benign -> no output; deny -> a deny answer (and a ledger row).
[ -z "$("$BIN" hook < benign.json)" ] || { echo "benign event got an answer" >&2; exit 1; }
"$BIN" hook < edit-faulty.json | grep -q '"decision":"block"' || { echo "faulty handler was not sent back" >&2; exit 1; }
"$BIN" hook < deny.json | grep -q '"permissionDecision":"deny"' || { echo "deny event was not denied" >&2; exit 1; }

if ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y -qq hyperfine >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq hyperfine >/dev/null 2>&1; }) || true
fi

# Prints "name median_ms p99_ms" for a command run with an event on stdin.
summarize() { # name, json file
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
times = sorted(t * 1000 for t in json.load(open(sys.argv[2]))["results"][0]["times"])
p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
print(f"{sys.argv[1]} {statistics.median(times):.3f} {p99:.3f}")
PY
}
loop() { # name, stdin file, command... — the fallback without hyperfine
  python3 - "$RUNS" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, name, stdin_file, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
samples = []
for i in range(runs + 10):
    with open(stdin_file, "rb") as f:
        t = time.perf_counter()
        subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = (time.perf_counter() - t) * 1000
    if i >= 10:
        samples.append(d)
samples.sort()
print(f"{name} {statistics.median(samples):.3f} {samples[min(len(samples) - 1, int(len(samples) * 0.99))]:.3f}")
PY
}

if command -v hyperfine >/dev/null 2>&1 && hyperfine --help | grep -q -- '--input'; then
  TOOL="hyperfine -N (event on stdin via --input)"
  {
    hyperfine -N --warmup 20 --runs "$RUNS" --input benign.json --export-json bare.json /bin/true >/dev/null 2>&1
    summarize bare bare.json
    hyperfine -N --warmup 20 --runs "$RUNS" --input benign.json --export-json benign-r.json "$BIN hook" >/dev/null 2>&1
    summarize benign benign-r.json
    hyperfine -N --warmup 20 --runs "$RUNS" --input deny.json --export-json deny-r.json "$BIN hook" >/dev/null 2>&1
    summarize deny deny-r.json
    hyperfine -N --warmup 20 --runs "$RUNS" --input edit-clean.json --export-json clean-r.json "$BIN hook" >/dev/null 2>&1
    summarize edit-1 clean-r.json
    hyperfine -N --warmup 20 --runs "$RUNS" --input edit-faulty.json --export-json faulty-r.json "$BIN hook" >/dev/null 2>&1
    summarize edit-3 faulty-r.json
  } > figures.txt
else
  TOOL="python loop, $RUNS fresh processes per case (hyperfine without --input cannot feed stdin without a shell; the harness overhead is in every case, bare included)"
  { loop bare benign.json /bin/true; loop benign benign.json "$BIN" hook; loop deny deny.json "$BIN" hook;
    loop edit-1 edit-clean.json "$BIN" hook; loop edit-3 edit-faulty.json "$BIN" hook; } > figures.txt
fi
echo "measured with: $TOOL"

awk -v runs="$RUNS" '
  { median[$1] = $2; p99[$1] = $3 }
  END {
    printf "stackwarden hook latency, %d runs each (ledger on, whole process, stdin event)\n", runs
    printf "%-8s %10s %10s %12s\n", "case", "median ms", "p99 ms", "x bare spawn"
    n = split("bare benign deny edit-1 edit-3", names, " ")
    for (i = 1; i <= n; i++) { c = names[i]; printf "%-8s %10.3f %10.3f %12.1f\n", c, median[c], p99[c], median[c] / median["bare"] }
  }' figures.txt
echo "ledger rows written during the run: $(python3 -c "import sqlite3;print(sqlite3.connect('.stackwarden/state.db').execute('select count(*) from decisions').fetchone()[0])" 2>/dev/null || echo '?')"
