"""Benchmark of SPEC §7 "Agent next prospect + screen render" (issue 4, R-NTK-2, R-CALL-1).

One command:  python bench/agent_queue.py [--seconds 30] [--agents 20] [--prospects 100000]

It builds its own database `bench_issue4` (dropped and made anew; `--reuse` keeps a seeded
one) with one active assignment of 100,000 prospects (each with a company and a person)
and 20 agents, starts gunicorn on 127.0.0.1 (DEBUG=0, access log with %(D)s), and runs
the agents in a closed loop, each in its own thread: ask "next" (API, token), render the
call screen (the HTML page, session), record the call (API) so that the next "next"
leases a new prospect. Loopback only. It prints the server time (gunicorn's %(D)s) of
"next" and of the screen against the targets (median <= 15 ms, p99 <= 50 ms), the
client-side latency, requests per second, the machine load, and the double leases
(prospects handed to two agents, or called twice), which must be 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DB_NAME: engineers sharing one PostgreSQL each bench in a database of their own.
DB_NAME = os.environ.get("BENCH_DB_NAME", "bench_issue4")
PG = "postgres://postgres@127.0.0.1:5432"
ENV = {
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-" + "x" * 40,
    "PRIVACY_HASH_KEY": "bench-privacy-hash-key-" + "x" * 32,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "DB_CONN_MAX_AGE": "600",
    **({"REDIS_URL": os.environ["REDIS_URL"]} if "REDIS_URL" in os.environ else {}),
}
LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(D)s'


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django() -> None:
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhunter.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(prospects: int, agents: int) -> None:
    """The world: one client, one active assignment, `prospects` prospects with a company
    and a person each (COPY), `agents` agents scheduled on it."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from apps.accounts.models import Role
    from apps.accounts.services import user_create
    from apps.assignments import services as assignment_services
    from apps.clients.models import Client

    call_command("migrate", verbosity=0, interactive=False)
    client = Client.objects.create(name="Bench BV")
    client_user = user_create(username="bench-client", role=Role.CLIENT, password="bench-pw-1234", client=client)  # noqa: S106
    assignment = assignment_services.assignment_create(
        client=client, name="Bench campaign", briefing="Vraag naar de inkoper.\n" * 5
    )
    assignment_services.processor_agreement_accept(assignment=assignment, actor=client_user, ip_address=None)
    assignment_services.assignment_set_active(assignment=assignment, active=True)
    for i in range(agents):
        agent = user_create(
            username=f"bench-agent-{i}",
            role=Role.AGENT,
            password="bench-pw-1234",  # noqa: S106
            confidentiality_signed_on=dt.date(2025, 1, 1),
        )
        assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)

    now = timezone.now()
    recent = now - dt.timedelta(days=30)
    old = now - dt.timedelta(days=250)  # every 4th person must be verified before use
    companies, persons, prospect_rows, links = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
    for i in range(prospects):
        company_id, person_id, prospect_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        companies.write(
            f"{company_id}\tBedrijf {i} BV\tbedrijf {i}\t{10000000 + i:08d}\tDorpsstraat\t{i % 200 + 1}\t"
            f"1234 AB\tUtrecht\tNL\t+31301234567\thttps://bedrijf{i}.example\tbedrijf{i}.example\tICT\t{i % 500}\t"
            f"active\t{recent.isoformat()}\t{now.isoformat()}\t{now.isoformat()}\n"
        )
        persons.write(
            f"{person_id}\t{company_id}\tJan\tJansen{i}\tInkoper\tjan{i}@bedrijf{i}.example\t+316{i:08d}\t"
            f"legitimate_interest\tbench\t{(old if i % 4 == 0 else recent).isoformat()}\t{now.isoformat()}\t"
            f"{assignment.client_id}\t\n"  # no tussenvoegsel
        )
        prospect_rows.write(f"{prospect_id}\t{assignment.pk}\t{company_id}\t{{}}\tnew\t{now.isoformat()}\n")
        links.write(f"{prospect_id}\t{person_id}\t{now.isoformat()}\n")
    copies = [
        (
            "prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode, city, country,"
            " phone, website, website_domain, industry, employees, status, verified_at, created_at, updated_at)",
            companies,
        ),
        (
            "prospects_person (id, company_id, first_name, last_name, job_title, email, phone, legal_basis, source,"
            " verified_at, created_at, client_id, tussenvoegsel)",
            persons,
        ),
        ("prospects_prospect (id, assignment_id, company_id, extra, status, created_at)", prospect_rows),
        ("prospects_prospectperson (prospect_id, person_id, created_at)", links),
    ]
    with connection.cursor() as cursor:
        for table, buffer in copies:
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        cursor.execute("ANALYZE")


def credentials() -> tuple[str, list[tuple[str, str]]]:
    """The assignment id and, per agent, an API token and a session cookie."""
    from django.test import Client as DjangoClient

    from apps.accounts.models import User
    from apps.accounts.tokens import api_token_create
    from apps.assignments.models import Assignment

    assignment = Assignment.objects.get(name="Bench campaign")
    out = []
    for agent in User.objects.filter(username__startswith="bench-agent-").order_by("id"):
        _token, key = api_token_create(user=agent)  # hashed tokens (accounts.ApiToken), issue 15
        browser = DjangoClient()
        browser.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
        out.append((key, browser.cookies["sessionid"].value))
    return str(assignment.pk), out


