#!/usr/bin/env bash
# Replays fuzzer inputs through the release binary's envelope, as Claude Code would send them
# (PreToolUse/Bash hook JSON on stdin), and reports what each run ended in, the worst wall and
# CPU time and the worst peak RSS. Linux's wait4 reports the largest resident size of the hook
# process and of the worker it waited for, so the parent and child together stay under twice
# that figure; the worker's own limit (224 MB of address space) bounds it by construction.
# Any outcome other than "no decision", a deny/ask answer or a block by a named limit is
# listed: that is a bug to turn into a test.
#
#   bash bench/envelope-replay.sh [DIR...]   (default: fuzz/corpus/guard_command fuzz/artifacts/guard_command)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/stackwarden}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release -p stackwarden)" >&2; exit 2; }
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(fuzz/corpus/guard_command fuzz/artifacts/guard_command)
python3 - "$BIN" "${dirs[@]}" <<'PY'
import collections, json, os, subprocess, sys, tempfile, time

binary, dirs = sys.argv[1], sys.argv[2:]
project = tempfile.mkdtemp()
with open(os.path.join(project, "stackwarden.toml"), "w") as f:
    f.write('[accounts]\ndev = "111111111111"\nprod = "222222222222"\n')
files = [os.path.join(d, n) for d in dirs if os.path.isdir(d) for n in sorted(os.listdir(d))]
outcomes = collections.Counter()
odd = []
worst = {"wall s": (0.0, ""), "cpu s": (0.0, ""), "peak rss MB": (0.0, "")}
scratch = tempfile.mkdtemp()
event_path, out_path, err_path = (os.path.join(scratch, n) for n in ("event", "out", "err"))
for path in files:
    data = open(path, "rb").read()
    try:
        command = data.decode("utf-8")
    except UnicodeDecodeError:
        outcomes["not UTF-8 (skipped)"] += 1
        continue
    with open(event_path, "w") as f:
        json.dump({"session_id": "replay", "transcript_path": "/tmp/t.jsonl", "cwd": project,
                   "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
                   "tool_use_id": "toolu_replay", "tool_input": {"command": command}}, f)
    with open(event_path, "rb") as stdin, open(out_path, "wb") as stdout, open(err_path, "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "hook"], stdin=stdin, stdout=stdout, stderr=stderr)
        # wait4 gives this hook's own usage plus the worker's it waited for (CPU summed, RSS the
        # larger of the two).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    out = open(out_path, "rb").read()
    err = open(err_path, "rb").read().decode("utf-8", "replace")
    if code == 0 and not out.strip():
        kind = "no decision"
    elif code == 0:
        kind = json.loads(out)["hookSpecificOutput"]["permissionDecision"]
    elif code == 2 and "ran out of" in err:
        kind = "blocked: ran out of " + err.split("ran out of ", 1)[1].split(" (", 1)[0]
    elif code == 2 and "did not finish" in err:
        kind = "blocked: wall clock"
    else:
        kind = f"other (exit {code})"
        odd.append((path, code, err.strip()[-300:]))
    outcomes[kind] += 1
    for key, value in (("wall s", wall), ("cpu s", usage.ru_utime + usage.ru_stime),
                       ("peak rss MB", usage.ru_maxrss / 1024)):
        worst[key] = max(worst[key], (value, path))
print(f"{sum(outcomes.values())} inputs from {', '.join(dirs)} through {binary} hook")
for kind, count in outcomes.most_common():
    print(f"  {count:7}  {kind}")
for key, (value, path) in worst.items():
    print(f"  worst {key}: {value:.3f} ({path})")
for path, code, err in odd:
    print(f"UNEXPECTED exit {code}: {path}: {err}")
sys.exit(1 if odd else 0)
PY
