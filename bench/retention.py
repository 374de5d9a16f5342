"""Benchmark of the clock rules (SPEC §7: "retention run over 1,000,000 persons that purges
100,000: ≤ 60 s, memory flat").

    python bench/retention.py [--persons 1000000] [--small 100000]

Builds its own databases (bench_issue5 and bench_issue5_small: dropped and re-created,
schema by `migrate`, data by COPY): the given number of persons, of whom 10 % were last
verified more than 12 months ago and 20 % between 6 and 12 months ago, one tenth as many
companies, each a prospect of one assignment with an agent and a supervisor. Then runs
the purge and the flag rule (the same `run_rule` as beat) in a fresh process per size and
prints the time and the peak memory (ru_maxrss) of that process, for the small and the
large database, so that "flat" can be read off.

Measured 2026-11-22 on the 2-core machine, load average ~4 (colleagues' test suites):
1,000,000 persons: purge of 100,000 in 18.7 s + flags of 200,000 in 13.6 s = 32.2 s;
peak memory 77.2 MB, against 77.1 MB at 100,000 persons.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
TARGET_SECONDS = 60


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


def build(database: str, persons: int) -> None:
    """Create the database, migrate it and COPY the data in."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
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
    company_ids = [uuid.uuid4() for _ in range(companies)]
    prospect_ids = [uuid.uuid4() for _ in range(companies)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode, city,"
            " country, phone, website, website_domain, industry, status, verified_at, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for i, pk in enumerate(company_ids):
                copy.write_row(
                    (pk, f"Bedrijf {i} BV", f"bedrijf {i}", "", "", "", "", "", "NL", "", "", "", "", "active")
                    + (now, now, now)
                )
        with raw.copy(
            "COPY prospects_prospect (id, extra, status, created_at, assignment_id, company_id) FROM STDIN"
        ) as copy:
            for pk, company_id in zip(prospect_ids, company_ids, strict=True):
                copy.write_row((pk, "{}", "new", now, assignment.pk, company_id))
        # 10 % past 12 months, 20 % between 6 and 12 months, the rest recent.
        day = dt.timedelta(days=1)
        with raw.copy(
            "COPY prospects_person (id, first_name, last_name, job_title, email, phone, legal_basis, source,"
            " verified_at, created_at, company_id) FROM STDIN"
        ) as copy:
            person_ids = []
            for i in range(persons):
                bucket = i % 10
                if bucket == 0:
                    verified = now - 400 * day - (i % 60) * day
                elif bucket in (1, 2):
                    verified = now - 200 * day - (i % 120) * day
                else:
                    verified = now - (i % 150) * day
                pk = uuid.uuid4()
                copy.write_row(
                    (
                        pk,
                        "Jan",
                        f"Persoon{i}",
                        "Inkoper",
                        f"p{i}@bench.example",
                        f"+316{i:08d}",
                        "legitimate_interest",
                        "bench",
                        verified,
                        now,
                        company_ids[i % companies],
                    )
                )
                person_ids.append(pk)
        with raw.copy("COPY prospects_prospectperson (person_id, prospect_id, created_at) FROM STDIN") as copy:
            for i, pk in enumerate(person_ids):
                copy.write_row((pk, prospect_ids[i % companies], now))
        del person_ids
        cursor.execute("VACUUM ANALYZE")
    print(f"  built {database}: {persons:,} persons, {companies:,} companies in {time.perf_counter() - started:.1f} s")


def run_job(database: str) -> dict:
    """In this (fresh) process: the purge and the flag rule; time and peak memory."""
    setup_django(database)
    from apps.retention.runner import run_rule

    timings = {}
    started = time.perf_counter()
    for rule in ("person_purge", "verification_flags"):
        t = time.perf_counter()
        run = run_rule(rule)
        timings[rule] = {"seconds": round(time.perf_counter() - t, 1), "counts": run.counts, "status": run.status}
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rules": timings,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000, help="the reference size for 'memory flat'")
    parser.add_argument("--run-job", help=argparse.SUPPRESS)  # internal: run the job in this process
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)  # internal: build DB PERSONS
    args = parser.parse_args()
    if args.run_job:
        print(json.dumps(run_job(args.run_job)))
        return
    if args.build:
        build(args.build[0], int(args.build[1]))
        return

    load = os.getloadavg()
    print(f"machine load before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min)")
    results = {}
    for database, persons in (("bench_issue5_small", args.small), ("bench_issue5", args.persons)):
        subprocess.run([sys.executable, __file__, "--build", database, str(persons)], check=True)  # noqa: S603
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--run-job", database], check=True, capture_output=True, text=True
        ).stdout
        results[persons] = json.loads(out.strip().splitlines()[-1])
        r = results[persons]
        print(f"  {persons:>9,} persons: flag + purge {r['seconds']:6.1f} s, peak memory {r['max_rss_mb']:6.1f} MB")
        for rule, detail in r["rules"].items():
            print(f"      {rule:20s} {detail['seconds']:6.1f} s  {detail['status']}  {detail['counts']}")
    small, large = results[args.small], results[args.persons]
    print(f"machine load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    verdict = "OK" if large["seconds"] <= TARGET_SECONDS else "OVER"
    print(f"SPEC §7 target ≤ {TARGET_SECONDS} s at {args.persons:,} persons: {large['seconds']} s — {verdict}")
    ratio = large["max_rss_mb"] / small["max_rss_mb"]
    print(
        f"memory: {small['max_rss_mb']} MB at {args.small:,} vs {large['max_rss_mb']} MB at {args.persons:,}"
        f" (×{ratio:.2f} for ×{args.persons / args.small:.0f} data)"
    )


if __name__ == "__main__":
    main()
