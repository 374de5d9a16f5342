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
