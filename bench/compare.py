"""Runs each checker as a child process over the same templates and reports CPU, wall time and
peak memory (from wait4's rusage of each child), medians over several runs, and ratios against
stackwarden, then checks them against the targets of the benchmark issue.

Called by bench/templates.sh, which installs the peers; not a test."""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}


def computed_resource_type(text: str) -> bool:
    """Whether a resource's Type is not a plain string (`Type: !If [...]`, which the
    AWS::LanguageExtensions transform allows): checkov 3.3.30 crashes on such a file and drops
    the whole run, so these files are left out for every tool alike."""
    import json
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: None})
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=Loader)
    except Exception:  # noqa: BLE001 - unparseable files stay in: every tool must cope with them
        return False
    resources = document.get("Resources") if isinstance(document, dict) else None
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and not isinstance(r.get("Type"), str) for r in resources.values())


def pick_templates(corpus: Path, count: int) -> tuple[list[str], list[str]]:
    """The first `count` files (sorted) of cfn-templates that name a Resources section, and the
    files left out because a resource type is computed."""
    chosen, left_out = [], []
    for path in sorted((corpus / "cfn-templates").rglob("*")):
        if path.suffix.lower() in TEMPLATE_SUFFIXES and path.is_file():
            text = path.read_text(errors="replace")
            if "Resources" in text:
                if computed_resource_type(text):
                    left_out.append(str(path))
                else:
                    chosen.append(str(path))
        if len(chosen) == count:
            break
    return chosen, left_out


def measure(command: list[str], runs: int) -> dict:
    """Median CPU (user+sys) and wall seconds over `runs`, and the largest peak RSS, of a child."""
    cpu, wall, rss, codes = [], [], [], set()
    for _ in range(runs):
        start = time.perf_counter()
        # Each run is a fresh process; the peers' exit codes say "found problems", not failure.
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall.append(time.perf_counter() - start)
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # KiB -> MiB on Linux
        codes.add(os.waitstatus_to_exitcode(status))
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall), "rss": max(rss),
            "runs": runs, "codes": sorted(codes), "cpu_all": cpu}


