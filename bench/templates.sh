#!/usr/bin/env bash
# Benchmark (not a test): `stackwarden check` vs cfn-lint, checkov, cloudformation-validate and
# cfn-guard on the same 100 templates of ../shared/corpus/cfn-templates. Every peer is installed
# by this script into a temporary folder at a pinned version:
#   - cfn-lint, checkov, cloudformation-validate: PyPI, into a virtualenv;
#   - cfn-guard: `cargo install cfn-guard` from crates.io into a temporary --root (a few minutes of
#     compiling; set CFN_GUARD_ROOT to a folder to keep it between runs, or CFN_GUARD=bundled to
#     use the prebuilt cfn-guard that the rules package below ships instead);
#   - the Guard rules: AWS's Guard Rules Registry is not published on crates.io, PyPI or npm. The
#     AWS-authored rules that are on a registry are the Control Tower proactive controls shipped in
#     the PyPI/npm package cdklabs.cdk-validator-cfnguard (the CDK cfn-guard validator plugin);
#     we take the ones covering stackwarden's checks (S3 public access block, encryption,
#     versioning, DynamoDB PITR, IAM admin/service-wide wildcards), as files, from the wheel.
# Prints CPU seconds (user+sys of the whole process), wall seconds and peak RSS, medians of
# several runs, the ratios and the targets; then stackwarden on the whole corpus and its start-up.
#
# Usage: bench/templates.sh [RUNS]      (default 5 runs for the fast tools, 3 for the slow ones)
# Skips (exit 0) when ../shared/corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
corpus="${STACKWARDEN_CORPUS:-../shared/corpus}"
[ -d "$corpus/cfn-templates" ] || { echo "no $corpus/cfn-templates: nothing to measure, skipping"; exit 0; }

CFN_LINT_VERSION=1.58.0
CFN_VALIDATE_VERSION=1.14.0
CHECKOV_VERSION=3.3.30
CFN_GUARD_VERSION=3.2.1
CT_RULES_PACKAGE_VERSION=0.0.62   # cdklabs.cdk-validator-cfnguard (Control Tower Guard rules)
# The Control Tower controls that check what stackwarden's template rules check.
CT_RULES=(
  s3/ct-s3-pr-1.guard                                # bucket-level Block Public Access   ~ cfn/s3-public-access
  s3/ct-s3-pr-10.guard                               # default encryption with KMS        ~ cfn/s3-encryption
  s3/ct-s3-pr-11.guard                               # versioning enabled                 ~ cfn/s3-versioning
  dynamodb/ct-dynamodb-pr-1.guard                    # point-in-time recovery             ~ cfn/dynamodb-pitr
  identityandaccessmanagement/ct-iam-pr-1.guard      # inline policy Allow */*            ~ iam/admin-policy
  identityandaccessmanagement/ct-iam-pr-2.guard      # managed policy Allow */*           ~ iam/admin-policy
  identityandaccessmanagement/ct-iam-pr-3.guard      # managed policy service:* / NotAction ~ iam/wildcard-action
  identityandaccessmanagement/ct-iam-pr-5.guard      # inline policy service:* / NotAction  ~ iam/wildcard-action
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-target}"

echo "building stackwarden (release)..." >&2
cargo build --release --quiet -p stackwarden

echo "installing cfn-lint $CFN_LINT_VERSION, checkov $CHECKOV_VERSION, cloudformation-validate $CFN_VALIDATE_VERSION into $work/venv..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
  "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION" "cloudformation-validate==$CFN_VALIDATE_VERSION"

echo "fetching the Control Tower Guard rules (cdklabs.cdk-validator-cfnguard $CT_RULES_PACKAGE_VERSION, no dependencies)..." >&2
"$work/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps -d "$work/wheel" \
  "cdklabs.cdk-validator-cfnguard==$CT_RULES_PACKAGE_VERSION"
(cd "$work/wheel" && python3 -m zipfile -e ./*.whl unpacked >/dev/null &&
  tar -xzf unpacked/cdklabs/cdk_validator_cfnguard/_jsii/*.jsii.tgz)
mkdir -p "$work/guard-rules"
for rule in "${CT_RULES[@]}"; do cp "$work/wheel/package/rules/control-tower/cfn-guard/$rule" "$work/guard-rules/"; done

if [ "${CFN_GUARD:-cargo}" = bundled ]; then
  cfn_guard="$work/wheel/package/bin/ubuntu/$(uname -m)/cfn-guard"
  cfn_guard_from="prebuilt binary shipped in cdklabs.cdk-validator-cfnguard $CT_RULES_PACKAGE_VERSION"
else
  root="${CFN_GUARD_ROOT:-$work/cfn-guard}"
  if [ ! -x "$root/bin/cfn-guard" ] || ! "$root/bin/cfn-guard" --version | grep -q "$CFN_GUARD_VERSION"; then
    echo "cargo install cfn-guard $CFN_GUARD_VERSION into $root (compiles; a few minutes)..." >&2
    CARGO_TARGET_DIR="$work/cfn-guard-target" cargo install --quiet --locked --version "$CFN_GUARD_VERSION" --root "$root" cfn-guard
  fi
  cfn_guard="$root/bin/cfn-guard"
  cfn_guard_from="cargo install --locked cfn-guard $CFN_GUARD_VERSION (release profile of the crate)"
fi

"$work/venv/bin/python" bench/compare.py \
  --stackwarden "$target_dir/release/stackwarden" \
  --venv "$work/venv" \
  --cfn-guard "$cfn_guard" --cfn-guard-from "$cfn_guard_from" --guard-rules "$work/guard-rules" \
  --corpus "$corpus" \
  --runs "$runs" \
  --work "$work"
