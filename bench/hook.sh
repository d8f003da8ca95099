#!/usr/bin/env bash
# Whole-process latency of `stackwarden hook` with the ledger on: PreToolUse/Bash for a benign and
# a deny command, and PostToolUse/Write edit feedback on a 19-line Lambda handler with one finding (edit-1) and a
# 300-line module with three (edit-3); then the deny again once the ledger holds AGED_DECISIONS
# more decisions (deny-aged), and deploy judgements in a 20,000-file git repository with and
# without a recorded diff that covers them (deploy-covered, deploy-uncovered)
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
# An AWS CLI write: the one kind of command that inflates the generated operation table.
event '"aws sqs send-message --queue-url https://sqs.eu-west-2.amazonaws.com/123456789013/orders --message-body x"' > aws-write.json
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
  measure() { # name, stdin file, command...
    local name=$1 input=$2; shift 2
    hyperfine -N --warmup 20 --runs "$RUNS" --input "$input" --export-json "$name-r.json" "$*" >/dev/null 2>&1
    summarize "$name" "$name-r.json"
  }
else
  TOOL="python loop, $RUNS fresh processes per case (hyperfine without --input cannot feed stdin without a shell; the harness overhead is in every case, bare included)"
  measure() { loop "$@"; }
fi
{ measure bare benign.json /bin/true; measure benign benign.json "$BIN" hook; measure deny deny.json "$BIN" hook;
  measure aws-write aws-write.json "$BIN" hook; measure edit-1 edit-clean.json "$BIN" hook; measure edit-3 edit-faulty.json "$BIN" hook; } > figures.txt
echo "measured with: $TOOL"

# The ledger as it ages: AGED_DECISIONS (default 10,000) more denies written through the hook
# itself, so its WAL and checkpoints behave as in a long session; then the deny is timed again.
AGED=${AGED_DECISIONS:-10000}
python3 - "$BIN" deny.json "$AGED" <<'PY'
import subprocess, sys
binary, event, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(event, "rb").read()
for _ in range(count):
    subprocess.run([binary, "hook"], input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
PY
measure deny-aged deny.json "$BIN" hook >> figures.txt

# Deploy judgements in a 20,000-file git repository: one no recorded diff can cover (the ledger
# is looked up, nothing is walked) and one a recorded diff covers (the sources are fingerprinted).
BIG="$WORK/big"
mkdir -p "$BIG" && (cd "$BIG" && git init -q . && cp ../stackwarden.toml . && echo '{"app":"npx ts-node bin/app.ts"}' > cdk.json)
python3 - "$BIG" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(200):
    os.makedirs(f"{root}/src/m{d}", exist_ok=True)
    for f in range(100):
        with open(f"{root}/src/m{d}/f{f}.ts", "w") as out:
            out.write(f"export const x{f} = {f};\n")
PY
(cd "$BIG" && git add -A && git -c user.email=b@example.com -c user.name=bench commit -qm files)
bash_event() { # event name, command
  printf '{"session_id":"bench","cwd":"%s","hook_event_name":"%s","tool_name":"Bash","tool_use_id":"toolu_bench","tool_input":{"command":"%s"},"tool_response":{"stdout":"","stderr":"","interrupted":false}}' "$BIG" "$1" "$2"
}
bash_event PostToolUse "npx cdk diff dev-orders --profile dev" > big-diff.json
bash_event PreToolUse "npx cdk deploy dev-orders --profile dev --require-approval broadening" > big-covered.json
bash_event PreToolUse "npx cdk deploy dev-reports --profile dev --require-approval broadening" > big-uncovered.json
"$BIN" hook < big-diff.json
[ -z "$("$BIN" hook < big-covered.json)" ] || { echo "the covered deploy was not let through" >&2; exit 1; }
"$BIN" hook < big-uncovered.json | grep -q deploy-without-diff || { echo "the uncovered deploy was not denied" >&2; exit 1; }
measure deploy-uncovered big-uncovered.json "$BIN" hook >> figures.txt
measure deploy-covered big-covered.json "$BIN" hook >> figures.txt

awk -v runs="$RUNS" '
  { median[$1] = $2; p99[$1] = $3 }
  END {
    printf "stackwarden hook latency, %d runs each (ledger on, whole process, stdin event)\n", runs
    printf "%-16s %10s %10s %12s\n", "case", "median ms", "p99 ms", "x bare spawn"
    n = split("bare benign deny aws-write edit-1 edit-3 deny-aged deploy-uncovered deploy-covered", names, " ")
    for (i = 1; i <= n; i++) { c = names[i]; printf "%-16s %10.3f %10.3f %12.1f\n", c, median[c], p99[c], median[c] / median["bare"] }
  }' figures.txt
echo "ledger rows written during the run: $(python3 -c "import sqlite3;print(sqlite3.connect('.stackwarden/state.db').execute('select count(*) from decisions').fetchone()[0])" 2>/dev/null || echo '?'), WAL $(stat -c %s .stackwarden/state.db-wal 2>/dev/null || echo 0) bytes"
