#!/usr/bin/env bash
# Installs every artefact scripts/package.sh left in OUT_DIR from that folder alone (npm
# --offline, pip --no-index) into scratch projects and runs it on examples/orders-app:
#   - npm: `npx stackwarden check` exits 1 with the example's cfn/prod-retain finding;
#     `npx stackwarden init` writes hooks that exec the native binary and `doctor` accepts them;
#     the shim's STACKWARDEN_BINARY override and its error without the platform package
#   - the CDK plugin: synth of a real aws-cdk-lib app fails on an error finding, passes on the
#     compliant stack, agrees with acknowledgements (aws-cdk-lib and constructs come from npm)
#   - the wheel: `stackwarden check` from a venv
#   - the Claude Code plugin: `claude plugin validate --strict` (from @anthropic-ai/claude-code)
#     and its hook commands fed real hook JSON, packaged and from the repository's launcher
#   - the Action's steps (scripts/action.sh) with the local tarballs
#   scripts/test-packages.sh OUT_DIR
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: scripts/test-packages.sh OUT_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "$1" && pwd)
version=$(node -e 'import("'"$root"'/scripts/npm-packages.mjs").then(m => console.log(m.workspaceVersion()))')
cdk_version=2.276.0
constructs_version=10.8.1
claude_code_version=2.1.332
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export STACKWARDEN_TODAY=2026-11-25
unset CLAUDECODE STACKWARDEN_BINARY
main_tgz="$out/stackwarden-$version.tgz"
platform_tgz=$(ls "$out"/stackwarden-cli-*-"$version".tgz | head -n 1)
cdk_tgz="$out/stackwarden-cdk-$version.tgz"

pass() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
# expect CODE NEEDLE -- COMMAND...: runs COMMAND, checks its exit code and that its output has NEEDLE.
expect() {
  local want=$1 needle=$2 code=0
  shift 3
  "$@" > "$scratch/out.txt" 2>&1 || code=$?
  [[ $code == "$want" ]] || { cat "$scratch/out.txt" >&2; fail "$* exited $code, expected $want"; }
  grep -qF -- "$needle" "$scratch/out.txt" || { cat "$scratch/out.txt" >&2; fail "$*: no \`$needle\` in its output"; }
  pass "$* (exit $code, \`$needle\`)"
}

# A copy of the example app, as a user's project (its committed cdk.out, no node_modules).
project="$scratch/orders-app"
mkdir -p "$project"
(cd "$root/examples/orders-app" && tar --exclude=node_modules -cf - .) | tar -xf - -C "$project"
rm -rf "$project/.claude" "$project/CLAUDE.md"

echo "== npm: install the tarballs offline"
(cd "$project" && npm install --offline --no-audit --no-fund --loglevel=error --save-dev "$platform_tgz" "$main_tgz")
expect 1 "cfn/prod-retain" -- bash -c "cd '$project' && npx --offline stackwarden check ."
expect 0 "stackwarden $version" -- bash -c "cd '$project' && npx --offline stackwarden --version"
expect 1 "cfn/prod-retain" -- bash -c "cd '$project' && STACKWARDEN_BINARY='$(ls "$project"/node_modules/@stackwarden/cli-*/bin/stackwarden)' node node_modules/stackwarden/bin/stackwarden.js check --format agent ."
expect 2 "STACKWARDEN_BINARY" -- bash -c "cd '$project' && STACKWARDEN_BINARY='$scratch/none' node node_modules/stackwarden/bin/stackwarden.js --version"
# Without the platform package the shim names the one it wanted.
mkdir -p "$scratch/no-platform/node_modules"
cp -R "$project/node_modules/stackwarden" "$scratch/no-platform/node_modules/"
expect 2 "npm did not install the optional dependency @stackwarden/cli-" -- node "$scratch/no-platform/node_modules/stackwarden/bin/stackwarden.js" --version

echo "== npm: init writes hooks that exec the native binary; doctor checks them"
expect 0 "not the Node shim" -- bash -c "cd '$project' && AWS_CONFIG_FILE='$scratch/no-aws-config' npx --offline stackwarden init"
grep -qF '"command": "\"$CLAUDE_PROJECT_DIR\"/node_modules/@stackwarden/cli-*/bin/stackwarden hook"' "$project/.claude/settings.json" \
  || { cat "$project/.claude/settings.json" >&2; fail "settings.json hooks do not exec the platform binary"; }
