"""The supervisor's pages at scale (R-SUP-1, SPEC §7 "bounded queries"): the progress
figures over 30 days and the live board of an assignment with 100,000 prospects, 100,000
call notes and 20 agents, each timed (median of 5) with its query count, reported through
`bench/common.figure` (target 200 ms: issue 16 #6's bound for the progress page).

    .venv/bin/python bench/supervisor_figures.py [--prospects 100000] [--notes 100000] [--quick]

`--quick`: 10,000 prospects and notes. Works in the benchmark database ($BENCH_DB, made
and migrated if need be) inside one transaction, rolled back: nothing stays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_database()
os.environ.update(DEBUG="0", SECRET_KEY="bench-secret-key-" + "x" * 40)
os.environ.setdefault("PRIVACY_HASH_KEY", "bench-hash-key-" + "x" * 32)
common.setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import Role  # noqa: E402
from apps.accounts.services import user_create  # noqa: E402
from apps.assignments import services as assignment_services  # noqa: E402
from apps.calling.board import agent_states  # noqa: E402
from apps.calling.figures import Period, assignment_figures  # noqa: E402
from apps.clients.models import Client  # noqa: E402


class Rollback(Exception):
    pass


TARGET_MS = 200


def timed(label: str, fn, *, size: str, rows: int) -> None:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) * 1000)
    median = statistics.median(runs)
    print(f"  {label}: max {max(runs):.1f} ms, {len(ctx.captured_queries)} queries")
    common.figure(label, median, "ms", target=TARGET_MS, size=size, per_row=median / 1000 / rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print the plan of every query")
    parser.add_argument("--quick", action="store_true", help="10,000 prospects and notes")
    args = parser.parse_args()
    if args.quick:
        args.prospects, args.notes = 10_000, 10_000
    call_command("migrate", verbosity=0, interactive=False)
    print(f"machine before: {common.uptime()}", flush=True)
    size, rows = f"{args.prospects:,} prospects, {args.notes:,} notes", max(args.notes, 1)
    try:
        with transaction.atomic():
            client = Client.objects.create(name="Bench figures BV")
            boss = user_create(username="bench-figures-client", role=Role.CLIENT, client=client, password=None)
            assignment = assignment_services.assignment_create(client=client, name="Bench figures")
            assignment_services.processor_agreement_accept(assignment=assignment, actor=boss, ip_address=None)
            assignment_services.assignment_set_active(assignment=assignment, active=True)
            agents = []
            for i in range(args.agents):
                agent = user_create(username=f"bench-figures-agent-{i}", role=Role.AGENT, password=None)
                assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
                agents.append(agent.pk)
            results = list(assignment.results.values_list("pk", flat=True))
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    """INSERT INTO prospects_company (id, name, name_normalised, kvk_number, street, house_number,
                           postcode, city, country, phone, website, website_domain, industry, status, verified_at,
                           created_at, updated_at)
                       SELECT gen_random_uuid(), 'Bench ' || g, 'bench ' || g, '', '', '', '', 'Utrecht', 'NL', '',
                              '', '', '', 'active', now(), now(), now()
                       FROM generate_series(1, %s) g""",
                    [args.prospects],
                )
                cursor.execute(
                    """INSERT INTO prospects_prospect (id, assignment_id, company_id, extra, status, created_at)
                       SELECT gen_random_uuid(), %s, c.id, '{}', 'new', now()
                       FROM prospects_company c WHERE c.name LIKE 'Bench %%'""",
                    [assignment.pk],
                )
                cursor.execute(
                    """INSERT INTO callnotes_callnote (id, assignment_id, prospect_id, company_id, agent_id,
                           result_id, text, created_at)
                       SELECT gen_random_uuid(), p.assignment_id, p.id, p.company_id,
                              (%s::bigint[])[1 + (n %% %s)], (%s::bigint[])[1 + (n %% %s)], '',
                              now() - (n %% 60) * interval '1 day' - (n %% 24) * interval '1 hour'
                       FROM (SELECT p.*, row_number() OVER () AS n FROM prospects_prospect p
                             WHERE p.assignment_id = %s LIMIT %s) p""",
                    [agents, len(agents), results, len(results), assignment.pk, args.notes],
                )
                cursor.execute(
                    """INSERT INTO prospects_lease (prospect_id, agent_id, assignment_id, leased_at, expires_at)
                       SELECT p.id, (%s::bigint[])[n], p.assignment_id, now(), now() + interval '30 minutes'
                       FROM (SELECT id, assignment_id, row_number() OVER () AS n FROM prospects_prospect
                             WHERE assignment_id = %s LIMIT %s) p""",
                    [agents, assignment.pk, len(agents)],
                )
                cursor.execute("ANALYZE prospects_prospect; ANALYZE callnotes_callnote; ANALYZE prospects_lease")
            print(
                f"{args.prospects} prospects, {args.notes} notes, {len(agents)} agents built in "
                f"{time.perf_counter() - start:.1f} s"
            )
            today = timezone.localdate()
            timed(
                "progress figures, last 30 days",
                lambda: assignment_figures(assignment=assignment, period=Period.named("30d", today)),
                size=size,
                rows=rows,
            )
            timed(
                "progress figures, 366 days",
                lambda: assignment_figures(
                    assignment=assignment, period=Period(today.replace(year=today.year - 1), today)
                ),
                size=size,
                rows=rows,
            )
            timed("live board", lambda: agent_states(assignment=assignment), size=size, rows=rows)
            if args.explain:
                for fn in (
                    lambda: assignment_figures(assignment=assignment, period=Period.named("30d", today)),
                    lambda: agent_states(assignment=assignment),
                ):
                    with CaptureQueriesContext(connection) as ctx:
                        fn()
                    for query in ctx.captured_queries:
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
                            print(query["sql"][:300])
                            print("\n".join("    " + row[0] for row in cursor.fetchall()))
            raise Rollback
    except Rollback:
        print("rolled back")
    print(f"machine after: {common.uptime()}")


if __name__ == "__main__":
    main()
