"""Shared set-up of the benchmarks: their own database, Django, a client and an assignment."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "bench_issue3")
BASE_URL = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/bench_issue3"))  # noqa: S108 (generated files only)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{BASE_URL}/{BENCH_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhunter.settings")
    os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
    os.environ.setdefault("IMPORT_MAX_ROWS", "200000")
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space made at exec;
    getrusage's ru_maxrss would carry over the parent's peak through fork + exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(args: list[str]) -> dict[str, str]:
    """Run `python <script> args` in a fresh process (a clean peak-memory figure) and
    parse its `key=value` lines."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    result = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    result["wall"] = f"{time.perf_counter() - started:.2f}"
    return result


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607


# --- One way to report a figure (issue 16): figure, floor, ratio, target, met, load ---------

FIGURE_PREFIX = "BENCH-FIGURE "


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    target: float | None = None,
    floor: float | None = None,
    floor_label: str = "",
    size: str = "",
    per_row: float | None = None,
    higher_is_better: bool = False,
) -> dict:
    """Print one benchmark figure as a human line and as a machine line that
    `bench/run_all.py` collects. `floor` is what the hardware allows for the same work in the
    same run (e.g. COPY of the same rows); `ratio` is value / floor (floor / value when higher
    is better), so 1.0 is the floor itself. `target` is SPEC §7's bound, in the same unit."""
    import json

    if floor:
        ratio = (floor / value if higher_is_better else value / floor) if value else None
    else:
        ratio = None
    if target is None:
        met = None
    else:
        met = value >= target if higher_is_better else value <= target
    record = {
        "name": name,
        "size": size,
        "value": round(value, 3),
        "unit": unit,
        "floor": None if floor is None else round(floor, 3),
        "floor_label": floor_label,
        "ratio": None if ratio is None else round(ratio, 2),
        "target": target,
        "met": met,
        "per_row": per_row,
        "load": load_average(),
    }
    parts = [f"{name}{f' [{size}]' if size else ''}: {value:,.3g} {unit}"]
    if floor is not None:
        shown_ratio = "—" if ratio is None else f"{ratio:.2f}"
        parts.append(f"floor {floor:,.3g} {unit}{f' ({floor_label})' if floor_label else ''}, ratio {shown_ratio}x")
    if per_row is not None:
        parts.append(f"{per_row * 1e6:,.1f} µs/row")
    if target is not None:
        parts.append(f"target {'≥' if higher_is_better else '≤'} {target:g} {unit}: {'met' if met else 'NOT met'}")
    parts.append(f"load {record['load']}")
    print(" · ".join(parts), flush=True)
    print(FIGURE_PREFIX + json.dumps(record), flush=True)
    return record