pass "settings.json hooks exec node_modules/@stackwarden/cli-*/bin/stackwarden"
if grep -q -- '--profile dev' "$project/CLAUDE.md"; then fail "CLAUDE.md names --profile dev with no such profile"; fi
pass "CLAUDE.md names no profile this machine does not have"
expect 0 "Every stackwarden hook resolves to stackwarden $version" -- bash -c "cd '$project' && npx --offline stackwarden doctor"
# The same hook command, run through bash the way Claude Code runs it, judges a command.
hook_command=$(node -e 'const s=require(process.argv[1]); console.log(s.hooks.PreToolUse[0].hooks[0].command)' "$project/.claude/settings.json")
event='{"session_id":"s","transcript_path":"/tmp/t.jsonl","cwd":"'"$project"'","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"npx cdk destroy --all --force"},"tool_use_id":"toolu_1"}'
expect 0 '"permissionDecision":"deny"' -- bash -c "cd '$project' && echo '$event' | CLAUDE_PROJECT_DIR='$project' AWS_CONFIG_FILE=/nonexistent bash -c '$hook_command'"

echo "== @stackwarden/cdk: synth with the validation plugin"
cdk_project="$scratch/cdk-app"
mkdir -p "$cdk_project"
echo '{"name":"cdk-app","version":"1.0.0","private":true}' > "$cdk_project/package.json"
(cd "$cdk_project" && npm install --prefer-offline --no-audit --no-fund --loglevel=error --save-dev \
  "$platform_tgz" "$main_tgz" "$cdk_tgz" "aws-cdk-lib@$cdk_version" "constructs@$constructs_version")
cp "$root/npm/cdk/test/e2e.test.mjs" "$cdk_project/"
(cd "$cdk_project" && node --test e2e.test.mjs)
pass "CDK plugin end to end"

echo "== wheel: pip install --no-index"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$out"/stackwarden-"$version"-*.whl
expect 0 "stackwarden $version" -- "$scratch/venv/bin/stackwarden" --version
expect 1 "cfn/prod-retain" -- bash -c "cd '$project' && '$scratch/venv/bin/stackwarden' check ."

echo "== Claude Code plugin"
tools="$out/.tools/claude-code"
if [[ ! -x "$tools/node_modules/.bin/claude" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --no-save "@anthropic-ai/claude-code@$claude_code_version")
fi
expect 0 "Validation passed" -- "$tools/node_modules/.bin/claude" plugin validate --strict "$out/claude-plugin"
expect 0 "Validation passed" -- "$tools/node_modules/.bin/claude" plugin validate "$out"
expect 0 "Validation passed" -- "$tools/node_modules/.bin/claude" plugin validate --strict "$root/plugin"
expect 0 "Validation passed" -- "$tools/node_modules/.bin/claude" plugin validate "$root"
# The packaged plugin (its own binary) and the repository's (the launcher finding the project's
# npm binary), each fed real hook JSON; both copies of the project get fresh ledgers.
for plugin in "$out/claude-plugin" "$root/plugin"; do
  hook_project="$scratch/hook-project-$(basename "$plugin")"
  rm -rf "$hook_project"
  cp -R "$project" "$hook_project"
  (PLUGIN_DIR="$plugin" PROJECT_DIR="$hook_project" node --test "$root/scripts/plugin-hooks.test.mjs")
  pass "plugin hooks of $plugin"
done
# The launcher with no binary anywhere blocks with the fix.
empty="$scratch/empty"
mkdir -p "$empty"
expect 2 "npm i -D stackwarden" -- env -u STACKWARDEN_BINARY PATH=/usr/bin:/bin CLAUDE_PROJECT_DIR="$empty" "$root/plugin/bin/stackwarden" hook

echo "== GitHub Action steps (scripts/action.sh)"
action_prefix="$scratch/action"
expect 0 "stackwarden $version" -- env STACKWARDEN_PREFIX="$action_prefix" STACKWARDEN_PACKAGES="$platform_tgz $main_tgz" npm_config_offline=true bash "$root/scripts/action.sh" install
: > "$scratch/github-output"
expect 0 "exited 1" -- bash -c "cd '$project' && STACKWARDEN_PREFIX='$action_prefix' STACKWARDEN_PATHS=. STACKWARDEN_SARIF=out.sarif GITHUB_OUTPUT='$scratch/github-output' bash '$root/scripts/action.sh' check"
grep -qx "exit-code=1" "$scratch/github-output" || fail "action check did not record exit-code=1"
grep -q '"ruleId": *"cfn/prod-retain"' "$project/out.sarif" || fail "no cfn/prod-retain in the SARIF"
pass "action check: SARIF with cfn/prod-retain, exit-code=1"
expect 1 "::error" -- bash -c "cd '$project' && STACKWARDEN_PREFIX='$action_prefix' STACKWARDEN_PATHS=. EXIT_CODE=1 bash '$root/scripts/action.sh' annotate"

echo "All packages installed from $out and checked."
