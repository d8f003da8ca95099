#!/usr/bin/env bash
# Per-call cost of each way of running stackwarden, from the artefacts of scripts/package.sh:
# the native binary, the npm package's Node shim, `npx stackwarden`, the wheel's binary in a
# venv and `uvx --from WHEEL stackwarden` (uv from PyPI into a temporary venv). Each is timed on
# `stackwarden --version` and on a benign PreToolUse hook event, whole process, after one warm-up
# call; median and p90 of RUNS calls (default 30), against `/bin/true` spawned the same way.
#   bash bench/entry-points.sh OUT_DIR
set -euo pipefail
out=$(cd "${1:?usage: bench/entry-points.sh OUT_DIR}" && pwd)
runs=${RUNS:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -e 'import("'"$root"'/scripts/npm-packages.mjs").then(m => console.log(m.workspaceVersion()))')
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
echo '{"name":"bench","version":"1.0.0","private":true}' > package.json
npm install --offline --no-audit --no-fund --loglevel=error --save-dev \
  "$(ls "$out"/stackwarden-cli-*-"$version".tgz | head -n 1)" "$out/stackwarden-$version.tgz" >/dev/null
python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check --no-index "$out"/stackwarden-"$version"-*.whl
venv/bin/pip install --quiet --disable-pip-version-check uv
native=$(ls "$scratch"/node_modules/@stackwarden/cli-*/bin/stackwarden)
wheel=$(ls "$out"/stackwarden-"$version"-*.whl)
event='{"session_id":"s","transcript_path":"/tmp/t.jsonl","cwd":"'"$scratch"'","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls -la"},"tool_use_id":"toolu_1"}'
python3 - "$runs" "$event" "$native" "$scratch" "$wheel" <<'PY'
import os, statistics, subprocess, sys, time
runs, event, native, scratch, wheel = int(sys.argv[1]), sys.argv[2].encode(), *sys.argv[3:]
env = dict(os.environ, AWS_CONFIG_FILE=os.path.join(scratch, "none"), STACKWARDEN_TODAY="2026-11-25")
env.pop("CLAUDECODE", None)
uv = os.path.join(scratch, "venv/bin/uvx")
entries = [
    ("/bin/true (bare spawn)", ["/bin/true"]),
    ("native binary", [native]),
    ("wheel (venv/bin/stackwarden)", [os.path.join(scratch, "venv/bin/stackwarden")]),
    ("node shim (node_modules/.bin/stackwarden)", [os.path.join(scratch, "node_modules/.bin/stackwarden")]),
    ("npx stackwarden", ["npx", "--offline", "stackwarden"]),
    ("uvx --from WHEEL stackwarden", [uv, "--offline", "--from", wheel, "stackwarden"]),
]
def timed(cmd, stdin):
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=scratch, env=env, check=False)
    return (time.perf_counter() - start) * 1000
print(f"| entry point | `--version` median ms | p90 | benign hook event median ms | p90 |")
print("|---|---|---|---|---|")
for name, cmd in entries:
    cells = []
    for args, stdin in ([["--version"], None], [["hook"], event]):
        full = cmd if name.startswith("/bin/true") else cmd + args
        timed(full, stdin)  # warm-up (uvx builds its environment on the first call)
        samples = sorted(timed(full, stdin) for _ in range(runs))
        cells += [f"{statistics.median(samples):.1f}", f"{samples[int(len(samples) * 0.9) - 1]:.1f}"]
    print(f"| {name} | " + " | ".join(cells) + " |")
print(f"\n{runs} calls each, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {open('/proc/loadavg').read().split()[0]}")
PY
