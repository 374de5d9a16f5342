"""Benchmark of SPEC §7 "Agent next prospect + screen render" (issue 4, issue 16 #2 and #4).

One command:  python bench/agent_queue.py [--quick] [--reuse] [--seconds 30] [--agents 20]

It builds its own databases (`$BENCH_DB`_<prospects>, $BENCH_DB by default bench_issue4;
dropped and made anew, `--reuse` keeps one seeded with as many prospects): one active assignment of 100,000 prospects
(each with a company and a person; seeded in the database with generate_series, no rows
through Python) and 20 agents, starts gunicorn on 127.0.0.1 (DEBUG=0, access log with
%(D)s), and runs the agents in a closed loop, each in its own thread: ask "next" (API,
token), render the call screen (the HTML page, session), record the call (API) so that the
next "next" leases a new prospect. Loopback only. Then the same with one agent alone, and
20 agents again in an assignment of 1,000,000 prospects.

The floor, measured in the same run: the lease statements alone (apps.calling.queue's
`_statements()`, prepared, each lease in its own committed transaction, as "next" runs
them), from 20 connections at once and from one. Figures (bench/common.figure): next +
screen server time (gunicorn's %(D)s) median and p99 at 20 agents against the lease alone
at 20 connections, and "next" of one agent alone against the lease alone on one
connection, measured in turns of a few seconds each so that both meet the same machine;
with the load average. Double leases (a prospect handed to two agents, or called twice)
must be 0.
`--quick`: 2,000 and 20,000 prospects, short runs (under 2 minutes with --reuse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
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
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import figure, load_average  # noqa: E402

# BENCH_DB_NAME: engineers sharing one PostgreSQL each bench in a database of their own.
DB_NAME = os.environ.get("BENCH_DB") or os.environ.get("BENCH_DB_NAME", "bench_issue4")
WORK = Path(os.environ.get("BENCH_WORK", tempfile.gettempdir()))
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


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def use_database(name: str) -> None:
    """Point Django (and the gunicorn started after) at database `name`."""
    from django.db import connections

    ENV["DATABASE_URL"] = f"{PG}/{name}"
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


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
    params = {
        "n": prospects,
        "now": now,
        "recent": now - dt.timedelta(days=30),
        "old": now - dt.timedelta(days=250),  # every 4th person must be verified before use
        "client": assignment.client_id,
        "assignment": assignment.pk,
    }
    # Made in the database (generate_series), no row through Python: 1,000,000 prospects in
    # about a minute. Ids from md5 so that the four tables meet without a lookup.
    statements = [
        """INSERT INTO prospects_company (id, name, name_normalised, kvk_number, street, house_number, postcode,
               city, country, phone, website, website_domain, industry, employees, status, verified_at, created_at,
               updated_at)
           SELECT md5('c' || i)::uuid, 'Bedrijf ' || i || ' BV', 'bedrijf ' || i, (10000000 + i)::text, 'Dorpsstraat',
                  (i %% 200 + 1)::text, '1234 AB', 'Utrecht', 'NL', '+31301234567',
                  'https://bedrijf' || i || '.example', 'bedrijf' || i || '.example', 'ICT', i %% 500, 'active',
                  %(recent)s, %(now)s, %(now)s
           FROM generate_series(0, %(n)s - 1) i""",
        """INSERT INTO prospects_person (id, company_id, first_name, last_name, job_title, email, phone, legal_basis,
               source, verified_at, created_at, client_id, tussenvoegsel)
           SELECT md5('p' || i)::uuid, md5('c' || i)::uuid, 'Jan', 'Jansen' || i, 'Inkoper',
                  'jan' || i || '@bedrijf' || i || '.example', '+316' || lpad(i::text, 8, '0'), 'legitimate_interest',
                  'bench', CASE WHEN i %% 4 = 0 THEN %(old)s ELSE %(recent)s END, %(now)s, %(client)s, ''
           FROM generate_series(0, %(n)s - 1) i""",
        """INSERT INTO prospects_prospect (id, assignment_id, company_id, extra, status, created_at)
           SELECT md5('x' || i)::uuid, %(assignment)s, md5('c' || i)::uuid, '{}', 'new', %(now)s
           FROM generate_series(0, %(n)s - 1) i""",
        """INSERT INTO prospects_prospectperson (prospect_id, person_id, created_at)
           SELECT md5('x' || i)::uuid, md5('p' || i)::uuid, %(now)s FROM generate_series(0, %(n)s - 1) i""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
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
                    # The queue ran dry: what was timed is no longer "next" (no figure).
                    self.errors["next 204 (queue empty)"] += 1
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


