"""Benchmark of the clock rules (SPEC §7: "retention run over 1,000,000 persons that purges
100,000: ≤ 60 s, memory flat"; issue 16 #5: in production order, aim 30 s).

    python bench/retention.py [--persons 1000000] [--small 100000] [--reuse] [--quick]

Production order is the beat schedule's (leadhunter/settings.py CELERY_BEAT_SCHEDULE): the
purge at 02:30, then the flags at 03:00. The persons the purge deletes are the ones an
earlier night flagged (six months before, `verification_flags` announced them): the build
runs that earlier night (untimed), so tonight's purge deletes persons that carry their
flag rows, as it does in production. Timed: the purge of the 10 % past 12 months, then the
flags of the 20 % between 6 and 12 months, in a fresh process per size, with the peak
memory of that process, at two sizes 10x apart (cost per row at each).

Databases: $BENCH_DB_ret_<size> (a template, built once: schema by `migrate`, data by COPY;
kept with --reuse) and a copy of it per run ($BENCH_DB_ret_<size>_run), so that a before /
after comparison runs the same data. `--quick`: 5,000 and 50,000 persons.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import common  # noqa: E402

SERVER = common.BASE_URL
TARGET_SECONDS = 60
NIGHT = ("person_purge", "verification_flags")  # the beat's order: 02:30, then 03:00


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhunter.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # Production settings: with DEBUG on, Django keeps the last 9,000 queries in memory.
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-secret-key-" + "x" * 40, PRIVACY_HASH_KEY="bench-hash-key-" + "x" * 32
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def exists(database: str) -> bool:
    with _admin() as admin:
        return bool(admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone())


def build(database: str, persons: int) -> None:
    """Create the database, migrate it, COPY the data in and run the earlier night's flags."""
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    setup_django(database)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.assignments import services as assignment_services
    from apps.clients.models import Client

    client = Client.objects.create(name="Bench BV")
    client_user = user_create(username="bench-client", role=Role.CLIENT, client=client, password=None)
    assignment = assignment_services.assignment_create(client=client, name="Bench")
    assignment_services.processor_agreement_accept(assignment=assignment, actor=client_user, ip_address=None)
    assignment_services.assignment_set_active(assignment=assignment, active=True)
    for name, role in (("bench-supervisor", Role.SUPERVISOR), ("bench-agent", Role.AGENT)):
        user = user_create(username=name, role=role, password=None, confidentiality_signed_on=dt.date(2025, 1, 1))
        user.email = f"{name}@bench.example"
        user.save(update_fields=["email"])
        if role == Role.SUPERVISOR:
            assignment_services.assignment_add_supervisor(assignment=assignment, user=user)
        else:
            assignment_services.assignment_schedule_agent(assignment=assignment, user=user)

    now = timezone.now()
    companies = max(1, persons // 10)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Set-based: companies, one prospect each, persons spread over them.
        cursor.execute(
            """INSERT INTO prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode,
                   city, country, phone, website, website_domain, industry, status, verified_at, created_at,
                   updated_at)
               SELECT gen_random_uuid(), 'Bedrijf ' || g || ' BV', 'bedrijf ' || g, '', '', '', '', '', 'NL', '',
                      '', '', '', 'active', %(now)s, %(now)s, %(now)s
               FROM generate_series(0, %(n)s - 1) g""",
            {"now": now, "n": companies},
        )
        cursor.execute(
            """CREATE TEMP TABLE bench_co AS
               SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS n FROM prospects_company""",
        )
        cursor.execute(
            """INSERT INTO prospects_prospect (id, extra, status, created_at, assignment_id, company_id)
               SELECT gen_random_uuid(), '{}', 'new', %s, %s, id FROM bench_co""",
            [now, assignment.pk],
        )
        # 10 % past 12 months, 20 % between 6 and 12 months, the rest recent.
        cursor.execute(
            """INSERT INTO prospects_person (id, client_id, first_name, tussenvoegsel, last_name, job_title, email,
                   phone, legal_basis, source, verified_at, created_at, company_id)
               SELECT gen_random_uuid(), %(client)s, 'Jan', '', 'Persoon' || g, 'Inkoper',
                      'p' || g || '@bench.example', '+316' || lpad(g::text, 8, '0'), 'legitimate_interest', 'bench',
                      CASE WHEN g %% 10 = 0 THEN %(now)s - (400 + g %% 60) * interval '1 day'
                           WHEN g %% 10 IN (1, 2) THEN %(now)s - (200 + g %% 120) * interval '1 day'
                           ELSE %(now)s - (g %% 150) * interval '1 day' END,
                      %(now)s, c.id
               FROM generate_series(0, %(n)s - 1) g JOIN bench_co c ON c.n = g %% %(companies)s""",
            {"client": client.pk, "now": now, "n": persons, "companies": companies},
        )
        cursor.execute(
            """INSERT INTO prospects_prospectperson (person_id, prospect_id, created_at)
               SELECT pe.id, pr.id, %s FROM prospects_person pe JOIN prospects_prospect pr
                 ON pr.company_id = pe.company_id""",
            [now],
        )
        cursor.execute("DROP TABLE bench_co")
    connection.close()
    import psycopg

    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    # The earlier night, six months ago: it announced the persons tonight's purge deletes.
    from apps.retention.runner import run_rule

    earlier = run_rule("verification_flags", now=now - dt.timedelta(days=200))
    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(
        f"  built {database}: {persons:,} persons, {companies:,} companies, earlier night's flags"
        f" {earlier.counts.get('persons_flagged', 0):,} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def copy_for_run(template: str, run_db: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"')
    # Migrations added since the template was built (e.g. an index), untimed.
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--migrate", run_db], check=True
    )


def run_job(database: str) -> dict:
    """In this (fresh) process: tonight's rules in the beat's order; time and peak memory."""
    setup_django(database)
    from apps.retention.runner import run_rule

    timings = {}
    started = time.perf_counter()
    for rule in NIGHT:
        t = time.perf_counter()
        run = run_rule(rule)
        timings[rule] = {"seconds": round(time.perf_counter() - t, 2), "counts": run.counts, "status": run.status}
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "rules": timings,
        "max_rss_mb": round(common.peak_rss_mb(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000, help="the size 10x smaller")
    parser.add_argument("--quick", action="store_true", help="5,000 and 50,000 persons")
    parser.add_argument("--reuse", action="store_true", help="keep the template databases if they exist")
    parser.add_argument("--run-job", help=argparse.SUPPRESS)  # internal: run the job in this process
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)  # internal: build DB PERSONS
    parser.add_argument("--migrate", help=argparse.SUPPRESS)  # internal: migrate DB
    args = parser.parse_args()
    if args.run_job:
        print(json.dumps(run_job(args.run_job)))
        return
    if args.build:
        build(args.build[0], int(args.build[1]))
        return
    if args.migrate:
        setup_django(args.migrate)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return
    if args.quick:
        args.small, args.persons = 5_000, 50_000

    print(f"machine before: {common.uptime()}", flush=True)
    results = {}
    for persons in (args.small, args.persons):
        template = f"{common.BENCH_DB}_ret_{persons}"
        if not (args.reuse and exists(template)):
            subprocess.run([sys.executable, __file__, "--build", template, str(persons)], check=True)  # noqa: S603
        run_db = f"{template}_run"
        copy_for_run(template, run_db)
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--run-job", run_db], check=True, capture_output=True, text=True
        ).stdout
        r = results[persons] = json.loads(out.strip().splitlines()[-1])
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        print(f"  {persons:>9,} persons: purge then flags {r['seconds']:6.1f} s, peak memory {r['max_rss_mb']} MB")
        for rule, detail in r["rules"].items():
            print(f"      {rule:20s} {detail['seconds']:6.1f} s  {detail['status']}  {detail['counts']}", flush=True)
            common.figure(
                f"retention: {rule}", detail["seconds"], "s", size=f"{persons:,} persons",
                per_row=detail["seconds"] / persons,
            )  # fmt: skip
        common.figure(
            "retention night (purge, then flags)", r["seconds"], "s", target=TARGET_SECONDS,
            size=f"{persons:,} persons", per_row=r["seconds"] / persons,
        )  # fmt: skip
        common.figure("retention peak memory", r["max_rss_mb"], "MB", size=f"{persons:,} persons")
    print(f"machine after: {common.uptime()}")
    small, large = results[args.small], results[args.persons]
    print(
        f"memory: {small['max_rss_mb']} MB at {args.small:,} vs {large['max_rss_mb']} MB at {args.persons:,};"
        f" time x{large['seconds'] / max(small['seconds'], 0.01):.1f} for x{args.persons / args.small:.0f} data"
    )


if __name__ == "__main__":
    main()
