"""Benchmark of the download (SPEC §7): one command, `python bench/export.py`.

Uses the database of bench/import_xlsx.py (run that first): imports 100,000 and 10,000
rows into two fresh assignments (with 10,000 call notes on the big one), then downloads
each as CSV and as xlsx in a fresh process, printing time and peak memory, so that memory
at 10k and at 100k rows can be compared (it must stay flat). Targets: CSV ≤ 5 s, xlsx ≤ 25 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def prepare() -> dict[int, str]:
    import import_xlsx
    from django.utils import timezone

    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.callnotes.models import CallNote
    from apps.imports import services

    import_xlsx.prefill()
    import_xlsx.reset()
    assignments = {}
    for rows in (100_000, 10_000):
        path = common.WORK / f"import-{rows}.xlsx"
        if not path.exists():
            import_xlsx.make_xlsx(path, rows)
        assignment, user = import_xlsx.fresh_assignment(f"Bench export {rows}")
        with open(path, "rb") as upload:
            job = services.import_job_create(assignment=assignment, actor=user, upload=upload, filename="b.xlsx")
        job = services.import_job_check(job_id=job.pk)  # the worker's check: headers and mapping
        job.status, job.mapping = "queued", job.detected_mapping
        job.save(update_fields=["status", "mapping"])
        job = services.import_run(job_id=job.pk)
        assert job.status == "done", job.error
        assignments[rows] = str(assignment.pk)
        if rows == 100_000:
            agent = user_create(username=f"bench-agent-{assignment.pk.hex[:6]}", role=Role.AGENT, password=None)
            result = assignment.results.first()
            prospects = list(assignment.prospects.values_list("pk", "company_id")[:10_000])
            now = timezone.now()
            CallNote.objects.bulk_create(
                CallNote(
                    assignment=assignment,
                    prospect_id=p,
                    company_id=c,
                    agent=agent,
                    result=result,
                    text=f"Gebeld, {i}: =SOM(A1) terugbellen na de zomer.",
                    created_at=now,
                )  # fmt: skip
                for i, (p, c) in enumerate(prospects)
            )
    return assignments


def download(assignment_id: str, file_format: str) -> None:
    """In a fresh process: one download, read to the end, as the response would send it."""
    common.setup_django()
    from apps.assignments.models import Assignment
    from apps.imports import exports

    assignment = Assignment.objects.get(pk=assignment_id)
    started = time.perf_counter()
    # The access-log entries of the download (R-LOG-1: its prospects and persons), written
    # before the first byte, are part of what the client waits for.
    exports.export_log(assignment=assignment, actor=None)
    print(f"log_seconds={time.perf_counter() - started:.2f}")
    size = 0
    if file_format == "csv":
        for part in exports.csv_zip_stream(assignment):  # the zip of database.csv + notes.csv
            size += len(part)
    else:
        with exports.xlsx_file(assignment) as f:
            while chunk := f.read(1 << 20):
                size += len(chunk)
    print(f"seconds={time.perf_counter() - started:.2f}")
    print(f"peak_mb={common.peak_rss_mb():.0f}")
    print(f"bytes={size}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--download":
        return download(sys.argv[2], sys.argv[3])
    common.WORK.mkdir(parents=True, exist_ok=True)
    common.ensure_database()
    common.setup_django()
    print("preparing 100,000 + 10,000 rows ...", flush=True)
    assignments = prepare()
    print(f"machine: {common.uptime()}")
    targets = {"csv": 5, "xlsx": 25}
    for file_format in ("csv", "xlsx"):
        for rows in (10_000, 100_000):
            r = common.measure([__file__, "--download", assignments[rows], file_format])
            print(f"{file_format:4} {rows:>7,} rows: {r['seconds']:>6} s (access log {r['log_seconds']} s)  "
                  f"peak {r['peak_mb']:>4} MB  "
                  f"{int(r['bytes']) / 1e6:.1f} MB file  (target at 100k: ≤ {targets[file_format]} s)")  # fmt: skip
    print(f"machine after: {common.uptime()}")


if __name__ == "__main__":
    main()