def run_all(threads: list[threading.Thread]) -> float:
    """Start the threads, wait for them all; the seconds it took."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def lease_floor(connections: int, seconds: float) -> tuple[float, float, float, list[float]]:
    """The floor: "next"'s lease statements alone, as "next" sends them (apps.calling.queue's
    `_statements()`: tidy expired leases and read the held one; lease the next prospect
    with its company), prepared as "next" runs them, each lease in its own committed
    transaction, from `connections` connections at once, one bench agent each. Returns
    (median ms, p99 ms, leases/s, every lease's ms).
    Between two leases (not timed) the prospect is marked done and its lease removed, as
    a recorded call would, so the queue moves on."""
    import psycopg
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.assignments.models import Assignment
    from apps.calling.queue import _statements, lease_duration
    from apps.prospects.models import ProspectStatus

    assignment = Assignment.objects.get(name="Bench campaign")
    agents = list(User.objects.filter(username__startswith="bench-agent-").order_by("id").values_list("id", flat=True))
    url = ENV["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM prospects_lease WHERE assignment_id = %s", [assignment.pk])
    held_sql, _held_ending_pause, lease_sql = _statements()
    until = time.monotonic() + seconds
    times: list[list[float]] = [[] for _ in range(connections)]

    def work(slot: int) -> None:
        with psycopg.connect(url) as conn:
            while time.monotonic() < until:
                now = timezone.now()
                params = {
                    "assignment": assignment.pk,
                    "agent": agents[slot],
                    "now": now,
                    "expires": now + lease_duration(),
                    "callback": ProspectStatus.CALLBACK.value,
                    "new": ProspectStatus.NEW.value,
                    "in_progress": ProspectStatus.IN_PROGRESS.value,
                }
                start = time.perf_counter()
                row = None
                for _attempt in range(5):  # a lost race is retried, as prospect_lease_next does
                    try:
                        with conn.transaction():
                            row = conn.execute(held_sql, params, prepare=True).fetchone()
                            if row is None:
                                row = conn.execute(lease_sql, params, prepare=True).fetchone()
                        if row is None or row[0] is not None:  # the queue is empty, or leased
                            break
                    except psycopg.errors.DeadlockDetected:
                        row = None
                times[slot].append((time.perf_counter() - start) * 1000)
                if row is None or row[0] is None:
                    return
                for _attempt in range(5):
                    try:
                        with conn.transaction():
                            conn.execute("DELETE FROM prospects_lease WHERE prospect_id = %s", [row[0]])
                            conn.execute("UPDATE prospects_prospect SET status = 'done' WHERE id = %s", [row[0]])
                        break
                    except psycopg.errors.DeadlockDetected:
                        continue

    elapsed = run_all([threading.Thread(target=work, args=(slot,), daemon=True) for slot in range(connections)])
    flat = [t for slot in times for t in slot]
    return statistics.median(flat), percentile(flat, 99), len(flat) / elapsed, flat


def alone_and_floor(server: Server, creds: list[tuple[str, str]], seconds: float, floor_seconds: float,
                    rounds: int = 6) -> tuple[dict, list[float]]:  # fmt: skip
    """One agent alone and its floor (the lease statements alone, one connection), in turns
    of a few seconds each, so that both meet the same machine: on a shared machine the speed
    drifts by a third within minutes, and measured one after the other the ratio drifted with
    it. Returns the agent's run (its samples of every turn) and the floor's samples."""
    runs, floor = [], []
    for turn in range(rounds):
        vacuum()
        if turn % 2:  # alternate which goes first
            floor += lease_floor(1, floor_seconds / rounds)[3]
        runs.append(server.run(creds, 1, seconds / rounds, quiet=True))
        if not turn % 2:
            floor += lease_floor(1, floor_seconds / rounds)[3]
    merged: dict = {"server": defaultdict(list), "errors": 0, "shared": 0}
    for run in runs:
        for kind, values in run["server"].items():
            merged["server"][kind].extend(values)
        merged["errors"] += run["errors"]
        merged["shared"] += run["shared"]
    print(f"\n1 agent alone, {rounds} turns of {seconds / rounds:.1f} s, each beside a turn of its floor "
          f"({floor_seconds / rounds:.1f} s); load {load_average()}")  # fmt: skip
    for kind in ("next", "screen", "call"):
        values = merged["server"].get(kind, [])
        print(f"{kind:<22}{len(values):>7}{statistics.median(values) if values else float('nan'):>13.1f}ms"
              f"{percentile(values, 99):>10.1f}ms")  # fmt: skip
    print(f"{'lease SQL alone':<22}{len(floor):>7}{statistics.median(floor):>13.2f}ms{percentile(floor, 99):>10.1f}ms")
    return merged, floor


class Server:
    """gunicorn on loopback with the access log's %(D)s; the log emptied after a warm-up."""

    def __init__(self, port: int, workers: int, assignment_id: str) -> None:
        self.port, self.workers, self.assignment_id = port, workers, assignment_id
        self.workdir = Path(tempfile.mkdtemp(prefix="agent_queue_", dir=WORK))
        self.log = self.workdir / "access.log"

    def __enter__(self) -> Server:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.process = subprocess.Popen(  # noqa: S603
            [gunicorn, "leadhunter.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--access-logfile", str(self.log), "--access-logformat", LOG_FORMAT,
             "--error-logfile", str(self.workdir / "error.log")],
            cwd=ROOT, env={**os.environ, **ENV},
        )  # fmt: skip
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", self.port, timeout=1).request("GET", "/login/")
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker (imports, templates, connections), then forget the warm-up.
        for _ in range(self.workers * 4):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            conn.request("GET", f"/work/assignments/{self.assignment_id}/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def run(self, creds: list[tuple[str, str]], agents: int, seconds: float, *, quiet: bool = False) -> dict:
        """`agents` agents in a closed loop for `seconds`; the server and client times."""
        time.sleep(0.5)
        self.log.write_text("")
        until = time.monotonic() + seconds
        threads = [Agent(self.port, self.assignment_id, token, session, until) for token, session in creds[:agents]]
        elapsed = run_all(threads)
        time.sleep(0.5)  # let gunicorn flush its log
        server_ms = server_times(self.log)
        client_ms: dict[str, list[float]] = defaultdict(list)
        for agent in threads:
            for kind, values in agent.latency.items():
                client_ms[kind].extend(values)
        requests = sum(len(v) for v in client_ms.values())
        owners: dict[str, set[int]] = defaultdict(set)
        for i, agent in enumerate(threads):
            for pk in agent.handed:
                owners[pk].add(i)
        errors = sum((a.errors for a in threads), Counter())
        result = {
            "server": server_ms,
            "both": server_ms.get("next", []) + server_ms.get("screen", []),
            "cycles_per_s": len(client_ms["next"]) / elapsed,
            "shared": sum(1 for s in owners.values() if len(s) > 1),
            "errors": sum(errors.values()),
        }
        if quiet:
            if errors:
                print("errors:", dict(errors))
            return result
        print(f"\n{len(threads)} agent(s), {elapsed:.1f} s, {requests} requests, {requests / elapsed:.0f} requests/s, "
              f"{len(client_ms['next']) / elapsed:.0f} next+screen cycles/s; load {load_average()}")  # fmt: skip
        print(f"{'request':<22}{'n':>7}{'server median':>15}{'server p99':>12}{'client median':>15}{'client p99':>12}")
        for kind in ("next", "screen", "call"):
            s, c = server_ms.get(kind, []), client_ms.get(kind, [])
            print(f"{kind:<22}{len(s):>7}{statistics.median(s) if s else float('nan'):>13.1f}ms"
                  f"{percentile(s, 99):>10.1f}ms{statistics.median(c) if c else float('nan'):>13.1f}ms"
                  f"{percentile(c, 99):>10.1f}ms")  # fmt: skip
        both = result["both"]
        print(f"{'next + screen':<22}{len(both):>7}{statistics.median(both):>13.1f}ms{percentile(both, 99):>10.1f}ms")
        print("errors:", dict(errors) or "none")
        return result


# The tables every lease, call and screen rewrites: their dead rows are what autovacuum clears.
_CHURNED = ("prospects_lease", "prospects_prospect", "calling_pause", "accounts_apitoken", "django_session")


def vacuum(*, everything: bool = False) -> None:
    """Clear the dead rows the previous phase left, as autovacuum would in production.

    The test/CI PostgreSQL here runs with `autovacuum = off` (conf.d/90-ci.conf): without
    this, every --reuse run and every phase leaves its deleted leases behind, and "next"'s
    lease statements (and the floor's) scan them all: 74,000 dead rows in a 6-row
    prospects_lease made "next" alone 33 ms instead of 11 (agent2, issue 16 #2)."""
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)" if everything else f"VACUUM (ANALYZE) {', '.join(_CHURNED)}")


def reset_queue() -> int:
    """A reused database's queue made new again: every run marks thousands of prospects done
    (the floor and the agents' calls), so that after some --reuse runs the queue ran dry and
    "next" answered 204 in no time. Deletes the bench assignment's calls (through the owner's
    sanctioned path of R-NOTE-3's trigger) and leases; returns how many prospects were reset."""
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"]) as conn:
        assignment = conn.execute("SELECT id FROM assignments_assignment WHERE name = 'Bench campaign'").fetchone()[0]
        conn.execute("SELECT set_config('leadhunter.deleting_assignment', %s, true)", [str(assignment)])
        for table in ("callnotes_noteredaction", "appointments_appointment", "appointments_informationrequest"):
            conn.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        conn.execute("DELETE FROM callnotes_callnote WHERE assignment_id = %s", [assignment])
        conn.execute("DELETE FROM prospects_lease WHERE assignment_id = %s", [assignment])
        conn.execute("DELETE FROM calling_pause")
        return conn.execute(
            "UPDATE prospects_prospect SET status = 'new', callback_at = NULL, last_called_at = NULL,"
            " callback_agent_id = NULL, last_result_id = NULL WHERE assignment_id = %s AND status <> 'new'",
            [assignment],
        ).rowcount


def autovacuum_setting() -> str:
    import psycopg

    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as conn:
        return conn.execute("SHOW autovacuum").fetchone()[0]


def prepare(name: str, prospects: int, agents: int, reuse: bool) -> None:
    """Database `name` with the bench world of `prospects` prospects (seeded once with --reuse)."""
    from django.db import connections

    t0 = time.perf_counter()
    connections["default"].close()
    seeded = reuse and database_exists(name)
    if not seeded:
        create_database(name)
    use_database(name)
    if seeded:
        from apps.prospects.models import Prospect

        seeded = Prospect.objects.filter(assignment__name="Bench campaign").count() == prospects
    if seeded:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # what changed since the seeding
    else:
        seed(prospects, agents)
    reset = reset_queue() if seeded else 0
    vacuum(everything=True)
    print(f"{reset:,} prospects put back in the queue", flush=True)
    print(f"database {name} ({prospects:,} prospects) {'reused' if seeded else 'seeded'} and vacuumed in "
          f"{time.perf_counter() - t0:.1f} s; server autovacuum {autovacuum_setting()} (the bench vacuums "
          "the churned tables before each phase)", flush=True)  # fmt: skip


def called_twice() -> int:
    from django.db.models import Count

    from apps.callnotes.models import CallNote

    return CallNote.objects.values("prospect").annotate(n=Count("id")).filter(n__gt=1).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 prospects, short runs")
    parser.add_argument("--seconds", type=float, default=None, help="per run of the agents (default 30; quick 8)")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--prospects", type=int, default=None, help="default 100,000 (quick 2,000)")
    parser.add_argument("--large", type=int, default=None, help="the large run's prospects: default 1,000,000")
    parser.add_argument("--port", type=int, default=8437)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers: one per core")
    parser.add_argument("--reuse", action="store_true", help="keep already seeded bench databases")
    args = parser.parse_args()
    seconds = args.seconds or (8 if args.quick else 30)
    floor_seconds = max(3.0, seconds / 3)
    prospects = args.prospects or (2_000 if args.quick else 100_000)
    large = args.large if args.large is not None else (20_000 if args.quick else 1_000_000)
    WORK.mkdir(parents=True, exist_ok=True)

    print("load before:", load_average(), flush=True)
    setup_django()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )
    problems = 0
    for size, full in ((prospects, True), (large, False)):
        if not size:
            continue
        name = f"{DB_NAME}_{size}"  # one database per size: --reuse never mixes them
        prepare(name, size, args.agents, args.reuse)
        label = f"{size:,} prospects"
        assignment_id, creds = credentials()
        vacuum()
        floor20 = lease_floor(args.agents, floor_seconds)
        print(f"lease SQL alone, {args.agents} connections: median {floor20[0]:.2f} ms, p99 {floor20[1]:.2f} ms, "
              f"{floor20[2]:.0f} leases/s", flush=True)  # fmt: skip
        with Server(args.port, args.workers, assignment_id) as server:
            vacuum()
            many = server.run(creds, args.agents, seconds)
            vacuum()
            alone, floor1 = alone_and_floor(server, creds, seconds / 2, floor_seconds) if full else (None, [])
        size_label = f"{label}, {args.agents} agents, {args.workers} workers"
        failed = many["errors"] + (alone["errors"] if alone else 0)
        if failed:
            # An error answers fast: its time is no figure (a missing table once "met" the target).
            print(f"NOT measured at {label}: {failed} requests failed (see the errors above)", flush=True)
            problems += failed
            continue
        figure(
            "next + screen, server median",
            statistics.median(many["both"]),
            "ms",
            target=15,
            floor=floor20[0],
            floor_label=f"lease SQL alone, {args.agents} connections, median",
            size=size_label,
        )
        # No floor for the p99: the lease alone's tail is lost races and lock waits, not a bound.
        figure("next + screen, server p99", percentile(many["both"], 99), "ms", target=50, size=size_label)
        figure("next + screen cycles", many["cycles_per_s"], "per s", floor=floor20[2], higher_is_better=True,
               floor_label=f"leases/s, lease SQL alone, {args.agents} connections", size=size_label)  # fmt: skip
        if alone is not None:
            floor_alone = statistics.median(floor1)
            next_alone = statistics.median(alone["server"]["next"])
            figure("next, one agent alone, server median", next_alone, "ms", target=3 * floor_alone,
                   floor=floor_alone, floor_label="lease SQL alone, 1 connection, in turns with it (target 3x)",
                   size=label)  # fmt: skip
            figure("screen, one agent alone, server median", statistics.median(alone["server"]["screen"]), "ms",
                   floor=floor_alone, floor_label="lease SQL alone, 1 connection", size=label)  # fmt: skip
        twice = called_twice()
        shared = many["shared"] + (alone["shared"] if alone else 0)
        print(f"double leases: {shared} handed to two agents, {twice} called twice (must be 0 and 0)", flush=True)
        problems += shared + twice
    print("load after: ", load_average())
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
