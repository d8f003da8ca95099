"""Runs each checker as a child process over the same templates and reports CPU, wall time and
peak memory (from getrusage of the children), medians over several runs, and ratios.

Called by bench/templates.sh, which installs the peers; not a test."""

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}


def pick_templates(corpus: Path, count: int) -> list[str]:
    """The first `count` files (sorted) of cfn-templates that name a Resources section."""
    chosen = []
    for path in sorted((corpus / "cfn-templates").rglob("*")):
        if path.suffix.lower() in TEMPLATE_SUFFIXES and path.is_file():
            text = path.read_text(errors="replace")
            if "Resources" in text:
                chosen.append(str(path))
        if len(chosen) == count:
            break
    return chosen


def measure(command: list[str], runs: int) -> dict:
    """Median CPU (user+sys) and wall seconds over `runs`, and the largest peak RSS, of a child."""
    cpu, wall, rss = [], [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Each run is a fresh process; the peers' exit codes say "found problems", not failure.
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall.append(time.perf_counter() - start)
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss / 1024)  # KiB -> MiB on Linux
        del before, status
    return {"cpu": statistics.median(cpu), "wall": statistics.median(wall), "rss": max(rss)}


def startup(binary: str, runs: int = 200) -> float:
    """Median wall milliseconds of `stackwarden --version` (process start and exit)."""
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stackwarden", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    corpus = Path(args.corpus)
    templates = pick_templates(corpus, 100)
    venv = Path(args.venv)
    validate_script = Path(args.work) / "validate.py"
    validate_script.write_text(
        "import sys\n"
        "from cloudformation_validate import CompositeEngine\n"
        "engine = CompositeEngine()\n"
        "for path in sys.argv[1:]:\n"
        "    engine.validate_template(path)\n"
    )
    tools = {
        "stackwarden": ([args.stackwarden, "check", "--format", "json", *templates], args.runs),
        "cloudformation-validate": ([str(venv / "bin/python"), str(validate_script), *templates], args.runs),
        "cfn-lint": ([str(venv / "bin/cfn-lint"), "--format", "json", "--", *templates], max(1, min(3, args.runs))),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}")
    print(f"{len(templates)} templates from {corpus / 'cfn-templates'} (first 100 sorted files with a Resources section)\n")
    results = {}
    for name, (command, runs) in tools.items():
        print(f"measuring {name} ({runs} runs)...", file=sys.stderr)
        results[name] = measure(command, runs)
    base = results["stackwarden"]
    print(f"{'tool':26} {'CPU s':>9} {'wall s':>9} {'peak MB':>9} {'CPU vs stackwarden':>19}")
    for name, r in results.items():
        ratio = r["cpu"] / base["cpu"] if base["cpu"] > 0 else float("inf")
        print(f"{name:26} {r['cpu']:9.3f} {r['wall']:9.3f} {r['rss']:9.1f} {ratio:18.1f}x")

    every = [str(p) for p in [corpus]]
    whole = measure([args.stackwarden, "check", "--format", "json", *every], args.runs)
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    print(f"\nstackwarden on the whole corpus ({files} files): {whole['wall']:.3f} s wall, {whole['cpu']:.3f} s CPU, {whole['rss']:.1f} MB peak (median of {args.runs})")
    ours, bare = startup(args.stackwarden)
    print(f"start-up (`stackwarden --version`, median of 200): {ours:.2f} ms; a bare /bin/true: {bare:.2f} ms")


if __name__ == "__main__":
    main()
