"""Compares unknown-action findings of stackwarden, cfn-lint (W3037) and Parliament on a corpus.

Each tool's answer is reduced to a set of (file, action) pairs; the script prints how many each
reports, then every pair a peer reports that stackwarden does not (must be explained: stale peer
data, or a bug of ours) and every pair only stackwarden reports. Called by bench/iam-peers.sh."""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

SUFFIXES = {".yaml", ".yml", ".json", ".template"}
POLICY_KEYS = {"PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"}


def templates(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def ours(binary: str, files: list[Path]) -> set[tuple[str, str]]:
    found = set()
    for chunk in range(0, len(files), 200):
        out = subprocess.run(
            [binary, "check", "--format", "json", "--select", "iam/unknown-action,iam/unknown-service", *map(str, files[chunk:chunk + 200])],
            capture_output=True, text=True, env={"STACKWARDEN_TODAY": "2026-11-25", "PATH": "/usr/bin:/bin"},
        )
        for f in json.loads(out.stdout or "{}").get("findings", []):
            m = re.match(r"`([^`]*)`", f["message"])
            # unknown-action names the action, unknown-service the prefix (matched by prefix below).
            found.add((f["path"], (m.group(1) if m else f["message"]).lower()))
    return found


def cfn_lint(binary: str, files: list[Path]) -> set[tuple[str, str]]:
    found = set()
    for chunk in range(0, len(files), 100):
        out = subprocess.run([binary, "--format", "json", *map(str, files[chunk:chunk + 100])], capture_output=True, text=True)
        try:
            matches = json.loads(out.stdout or "[]")
        except json.JSONDecodeError:
            continue
        for m in matches:
            if m.get("Rule", {}).get("Id") != "W3037":
                continue
            text = m.get("Message", "")
            action = re.search(r"'([^']+)'", text)
            found.add((m.get("Filename", ""), (action.group(1) if action else text).lower()))
    return found


def cfn_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {"Fn::" + suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {"Fn::" + suffix: loader.construct_sequence(node, deep=True)}
        return {"Fn::" + suffix: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tagged)
    return Loader


def policies(document):
    """Every policy document in a template, with intrinsic entries replaced by placeholders."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key in POLICY_KEYS and isinstance(value, dict) and "Statement" in value:
                yield value
            else:
                yield from policies(value)
    elif isinstance(document, list):
        for item in document:
            yield from policies(item)


def literal(value):
    if isinstance(value, dict):
        return "arn:aws:s3:::placeholder" if len(value) == 1 else {k: literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [literal(v) for v in value]
    return value


def parliament(files: list[Path]) -> set[tuple[str, str]]:
    import yaml
    from parliament import analyze_policy_string

    loader = cfn_loader()
    found = set()
    for path in files:
        try:
            text = path.read_text(errors="replace")
            document = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=loader)
        except Exception:
            continue
        for policy in policies(document):
            statements = policy.get("Statement")
            statements = statements if isinstance(statements, list) else [statements]
            clean = {"Version": "2012-10-17", "Statement": []}
            for s in statements:
                if not isinstance(s, dict):
                    continue
                s = {k: literal(v) for k, v in s.items() if k in ("Effect", "Action", "NotAction", "Resource", "NotResource")}
                actions = s.get("Action", s.get("NotAction"))
                if isinstance(actions, str) or (isinstance(actions, list) and all(isinstance(a, str) for a in actions)):
                    s.setdefault("Resource", "*")
                    clean["Statement"].append(s)
            if not clean["Statement"]:
                continue
            try:
                result = analyze_policy_string(json.dumps(clean))
            except Exception:
                continue
            for finding in result.findings:
                if finding.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
                    detail = finding.detail if isinstance(finding.detail, str) else json.dumps(finding.detail)
                    if finding.issue == "UNKNOWN_PREFIX" and isinstance(finding.detail, dict):
                        detail = str(finding.detail.get("prefix", detail))
                    m = re.search(r"Unknown (?:prefix|action) (\S+)", detail)
                    found.add((str(path), (m.group(1) if m else detail).lower()))
    return found


def covered(pair, by_us):
    """A peer's (file, action) is matched by ours when we flag the action or its service prefix.
    cfn-lint names the action without its prefix (`HeadBucket`), so that matches by name."""
    path, action = pair
    prefix = action.split(":")[0]
    if ":" not in action:
        return any(p == path and (a == action or a.split(":")[-1] == action) for p, a in by_us)
    return (path, action) in by_us or (path, prefix) in by_us


def report(name, peer, by_us):
    missed = sorted(p for p in peer if not covered(p, by_us))
    print(f"\n{name}: {len(peer)} unknown actions reported; stackwarden agrees on {len(peer) - len(missed)}")
    for path, action in missed:
        print(f"  only {name}: {path}: {action}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--stackwarden", required=True)
    parser.add_argument("--cfn-lint", required=True)
    args = parser.parse_args()
    files = templates(Path(args.corpus))
    print(f"{len(files)} files under {args.corpus}")
    by_us = ours(args.stackwarden, files)
    print(f"stackwarden: {len(by_us)} unknown actions/services")
    lint = cfn_lint(args.cfn_lint, files)
    report("cfn-lint W3037", lint, by_us)
    parl = parliament(files)
    report("Parliament", parl, by_us)
    peers = {a for _, a in lint} | {a for _, a in parl}
    names = {a.split(":")[-1] for a in peers}
    only_us = sorted((p, a) for p, a in by_us if a not in peers and a.split(":")[-1] not in names)
    print(f"\nonly stackwarden: {len(only_us)}")
    for path, action in only_us:
        print(f"  {path}: {action}")


if __name__ == "__main__":
    sys.exit(main())
