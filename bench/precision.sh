#!/usr/bin/env bash
# Precision sweep (not a test): checks a pinned set of real projects nobody at stackwarden wrote with every
# rule enabled, writes per-rule counts, and scores them against the hand-classified verdicts.
#
#   bench/precision.sh            fetch/install what is missing, synthesize the CDK apps, check, report
#   bench/precision.sh --report   only re-score the last run's findings (after editing verdicts.tsv)
#   bench/precision.sh --sample [N [SEED]]   sample up to N findings per rule that have no verdict yet, with the
#                                 code around each, into $PRECISION_WORK/sample.txt (seeded, so reproducible)
#   bench/precision.sh --record FILE   append hand decisions about that sample (INDEX, verdict, reason) to verdicts.tsv
#   bench/precision.sh --markdown rewrite the generated tables of bench/PRECISION.md
#
# Inputs:  bench/precision/projects.tsv (pinned list), bench/precision/verdicts.tsv (hand verdicts).
# Outputs: bench/precision/results.txt (per-rule counts and precision; also printed),
#          $PRECISION_WORK/unclassified.tsv (findings that no verdict matches yet: classify these next).
# Environment: STACKWARDEN (binary, default target/release/stackwarden), STACKWARDEN_MIRRORS (bare git
# mirrors laid out <owner>+<name>/repo, default /work/.mirror; a repository not there is cloned from GitHub
# at the pinned commit), PRECISION_WORK (work folder, kept between runs as a cache, default
# ${TMPDIR:-/tmp}/stackwarden-precision).
# Needs: git, node/npm (npm pack, npm ci, npx cdk synth: the registry only), python3 (stdlib).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bin="${STACKWARDEN:-target/release/stackwarden}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
mirrors="${STACKWARDEN_MIRRORS:-/work/.mirror}"
work="${PRECISION_WORK:-${TMPDIR:-/tmp}/stackwarden-precision}"
projects="$root/bench/precision/projects.tsv"
helper="$root/bench/precision/sweep.py"

verdicts="$root/bench/precision/verdicts.tsv"
case "${1:-}" in
  --report)
    exec python3 "$helper" report --work "$work" --projects "$projects" --verdicts "$verdicts" \
      --results "$root/bench/precision/results.txt" ;;
  --sample) # --sample N SEED: a stratified sample of unclassified findings, up to N per rule, into $work/sample.txt
    exec python3 "$helper" sample --work "$work" --projects "$projects" --verdicts "$verdicts" \
      --per-rule "${2:-10}" --seed "${3:-16}" --out "$work/sample.txt" ;;
  --record) # --record DECISIONS: append `INDEX<TAB>true|false|debatable<TAB>reason` lines about $work/sample.txt
    exec python3 "$helper" record --sample "$work/sample.txt" --decisions "$2" --verdicts "$verdicts" ;;
  --markdown) # rewrite the generated tables of bench/PRECISION.md
    exec python3 "$helper" markdown --work "$work" --projects "$projects" --verdicts "$verdicts" \
      --markdown "$root/bench/PRECISION.md" ;;
  "") ;;
  *) echo "usage: bench/precision.sh [--report | --sample [N [SEED]] | --record FILE | --markdown]" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "no stackwarden binary at $bin (set STACKWARDEN, or cargo build --release)" >&2; exit 2; }
mkdir -p "$work/src" "$work/out" "$work/log"

# A project's folder name: kind, owner+name, subfolder with / as _.
pid() { local s="${4//\//_}"; [ "$s" = "." ] && s=""; echo "$1-${2//\//+}${s:+-$s}"; }

