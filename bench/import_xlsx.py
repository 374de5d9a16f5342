"""Benchmark of the import (SPEC §7, issue 16 #1): one command, `python bench/import_xlsx.py`.

Generates 12-column xlsx files (every other row a company already in the database, one
phone number in 20 invalid); uses its own database (BENCH_DB), pre-filled once with
1,000,000 companies by COPY; at two sizes 10x apart (10,000 and 100,000 rows) runs, each in
a fresh process and from the same state:

- ours: the import end to end (upload checks, the worker's read-through, confirmation, the
  set-based import), with the seconds of every phase and SQL step and the peak memory;
- the floor: calamine's read of the same file plus COPY of the rows the import writes (new
  companies, one person, prospect and link per row) into the same tables, committed;

and prints time, floor, ratio (target ≤ 2x, i.e. ≤ 15 s wherever the floor is ≤ 7.5 s),
memory (≤ 400 MB, not growing with the file) and the cost per row at each size, all through
`common.figure`. Then the same import written the ordinary way with django-import-export
(row by row through the ORM; bench/requirements.txt, installed with
`pip install --target $BENCH_WORK/refpkgs -r bench/requirements.txt`), extrapolated linearly.

Options: --rows N (the larger size, default 100000), --reference-rows N (default 2000; 0
skips it), --quick (10,000 and 1,000 rows, reference 200: under 2 minutes once the database
is filled), --fresh (rebuild the database).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

COMPANIES = 1_000_000
HEADERS = ["Bedrijfsnaam", "KvK", "Straat", "Huisnummer", "Postcode", "Plaats", "Telefoon", "Website",
           "Voornaam", "Achternaam", "E-mail", "Klantnummer"]  # fmt: skip
CITIES = ["Utrecht", "Amsterdam", "Rotterdam", "Den Haag", "Eindhoven", "Zwolle", "Groningen", "Delft"]


def prefill() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prospects_company")
        if cursor.fetchone()[0] >= COMPANIES:
            return
        print(f"pre-filling {COMPANIES:,} companies by COPY ...", flush=True)
        started = time.perf_counter()
        cursor.execute("TRUNCATE prospects_company CASCADE")
        now = timezone.now()
        cols = (
            "id, name, name_normalised, kvk_number, street, house_number, postcode, city, country, phone, "
            "website, website_domain, industry, employees, status, verified_at, created_at, updated_at"
        )
        with cursor.copy(f"COPY prospects_company ({cols}) FROM STDIN") as copy:
            for i in range(COMPANIES):
                # Half of them verified long ago, half recently: both correction branches run.
                verified = now if i % 2 else now.replace(year=now.year - 1)
                copy.write_row((
                    uuid.uuid4(), f"Bedrijf {i} BV", f"bedrijf {i}", f"{i:08d}", "Dorpsstraat", str(i % 200),
                    f"{1000 + i % 9000} AB", CITIES[i % len(CITIES)], "NL", "", f"https://www.bedrijf{i}.nl",
                    f"bedrijf{i}.nl", "", None, "active", verified, now, now,
                ))  # fmt: skip
        cursor.execute("ANALYZE prospects_company")
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)


def reset() -> None:
    """Undo earlier runs, so that every run imports into the same state: no prospects or
    persons, only the 1,000,000 pre-filled companies (their values may carry earlier
    corrections; the match/new split stays 50/50)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE prospects_prospect, prospects_person, imports_difference CASCADE")
        cursor.execute("DELETE FROM prospects_company WHERE kvk_number >= %s", [f"{COMPANIES:08d}"])
        # The companies an earlier run matched get their pre-filled values and verification
        # date back, so that every run meets the same half "verified recently" (differences
        # kept) and half "verified long ago" (values replaced).
        cursor.execute(
            """UPDATE prospects_company SET name = 'Bedrijf ' || (kvk_number::int) || ' BV',
                   name_normalised = 'bedrijf ' || (kvk_number::int), street = 'Dorpsstraat',
                   house_number = (kvk_number::int %% 200)::text,
                   postcode = (1000 + kvk_number::int %% 9000)::text || ' AB',
                   city = (%(cities)s::text[])[1 + kvk_number::int %% %(n)s], country = 'NL', phone = '',
                   website = 'https://www.bedrijf' || (kvk_number::int) || '.nl',
                   website_domain = 'bedrijf' || (kvk_number::int) || '.nl', industry = '', employees = NULL,
                   legal_form = '',
                   verified_at = CASE WHEN kvk_number::int %% 2 = 1 THEN created_at
                                      ELSE created_at - interval '1 year' END,
                   updated_at = created_at
               WHERE updated_at <> created_at""",
            {"cities": CITIES, "n": len(CITIES)},
        )
        cursor.execute("VACUUM ANALYZE prospects_company") if connection.connection.autocommit else None