def startup(binary: str, runs: int = 200) -> tuple[float, float]:
    """Median wall milliseconds of `stackwarden --version` (process start and exit), and of a
    bare /bin/true spawned the same way."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([binary, "--version"], stdout=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    baseline = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["/bin/true"], check=True)
        baseline.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.median(baseline)


def version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return (out.stdout or out.stderr).strip().splitlines()[-1]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stackwarden", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--cfn-guard")
    parser.add_argument("--cfn-guard-from", default="")
    parser.add_argument("--guard-rules")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    corpus = Path(args.corpus)
    templates, left_out = pick_templates(corpus, 100)
    venv = Path(args.venv)
    python = str(venv / "bin/python")
    validate_script = Path(args.work) / "validate.py"
    validate_script.write_text(
        "import sys\n"
        "from cloudformation_validate import CompositeEngine\n"
        "engine = CompositeEngine()\n"
        "for path in sys.argv[1:]:\n"
        "    engine.validate_template(path)\n"
    )
    slow = max(1, min(3, args.runs))
    tools = {
        "stackwarden": ([args.stackwarden, "check", "--format", "json", *templates], args.runs),
    }
    if args.cfn_guard:
        data = [arg for path in templates for arg in ("--data", path)]
        tools["cfn-guard"] = ([args.cfn_guard, "validate", "--rules", args.guard_rules, "--show-summary", "none",
                               "--structured", "--output-format", "json", *data], args.runs)
    tools["cloudformation-validate"] = ([python, str(validate_script), *templates], args.runs)
    tools["checkov"] = ([str(venv / "bin/checkov"), "--framework", "cloudformation", "--skip-download", "--quiet",
                         "--compact", "--output", "json", *[a for p in templates for a in ("-f", p)]], slow)
    tools["cfn-lint"] = ([str(venv / "bin/cfn-lint"), "--format", "json", "--", *templates], slow)

    versions = {
        "stackwarden": version([args.stackwarden, "--version"]),
        "cfn-lint": version([str(venv / "bin/cfn-lint"), "--version"]),
        "checkov": "checkov " + version([str(venv / "bin/checkov"), "--version"]),
        "cloudformation-validate": version([python, "-c", "import importlib.metadata as m; print('cloudformation-validate', m.version('cloudformation-validate'))"]),
    }
    if args.cfn_guard:
        versions["cfn-guard"] = f"{version([args.cfn_guard, '--version'])} — {args.cfn_guard_from}"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"{platform.python_implementation()} {platform.python_version()}")
    for name, v in versions.items():
        print(f"  {name}: {v}")
    if args.guard_rules:
        rules = sorted(p.name for p in Path(args.guard_rules).glob("*.guard"))
        print(f"  cfn-guard rules: {len(rules)} AWS Control Tower proactive controls ({', '.join(rules)}); the AWS Guard\n"
              "    Rules Registry itself is on no package registry, these are AWS's registry-published equivalents")
    print(f"{len(templates)} templates from {corpus / 'cfn-templates'} (first 100 sorted files with a Resources section;"
          f" left out, for every tool, {len(left_out)} with a computed resource Type that crash checkov:"
          f" {', '.join(Path(p).name for p in left_out)})\n")

    results = {}
    for name, (command, runs) in tools.items():
        print(f"measuring {name} ({runs} runs)...", file=sys.stderr)
        results[name] = measure(command, runs)
    base = results["stackwarden"]
    print(f"{'tool':26} {'runs':>4} {'CPU s':>9} {'wall s':>9} {'peak MB':>9} {'CPU vs stackwarden':>19} {'wall vs':>8}")
    for name, r in results.items():
        ratio = r["cpu"] / base["cpu"] if base["cpu"] > 0 else float("inf")
        wall_ratio = r["wall"] / base["wall"] if base["wall"] > 0 else float("inf")
        print(f"{name:26} {r['runs']:4} {r['cpu']:9.3f} {r['wall']:9.3f} {r['rss']:9.1f} {ratio:18.1f}x {wall_ratio:7.1f}x"
              f"   exit {','.join(map(str, r['codes']))}")
    print("(CPU = user+sys of the process and its children, median; wall median; peak = largest max RSS)")

    every = [str(p) for p in [corpus]]
    whole = measure([args.stackwarden, "check", "--format", "json", *every], args.runs)
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"\nstackwarden on the whole corpus ({files} files): {whole['wall']:.3f} s wall, {whole['cpu']:.3f} s CPU, "
          f"{whole['rss']:.1f} MB peak (median of {args.runs})")
    ours, bare = startup(args.stackwarden)
    print(f"start-up (`stackwarden --version`, median of 200): {ours:.2f} ms; a bare /bin/true: {bare:.2f} ms")

    def ratio(name: str) -> float:
        return results[name]["cpu"] / base["cpu"] if name in results and base["cpu"] > 0 else float("nan")

    print("\ntargets:")
    checks = [
        ("CPU >= 200x less than cfn-lint", ratio("cfn-lint") >= 200, f"{ratio('cfn-lint'):.0f}x"),
        ("CPU >= 5x less than cloudformation-validate", ratio("cloudformation-validate") >= 5, f"{ratio('cloudformation-validate'):.1f}x"),
        ("start-up < 5 ms", ours < 5.0, f"{ours:.2f} ms"),
    ]
    if "cfn-guard" in results:
        checks.append(("faster than cfn-guard on the same files (CPU and wall)",
                       results["cfn-guard"]["cpu"] > base["cpu"] and results["cfn-guard"]["wall"] > base["wall"],
                       f"{ratio('cfn-guard'):.1f}x CPU"))
    for what, ok, figure in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {what}: {figure}")


if __name__ == "__main__":
    main()
