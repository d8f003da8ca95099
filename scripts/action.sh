#!/usr/bin/env bash
# The steps of action.yml, as a script so CI can run them outside GitHub (scripts/test-packages.sh).
#   install: npm-installs $STACKWARDEN_PACKAGES (e.g. `stackwarden@0.1.0`, or local tarballs)
#            into $STACKWARDEN_PREFIX
#   check:   stackwarden check --format sarif on $STACKWARDEN_PATHS into $STACKWARDEN_SARIF;
#            writes exit-code and sarif-file to $GITHUB_OUTPUT
#   annotate: reruns the check as workflow annotations and exits with $EXIT_CODE
set -euo pipefail
: "${STACKWARDEN_PREFIX:?}"
# The native binary of the installed platform package (one call through the Node shim would do
# in CI, but the binary is right there and needs no Node start).
binary() {
  local found
  found=$(ls "$STACKWARDEN_PREFIX"/node_modules/@stackwarden/cli-*/bin/stackwarden* 2>/dev/null | head -n 1 || true)
  if [[ -z "$found" ]]; then
    echo "stackwarden: no platform package was installed in $STACKWARDEN_PREFIX (this runner's OS/CPU may have none); see the install step's output" >&2
    exit 2
  fi
  echo "$found"
}
case "${1:-}" in
  install)
    : "${STACKWARDEN_PACKAGES:?}"
    mkdir -p "$STACKWARDEN_PREFIX"
    # shellcheck disable=SC2086 # a list of package specs
    npm install --no-audit --no-fund --no-save --loglevel=error --prefix "$STACKWARDEN_PREFIX" $STACKWARDEN_PACKAGES
    "$(binary)" --version
    ;;
  check)
    sarif=${STACKWARDEN_SARIF:-stackwarden.sarif}
    code=0
    # shellcheck disable=SC2086 # space-separated paths
    "$(binary)" check --format sarif --output "$sarif" ${STACKWARDEN_PATHS:-.} || code=$?
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
      echo "exit-code=$code" >> "$GITHUB_OUTPUT"
      [[ -f "$sarif" ]] && echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
    fi
    echo "stackwarden check exited $code; SARIF in $sarif"
    ;;
  annotate)
    # shellcheck disable=SC2086
    "$(binary)" check --format github ${STACKWARDEN_PATHS:-.} || true
    exit "${EXIT_CODE:-1}"
    ;;
  *)
    echo "usage: scripts/action.sh install|check|annotate" >&2
    exit 2
    ;;
esac
