#!/usr/bin/env bash
# Builds every distributable into OUT_DIR from this checkout, with nothing published:
#   stackwarden-VERSION.tgz               the npm package (Node shim, no install script)
#   stackwarden-cli-PLATFORM-VERSION.tgz  this machine's platform package (the native binary)
#   npm/                                  every package's folder, the other platforms' manifests too
#   stackwarden-cdk-VERSION.tgz           the CDK validation plugin (@stackwarden/cdk, built with tsc)
#   stackwarden-VERSION-*.whl             the Python wheel (maturin, bindings = "bin")
#   claude-plugin/                        the Claude Code plugin with the native binary in bin/
#   .claude-plugin/marketplace.json       a marketplace listing it (`/plugin marketplace add OUT_DIR`)
#
#   scripts/package.sh OUT_DIR
#
# The binary is built once, with the `dist` profile (fat LTO); maturin reuses it from target/.
# Tools: cargo, node/npm; maturin comes from PyPI into a venv under OUT_DIR/.tools unless it is
# on PATH already. STACKWARDEN_PROFILE=release builds faster (for trying the script out).
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: scripts/package.sh OUT_DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
profile=${STACKWARDEN_PROFILE:-dist}
maturin_version=1.16.0
cd "$root"

step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

# npm's platform key for this machine, as the shim computes it.
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=win32 ;;
  *) echo "package.sh: no npm platform package for $(uname -s)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) cpu=x64 ;;
  aarch64 | arm64) cpu=arm64 ;;
  *) echo "package.sh: no npm platform package for $(uname -m)" >&2; exit 2 ;;
esac
platform="$os-$cpu"
if [[ $os == linux ]] && ldd --version 2>&1 | grep -qi musl; then
  platform="$platform-musl"
fi

step "cargo build --profile $profile"
cargo build --locked --profile "$profile" -p stackwarden --bin stackwarden
profile_dir=$profile
[[ $profile == dev ]] && profile_dir=debug
binary="$root/target/$profile_dir/stackwarden"
[[ $os == win32 ]] && binary="$binary.exe"
"$binary" --version

step "npm packages (stackwarden, @stackwarden/cli-$platform)"
rm -rf "$out/npm"
node scripts/npm-packages.mjs "$out/npm" --binary "$binary" --platform "$platform"
(cd "$out/npm/stackwarden" && npm pack --silent --pack-destination "$out" >/dev/null)
(cd "$out/npm/cli-$platform" && npm pack --silent --pack-destination "$out" >/dev/null)

step "@stackwarden/cdk (tsc)"
(cd npm/cdk && npm ci --no-audit --no-fund --loglevel=error && rm -rf dist && npm run --silent build && npm pack --silent --pack-destination "$out" >/dev/null)

step "wheel (maturin $maturin_version)"
if command -v maturin >/dev/null 2>&1; then
  maturin=maturin
else
  python3 -m venv "$out/.tools/venv"
  "$out/.tools/venv/bin/pip" install --quiet --disable-pip-version-check "maturin==$maturin_version"
  maturin="$out/.tools/venv/bin/maturin"
fi
rm -f "$out"/stackwarden-*.whl
"$maturin" build --profile "$profile" --locked --out "$out"
ls "$out"/stackwarden-*.whl >/dev/null

step "Claude Code plugin"
rm -rf "$out/claude-plugin" "$out/.claude-plugin"
cp -R plugin "$out/claude-plugin"
# The packaged plugin carries the binary itself instead of the repository's launcher.
rm -f "$out/claude-plugin/bin/stackwarden"
cp "$binary" "$out/claude-plugin/bin/"
mkdir -p "$out/.claude-plugin"
sed 's#"source": "./plugin"#"source": "./claude-plugin"#' .claude-plugin/marketplace.json > "$out/.claude-plugin/marketplace.json"

step "done"
ls -l "$out" | sed 1d
