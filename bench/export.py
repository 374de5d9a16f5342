"""Benchmark of the download (SPEC §7, issue 16 #3): one command, `python bench/export.py`.

Imports two assignments 10× apart (100,000 and 10,000 rows; `--quick`: 10,000 and 1,000),
with call notes on the larger (one per ten rows), through the real import, into the
database of the benchmarks (BENCH_DB; reused when already there, `--fresh` imports again).
Then, each in a fresh process so that its peak memory is its own:

- the floor: `COPY (the same join, the same order) TO STDOUT CSV`, every column as stored;
- the CSV download (zip of database.csv + notes.csv) and the xlsx download, each timed
  from its access-log write (before the first byte, R-LOG-1) to the last byte.

It prints, through `common.figure`, the CSV time against its floor (ratio) and the 5 s
target, the access-log write, the xlsx time against 15 s, the CPU seconds of each (the
process's and its Postgres backend's, which the machine's load does not inflate) against
the floor's, and the peak memory of both at
both sizes with the cost per row at each, so that memory growing with rows shows (it must
stay flat). `--before DIR` also times the downloads of another source tree (e.g. main,
unpacked with `git archive main | tar -x -C DIR`) back to back with this one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

NAME = "Bench export"
CSV_TARGET_S, XLSX_TARGET_S = 5.0, 15.0  # at 100,000 rows (SPEC §7, issue 16 #3); none at other sizes
TARGET_ROWS = 100_000

# The floor: the same join and order as the download's sheet 1, every column as stored
# (no labels, no escape, no formatting), written by Postgres itself.
FLOOR_SQL = """
    SELECT c.name, c.kvk_number, c.street, c.house_number, c.postcode, c.city, c.country, c.phone, c.website,
           c.industry, c.employees, c.status, p.first_name, p.tussenvoegsel, p.last_name, p.job_title, p.email,
           p.phone, pr.status, pr.callback_at, r.label, pr.last_called_at, pr.extra
    FROM prospects_prospect pr
    JOIN prospects_company c ON c.id = pr.company_id
    LEFT JOIN prospects_prospectperson pp ON pp.prospect_id = pr.id
    LEFT JOIN prospects_person p ON p.id = pp.person_id
    LEFT JOIN assignments_callresult r ON r.id = pr.last_result_id
    WHERE pr.assignment_id = %(assignment)s
    ORDER BY pr.created_at, pr.source_row NULLS LAST, c.name, pr.id, pp.source_row NULLS LAST,
             p.last_name, p.first_name, p.email"""


def cpu_seconds() -> float:
    """CPU time of this process and of its database backend (a local Postgres, read from
    /proc): the work of a download whatever the load of the shared machine, which the wall
    time is not. 0 for the backend when its /proc entry cannot be read."""
    import resource

    from django.db import connection

    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    connection.ensure_connection()
    try:
        fields = Path(f"/proc/{connection.connection.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (OSError, IndexError, ValueError):
        pass
    return total


def prepare(sizes: tuple[int, int], fresh: bool) -> dict[int, str]:
    """The assignments to download, by size: reused when a run before made them."""
    import import_xlsx
    from django.core.management import call_command
    from django.utils import timezone

    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.assignments.models import Assignment
    from apps.callnotes.models import CallNote
    from apps.imports import services

    call_command("migrate", verbosity=0)
    found = {}
    for rows in sizes:
        assignment = Assignment.objects.filter(name__startswith=f"{NAME} {rows} ").order_by("-pk").first()
        if assignment and assignment.prospects.count() == rows:
            found[rows] = str(assignment.pk)
    if fresh:
        import_xlsx.reset()
        found = {}
    assignments = dict(found)
    for rows in sizes:
        if rows in found:
            continue
        print(f"importing {rows:,} rows ...", flush=True)
        path = common.WORK / f"import-{rows}.xlsx"
        if not path.exists():
            import_xlsx.make_xlsx(path, rows)
        assignment, user = import_xlsx.fresh_assignment(f"{NAME} {rows}")
        with open(path, "rb") as upload:
            job = services.import_job_create(assignment=assignment, actor=user, upload=upload, filename="b.xlsx")
        job = services.import_job_check(job_id=job.pk)  # the worker's check: headers and mapping
        job.status, job.mapping = "queued", job.detected_mapping
        job.save(update_fields=["status", "mapping"])
        job = services.import_run(job_id=job.pk)
        assert job.status == "done", job.error
        assignments[rows] = str(assignment.pk)
        # Call notes: one per ten rows.
        agent = user_create(username=f"bench-agent-{assignment.pk.hex[:6]}", role=Role.AGENT, password=None)
        result = assignment.results.first()
        prospects = list(assignment.prospects.values_list("pk", "company_id")[: rows // 10])
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


def download(assignment_id: str, file_format: str, tree: str | None) -> None:
    """In a fresh process: one download, read to the end, as the response would send it;
    with `tree`, the download of that source tree instead of this one."""
    if tree:
        # That tree's code only: its folder first on the path and as the working directory
        # (Django's set-up puts the working directory on the path too).
        common.ROOT = Path(tree)
        os.chdir(tree)
    common.setup_django()
    from apps.assignments.models import Assignment
    from apps.imports import exports

    assert Path(exports.__file__).is_relative_to(common.ROOT), exports.__file__
    assignment = Assignment.objects.get(pk=assignment_id)
    rows = assignment.prospects.count()
    cpu = cpu_seconds()
    started = time.perf_counter()
    # The access-log entries of the download (R-LOG-1: its prospects and persons), written
    # before the first byte, are part of what the client waits for.
    exports.export_log(assignment=assignment, actor=None)
    logged = time.perf_counter()
    size = 0
    if file_format == "csv":
        for part in exports.csv_zip_stream(assignment):  # the zip of database.csv + notes.csv
            size += len(part)
    else:
        with exports.xlsx_file(assignment) as f:
            while chunk := f.read(1 << 20):
                size += len(chunk)
    done = time.perf_counter()
    print(f"cpu_seconds={cpu_seconds() - cpu:.3f}")
    print(f"log_seconds={logged - started:.3f}")
    print(f"stream_seconds={done - logged:.3f}")
    print(f"seconds={done - started:.3f}")
    print(f"peak_mb={common.peak_rss_mb():.1f}")
    print(f"bytes={size}")
    print(f"rows={rows}")


def floor(assignment_id: str) -> None:
    """In a fresh process: `COPY … TO STDOUT CSV` of the same join, read to the end."""
    common.setup_django()
    from django.db import connection

    cpu = cpu_seconds()
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor:
        statement = f"COPY ({FLOOR_SQL}) TO STDOUT (FORMAT csv, DELIMITER ';')"
        with cursor.cursor.copy(statement, {"assignment": assignment_id}) as copy:
            for data in copy:
                size += len(data)
    print(f"seconds={time.perf_counter() - started:.3f}")
    print(f"cpu_seconds={cpu_seconds() - cpu:.3f}")
    print(f"bytes={size}")


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--download":
        return download(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    if len(sys.argv) == 3 and sys.argv[1] == "--floor":
        return floor(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 and 1,000 rows (under 2 minutes)")
    parser.add_argument("--fresh", action="store_true", help="import the assignments again")
    parser.add_argument("--before", metavar="DIR", help="also time the downloads of this source tree")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each download (the best is reported)")
    args = parser.parse_args()
    common.WORK.mkdir(parents=True, exist_ok=True)
    common.ensure_database()
    common.setup_django()
    sizes = (10_000, 1_000) if args.quick else (100_000, 10_000)
    assignments = prepare(sizes, args.fresh)
    big, small = sizes
    print(f"machine before: {common.uptime()}", flush=True)

    def best(args_: list[str]) -> dict[str, str]:
        runs = [common.measure(args_) for _ in range(args.repeat)]
        return min(runs, key=lambda r: float(r["seconds"]))

    results: dict[tuple[str, str, int], dict[str, str]] = {}
    floor_runs = {rows: best([__file__, "--floor", assignments[rows]]) for rows in sizes}
    floors = {rows: float(r["seconds"]) for rows, r in floor_runs.items()}
    floor_cpu = {rows: float(r["cpu_seconds"]) for rows, r in floor_runs.items()}
    trees = [("after", None)] + ([("before", args.before)] if args.before else [])
    for file_format in ("csv", "xlsx"):
        for rows in (small, big):
            # Back to back: this tree, then the other one, on the same data.
            for label, tree in trees:
                extra = [tree] if tree else []
                r = best([__file__, "--download", assignments[rows], file_format, *extra])
                results[(label, file_format, rows)] = r
                print(
                    f"{label:6} {file_format:4} {rows:>7,} rows: {float(r['seconds']):6.2f} s "
                    f"(CPU {float(r['cpu_seconds']):.2f} s with the database's) "
                    f"(access log {float(r['log_seconds']):.2f} s, stream {float(r['stream_seconds']):.2f} s)  "
                    f"peak {float(r['peak_mb']):5.0f} MB  {int(r['bytes']) / 1e6:.1f} MB file",
                    flush=True,
                )
    print(f"machine after: {common.uptime()}", flush=True)

    for label, _tree in trees:
        suffix = "" if label == "after" else " (before)"
        for rows in (small, big):
            size = f"{rows:,} rows"
            csv = results[(label, "csv", rows)]
            seconds = float(csv["seconds"])
            common.figure(f"export csv{suffix}", seconds, "s", target=CSV_TARGET_S if rows == TARGET_ROWS else None,
                          floor=floors[rows], floor_label="COPY TO STDOUT of the same join", size=size,
                          per_row=seconds / rows)  # fmt: skip
            stream = float(csv["stream_seconds"])
            common.figure(f"export csv without the access log{suffix}", stream, "s", floor=floors[rows],
                          floor_label="COPY TO STDOUT of the same join", size=size, per_row=stream / rows)  # fmt: skip
            common.figure(f"export access-log write{suffix}", float(csv["log_seconds"]), "s", size=size,
                          per_row=float(csv["log_seconds"]) / rows)  # fmt: skip
            # The same work in CPU seconds (this process and its Postgres backend), which the
            # load of the shared machine does not inflate as it does the wall time.
            for file_format in ("csv", "xlsx"):
                cpu = float(results[(label, file_format, rows)]["cpu_seconds"])
                common.figure(f"export {file_format} CPU{suffix}", cpu, "s", floor=floor_cpu[rows],
                              floor_label="CPU of COPY TO STDOUT of the same join", size=size,
                              per_row=cpu / rows)  # fmt: skip
            xlsx = results[(label, "xlsx", rows)]
            seconds = float(xlsx["seconds"])
            common.figure(f"export xlsx{suffix}", seconds, "s", target=XLSX_TARGET_S if rows == TARGET_ROWS else None,
                          floor=floors[rows], floor_label="COPY TO STDOUT of the same join", size=size,
                          per_row=seconds / rows)  # fmt: skip
        for file_format in ("csv", "xlsx"):
            peaks = {rows: float(results[(label, file_format, rows)]["peak_mb"]) for rows in (small, big)}
            for rows in (small, big):
                print(
                    f"{label} {file_format} peak memory at {rows:,} rows: {peaks[rows] * 1e6 / rows:,.0f} bytes per row"
                )
                common.figure(f"export {file_format} peak memory{suffix}", peaks[rows], "MB", size=f"{rows:,} rows")
            # Flat memory: what each row beyond the smaller file adds to the peak (0 within noise).
            growth = (peaks[big] - peaks[small]) * 1e6 / (big - small)
            common.figure(f"export {file_format} memory growth per row{suffix}", growth, "bytes/row",
                          size=f"{small:,} → {big:,} rows")  # fmt: skip
    print(f"load average: {common.load_average()}")


if __name__ == "__main__":
    main()