class Agent(threading.Thread):
    def __init__(self, port: int, assignment_id: str, token: str, session: str, until: float) -> None:
        super().__init__(daemon=True)
        self.port, self.assignment_id, self.until = port, assignment_id, until
        self.api_headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Host": "127.0.0.1"}
        self.page_headers = {"Cookie": f"sessionid={session}", "Host": "127.0.0.1"}
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.handed: list[str] = []
        self.errors: Counter = Counter()

    def request(self, kind: str, method: str, path: str, headers: dict, body: bytes | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        self.latency[kind].append((time.perf_counter() - start) * 1000)
        conn.close()
        if response.status >= 400:
            self.errors[f"{kind} {response.status}"] += 1
        return response.status, data

    def run(self) -> None:
        while time.monotonic() < self.until:
            status, data = self.request(
                "next", "POST", f"/api/v1/assignments/{self.assignment_id}/next/", self.api_headers, b""
            )
            if status != 200:
                if status == 204:
                    return
                continue
            prospect_id = json.loads(data)["id"]
            self.handed.append(prospect_id)
            self.request("screen", "GET", f"/work/prospects/{prospect_id}/", self.page_headers)
            body = json.dumps({"result": "not-interested", "text": "Bench: geen interesse."}).encode()
            self.request("call", "POST", f"/api/v1/prospects/{prospect_id}/calls/", self.api_headers, body)


def server_times(log: Path) -> dict[str, list[float]]:
    """gunicorn's %(D)s (microseconds) per kind of request, in milliseconds."""
    kinds = {"next": re.compile(r'"POST /api/v1/assignments/[^/]+/next/'),
             "screen": re.compile(r'"GET /work/prospects/'),
             "call": re.compile(r'"POST /api/v1/prospects/[^/]+/calls/')}  # fmt: skip
    out: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines():
        for kind, pattern in kinds.items():
            if pattern.search(line):
                out[kind].append(int(line.rsplit(" ", 1)[1]) / 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--prospects", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8437)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers: one per core")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench_issue4")
    args = parser.parse_args()

    print("load before:", subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True).stdout.strip())
    t0 = time.perf_counter()
    if not args.reuse:
        create_database()
    setup_django()
    if not args.reuse:
        seed(args.prospects, args.agents)
    print(f"database {DB_NAME} ready in {time.perf_counter() - t0:.1f} s")
    assignment_id, creds = credentials()

    workdir = Path(tempfile.mkdtemp(prefix="bench_issue4_"))
    log = workdir / "access.log"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "leadhunter.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         "--access-logfile", str(log), "--access-logformat", LOG_FORMAT, "--error-logfile", str(workdir / "error.log")],
        cwd=ROOT, env={**os.environ, **ENV},
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker (imports, templates, connections), then forget the warm-up.
        for _ in range(args.workers * 4):
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            conn.request("GET", f"/work/assignments/{assignment_id}/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
        time.sleep(0.5)
        log.write_text("")

        until = time.monotonic() + args.seconds
        agents = [Agent(args.port, assignment_id, token, session, until) for token, session in creds[: args.agents]]
        started = time.perf_counter()
        for agent in agents:
            agent.start()
        for agent in agents:
            agent.join()
        elapsed = time.perf_counter() - started
        time.sleep(0.5)  # let gunicorn flush its log
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("load after: ", subprocess.run(["/usr/bin/uptime"], capture_output=True, text=True).stdout.strip())

    server_ms = server_times(log)
    client_ms: dict[str, list[float]] = defaultdict(list)
    for agent in agents:
        for kind, values in agent.latency.items():
            client_ms[kind].extend(values)
    requests = sum(len(v) for v in client_ms.values())
    print(f"\n{len(agents)} agents, {elapsed:.1f} s, {requests} requests, {requests / elapsed:.0f} requests/s, "
          f"{len(client_ms['next']) / elapsed:.0f} next+screen cycles/s")  # fmt: skip
    print(f"{'request':<22}{'n':>7}{'server median':>15}{'server p99':>12}{'client median':>15}{'client p99':>12}")
    for kind in ("next", "screen", "call"):
        s, c = server_ms.get(kind, []), client_ms.get(kind, [])
        print(f"{kind:<22}{len(s):>7}{statistics.median(s) if s else float('nan'):>13.1f}ms"
              f"{percentile(s, 99):>10.1f}ms{statistics.median(c) if c else float('nan'):>13.1f}ms"
              f"{percentile(c, 99):>10.1f}ms")  # fmt: skip
    both = server_ms.get("next", []) + server_ms.get("screen", [])
    median, p99 = statistics.median(both), percentile(both, 99)
    print(f"{'next + screen':<22}{len(both):>7}{median:>13.1f}ms{p99:>10.1f}ms")
    print(f"SPEC §7 target: median <= 15 ms: {'met' if median <= 15 else 'NOT met'}; "
          f"p99 <= 50 ms: {'met' if p99 <= 50 else 'NOT met'}")  # fmt: skip

    # Double leases: a prospect handed to two agents, or called more than once.
    owners: dict[str, set[int]] = defaultdict(set)
    for i, agent in enumerate(agents):
        for pk in agent.handed:
            owners[pk].add(i)
    from django.db.models import Count

    from apps.callnotes.models import CallNote

    called_twice = CallNote.objects.values("prospect").annotate(n=Count("id")).filter(n__gt=1).count()
    shared = sum(1 for s in owners.values() if len(s) > 1)
    print(f"double leases: {shared} handed to two agents, {called_twice} called twice (must be 0 and 0)")
    errors = sum((a.errors for a in agents), Counter())
    print("errors:", dict(errors) or "none")
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if shared or called_twice else 0)


if __name__ == "__main__":
    main()
