#!/usr/bin/env python3
"""Helper of bench/precision.sh (stdlib only).

report: per-rule counts (findings, files, projects), parse errors, precision from the hand verdicts that match
        the current findings, and the findings with no verdict yet (written to WORK/unclassified.tsv).
sample: a stratified, seeded sample of unclassified findings (every finding of a rare rule, a random share of
        a frequent one) with the code around each, for hand classification.

A verdict matches a finding by (rule, project, path, fingerprint), the fingerprint being a hash of the flagged
line's text with whitespace collapsed (and of the finding's resource, the logical id, for template findings), so verdicts carry over when lines shift and are dropped when the
flagged code itself changes. When one rule flags the same text several times in a file, the later occurrences
carry their rank (in line order) in the fingerprint.
"""
import argparse
import collections
import csv
import hashlib
import json
import os
import random
import re
import sys

JS_EXT = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs")
VERDICT_FIELDS = ["rule", "project", "path", "fingerprint", "line", "verdict", "reason"]


def project_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            kind, name, ver, sub, why = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            s = sub.replace("/", "_")
            pid = f"{kind}-{name.replace('/', '+')}" + ("" if s in (".", "") else f"-{s}")
            rows.append({"kind": kind, "name": name, "version": ver, "sub": sub, "why": why, "id": pid})
    return rows


def target_dir(work, row):
    d = os.path.join(work, "src", row["id"])
    return os.path.join(d, "cdk.out") if row["kind"] == "cdk" else d


_lines_cache = {}


def file_lines(path):
    if path not in _lines_cache:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                _lines_cache[path] = f.read().split("\n")
        except OSError:
            _lines_cache[path] = []
    return _lines_cache[path]


def fingerprint(text, resource=""):
    # The template rules point at a resource's `Type:` line, the same text for every table or bucket of a
    # file: the logical id tells them apart (and, unlike the message, does not change with the wording).
    norm = re.sub(r"\s+", " ", text).strip()
    if resource:
        norm += "\0" + resource
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


def load(work, rows):
    """Findings, errors and summaries of the last run, one entry per project that ran."""
    findings, errors, ran = [], [], []
    for row in rows:
        out = os.path.join(work, "out", row["id"] + ".json")
        if not os.path.exists(out):
            continue
        with open(out, encoding="utf-8") as f:
            doc = json.load(f)
        base = target_dir(work, row)
        ms = None
        try:
            with open(os.path.join(work, "out", row["id"] + ".ms")) as f:
                ms = int(f.read().strip())
        except (OSError, ValueError):
            pass
        ran.append((row, doc, ms))
        for e in doc.get("errors", []):
            errors.append((row["id"], e.get("path", ""), e.get("line"), e.get("message", "")))
        for x in doc.get("findings", []):
            path = x.get("path", "")
            # A finding in the generated all-rules config (outside the project) is about our set-up, not the project.
            if path.startswith("../") or os.path.isabs(path):
                continue
            lines = file_lines(os.path.join(base, path))
            ln = x.get("line") or 0
            text = lines[ln - 1] if 0 < ln <= len(lines) else ""
            findings.append({
                "rule": x["rule"], "severity": x.get("severity", ""), "project": row["id"], "path": path,
                "line": ln, "column": x.get("column") or 0, "message": x.get("message", ""), "text": text,
                "resource": x.get("resource", ""), "old_fp": fingerprint(text), "abs": os.path.join(base, path),
            })
    # The same text can be flagged more than once in a file (`} catch (error) {`): the second and later
    # occurrences, in line order, get their rank in the fingerprint so that each needs its own verdict.
    seen = collections.Counter()
    for x in sorted(findings, key=lambda x: (x["project"], x["path"], x["line"], x["column"])):
        base_fp = fingerprint(x["text"], x["resource"])
        k = (x["rule"], x["project"], x["path"], base_fp)
        x["fingerprint"] = base_fp if seen[k] == 0 else fingerprint(f"{x['text']}#{seen[k]}", x["resource"])
        seen[k] += 1
    return findings, errors, ran


def load_verdicts(path):
    verdicts = {}
    if not os.path.exists(path):
        return verdicts
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if not r.get("rule") or r["rule"].startswith("#"):
                continue
            verdicts[(r["rule"], r["project"], r["path"], r["fingerprint"])] = r
    return verdicts


def key(x):
    return (x["rule"], x["project"], x["path"], x["fingerprint"])


