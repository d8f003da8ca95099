#!/usr/bin/env bash
# Precision of the guard on real shell that nobody here wrote (a measurement, not a test): the
# `scripts` of every package.json in a scratch install of popular npm packages (pinned below,
# from the npm registry), and the *.sh files already on this machine (system and toolchain
# scripts). Each goes through `stackwarden guard --format json`; the script prints the count
# per decision and every deny/ask with its reason, for a person to judge. None of these is
# meant to deploy or delete anything, so each deny/ask is a false positive unless the reason
# says why the guard could not see the command (then it is the fail-closed cost).
#
#   bash bench/guard-sweep.sh [path/to/stackwarden]   (default: target/release/stackwarden)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/stackwarden}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release -p stackwarden)" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm init -y >/dev/null && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
  typescript@5 jest@29 eslint@9 prettier@3 esbuild@0.25 vite@6 webpack@5 webpack-cli@6 rollup@4 \
  @aws-sdk/client-s3@3 @aws-lambda-powertools/logger@2 serverless@4 aws-cdk@2 nx@20 turbo@2 lerna@8 \
  husky@9 lint-staged@15 nodemon@3 ts-node@10 mocha@10 chai@5 sinon@19 @babel/core@7 \
  @babel/preset-env@7 react@19 next@15 express@5 >/dev/null)
python3 - "$BIN" "$WORK" <<'PY'
import collections, glob, json, os, subprocess, sys
binary, work = sys.argv[1], sys.argv[2]
MAX_SHELL_FILES = 500
scripts = set()
for path in glob.glob(f"{work}/node_modules/**/package.json", recursive=True):
    try:
        table = json.load(open(path)).get("scripts")
    except Exception:
        continue
    if isinstance(table, dict):
        scripts.update(v for v in table.values() if isinstance(v, str) and v.strip())
shell = []
roots = [r for r in ("/usr", "/etc", os.path.expanduser("~/.cargo/registry/src")) if os.path.isdir(r)]
found = subprocess.run(["find", *roots, "-xdev", "-type", "f", "-name", "*.sh", "-size", "-200k"],
                       capture_output=True, text=True).stdout.split()
for path in sorted(found)[:MAX_SHELL_FILES]:
    try:
        shell.append((path, open(path, encoding="utf-8").read()))
    except (OSError, UnicodeDecodeError):
        pass
def sweep(label, items, cwd):
    counts, flagged = collections.Counter(), []
    for name, command in items:
        out = subprocess.run([binary, "guard", "--cwd", cwd, "--format", "json", "--command", command],
                             capture_output=True, text=True)
        try:
            answer = json.loads(out.stdout)
        except json.JSONDecodeError:
            counts["no answer"] += 1
            flagged.append((name, "no answer", out.stderr.strip()[-200:]))
            continue
        counts[answer["decision"]] += 1
        if answer["decision"] != "allow":
            flagged.append((name, answer["decision"], (answer["reason"] or "")[:200]))
    print(f"{label}: {len(items)} — " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    for name, decision, reason in flagged:
        print(f"  {decision}: {name[:100]}\n      {reason}")
sweep("npm scripts", sorted((s, s) for s in scripts), work)
sweep("shell scripts", sorted(shell), "/tmp")
PY
