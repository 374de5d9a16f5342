"""Run every benchmark in one go and print one table of their figures (issue 16).

    python bench/run_all.py            # the sizes SPEC §7 names (long: tens of minutes)
    python bench/run_all.py --quick    # small sizes, to see that everything runs

Each benchmark prints its figures through `bench.common.figure` (figure, floor, ratio,
target, met or not, load average); this script runs them one after the other in fresh
processes, collects those lines and prints them as one Markdown table, ready for
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import common  # noqa: E402

# (script, arguments for the full run, arguments for --quick)
BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    ("import_xlsx.py", [], ["--quick"]),
    ("agent_queue.py", [], ["--quick"]),
    ("export.py", [], ["--quick"]),
    ("retention.py", [], ["--quick"]),
    ("supervisor_figures.py", [], ["--quick"]),
    ("pages.py", [], ["--quick"]),
]
# Those that keep their seeded databases between runs when asked.
REUSABLE = {"agent_queue.py", "retention.py", "pages.py"}


def _environment(script: str) -> dict[str, str]:
    """Each benchmark in databases and a work folder of its own (bench_<script>...): some
    drop and rebuild their database when its size differs, so two must never share one."""
    stem = script.removesuffix(".py")
    prefix = os.environ.get("BENCH_PREFIX", "bench")
    return {**os.environ, "BENCH_DB": f"{prefix}_{stem}", "BENCH_WORK": f"/tmp/{prefix}_{stem}"}  # noqa: S108


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", help="run only these scripts, e.g. export.py")
    parser.add_argument("--reuse", action="store_true", help="keep seeded databases (those that can)")
    args = parser.parse_args()
    figures: list[dict] = []
    failed: list[str] = []
    print(f"machine before: {common.uptime()}", flush=True)
    for script, full, quick in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        if not (common.ROOT / "bench" / script).exists():
            continue
        started = time.perf_counter()
        print(f"\n=== {script} ===", flush=True)
        proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                f"bench/{script}",
                *(quick if args.quick else full),
                *(["--reuse"] if args.reuse and script in REUSABLE else []),
            ],
            cwd=common.ROOT,
            env=_environment(script),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(common.FIGURE_PREFIX):
                figures.append({"bench": script, **json.loads(line[len(common.FIGURE_PREFIX) :])})
            else:
                print(line, end="", flush=True)
        if proc.wait() != 0:
            failed.append(script)
        print(f"=== {script}: {time.perf_counter() - started:.0f} s ===", flush=True)
    print(f"\nmachine after: {common.uptime()}\n")
    print("| benchmark | figure | size | value | floor | ratio | target | met | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in figures:
        floor = "—" if f["floor"] is None else f"{f['floor']:g} {f['unit']} ({f['floor_label']})"
        target = "—" if f["target"] is None else f"{f['target']:g} {f['unit']}"
        met = {True: "met", False: "**not met**", None: "—"}[f["met"]]
        ratio = "—" if f["ratio"] is None else f"{f['ratio']}×"
        print(
            f"| {f['bench']} | {f['name']} | {f['size']} | {f['value']:g} {f['unit']} | {floor} | {ratio} "
            f"| {target} | {met} | {f['load']} |"
        )
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