# For the sweep's own statistics only (how many files are CDK code or Lambda handlers), not a rule.
CDK_OR_HANDLER = re.compile(
    r"aws-cdk-lib|@aws-cdk/|exports\.handler\s*=|export\s+(const|let|async\s+function|function)\s+handler\b"
    r"|module\.exports\.\w+\s*=\s*(async\s*)?(function|\()|\bhandler\s*=\s*async\b")


def js_files(base, skipped=()):
    """(TS/JS source files, of which CDK code or Lambda handlers), node_modules, .d.ts and the files
    stackwarden skipped (minified, vendored, excluded) left out."""
    n = cdk_or_handler = 0
    skipped = {os.path.normpath(os.path.join(base, p)) for p in skipped}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git", "cdk.out")]
        for fn in filenames:
            if os.path.normpath(os.path.join(dirpath, fn)) in skipped:
                continue
            if fn.endswith(JS_EXT) and not fn.endswith(".d.ts"):
                n += 1
                try:
                    with open(os.path.join(dirpath, fn), encoding="utf-8", errors="replace") as f:
                        if CDK_OR_HANDLER.search(f.read(300000)):
                            cdk_or_handler += 1
                except OSError:
                    pass
    return n, cdk_or_handler


def sam_templates(base):
    n = 0
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", ".git", "cdk.out", ".aws-sam")]
        for fn in filenames:
            if fn.lower().endswith((".yaml", ".yml", ".json")) and "template" in fn.lower():
                try:
                    with open(os.path.join(dirpath, fn), encoding="utf-8", errors="replace") as f:
                        head = f.read(200000)
                except OSError:
                    continue
                if re.search(r"Transform[\"']?\s*:\s*[\"']?AWS::Serverless", head):
                    n += 1
    return n


def report(a):
    rows = project_rows(a.projects)
    findings, errors, ran = load(a.work, rows)
    verdicts = load_verdicts(a.verdicts)
    out = []
    p = out.append
    p(f"# stackwarden precision sweep: {len(ran)} projects ran of {len(rows)} listed")
    if a.binary:
        p(f"# binary: {a.binary}")
    files = sum(d.get("summary", {}).get("files", 0) for _, d, _ in ran)
    skipped = sum(d.get("summary", {}).get("skipped", 0) for _, d, _ in ran)
    ms = sum(m or 0 for _, _, m in ran)
    counts = [js_files(target_dir(a.work, r), [x.get("path", "") for x in d.get("skipped", [])])
              for r, d, _ in ran if r["kind"] != "cdk"]
    jsn, jsh = sum(c[0] for c in counts), sum(c[1] for c in counts)
    sam = sum(sam_templates(target_dir(a.work, r)) for r, _, _ in ran if r["kind"] != "cdk")
    cdk_ok = [r["id"] for r, _, _ in ran if r["kind"] == "cdk"]
    cdk_failed = [r["id"] for r in rows if r["kind"] == "cdk"
                  and os.path.exists(os.path.join(a.work, "src", r["id"], ".synth-failed"))]
    repos = {r["name"] for r, _, _ in ran}
    p(f"# {len(repos)} distinct repositories/packages; {jsn} TS/JS source files checked (no .d.ts, node_modules or skipped files), "
      f"{jsh} of them CDK code or Lambda handlers; {sam} SAM templates; {len(cdk_ok)} CDK apps synthesized" + (f" ({len(cdk_failed)} failed: {', '.join(cdk_failed)})" if cdk_failed else ""))
    for r, _, _ in ran:
        if r["kind"] == "cdk":
            try:
                with open(os.path.join(a.work, "src", r["id"], ".aws-cdk-lib-version")) as f:
                    lib = f.read().strip() or "?"
            except OSError:
                lib = "?"
            p(f"#   {r['id']}: synthesized with aws-cdk-lib {lib}")
    p(f"# stackwarden: {files} files checked, {skipped} skipped, {len(findings)} findings, {len(errors)} input errors, "
      f"{ms / 1000:.1f} s of check time in total")
    p("")
    by_rule = collections.defaultdict(list)
    for x in findings:
        by_rule[x["rule"]].append(x)
    p("rule\tfindings\tfiles\tprojects\tclassified\ttrue\tfalse\tdebatable\tprecision\tprecision_excl_debatable")
    unclassified = []
    tot = collections.Counter()
    for rule in sorted(by_rule):
        xs = by_rule[rule]
        c = collections.Counter()
        for x in xs:
            v = verdicts.get(key(x))
            if v:
                c[v["verdict"]] += 1
            else:
                unclassified.append(x)
        n = c["true"] + c["false"] + c["debatable"]
        tot.update(c)
        prec = f"{100 * c['true'] / n:.0f}%" if n else "-"
        prec2 = f"{100 * c['true'] / (c['true'] + c['false']):.0f}%" if c["true"] + c["false"] else "-"
        p(f"{rule}\t{len(xs)}\t{len({(x['project'], x['path']) for x in xs})}\t{len({x['project'] for x in xs})}"
          f"\t{n}\t{c['true']}\t{c['false']}\t{c['debatable']}\t{prec}\t{prec2}")
    n = tot["true"] + tot["false"] + tot["debatable"]
    p(f"TOTAL\t{len(findings)}\t{len({(x['project'], x['path']) for x in findings})}\t{len({x['project'] for x in findings})}"
      f"\t{n}\t{tot['true']}\t{tot['false']}\t{tot['debatable']}\t{(100 * tot['true'] / n if n else 0):.0f}%\t"
      f"{(100 * tot['true'] / (tot['true'] + tot['false']) if tot['true'] + tot['false'] else 0):.0f}%")
    stale = len(verdicts) - len({key(x) for x in findings if key(x) in verdicts})
    p("")
    p(f"# verdicts: {len(verdicts)} in verdicts.tsv, {len(verdicts) - stale} match this run, {stale} match no finding "
      f"(fixed, or the flagged line changed); {len(unclassified)} findings have no verdict yet")
    p("")
    p("# input errors (parse errors and unreadable files), by project")
    for pid, path, line, msg in errors:
        p(f"{pid}\t{path}:{line or '-'}\t{msg[:200]}")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.results:
        with open(a.results, "w", encoding="utf-8") as f:
            f.write(text)
    uc = os.path.join(a.work, "unclassified.tsv")
    with open(uc, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["rule", "project", "path", "fingerprint", "line", "text"])
        for x in unclassified:
            w.writerow([x["rule"], x["project"], x["path"], x["fingerprint"], x["line"], x["text"].strip()[:200]])
    print(f"# findings with no verdict: {uc}")
    for x in unclassified[: a.list]:
        print(f"  {x['rule']}\t{x['project']}\t{x['path']}:{x['line']}")
    if len(unclassified) > a.list:
        print(f"  ... and {len(unclassified) - a.list} more")


