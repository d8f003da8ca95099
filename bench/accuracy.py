"""Accuracy sweep: stackwarden against cfn-lint, checkov and Parliament on the checks they share,
on every template of a corpus. Not a test; called by bench/accuracy.sh, which installs the peers.

Each tool's answer for a check is reduced to a set of keys, (file, resource logical id) — for
cfn-lint's runtime rules (file, runtime), because cfn-lint reports SAM `Globals` runtimes once
where stackwarden reports each function. Per check it prints: both / only stackwarden / only the
peer, splits each disagreement by a mechanical reason where one is visible (the peer did not
evaluate that resource or file; we could not parse the file), and prints samples of every class
with both tools' messages. `--out FILE` writes every disagreement."""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUFFIXES = {".yaml", ".yml", ".json", ".template"}

OUR_RULES = [
    "cfn/s3-public-access", "cfn/s3-encryption", "cfn/s3-versioning", "cfn/dynamodb-pitr", "cfn/lambda-runtime",
    "iam/unknown-action", "iam/unknown-service", "iam/wildcard-action", "iam/wildcard-resource", "iam/admin-policy",
]

# check name -> (our rules, filter on our message or None, peer, peer rule ids)
CHECKS = [
    ("S3 public access block", ["cfn/s3-public-access"], None, "checkov", ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"]),
    ("S3 default encryption", ["cfn/s3-encryption"], None, "checkov", ["CKV_AWS_19"]),
    ("S3 versioning", ["cfn/s3-versioning"], None, "checkov", ["CKV_AWS_21"]),
    ("DynamoDB PITR", ["cfn/dynamodb-pitr"], None, "checkov", ["CKV_AWS_28", "CKV_AWS_165"]),
    ("IAM Action '*'", ["iam/wildcard-action"], None, "checkov", ["CKV_AWS_63"]),
    ("IAM admin (Allow */*)", ["iam/admin-policy"], None, "checkov", ["CKV_AWS_62"]),
    ("IAM Resource '*'", ["iam/wildcard-resource"], None, "checkov", ["CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111"]),
    ("Lambda deprecated runtime", ["cfn/lambda-runtime"], "deprecated since", "checkov", ["CKV_AWS_363"]),
    ("Lambda deprecated runtime", ["cfn/lambda-runtime"], "deprecated since", "cfn-lint", ["E2531", "E2533", "W2531"]),
    ("IAM unknown action/service", ["iam/unknown-action", "iam/unknown-service"], None, "cfn-lint", ["W3037"]),
    ("IAM unknown action/service", ["iam/unknown-action", "iam/unknown-service"], None, "parliament", ["UNKNOWN_ACTION", "UNKNOWN_PREFIX"]),
    ("IAM Resource '*'", ["iam/wildcard-resource"], None, "parliament", ["RESOURCE_STAR"]),
]


def templates(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def rel(path: str, corpus: Path) -> str:
    return os.path.relpath(os.path.abspath(path), corpus.resolve())


class Answer:
    """One tool's findings: (rule, file, key) -> messages; plus what it evaluated / failed on."""

    def __init__(self):
        self.found = defaultdict(list)          # (rule, file, resource) -> [message]
        self.evaluated = defaultdict(set)       # rule -> {(file, resource)} checked (pass or fail)
        self.unparsed = set()                   # files the tool could not read as a template
        self.skipped = set()                    # files the tool deliberately skipped (reason in note)
        self.crashed = set()                    # files the tool crashed on
        self.note = ""


# ----------------------------------------------------------------------------------- stackwarden
def run_stackwarden(binary: str, corpus: Path, config: str, today: str) -> Answer:
    answer = Answer()
    out = subprocess.run(
        [binary, "check", "--format", "json", "--config", config, "--select", ",".join(OUR_RULES), str(corpus)],
        capture_output=True, text=True, env={**os.environ, "STACKWARDEN_TODAY": today, "NO_COLOR": "1"},
    )
    report = json.loads(out.stdout)
    for f in report.get("findings", []):
        answer.found[(f["rule"], rel(f["path"], corpus), f.get("resource") or "")].append(f["message"])
    for e in report.get("errors", []):
        answer.unparsed.add(rel(e["path"], corpus))
    return answer


# -------------------------------------------------------------------------------------- cfn-lint
def run_cfn_lint(binary: str, files: list[Path], corpus: Path) -> Answer:
    answer = Answer()
    wanted = {rid for _, _, _, peer, ids in CHECKS if peer == "cfn-lint" for rid in ids}
    def lint(chunk: list[Path]) -> list:
        """cfn-lint's matches for a chunk; one file that crashes cfn-lint loses the chunk's JSON,
        so a failed chunk is split until that file is found and left out."""
        out = subprocess.run([binary, "--format", "json", "--", *map(str, chunk)], capture_output=True, text=True)
        try:
            return json.loads(out.stdout or "[]")
        except json.JSONDecodeError:
            if len(chunk) == 1:
                answer.crashed.add(rel(str(chunk[0]), corpus))
                answer.unparsed.add(rel(str(chunk[0]), corpus))
                return []
            half = len(chunk) // 2
            return lint(chunk[:half]) + lint(chunk[half:])

    for start in range(0, len(files), 100):
        chunk = files[start:start + 100]
        print(f"  cfn-lint {start + len(chunk)}/{len(files)}", file=sys.stderr)
        for m in lint(chunk):
            rid = m.get("Rule", {}).get("Id", "")
            path = rel(m.get("Filename", ""), corpus)
            if rid in ("E0000", "E0001"):
                answer.unparsed.add(path)
            if rid not in wanted:
                continue
            loc = m.get("Location", {}).get("Path") or []
            message = m.get("Message", "")
            if rid == "W3037":
                resource = loc[1] if len(loc) > 1 and loc[0] == "Resources" else "/".join(map(str, loc[:2]))
                answer.found[(rid, path, resource)].append(message)
            else:
                runtime = re.search(r"Runtime '([^']+)'", message)
                answer.found[(rid, path, runtime.group(1) if runtime else message)].append(
                    f"{'/'.join(map(str, loc[:2]))}: {message}")
    answer.note = "W3037 is skipped on templates with the SAM transform (cfn-lint's own escape)"
    if answer.crashed:
        answer.note += f"; cfn-lint crashed on {len(answer.crashed)} file(s), left out: {', '.join(sorted(answer.crashed))}"
    for path in files:
        head = path.read_text(errors="replace")
        if re.search(r"AWS::Serverless-2016-10-31", head):
            answer.skipped.add(rel(str(path), corpus))
    return answer


# --------------------------------------------------------------------------------------- checkov
def run_checkov(binary: str, files: list[Path], corpus: Path) -> Answer:
    """checkov over chunks of files; a chunk on which checkov crashes (one odd template takes the
    whole run down) is split until the file that crashes it is found and left out."""
    answer = Answer()
    ids = sorted({rid for _, _, _, peer, rids in CHECKS if peer == "checkov" for rid in rids})
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "LOG_LEVEL": "ERROR"}

    def run(chunk: list[Path]) -> None:
        out = subprocess.run(
            [binary, "--framework", "cloudformation", "--skip-download", "--compact", "--check", ",".join(ids),
             "--output", "json", *[a for p in chunk for a in ("-f", str(p))]],
            capture_output=True, text=True, env=env,
        )
        try:
            report = json.loads(out.stdout)
        except json.JSONDecodeError:
            if len(chunk) == 1:
                answer.unparsed.add(rel(str(chunk[0]), corpus))
                answer.crashed.add(rel(str(chunk[0]), corpus))
                return
            half = len(chunk) // 2
            run(chunk[:half])
            run(chunk[half:])
            return
        for r in report if isinstance(report, list) else [report]:
            results = r.get("results", {}) if isinstance(r, dict) else {}
            for kind in ("failed_checks", "passed_checks"):
                for c in results.get(kind, []):
                    path = rel(c.get("file_abs_path") or c.get("file_path", ""), corpus)
                    resource = (c.get("resource") or "").split(".", 1)[-1]
                    answer.evaluated[c["check_id"]].add((path, resource))
                    if kind == "failed_checks":
                        answer.found[(c["check_id"], path, resource)].append(c.get("check_name", ""))

    for start in range(0, len(files), 200):
        print(f"  checkov {start + len(files[start:start + 200])}/{len(files)}", file=sys.stderr)
        run(files[start:start + 200])
    if answer.crashed:
        answer.note = f"checkov crashed on {len(answer.crashed)} file(s), left out: {', '.join(sorted(answer.crashed))}"
    return answer


# ------------------------------------------------------------------------------------ parliament
def cfn_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader, suffix, node):
        name = "Ref" if suffix == "Ref" else "Fn::" + suffix
        if isinstance(node, yaml.ScalarNode):
            return {name: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {name: loader.construct_sequence(node, deep=True)}
        return {name: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tagged)
    return Loader


def policy_documents(value):
    """Every policy document (a mapping with a Statement of mappings with an Effect) in a value."""
    if isinstance(value, dict):
        statements = value.get("Statement")
        if isinstance(statements, dict):
            statements = [statements]
        if isinstance(statements, list) and any(isinstance(s, dict) and "Effect" in s for s in statements):
            yield statements
            return
        for child in value.values():
            yield from policy_documents(child)
    elif isinstance(value, list):
        for item in value:
            yield from policy_documents(item)


def strings(value):
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def run_parliament(files: list[Path], corpus: Path) -> Answer:
    import yaml
    from parliament import analyze_policy_string

    answer = Answer()
    loader = cfn_loader()
    for path in files:
        name = rel(str(path), corpus)
        try:
            text = path.read_text(errors="replace")
            document = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=loader)
        except Exception:
            answer.unparsed.add(name)
            continue
        resources = document.get("Resources") if isinstance(document, dict) else None
        if not isinstance(resources, dict):
            continue
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict):
                continue
            for statements in policy_documents(resource.get("Properties")):
                for s in statements:
                    if not isinstance(s, dict) or not isinstance(s.get("Effect"), str):
                        continue
                    clean = {"Effect": s["Effect"]}
                    for key in ("Action", "NotAction"):
                        if key in s and strings(s[key]):
                            clean[key] = strings(s[key])
                    if "Action" not in clean and "NotAction" not in clean:
                        continue
                    # Intrinsic ARNs become a placeholder ARN; a literal "*" stays "*". A statement
                    # without Resource (a trust policy) is checked for its actions only.
                    explicit = strings(s.get("Resource", []))
                    has_star = "*" in explicit
                    clean["Resource"] = ["*"] if has_star or "Resource" not in s else ["arn:aws:s3:::placeholder"]
                    answer.evaluated["RESOURCE_STAR"].add((name, logical_id))
                    answer.evaluated["UNKNOWN_ACTION"].add((name, logical_id))
                    try:
                        result = analyze_policy_string(json.dumps({"Version": "2012-10-17", "Statement": [clean]}))
                    except Exception as error:  # noqa: BLE001 - parliament raises on odd input
                        answer.found[("PARLIAMENT_ERROR", name, logical_id)].append(str(error))
                        continue
                    for finding in result.findings:
                        if finding.issue == "RESOURCE_STAR" and not has_star:
                            continue
                        if finding.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX", "RESOURCE_STAR"):
                            answer.found[(finding.issue, name, logical_id)].append(f"{finding.issue} {finding.detail}")
    answer.evaluated["UNKNOWN_PREFIX"] = answer.evaluated["UNKNOWN_ACTION"]
    return answer