def phone_number(r: int) -> str:
    """A valid Dutch mobile number; one row in 20 an invalid one (06 0…: no such series),
    which the import leaves out with a remark (issue 12)."""
    return f"0600{r % 1000000:06d}" if r % 20 == 0 else f"061{r % 10000000:07d}"


def make_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        # Every other row names a company already in the database (by KvK); the rest are new.
        # Its KvK number is odd (r odd, 7919 odd, an even modulus), so every company named is
        # one verified recently: the costly branch, each differing value kept as a difference
        # to verify (about 4 a company: ~200,000 at 100,000 rows) and the blank phone filled.
        n = (r * 7919) % COMPANIES if r % 2 else COMPANIES + r
        sheet.write_row(r, 0, [
            f"Bedrijf {n} BV", f"{n:08d}", "Kerkstraat", str(r % 150), f"{1000 + r % 9000}ab",
            CITIES[r % len(CITIES)], phone_number(r), f"bedrijf{n}.nl", "Jan",
            f"Jansen{r}", f"jan.jansen{r}@bedrijf{n}.nl", f"{r:07d}",
        ])  # fmt: skip
    workbook.close()


def fresh_assignment(name: str):  # type: ignore[no-untyped-def]
    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.assignments import services
    from apps.clients.models import Client

    client, _ = Client.objects.get_or_create(name="Bench BV")
    user = client.users.first() or user_create(
        username=f"bench-{uuid.uuid4().hex[:6]}", role=Role.CLIENT, password=None, client=client
    )
    assignment = services.assignment_create(client=client, name=f"{name} {uuid.uuid4().hex[:6]}")
    services.processor_agreement_accept(assignment=assignment, actor=user, ip_address=None)
    return assignment, user