def sample(a):
    rows = project_rows(a.projects)
    findings, _, _ = load(a.work, rows)
    verdicts = load_verdicts(a.verdicts)
    rng = random.Random(a.seed)
    by_rule = collections.defaultdict(list)
    for x in findings:
        if re.search(a.project, x["project"]):
            by_rule[x["rule"]].append(x)
    chosen = []
    for rule in sorted(by_rule):
        xs = by_rule[rule]
        done = sum(1 for x in xs if key(x) in verdicts)
        todo = [x for x in xs if key(x) not in verdicts]
        want = max(0, min(len(xs), a.per_rule) - done)
        pick = todo if len(todo) <= want else rng.sample(todo, want)
        chosen += pick
    with open(a.out, "w", encoding="utf-8") as f:
        for i, x in enumerate(chosen):
            lines = file_lines(x["abs"])
            ln = x["line"]
            lo, hi = max(1, ln - a.context), min(len(lines), ln + a.context)
            f.write(f"### {i} {x['rule']}\t{x['project']}\t{x['path']}\t{x['fingerprint']}\t{ln}\n")
            f.write(f"    msg: {x['message'][:300]}\n")
            for k in range(lo, hi + 1):
                f.write(f"{'>' if k == ln else ' '}{k:5d} {lines[k - 1][:220]}\n")
            f.write("\n")
    print(f"{len(chosen)} findings sampled into {a.out}")


