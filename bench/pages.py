"""Pages at volume (issue 16 #6, SPEC §7 "bounded queries"): the client's database page
(first page, a deep page, sorted by last result), the supervisor's progress page and the
privacy officer's request list, with 100,000 prospects (a person, a last result and a call
note each) and 1,000 open privacy requests. Each page: the server time through the Django
test client (median of --runs requests after one warm-up) and its query count; target
< 200 ms.

    python bench/pages.py [--prospects 100000] [--requests 1000] [--reuse] [--quick]

Its own database ($BENCH_DB, default from bench/common.py), seeded set-based
(generate_series); `--reuse` keeps a database seeded at the same size. `--quick`: 10,000
prospects and 100 requests. A deep page is the one 50 rows before the end: `?page=N` with
OFFSET pagination, a cursor at the same row with keyset pagination.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TARGET_MS = 200


def _setup() -> None:
    # Production settings (DEBUG off: no query log kept, templates cached), but no HTTPS redirect.
    os.environ.update(
        DEBUG="0", SECRET_KEY="bench-secret-key-" + "x" * 40, ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0"
    )
    os.environ.setdefault("PRIVACY_HASH_KEY", "bench-hash-key-" + "x" * 32)
    common.setup_django()
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic here: static URLs unhashed (the manifest's lookup is not what we measure).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()


def _drop() -> None:
    import psycopg

    with psycopg.connect(f"{common.BASE_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{common.BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{common.BENCH_DB}"')


def seeded(prospects: int, requests: int) -> bool:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM prospects_prospect")
            n = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM privacy_datasubjectrequest WHERE status = 'open'")
            return n == prospects and cursor.fetchone()[0] == requests
    except Exception:  # noqa: BLE001 (no schema yet)
        connection.close()
        return False


def seed(prospects: int, requests: int, agents: int = 20) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.assignments import services as assignment_services
    from apps.clients.models import Client

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    client = Client.objects.create(name="Bench BV")
    client_user = user_create(username="bench-client", role=Role.CLIENT, client=client, password=None)
    assignment = assignment_services.assignment_create(client=client, name="Bench pages")
    assignment_services.processor_agreement_accept(assignment=assignment, actor=client_user, ip_address=None)
    assignment_services.assignment_set_active(assignment=assignment, active=True)
    supervisor = user_create(
        username="bench-supervisor", role=Role.SUPERVISOR, password=None, confidentiality_signed_on=dt.date(2025, 1, 1)
    )
    assignment_services.assignment_add_supervisor(assignment=assignment, user=supervisor)
    user_create(
        username="bench-privacy", role=Role.ADMINISTRATOR, password=None, is_privacy_officer=True,
        confidentiality_signed_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    agent_ids = []
    for i in range(agents):
        agent = user_create(
            username=f"bench-agent-{i}",
            role=Role.AGENT,
            password=None,
            confidentiality_signed_on=dt.date(2025, 1, 1),
        )
        assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
        agent_ids.append(agent.pk)
    results = list(assignment.results.values_list("pk", flat=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode,
                   city, country, phone, website, website_domain, industry, status, verified_at, created_at,
                   updated_at)
               SELECT gen_random_uuid(), 'Bedrijf ' || g || ' BV', 'bedrijf ' || g, '', 'Dorpsstraat', '1',
                      '1234 AB', (ARRAY['Utrecht', 'Amsterdam', 'Zwolle', 'Ede', 'Breda'])[1 + g %% 5], 'NL', '', '',
                      '', '', 'active', %(now)s, %(now)s, %(now)s
               FROM generate_series(1, %(n)s) g""",
            {"now": now, "n": prospects},
        )
        # Statuses, last results (a tenth without) and call times spread over the rows.
        cursor.execute(
            """INSERT INTO prospects_prospect (id, assignment_id, company_id, extra, status, created_at,
                   last_result_id, last_called_at)
               SELECT gen_random_uuid(), %(a)s, c.id, '{}',
                      (ARRAY['new', 'in_progress', 'done'])[1 + n %% 3], %(now)s,
                      CASE WHEN n %% 10 = 0 THEN NULL ELSE (%(results)s::bigint[])[1 + n %% %(nr)s] END,
                      CASE WHEN n %% 10 = 0 THEN NULL ELSE %(now)s - (n %% 60) * interval '1 day' END
               FROM (SELECT id, row_number() OVER () AS n FROM prospects_company) c""",
            {"a": assignment.pk, "now": now, "results": results, "nr": len(results)},
        )
        cursor.execute(
            """INSERT INTO prospects_person (id, client_id, company_id, first_name, tussenvoegsel, last_name,
                   job_title, email, phone, legal_basis, source, verified_at, created_at, restricted_at)
               SELECT gen_random_uuid(), %(client)s, c.id, 'Jan', '', 'Jansen ' || c.name, 'Inkoper',
                      'jan' || row_number() OVER () || '@bench.example', '', 'legitimate_interest', 'bench',
                      %(now)s, %(now)s, NULL
               FROM prospects_company c""",
            {"client": client.pk, "now": now},
        )
        cursor.execute(
            """INSERT INTO prospects_prospectperson (prospect_id, person_id, created_at)
               SELECT p.id, pe.id, %s FROM prospects_prospect p
               JOIN prospects_person pe ON pe.company_id = p.company_id""",
            [now],
        )
        cursor.execute(
            """INSERT INTO callnotes_callnote (id, assignment_id, prospect_id, company_id, agent_id, result_id, text,
                   created_at)
               SELECT gen_random_uuid(), p.assignment_id, p.id, p.company_id,
                      (%(agents)s::bigint[])[1 + (n %% %(na)s)], (%(results)s::bigint[])[1 + (n %% %(nr)s)], '',
                      %(now)s - (n %% 60) * interval '1 day' - (n %% 24) * interval '1 hour'
               FROM (SELECT p.*, row_number() OVER () AS n FROM prospects_prospect p) p""",
            {"agents": agent_ids, "na": len(agent_ids), "results": results, "nr": len(results), "now": now},
        )
        cursor.execute(
            """INSERT INTO privacy_datasubjectrequest (id, kind, status, name, email, mailbox_hash, phone, company,
                   message, language, submitted_at, confirm_nonce, confirm_before, confirmed_at, due_at,
                   legal_due_at, outcome)
               SELECT gen_random_uuid(), (ARRAY['access', 'erasure', 'correction'])[1 + g %% 3], 'open',
                      'Verzoeker ' || g, 'v' || g || '@bench.example', '', '', '', '', 'nl',
                      %(now)s - (g %% 40) * interval '1 day', '', %(now)s, %(now)s - (g %% 40) * interval '1 day',
                      %(now)s + (30 - g %% 40) * interval '1 day', %(now)s + (60 - g %% 40) * interval '1 day', ''
               FROM generate_series(1, %(n)s) g""",
            {"now": now, "n": requests},
        )
    connection.close()
    import psycopg

    with psycopg.connect(f"{common.BASE_URL}/{common.BENCH_DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"seeded {prospects:,} prospects, {requests:,} open requests in {time.perf_counter() - started:.1f} s")


def _client_for(username: str):  # type: ignore[no-untyped-def]
    from django.test import Client

    from apps.accounts.models import User

    sys.path.insert(0, str(common.ROOT))
    from tests.twofactor import verify_session

    user = User.objects.get(username=username)
    http = Client()
    http.force_login(user)
    if user.role != "client":
        verify_session(http, user)
    return http


def measure(label: str, http, url: str, runs: int, size: str, rows: int) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = http.get(url)  # warm-up (and the check that the page answers)
    assert response.status_code == 200, (label, response.status_code)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = http.get(url)
            times.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200
    median = statistics.median(times)
    print(f"  {label}: {url}  {len(ctx.captured_queries)} queries, {len(response.content) / 1024:.0f} KB")
    common.figure(label, median, "ms", target=TARGET_MS, size=size, per_row=median / 1000 / rows)


def deep_url(base: str, assignment, user, ordering: str, total: int) -> str:  # type: ignore[no-untyped-def]
    """The page 50 rows before the end: a cursor at that row where the page has keyset links
    (`selectors.prospect_page`), else ?page=N (OFFSET)."""
    from apps.imports import selectors

    if hasattr(selectors, "prospect_page"):
        results = [(r.pk, r.label) for r in assignment.results.all()]
        qs = selectors.prospect_list(assignment=assignment, user=user)
        after = None
        # The cursor of the row total - 51: walk the pages' own cursors would take total / 50
        # requests; the ids in the page's order come from the same segments instead.
        ids: list = []
        for segment in selectors.prospect_segments(ordering, results):
            order = [f"-{f}" if d else f for f, d in segment.keys]
            ids.extend(qs.filter(segment.where).order_by(*order).values_list("pk", flat=True))
        after = ids[total - 51]
        return f"{base}?ordering={ordering}&after={after}"
    return f"{base}?ordering={ordering}&page={max(1, (total - 50) // 50)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep the database if seeded at this size")
    parser.add_argument("--quick", action="store_true", help="10,000 prospects, 100 requests")
    args = parser.parse_args()
    if args.quick:
        args.prospects, args.requests, args.runs = 10_000, 100, 5
    common.ensure_database()
    _setup()
    print(f"machine before: {common.uptime()}", flush=True)
    if not (args.reuse and seeded(args.prospects, args.requests)):
        from django.db import connection

        connection.close()
        _drop()
        seed(args.prospects, args.requests)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # what changed since the seeding, untimed
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.assignments.models import Assignment

    assignment = Assignment.objects.get(name="Bench pages")
    client_user = User.objects.get(username="bench-client")
    size = f"{args.prospects:,} prospects"
    database = reverse("portal:database", args=[assignment.pk])
    client = _client_for("bench-client")
    n, runs = args.prospects, args.runs
    measure("client database page, first page", client, database, runs, size, n)
    measure(
        "client database page, deep page",
        client,
        deep_url(database, assignment, client_user, "company", n),
        runs,
        size,
        n,
    )
    measure("client database page, ?ordering=result", client, f"{database}?ordering=result", runs, size, n)
    measure(
        "client database page, ?ordering=result deep page", client,
        deep_url(database, assignment, client_user, "result", n), runs, size, n,
    )  # fmt: skip
    progress = reverse("calling:progress", args=[assignment.pk])
    measure("supervisor progress page, 30 days", _client_for("bench-supervisor"), progress, runs, size, n)
    measure("supervisor progress page (client), 30 days", client, progress, runs, size, n)
    officer = _client_for("bench-privacy")
    requests = reverse("privacy:requests")
    measure("privacy request list, open", officer, requests, runs, f"{args.requests:,} open requests", args.requests)
    print(f"machine after: {common.uptime()}")


if __name__ == "__main__":
    main()