def run_ours(path: str) -> None:
    """In a fresh process: the product's import, end to end, with its phases."""
    import logging

    common.setup_django()
    from apps.imports import services

    phases: list[tuple[str, float]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            name, seconds = record.getMessage().rsplit("\t", 1)
            phases.append((name, float(seconds)))

    class CollectOld(logging.Handler):  # the code before issue 16 logged its SQL steps so
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if message.startswith("import step "):
                seconds, sql = message.removeprefix("import step ").split("s: ", 1)
                phases.append(("sql: " + sql[:70], float(seconds)))

    for name, handler in (("apps.imports.phases", Collect()), ("apps.imports.pipeline", CollectOld())):
        phase_logger = logging.getLogger(name)
        phase_logger.setLevel(logging.DEBUG)
        phase_logger.addHandler(handler)
        phase_logger.propagate = False

    assignment, user = fresh_assignment("Bench import")
    started = time.perf_counter()
    with open(path, "rb") as upload:
        job = services.import_job_create(assignment=assignment, actor=user, upload=upload, filename="bench.xlsx")
    created = time.perf_counter()
    job = services.import_job_check(job_id=job.pk)  # the worker's read-through (issue 15), then the mapping
    checked = time.perf_counter()
    from django.test.utils import CaptureQueriesContext  # noqa: F401 (keeps import cost out of the timing)

    assert job.status == "mapping", job.error
    job.status = "queued"
    job.mapping = job.detected_mapping
    job.save(update_fields=["status", "mapping"])
    job = services.import_run(job_id=job.pk)
    done = time.perf_counter()
    assert job.status == "done", job.error
    phases.insert(0, ("upload: file checks and storing", created - started))
    phases.insert(1, ("check: the worker's read-through, header scan", checked - created))
    print(f"seconds={done - started:.2f}")
    print(f"check_seconds={checked - started:.2f}")
    print(f"peak_mb={common.peak_rss_mb():.0f}")
    print("phases=" + json.dumps(phases))
    print("report=" + json.dumps({k: getattr(job, k) for k in (
        "rows_read", "rows_rejected", "companies_new", "companies_matched", "persons_new", "persons_matched",
        "persons_conflicting")}))  # fmt: skip
    print(f"assignment={assignment.pk}")


def run_floor(path: str) -> None:
    """In a fresh process: what the hardware allows for the same work (issue 16 #1) — read
    the sheet's values with calamine, and COPY the rows the import writes into the same
    tables (the new companies, one person, prospect and link per row), committed (with the
    tables' deferred foreign-key checks). No normalising, no matching, no differences."""
    common.setup_django()
    from django.db import connection, transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    assignment, _user = fresh_assignment("Bench floor")
    client_id = assignment.client_id
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_name(book.sheet_names[0]).iter_rows()
    next(rows)  # the header
    data = [[str(v) for v in row] for row in rows]
    read = time.perf_counter()
    now = timezone.now()
    companies: dict[str, uuid.UUID] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # The existing companies' ids (the file's KvK numbers): not COPY, so not in the floor.
        cursor.execute(
            "SELECT kvk_number, id FROM prospects_company WHERE kvk_number = ANY(%s)", [[r[1] for r in data]]
        )
        ids = dict(cursor.fetchall())
        looked_up = time.perf_counter()
        with cursor.copy(
            "COPY prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode, city,"
            " country, phone, website, website_domain, industry, status, verified_at, created_at, updated_at,"
            " legal_form) FROM STDIN"
        ) as copy:
            for r in data:
                if r[1] not in ids and r[1] not in companies:
                    companies[r[1]] = uuid.uuid4()
                    copy.write_row((companies[r[1]], r[0], r[0].lower(), r[1], r[2], r[3], r[4], r[5], "NL", r[6],
                                    r[7], r[7], "", "active", now, now, now, ""))  # fmt: skip
        ids.update(companies)
        persons = [uuid.uuid4() for _ in data]
        with cursor.copy(
            "COPY prospects_person (id, client_id, company_id, first_name, tussenvoegsel, last_name, job_title,"
            " email, phone, legal_basis, source, verified_at, created_at) FROM STDIN"
        ) as copy:
            for r, person in zip(data, persons, strict=True):
                copy.write_row((person, client_id, ids[r[1]], r[8], "", r[9], "", r[10], r[6],
                                "legitimate_interest", "upload", now, now))  # fmt: skip
        prospects = {}
        with cursor.copy(
            "COPY prospects_prospect (id, assignment_id, company_id, extra, status, created_at, source_row) FROM STDIN"
        ) as copy:
            for number, r in enumerate(data, start=2):
                if ids[r[1]] not in prospects:
                    prospects[ids[r[1]]] = uuid.uuid4()
                    copy.write_row((prospects[ids[r[1]]], assignment.pk, ids[r[1]],
                                    json.dumps({"Klantnummer": r[11]}), "new", now, number))  # fmt: skip
        with cursor.copy(
            "COPY prospects_prospectperson (prospect_id, person_id, created_at, source_row) FROM STDIN"
        ) as copy:
            for number, (r, person) in enumerate(zip(data, persons, strict=True), start=2):
                copy.write_row((prospects[ids[r[1]]], person, now, number))
        copied = time.perf_counter()
    done = time.perf_counter()
    written = len(companies) + len(persons) + len(prospects) + len(persons)
    print(f"seconds={done - started - (looked_up - read):.2f}")
    print(f"read_seconds={read - started:.2f}")
    print(f"copy_seconds={copied - looked_up:.2f}")
    print(f"commit_seconds={done - copied:.2f}")
    print(f"rows_written={written}")
    print(f"peak_mb={common.peak_rss_mb():.0f}")


def run_reference(path: str) -> None:
    """In a fresh process: the same import the ordinary way, django-import-export row by row."""
    common.setup_django()
    # bench/requirements.txt, installed apart from the product's environment, e.g.
    # pip install --target $BENCH_WORK/refpkgs -r bench/requirements.txt
    sys.path.append(os.environ.get("BENCH_REFERENCE_PACKAGES", str(common.WORK / "refpkgs")))
    import tablib
    from import_export import fields, resources

    from apps.prospects import normalise
    from apps.prospects.models import Company, Person, Prospect, ProspectPerson

    assignment, _user = fresh_assignment("Bench reference")

    class CompanyResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="Bedrijfsnaam")
        kvk_number = fields.Field(attribute="kvk_number", column_name="KvK")
        street = fields.Field(attribute="street", column_name="Straat")
        house_number = fields.Field(attribute="house_number", column_name="Huisnummer")
        postcode = fields.Field(attribute="postcode", column_name="Postcode")
        city = fields.Field(attribute="city", column_name="Plaats")
        website = fields.Field(attribute="website", column_name="Website")

        class Meta:
            model = Company
            import_id_fields = ("kvk_number",)
            fields = ("name", "kvk_number", "street", "house_number", "postcode", "city", "website")
            use_transactions = True

        def before_import_row(self, row, **kwargs):  # type: ignore[no-untyped-def]
            row["KvK"] = normalise.kvk(row["KvK"])
            row["Postcode"] = normalise.postcode(row["Postcode"])

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            from django.utils import timezone

            instance.name_normalised = normalise.company_name(instance.name)
            instance.website_domain = normalise.website_domain(instance.website)
            instance.verified_at = timezone.now()

        def after_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            from django.utils import timezone

            prospect, _ = Prospect.objects.get_or_create(
                assignment=assignment, company=instance, defaults={"extra": {"Klantnummer": row["Klantnummer"]}}
            )
            email = normalise.email(row["E-mail"])
            try:
                phone = normalise.phone(row["Telefoon"])
            except ValueError:  # left out, as ours does
                phone = ""
            person = Person.objects.filter(client=assignment.client, email=email).first() or Person.objects.create(
                client=assignment.client, company=instance, first_name=row["Voornaam"],
                last_name=row["Achternaam"], email=email,
                phone=phone, verified_at=timezone.now(),
            )  # fmt: skip
            ProspectPerson.objects.get_or_create(prospect=prospect, person=person)

    started = time.perf_counter()
    with open(path, "rb") as f:
        dataset = tablib.Dataset().load(f.read(), format="xlsx")
    result = CompanyResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors()
    print(f"seconds={elapsed:.2f}")
    print(f"peak_mb={common.peak_rss_mb():.0f}")


