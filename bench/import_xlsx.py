"""Benchmark of the import (SPEC §7): one command, `python bench/import_xlsx.py`.

Generates a 100,000-row, 12-column xlsx; uses its own database `bench_issue3`, pre-filled
once with 1,000,000 companies by COPY; runs the import end to end (file checks, header
detection, confirmation, the set-based import) in a fresh process and prints time and peak
memory against the targets (≤ 15 s, ≤ 400 MB), then the same import written the ordinary
way with django-import-export (row by row through the ORM) and the ratio.

Options: --rows N (default 100000), --reference-rows N (default 10000: the reference is
extrapolated linearly to --rows, and says so), --fresh (rebuild the database).
"""

from __future__ import annotations

import argparse
import json
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
        cursor.execute("VACUUM ANALYZE prospects_company") if connection.connection.autocommit else None


def make_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r in range(1, rows + 1):
        # Every other row names a company already in the database (by KvK); the rest are new.
        n = (r * 7919) % COMPANIES if r % 2 else COMPANIES + r
        sheet.write_row(r, 0, [
            f"Bedrijf {n} BV", f"{n:08d}", "Kerkstraat", str(r % 150), f"{1000 + r % 9000}ab",
            CITIES[r % len(CITIES)], f"06{r % 100000000:08d}", f"bedrijf{n}.nl", "Jan",
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
    """In a fresh process: the product's import, end to end."""
    common.setup_django()
    from apps.imports import services

    assignment, user = fresh_assignment("Bench import")
    started = time.perf_counter()
    with open(path, "rb") as upload:
        job = services.import_job_create(assignment=assignment, actor=user, upload=upload, filename="bench.xlsx")
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
    print(f"seconds={done - started:.2f}")
    print(f"check_seconds={checked - started:.2f}")
    print(f"peak_mb={common.peak_rss_mb():.0f}")
    print("report=" + json.dumps({k: getattr(job, k) for k in (
        "rows_read", "rows_rejected", "companies_new", "companies_matched", "persons_new", "persons_matched",
        "persons_conflicting")}))  # fmt: skip
    print(f"assignment={assignment.pk}")


def run_reference(path: str) -> None:
    """In a fresh process: the same import the ordinary way, django-import-export row by row."""
    common.setup_django()
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
            person = Person.objects.filter(client=assignment.client, email=email).first() or Person.objects.create(
                client=assignment.client, company=instance, first_name=row["Voornaam"],
                last_name=row["Achternaam"], email=email,
                phone=normalise.phone(row["Telefoon"]), verified_at=timezone.now(),
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reference-rows", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--ours", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        return run_ours(args.ours)
    if args.reference:
        return run_reference(args.reference)

    common.WORK.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        import psycopg

        with psycopg.connect(f"{common.BASE_URL}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{common.BENCH_DB}"')
    common.ensure_database()
    common.setup_django()
    prefill()
    big = common.WORK / f"import-{args.rows}.xlsx"
    small = common.WORK / f"import-{args.reference_rows}.xlsx"
    for path, rows in ((big, args.rows), (small, args.reference_rows)):
        if rows and not path.exists():
            print(f"generating {path.name} ({rows:,} rows x 12 columns) ...", flush=True)
            make_xlsx(path, rows)
    reset()
    print(f"machine: {common.uptime()}")
    ours = common.measure([__file__, "--ours", str(big)])
    print(f"\nours: {args.rows:,} rows into {COMPANIES:,} companies")
    print(f"  end to end {ours['seconds']} s (file checks + header scan {ours['check_seconds']} s)  target ≤ 15 s")
    print(f"  peak memory {ours['peak_mb']} MB  target ≤ 400 MB")
    print(f"  report {ours['report']}")
    if not args.reference_rows:
        print("reference skipped (--reference-rows 0)")
        return
    reset()
    ref = common.measure([__file__, "--reference", str(small)])
    factor = args.rows / args.reference_rows
    ref_seconds = float(ref["seconds"]) * factor
    print(f"\nreference (django-import-export, row by row): {args.reference_rows:,} rows in {ref['seconds']} s, "
          f"peak {ref['peak_mb']} MB")  # fmt: skip
    if factor != 1:
        print(f"  extrapolated linearly to {args.rows:,} rows: {ref_seconds:.0f} s (not run at full size)")
    print(f"  ratio: ours is {ref_seconds / float(ours['seconds']):.1f}x faster  target ≥ 10x")
    print(f"machine after: {common.uptime()}")


if __name__ == "__main__":
    main()