def markdown(a):
    """Rewrite the generated part of PRECISION.md (between the markers) from the verdicts and the last run."""
    rows = project_rows(a.projects)
    findings, _, _ = load(a.work, rows)
    verdicts = load_verdicts(a.verdicts)
    current = {key(x): x for x in findings}
    by_rule = collections.defaultdict(list)
    for x in findings:
        by_rule[x["rule"]].append(x)
    out = ["| rule | findings | classified | true | false | debatable | precision | precision without debatable |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for rule in sorted(by_rule):
        c = collections.Counter(verdicts[key(x)]["verdict"] for x in by_rule[rule] if key(x) in verdicts)
        n = sum(c.values())
        prec = f"{100 * c['true'] / n:.0f}%" if n else "-"
        prec2 = f"{100 * c['true'] / (c['true'] + c['false']):.0f}%" if c["true"] + c["false"] else "-"
        out.append(f"| `{rule}` | {len(by_rule[rule])} | {n} | {c['true']} | {c['false']} | {c['debatable']} | {prec} | {prec2} |")
    out += ["", "### Every classified finding", "",
            "Project ids are those of `projects.tsv` (kind-owner+name-subfolder); paths are inside the project.", ""]
    for rule in sorted({k[0] for k in verdicts}):
        vs = sorted((v for k, v in verdicts.items() if k[0] == rule and k in current),
                    key=lambda v: (v["project"], v["path"], int(v["line"] or 0)))
        if not vs:
            continue
        out += [f"#### `{rule}`", "", "| verdict | project | path:line | reason |", "| --- | --- | --- | --- |"]
        for v in vs:
            reason = v["reason"].replace("|", "\\|")
            out.append(f"| {v['verdict']} | {v['project']} | `{v['path']}:{current[key_of(v)]['line']}` | {reason} |")
        out.append("")
    begin, end = "<!-- generated by bench/precision.sh --markdown: begin -->", "<!-- generated: end -->"
    with open(a.markdown, encoding="utf-8") as f:
        doc = f.read()
    if begin not in doc or end not in doc:
        sys.exit(f"{a.markdown}: the markers {begin!r} and {end!r} are missing")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(a.markdown, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + "\n".join(out) + "\n" + end + tail)
    print(f"{a.markdown}: {sum(1 for k in verdicts if k in current)} classified findings written")


def key_of(v):
    return (v["rule"], v["project"], v["path"], v["fingerprint"])


def record(a):
    """Append hand decisions (`INDEX<TAB>verdict<TAB>reason` lines, INDEX from a sample file) to verdicts.tsv."""
    heads = {}
    with open(a.sample, encoding="utf-8") as f:
        for line in f:
            if line.startswith("### "):
                idx, rest = line[4:].rstrip("\n").split(" ", 1)
                rule, project, path, fp, ln = rest.split("\t")
                heads[idx] = (rule, project, path, fp, ln)
    have = load_verdicts(a.verdicts)
    new = []
    with open(a.decisions, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            idx, verdict, reason = line.rstrip("\n").split("\t", 2)
            if verdict not in ("true", "false", "debatable"):
                sys.exit(f"{a.decisions}: verdict of {idx} is {verdict!r}, not true/false/debatable")
            rule, project, path, fp, ln = heads[idx]
            if (rule, project, path, fp) in have:
                continue
            have[(rule, project, path, fp)] = True
            new.append([rule, project, path, fp, ln, verdict, reason])
    exists = os.path.exists(a.verdicts)
    with open(a.verdicts, "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        if not exists:
            w.writerow(VERDICT_FIELDS)
        w.writerows(new)
    print(f"{len(new)} verdicts added to {a.verdicts}")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("report", "sample"):
        s = sub.add_parser(name)
        s.add_argument("--work", required=True)
        s.add_argument("--projects", required=True)
        s.add_argument("--verdicts", required=True)
        if name == "report":
            s.add_argument("--results")
            s.add_argument("--binary")
            s.add_argument("--list", type=int, default=40, help="how many unclassified findings to print")
        else:
            s.add_argument("--out", required=True)
            s.add_argument("--seed", type=int, default=16)
            s.add_argument("--per-rule", type=int, default=12)
            s.add_argument("--context", type=int, default=6)
            s.add_argument("--project", default="", help="only projects whose id matches this regex")
    m = sub.add_parser("markdown")
    for arg in ("--work", "--projects", "--verdicts", "--markdown"):
        m.add_argument(arg, required=True)
    r = sub.add_parser("record")
    r.add_argument("--sample", required=True)
    r.add_argument("--decisions", required=True)
    r.add_argument("--verdicts", required=True)
    a = ap.parse_args()
    {"report": report, "sample": sample, "record": record, "markdown": markdown}[a.cmd](a)


if __name__ == "__main__":
    main()