def reference_available() -> bool:
    path = os.environ.get("BENCH_REFERENCE_PACKAGES", str(common.WORK / "refpkgs"))
    return any((Path(p) / "import_export").is_dir() for p in [path, *sys.path])


def one_size(rows: int) -> dict:
    """Ours and the floor at one size, back to back on the same state."""
    path = common.WORK / f"import-v2-{rows}.xlsx"
    if not path.exists():
        print(f"generating {path.name} ({rows:,} rows x 12 columns) ...", flush=True)
        make_xlsx(path, rows)
    reset()
    print(f"\n{rows:,} rows into {COMPANIES:,} companies · load {common.load_average()}", flush=True)
    ours = common.measure([__file__, "--ours", str(path)])
    reset()
    floor = common.measure([__file__, "--floor", str(path)])
    seconds, floor_seconds = float(ours["seconds"]), float(floor["seconds"])
    print(f"  report {ours['report']}")
    print("  phases (seconds):")
    phases = json.loads(ours["phases"])
    for name, value in phases:
        print(f"    {value:8.2f}  {name}")
    print(f"    {seconds - sum(v for _n, v in phases):8.2f}  the rest (set-up, report; in code before issue 16 also "
          "the reading, normalising, COPY and commit, which it did not log)")  # fmt: skip
    print(f"  floor: calamine read {floor['read_seconds']} s + COPY of {int(floor['rows_written']):,} rows "
          f"{floor['copy_seconds']} s + commit {floor['commit_seconds']} s = {floor_seconds:.2f} s, "
          f"peak {floor['peak_mb']} MB")  # fmt: skip
    size = f"{rows:,} rows"
    # SPEC §7 / issue 16 #1: within 2x of the floor, which is 15 s wherever the floor is ≤ 7.5 s.
    target = max(15.0, 2 * floor_seconds) if rows >= 100_000 else None
    common.figure("import end to end", seconds, "s", target=target, floor=floor_seconds,
                  floor_label="calamine read + COPY of the same rows", size=size, per_row=seconds / rows)  # fmt: skip
    common.figure("import ratio to its floor", seconds / floor_seconds, "x", target=2.0, size=size)
    common.figure("import peak memory", float(ours["peak_mb"]), "MB", target=400.0, size=size,
                  floor=float(floor["peak_mb"]), floor_label="the floor's process")  # fmt: skip
    return {"rows": rows, "seconds": seconds, "floor": floor_seconds, "peak_mb": float(ours["peak_mb"])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="the larger size; the smaller is a tenth")
    parser.add_argument("--reference-rows", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="10,000 and 1,000 rows, reference 200 (< 2 minutes)")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--ours", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        return run_ours(args.ours)
    if args.floor:
        return run_floor(args.floor)
    if args.reference:
        return run_reference(args.reference)
    if args.quick:
        args.rows, args.reference_rows = 10_000, 200

    common.WORK.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        import psycopg

        with psycopg.connect(f"{common.BASE_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{common.BENCH_DB}"')
    common.ensure_database()
    common.setup_django()
    prefill()
    print(f"machine: {common.uptime()}")
    sizes = [one_size(rows) for rows in (args.rows // 10, args.rows)]
    small, big = sizes
    growth = (big["seconds"] / big["rows"]) / (small["seconds"] / small["rows"])
    print(f"\ncost per row: {small['seconds'] / small['rows'] * 1e6:,.0f} µs at {small['rows']:,}, "
          f"{big['seconds'] / big['rows'] * 1e6:,.0f} µs at {big['rows']:,} ({growth:.2f}x)")  # fmt: skip
    common.figure("import cost per row, larger / smaller size", growth, "x", target=1.0 + 0.25,
                  size=f"{big['rows']:,} / {small['rows']:,} rows")  # fmt: skip
    common.figure("import memory, larger / smaller size", big["peak_mb"] / small["peak_mb"], "x", target=1.25,
                  size=f"{big['rows']:,} / {small['rows']:,} rows")  # fmt: skip
    if not args.reference_rows:
        print("reference skipped (--reference-rows 0)")
        return
    if not reference_available():
        print("reference skipped: django-import-export is not installed (pip install --target "
              f"{common.WORK / 'refpkgs'} -r bench/requirements.txt)")  # fmt: skip
        return
    path = common.WORK / f"import-v2-{args.reference_rows}.xlsx"
    if not path.exists():
        make_xlsx(path, args.reference_rows)
    reset()
    ref = common.measure([__file__, "--reference", str(path)])
    factor = big["rows"] / args.reference_rows
    ref_seconds = float(ref["seconds"]) * factor
    print(f"\nreference (django-import-export, row by row): {args.reference_rows:,} rows in {ref['seconds']} s, "
          f"peak {ref['peak_mb']} MB; extrapolated linearly to {big['rows']:,} rows: {ref_seconds:.0f} s")  # fmt: skip
    common.figure("import: reference (django-import-export) / ours", ref_seconds / big["seconds"], "x",
                  target=10.0, higher_is_better=True, size=f"{big['rows']:,} rows (reference extrapolated "
                  f"from {args.reference_rows:,})")  # fmt: skip
    print(f"machine after: {common.uptime()}")


if __name__ == "__main__":
    main()
