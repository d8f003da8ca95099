#!/usr/bin/env bash
# Accuracy of iam/unknown-action + iam/unknown-service against peers on ../shared/corpus:
# cfn-lint's W3037 and Parliament's UNKNOWN_ACTION/UNKNOWN_PREFIX. Not a test: it installs the
# peers from PyPI into a throwaway virtualenv and prints the figures and every disagreement.
#
# Usage: bench/iam-peers.sh [CORPUS_DIR]   (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
[ -d "$corpus" ] || { echo "no corpus at $corpus; skipping"; exit 0; }
venv="${IAM_PEERS_VENV:-/tmp/stackwarden-iam-peers}"
if [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/parliament" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet cfn-lint parliament pyyaml
fi
cargo build --quiet --release -p stackwarden
"$venv/bin/python" bench/iam_peers.py --corpus "$corpus" --stackwarden target/release/stackwarden --cfn-lint "$venv/bin/cfn-lint"