# ------------------------------------------------------------------------------------- compare
def keys(answer: Answer, rules: list[str], needle: str | None = None) -> dict:
    out = defaultdict(list)
    for (rule, path, resource), messages in answer.found.items():
        if rule in rules:
            for m in messages:
                if needle is None or needle in m:
                    out[(path, resource)].append(f"{rule}: {m}")
    return out


def runtime_keys(ours: dict) -> dict:
    """Our runtime findings re-keyed by (file, runtime) to meet cfn-lint's."""
    out = defaultdict(list)
    for (path, resource), messages in ours.items():
        for m in messages:
            runtime = re.search(r"uses runtime (\S+),", m)
            out[(path, runtime.group(1) if runtime else resource)].append(f"{resource}: {m}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--stackwarden", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--today", required=True)
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--out")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    venv = Path(args.venv)
    files = templates(corpus)
    print(f"{len(files)} template-like files under {corpus}; runtime deprecations judged as of {args.today}")

    print("running stackwarden, then checkov, cfn-lint and parliament side by side (minutes)...", file=sys.stderr)
    us = run_stackwarden(args.stackwarden, corpus, args.config, args.today)
    # The peers are child processes (parliament runs in this one): run them concurrently.
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = {
            "checkov": pool.submit(run_checkov, str(venv / "bin/checkov"), files, corpus),
            "cfn-lint": pool.submit(run_cfn_lint, str(venv / "bin/cfn-lint"), files, corpus),
            "parliament": pool.submit(run_parliament, files, corpus),
        }
        peers = {name: job.result() for name, job in jobs.items()}

    print(f"files a tool could not read as a template: stackwarden {len(us.unparsed)}, "
          + ", ".join(f"{n} {len(a.unparsed)}" for n, a in peers.items()))
    for name, peer in peers.items():
        if peer.note:
            print(f"  {name}: {peer.note}")
    full = open(args.out, "w") if args.out else None
    header = f"{'check':28} {'peer':11} {'peer rules':34} {'both':>5} {'only us':>8} {'only peer':>10}"
    table, details = [header, "-" * len(header)], []
    for check, our_rules, needle, peer_name, peer_ids in CHECKS:
        peer = peers[peer_name]
        ours = keys(us, our_rules, needle)
        theirs = keys(peer, peer_ids)
        if peer_name == "cfn-lint" and check.startswith("Lambda"):
            ours = runtime_keys(ours)
        if peer_name == "cfn-lint" and "W3037" in peer_ids:
            ours = {k: v for k, v in ours.items() if k[0] not in peer.skipped}
        both = ours.keys() & theirs.keys()
        only_us = sorted(ours.keys() - theirs.keys())
        only_them = sorted(theirs.keys() - ours.keys())
        ids = ",".join(peer_ids) if len(peer_ids) < 3 else f"{peer_ids[0]}..{peer_ids[-1].split('_')[-1]}"
        table.append(f"{check:28} {peer_name:11} {ids:34} {len(both):5} {len(only_us):8} {len(only_them):10}")

        # Mechanical reasons where visible.
        evaluated = set().union(*(peer.evaluated.get(i, set()) for i in peer_ids)) if peer.evaluated else set()
        classes = defaultdict(list)
        for k in only_us:
            if k[0] in peer.unparsed:
                classes["only us: the peer could not parse the file"].append(k)
            elif evaluated and k not in evaluated and not check.startswith("Lambda"):
                classes["only us: the peer did not evaluate this resource"].append(k)
            elif evaluated and not check.startswith("Lambda"):
                classes["only us: the peer evaluated the resource and passed it"].append(k)
            else:
                classes["only us: the peer said nothing"].append(k)
        for k in only_them:
            if k[0] in us.unparsed:
                classes["only peer: stackwarden could not parse the file"].append(k)
            else:
                classes["only peer"].append(k)
        details.append(f"\n== {check} vs {peer_name} ({', '.join(peer_ids)}): both {len(both)}, only us {len(only_us)}, only {peer_name} {len(only_them)}")
        if peer_name == "cfn-lint" and "W3037" in peer_ids:
            details.append(f"   ({peer.note}: {len(peer.skipped)} files left out of this comparison)")
        for name, items in classes.items():
            details.append(f"  -- {name}: {len(items)}")
            for k in items[: args.samples]:
                details.append(f"     {k[0]} :: {k[1]}")
                for m in (ours.get(k) or [])[:2]:
                    details.append(f"        us:   {m[:200]}")
                for m in (theirs.get(k) or [])[:2]:
                    details.append(f"        them: {m[:200]}")
            if full:
                for k in items:
                    full.write(f"{check}\t{peer_name}\t{name}\t{k[0]}\t{k[1]}\t{' | '.join(ours.get(k, []))[:300]}\t{' | '.join(theirs.get(k, []))[:300]}\n")
    print("\n".join(table))
    print("\n".join(details))
    if full:
        full.close()
        print(f"\nevery disagreement: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