# A repository's subfolder at the pinned commit, extracted once: from the mirror if it has the commit, else
# from a clone. Mirror snapshots lack their largest files (binaries, jars): blobs absent from the object store
# are left out of the archive rather than failing it.
repo_tree() { # name commit subfolder -> path of the extracted tree (the subfolder is inside it)
  local name="$1" commit="$2" sub="$3" dest="$work/trees/${1//\//+}@$2"
  local mark="$dest/.extracted-${sub//\//_}"
  if [ ! -f "$mark" ]; then
    local gitdir="$mirrors/${name//\//+}/repo"
    if ! { [ -d "$gitdir" ] && git --git-dir="$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null; }; then
      gitdir="$work/clones/${name//\//+}.git"
      if [ ! -d "$gitdir" ]; then
        echo "  $name: not in $mirrors, cloning from GitHub" >&2
        git clone --quiet --bare "https://github.com/$name.git" "$gitdir"
      fi
    fi
    local pathspec=("$sub") missing
    [ "$sub" = "." ] && pathspec=(".")
    local listing missing
    listing="$(git -c core.quotePath=false --git-dir="$gitdir" ls-tree -r "$commit" -- "${pathspec[@]}" | awk -F'\t' '{ split($1, m, " "); if (m[2] == "blob") print m[3] "\t" $2 }')"
    missing="$(cut -f1 <<<"$listing" | git --git-dir="$gitdir" cat-file --batch-check 2>/dev/null | awk '$2 == "missing" { print $1 }')" || true
    if [ -n "$missing" ]; then
      while IFS=$'\t' read -r sha path; do pathspec+=(":(exclude,literal)$path"); done \
        < <(awk -F'\t' 'NR == FNR { miss[$1]; next } $1 in miss' <(echo "$missing") <(echo "$listing"))
    fi
    mkdir -p "$dest"
    # git still names each absent blob ("error: invalid object ...") though the pathspec leaves it out.
    git --git-dir="$gitdir" archive "$commit" -- "${pathspec[@]}" 2> >(grep -v '^error: invalid object' >&2) \
      | tar -x -C "$dest"
    touch "$mark"
  fi
  echo "$dest"
}

# Every rule enabled: the config sets each rule to its listed default severity, and a rule that is off by
# default to warn. Findings located in this config file itself (agent/hooks-missing: "the project has
# stackwarden.toml but no hooks") are dropped by the report, since the file is ours, not the project's.
config="$work/all-rules.toml"
{
  echo "# generated by bench/precision.sh from \`stackwarden rules\`: every rule on"
  echo "[rules]"
  "$bin" rules | awk '$1 ~ /\// { sev = ($2 == "off") ? "warn" : $2; printf "\"%s\" = \"%s\"\n", $1, sev }'
} >"$config"

start=$(date +%s)
grep -v '^#' "$projects" | while IFS=$'\t' read -r kind name ver sub why; do
  [ -n "$kind" ] || continue
  id="$(pid "$kind" "$name" "$ver" "$sub")"
  dir="$work/src/$id"
  case "$kind" in
    repo)
      if [ ! -d "$dir" ]; then
        tree="$(repo_tree "$name" "$ver" "$sub")"
        mkdir -p "$dir.part"
        (cd "$tree/$sub" && tar -c .) | tar -x -C "$dir.part"
        mv "$dir.part" "$dir"
      fi
      target="$dir" ;;
    npm)
      if [ ! -d "$dir" ]; then
        rm -rf "$dir.part"; mkdir -p "$dir.part"
        (cd "$dir.part" && npm pack --silent "$name@$ver" </dev/null >/dev/null && tar -xzf ./*.tgz && rm -f ./*.tgz)
        mv "$dir.part/package" "$dir"; rm -rf "$dir.part"
      fi
      target="$dir" ;;
    cdk)
      if [ ! -f "$dir/.synth-ok" ] && [ ! -f "$dir/.synth-failed" ]; then
        tree="$(repo_tree "$name" "$ver" "$sub")"
        rm -rf "$dir"; mkdir -p "$dir"
        (cd "$tree/$sub" && tar -c .) | tar -x -C "$dir"
        echo "  $id: installing and synthesizing (log: $work/log/$id.log)" >&2
        if (cd "$dir" && { if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi; } \
              && npx --no-install cdk synth --quiet) </dev/null >"$work/log/$id.log" 2>&1; then
          # node_modules is ~300 MB an app: keep only the assembly and the aws-cdk-lib version it was made with.
          (cd "$dir" && node -p 'require("./node_modules/aws-cdk-lib/package.json").version') \
            </dev/null >"$dir/.aws-cdk-lib-version" 2>/dev/null || true
          rm -rf "$dir/node_modules"
          touch "$dir/.synth-ok"
        else
          touch "$dir/.synth-failed"; echo "  $id: synth FAILED, see $work/log/$id.log" >&2
        fi
      fi
      if [ -f "$dir/.synth-failed" ]; then rm -f "$work/out/$id.json"; continue; fi
      target="$dir/cdk.out" ;;
    *) echo "projects.tsv: unknown kind $kind" >&2; exit 2 ;;
  esac
  # Exit 1 (findings) and 2 (an unparsable input, reported in "errors") are expected; anything else is not.
  rc=0 t0=$(date +%s%N)
  (cd "$target" && "$bin" check . --format json --config "$config" --output "$work/out/$id.json" </dev/null) || rc=$?
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$work/out/$id.ms"
  [ "$rc" -le 2 ] || { echo "$id: stackwarden exited $rc" >&2; exit 1; }
done
# The extracted trees were only the source of the copies in src/ (which stay, as the cache).
rm -rf "$work/trees"
end=$(date +%s)
echo "checked in $((end - start)) s (fetch, install and synth included on a cold work folder)" >&2
python3 "$helper" report --work "$work" --projects "$projects" \
  --verdicts "$verdicts" --results "$root/bench/precision/results.txt" --binary "$bin"
