"""A year in the life of Leadhunter (issue 11, "the test that would have caught them").

The demo world (`seed_demo`) plus two small assignments of the scenario's own (Acme and
Globex), then a year in steps that hit every boundary of the clock rules — day 0, +1 day,
48 hours, 14 days, 4 weeks, just before and after 6 and 12 months — with the rules of
CELERY_BEAT_SCHEDULE running at their real times and in their real order in between
(tests/scenario/beat.py), and everything people do going through the real HTTP surface
as each role: uploads, calls, verifications, corrections, left-company, client deletes,
an erasure request from the public form to the erasure, a consent withdrawal, a backup
and a restore.

After EVERY step the invariants below must hold. The test does not stop at the first
broken one: it runs the whole year and then fails with every violation, named by step
and invariant, followed by the step log.

  (a) nothing of a deleted person (name, email, phone in any notation) in a pg_dump of
      the database (sessions decoded), outside call-note text, and (unless erased) outside
      their own data-subject request: the two exceptions are named predicates in
      tests/scenario/traces.py;
  (b) no flagged person's (6 months after verified_at) email or phone in any body an
      agent can reach (pages, API, htmx fragments);
  (c) no value that only the other tenant supplied or gathered in a client's downloads
      (CSV, xlsx), pages, API lists and import reports, and no count that tells;
  (d) every clock rule that ran in the step succeeded (JobRun done);
  (e) the suppression list is intact: it never shrinks (a restore included) and erased
      identifiers stay suppressed (a re-import skips them);
  (f) staff (supervisor, administrators) cannot download a client database (SPEC §5);
  (g) no IP address older than 4 weeks (plus the day the daily rule may take);
  (x) the step's own expectations (what the SPEC says that action does).

Select it with `-m year` (or `-k year_in_the_life`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import time
import traceback
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client as HttpClient
from django.urls import NoReverseMatch, reverse

from apps.accounts.models import User
from apps.accounts.twofactor import two_factor_required
from apps.assignments import services as assignment_services
from apps.assignments.models import Assignment, CallResult
from apps.audit.models import AccessLogEntry
from apps.clients.models import Client
from apps.core.demo import seed_demo
from apps.imports.models import ImportJob
from apps.privacy.models import DataSubjectRequest
from apps.prospects.models import Lease, Person, Prospect
from apps.retention import clock
from apps.retention.models import LEDGER_SCHEMA, JobRun, JobStatus
from tests.conftest import empty_ledger_schema
from tests.scenario import world as w
from tests.scenario.beat import BeatRun, run_window
from tests.scenario.traces import (
    PersonValues,
    Tokens,
    database_tokens,
    request_row_may_name_its_requester,
    where_in_dump,
)
from tests.twofactor import verify_session

pytestmark = [pytest.mark.year, pytest.mark.django_db(transaction=True)]

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY0 = dt.datetime(2026, 3, 2, 11, 0, tzinfo=AMSTERDAM)  # a Monday; the year crosses both DST changes


# =====================================================================================
# Adapters: the shapes other branches of issue 11 are still deciding. Adapt them HERE.
# =====================================================================================
def suppression_count() -> int:
    """How many entries the suppression list holds (issue 11 #6 may move it into the
    erasure ledger's schema: count wherever it lives)."""
    from apps.privacy.models import SuppressionEntry

    return SuppressionEntry.objects.count()


def is_suppressed(someone: w.Someone) -> bool:
    """Whether the person's identifiers are on the suppression list (R-IMP-5)."""
    from apps.privacy.hashing import IdentifierHashes
    from apps.privacy.selectors import is_suppressed as selector

    return selector(
        IdentifierHashes.of(
            email=someone.email,
            phone=someone.phone,
            first_name=someone.first_name,
            last_name=someone.last_name,
            company_name=someone.company.name,
        )
    )


# Staff asking for a download get one of these (SPEC §5: downloads are for clients only).
STAFF_DOWNLOAD_REFUSED = {403, 404}


def record_consent(year: Year, *, agent: str, prospect: Prospect, person: Person) -> None:
    """Consent given on the phone, recorded on the call screen by the agent holding the
    lease (issue 11 #8), which sends the confirmation with the withdrawal link at once.

    fix-consent adds that action as `calling:person-consent` (tried against that branch:
    it works as written here). Until it is merged the only way is the client's: set the
    legal basis on the record (API PATCH) and send the confirmation from the portal's
    record page; once it is merged that fallback can go (the PATCH is refused there)."""
    for name in ("calling:person-consent", "calling:consent"):
        try:
            url = reverse(name, args=[prospect.pk, person.pk])
        except NoReverseMatch:
            continue
        year.expect_status(
            year.web[agent].post(url, {"channel": "phone"}), {200, 302}, "record consent on the call screen"
        )
        return
    client = year.web["client-acme"]
    response = client.patch_json(
        f"/api/v1/prospects/{prospect.pk}/", {"persons": [{"id": str(person.pk), "legal_basis": "consent"}]}
    )
    year.expect_status(response, {200}, "(until #8) the client sets the legal basis to consent")
    response = client.post(f"/privacy/prospects/{prospect.pk}/persons/{person.pk}/consent/")
    year.expect_status(response, {302}, "(until #8) the client sends the consent confirmation")


def person_of_tenant(email: str, assignment: Assignment) -> Person | None:
    """The person record a tenant's assignment holds for an email (with persons per
    client, issue 11 #3, each client has its own record of a shared real person)."""
    return Person.objects.filter(email=email, prospect_links__prospect__assignment=assignment).first()


def truncate_ledger_schema() -> None:
    """The erasure ledger's schema is outside the test flush (append-only, unmanaged):
    empty every table in it after the test (the suppression list may live there too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [LEDGER_SCHEMA])
        tables = tuple(table for (table,) in cursor.fetchall())
    empty_ledger_schema(tables)  # as the owner role: the runtime role may not TRUNCATE (R-SEC-3)


# =====================================================================================
# The machinery: actors, steps, bookkeeping, invariants
# =====================================================================================
INVARIANTS = {
    "a": "nothing of a deleted person in the database (pg_dump, sessions decoded) outside call-note text",
    "b": "no flagged person's email or phone in any agent-facing body",
    "c": "no other tenant's value or count in a client's downloads, pages, API lists or import reports",
    "d": "every clock rule that ran succeeded (JobRun done)",
    "e": "the suppression list is intact (never shrinks; erased identifiers stay suppressed and are skipped)",
    "f": "staff cannot download a client database (SPEC §5)",
    "g": "no IP address older than 4 weeks (+1 day for the daily rule)",
    "x": "the step's own expectation",
}
MAX_DETAILS = 6


class Web:
    """One role's browser: the Django test client, logged in, never raising on a 500
    (the exception is kept for the step log instead)."""

    def __init__(self, year: Year, user: User | None) -> None:
        self.year, self.user = year, user
        self.http = HttpClient(raise_request_exception=False)

    @property
    def name(self) -> str:
        return self.user.username if self.user else "anonymous"

    def login(self) -> None:
        if self.user is not None:
            self.user.refresh_from_db()
            self.http.force_login(self.user)
            if two_factor_required(self.user):  # R-SEC-1: a verified session, as after the code
                verify_session(self.http, self.user)

    def _done(self, method: str, path: str, response: Any) -> Any:
        self.year.requests += 1
        if response.status_code >= 500:
            self.year.log(f"    {self.name}: {method} {path} -> {response.status_code} {self.year.last_exception}")
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._done("GET", path, self.http.get(path, **kwargs))

    def post(self, path: str, data: dict | None = None, **kwargs: Any) -> Any:
        return self._done("POST", path, self.http.post(path, data or {}, **kwargs))

    def post_json(self, path: str, data: dict | None = None) -> Any:
        return self._done("POST", path, self.http.post(path, data or {}, content_type="application/json"))

    def patch_json(self, path: str, data: dict) -> Any:
        return self._done("PATCH", path, self.http.patch(path, data, content_type="application/json"))


def body_text(response: Any) -> str:
    """A response as searchable text: xlsx workbooks cell by cell, everything else decoded."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response.get("Content-Type", "") == "application/zip":  # the CSV download: database.csv + notes.csv
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist())
    if "spreadsheetml" in response.get("Content-Type", ""):
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return raw.decode("utf-8", errors="replace")


@dataclass
class Step:
    number: int
    name: str
    at: dt.datetime
    beat: list[BeatRun] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def title(self) -> str:
        return f"S{self.number:02d} {self.at.astimezone(AMSTERDAM):%Y-%m-%d %H:%M %Z} {self.name}"

    @property
    def short(self) -> str:
        return f"S{self.number:02d}"


class Year:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.steps: list[Step] = []
        self.step: Step | None = None
        self.clock_at: dt.datetime | None = None
        self.traveller = time_machine.travel(DAY0 - dt.timedelta(hours=1), tick=True)
        self.coordinates = self.traveller.start()
        self.web: dict[str, Web] = {}
        self.requests = 0
        self.last_exception = ""
        # Bookkeeping
        self.persons_seen: dict[Any, PersonValues] = {}
        self.live: set[Any] = set()
        self.deleted: dict[Any, str] = {}  # person id -> the step that deleted it
        self.erased: dict[str, w.Someone] = {}  # erasure and consent withdrawal: deleted everywhere, suppressed
        self.supplied: dict[str, w.Supplied] = {"acme": w.Supplied(), "globex": w.Supplied()}
        self.suppression_max = 0
        self.agent_assignments: dict[str, list[Assignment]] = {}
        self.client_assignments: dict[str, list[Assignment]] = {}
        self.scenario: dict[str, Assignment] = {}
        self.full = True
        self._where: dict[tuple[Any, str], list[str]] = {}  # (person, hit) -> tables, looked up once
        got_request_exception.connect(self._exception)

    # --- clock and steps ----------------------------------------------------------------
    def move(self, moment: dt.datetime) -> None:
        self.coordinates.move_to(moment)

    def close(self) -> None:
        got_request_exception.disconnect(self._exception)
        self.traveller.stop()

    def _exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        exc = sys.exc_info()[1]
        self.last_exception = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"

    def log(self, line: str) -> None:
        assert self.step is not None
        self.step.lines.append(line)

    def violation(self, invariant: str, detail: str) -> None:
        assert self.step is not None
        self.step.violations[invariant].append(detail)

    def expect(self, condition: bool, what: str, invariant: str = "x") -> bool:
        if not condition:
            self.violation(invariant, what)
        return condition

    def expect_status(self, response: Any, allowed: set[int], what: str, invariant: str = "x") -> bool:
        ok = response.status_code in allowed
        self.log(f"    {what}: {response.status_code}")
        if not ok:
            extra = f" ({self.last_exception})" if response.status_code >= 500 else ""
            self.violation(invariant, f"{what}: HTTP {response.status_code}, expected {sorted(allowed)}{extra}")
        return ok

    def run_step(self, name: str, at: dt.datetime, action: Callable[[], None], *, full: bool = False) -> None:
        """Run the beat up to `at`, then the action at `at`, then every invariant. A `full`
        step reads every page the invariants know of; the others the ones where a value
        can first show up (screens, records, downloads), to keep the year fast."""
        step = Step(len(self.steps) + 1, name, at)
        self.full = full
        self.steps.append(step)
        self.step = step
        self.snapshot_persons()
        if self.clock_at is not None:
            step.beat = run_window(self.clock_at, at, self.move)
            self.log("  beat: " + (", ".join(run.line() for run in step.beat) or "nothing due"))
            self.snapshot_persons()
        self.move(at)
        self.clock_at = at
        for web in self.web.values():
            web.login()  # a new working day: everyone logs in again (idle sessions end)
        before, started = self.requests, time.perf_counter()
        try:
            action()
        except Exception:  # noqa: BLE001 (reported with the step; the year goes on)
            self.violation("x", "the step crashed:\n" + "".join(traceback.format_exc()[-1500:]))
        self.snapshot_persons()
        acted = time.perf_counter()
        self.check_all()
        took = f"{acted - started:.1f}s + checks {time.perf_counter() - acted:.1f}s"
        self.log(
            f"  {self.requests - before} requests, {took}; violations: "
            + (", ".join(f"({k}) {len(v)}" for k, v in sorted(step.violations.items())) or "none")
        )

    def report(self) -> str:
        """Every violation at the first step it showed up, with the later steps it was
        still there; then the step log."""
        seen: dict[tuple[str, str], list[str]] = {}
        first: dict[tuple[str, str], Step] = {}
        order: list[tuple[Step, str, str]] = []
        for step in self.steps:
            for invariant, details in sorted(step.violations.items()):
                for detail in details:
                    key = (invariant, detail)
                    if key in seen:
                        if step.short not in seen[key] and step is not first[key]:
                            seen[key].append(step.short)
                    else:
                        seen[key], first[key] = [], step
                        order.append((step, invariant, detail))
        lines = ["The year in the life broke invariants (each shown at the step it first appeared):", ""]
        shown: dict[tuple[int, str], int] = defaultdict(int)
        for step, invariant, detail in order:
            if shown[(step.number, invariant)] == 0:
                lines.append(f"[{step.title}] ({invariant}) {INVARIANTS[invariant]}:")
            shown[(step.number, invariant)] += 1
            if shown[(step.number, invariant)] > MAX_DETAILS:
                continue
            later = seen[(invariant, detail)]
            lines.append(f"    - {detail}" + (f"   [still in {later[0]}..{later[-1]}]" if later else ""))
        for (number, invariant), count in sorted(shown.items()):
            if count > MAX_DETAILS:
                lines.append(f"    (S{number:02d} ({invariant}): {count - MAX_DETAILS} more not shown)")
        lines += ["", "Step log:"]
        for step in self.steps:
            lines.append(step.title)
            lines += step.lines
        return "\n".join(lines)

    # --- bookkeeping -----------------------------------------------------------------------
    def snapshot_persons(self) -> None:
        """Remember every person seen, and which have gone since the last look."""
        live = set()
        for pk, first, last, email, phone in Person.objects.values_list(
            "id", "first_name", "last_name", "email", "phone"
        ):
            live.add(pk)
            if pk not in self.persons_seen:
                self.persons_seen[pk] = PersonValues(
                    label=f"{first} {last} <{email}>",
                    email=email,
                    phone=phone,
                    first_name=first,
                    last_name=last,
                    names_searchable=last in w.SCENARIO_LAST_NAMES,
                )
        for pk in self.live - live:
            self.deleted.setdefault(pk, self.step.title if self.step else "?")
        self.live = live

    def supplied_by(self, tenant: str, rows: list[list[str]]) -> None:
        for row in rows:
            self.supplied[tenant].add_row(row)

    # --- the invariants ---------------------------------------------------------------------
    def check_all(self) -> None:
        took = []
        for check in (self.check_a, self.check_b, self.check_c, self.check_d, self.check_e, self.check_f, self.check_g):
            started = time.perf_counter()
            try:
                check()
            except Exception:  # noqa: BLE001
                self.violation("x", f"{check.__name__} crashed:\n" + traceback.format_exc()[-1500:])
            took.append(f"{check.__name__[-1]}={time.perf_counter() - started:.1f}s")
        self.log("  checks: " + " ".join(took))

    def check_a(self) -> None:
        tokens = database_tokens()
        erased_values = {v for s in self.erased.values() for v in (s.email, s.phone, s.first_name, s.last_name)}
        # The same real person may legitimately live on in another client's own record
        # (persons per client, R-IMP-4): a value a living, never-deleted record holds is
        # not a trace — unless it is an erased person's (erasure is everywhere).
        held = set()
        for first, last, email, phone in Person.objects.exclude(pk__in=list(self.deleted)).values_list(
            "first_name", "last_name", "email", "phone"
        ):
            held.update((first, last, email, phone))
        excused = held - erased_values
        for pk, when in self.deleted.items():
            person = self.persons_seen[pk]
            if pk in self.live:
                self.violation("a", f"{person.label}, deleted in {when[:3]}, exists again")
            erased = person.email in erased_values
            hits = person.found_in(tokens, excused=excused)
            for hit in hits:
                if (pk, hit) not in self._where:
                    self._where[(pk, hit)] = where_in_dump(tokens.text, hit)
            hits = [
                hit
                for hit in hits
                if not all(request_row_may_name_its_requester(t, erased=erased) for t in self._where[(pk, hit)])
            ]
            if hits:
                where = "; ".join(f"{hit} in {', '.join(self._where[(pk, hit)])}" for hit in hits)
                self.violation("a", f"{person.label}, deleted in {when[:3]}: {where}")
        for someone in self.erased.values():
            for label, holder in (("email", {"email": someone.email}), ("phone", {"phone": someone.phone})):
                if Person.objects.filter(**holder).exists():
                    self.violation("a", f"erased {someone.key}: a person record still holds their {label}")

    def flagged_and_visible(self, assignments: list[Assignment]) -> tuple[list[PersonValues], set[str]]:
        cutoff = clock.verify_cutoff()
        flagged, visible = [], set()
        persons = Person.objects.filter(prospect_links__prospect__assignment__in=assignments).distinct()
        for first, last, email, phone, verified_at in persons.values_list(
            "first_name", "last_name", "email", "phone", "verified_at"
        ):
            if verified_at <= cutoff:
                flagged.append(
                    PersonValues(label=f"{first} {last} (verified {verified_at:%Y-%m-%d})", email=email, phone=phone)
                )
            else:
                visible.update((email, phone))
        return flagged, visible

    def agent_bodies(self, agent: str) -> Iterator[tuple[str, str]]:
        """The bodies the agent can reach now. Every step: per active assignment the
        workspace and "next" (which leases one if none is held); per held prospect the call
        screen, its API record, the "left the company" page and the persons fragment (an
        htmx verify that fails validation, changing nothing). Full steps add the start
        page, the assignment list and detail, notes and client contacts (page, htmx, API),
        the htmx call screen and the pages of every person."""
        web, full = self.web[agent], self.full
        htmx = {"HTTP_HX_REQUEST": "true"}
        if full:
            for path in ("/", "/api/v1/assignments/"):
                yield path, body_text(web.get(path))
        for assignment in self.agent_assignments[agent]:
            a = assignment.pk
            yield f"/work/assignments/{a}/", body_text(web.get(f"/work/assignments/{a}/"))
            if full:
                for path in (
                    f"/work/assignments/{a}/notes/",
                    f"/work/assignments/{a}/contacts/",
                    f"/api/v1/assignments/{a}/",
                    f"/api/v1/assignments/{a}/call-notes/",
                ):
                    yield path, body_text(web.get(path))
                yield (
                    f"htmx /work/assignments/{a}/contacts/",
                    body_text(web.get(f"/work/assignments/{a}/contacts/", **htmx)),
                )
            yield f"POST /api/v1/assignments/{a}/next/", body_text(web.post_json(f"/api/v1/assignments/{a}/next/"))
        user = self.web[agent].user
        for lease in Lease.objects.filter(agent=user, expires_at__gt=dt.datetime.now(dt.UTC)):
            p = lease.prospect_id
            yield f"/work/prospects/{p}/", body_text(web.get(f"/work/prospects/{p}/"))
            if full:
                yield f"htmx /work/prospects/{p}/", body_text(web.get(f"/work/prospects/{p}/", **htmx))
            yield f"/api/v1/prospects/{p}/", body_text(web.get(f"/api/v1/prospects/{p}/"))
            person_ids = list(Person.objects.filter(prospect_links__prospect_id=p).values_list("pk", flat=True))
            for person_id in person_ids if full else person_ids[:1]:
                path = f"/work/prospects/{p}/persons/{person_id}/"
                yield path + "left-company/", body_text(web.get(path + "left-company/"))
                fragment = web.post(path + "verify/", {f"{person_id}-email": "not-an-email"}, **htmx)
                yield "htmx POST " + path + "verify/ (invalid)", body_text(fragment)

    def check_b(self) -> None:
        for agent in self.agent_assignments:
            if agent == "agent2" and not self.full:
                continue  # agent2 works only the demo assignment agent1 probes too
            flagged, visible = self.flagged_and_visible(self.agent_assignments[agent])
            for where, text in self.agent_bodies(agent):
                tokens = Tokens.of(text)
                for person in flagged:
                    hits = person.found_in(tokens, excused=visible)
                    if hits:
                        self.violation("b", f"{agent} sees {', '.join(hits)} of flagged {person.label} in {where}")

    def client_bodies(self, tenant: str) -> Iterator[tuple[str, str]]:
        """The client's downloads (CSV by the API, xlsx from the portal), database pages and
        API list of the scenario's assignments every step; full steps add the start page,
        the assignment list, the demo assignments' downloads, every record page and every
        import's page, report and API detail."""
        web, full = self.web[f"client-{tenant}"], self.full
        if full:
            for path in ("/", "/api/v1/assignments/"):
                yield path, body_text(web.get(path))
        for assignment in self.client_assignments[tenant]:
            if not Assignment.objects.filter(pk=assignment.pk).exists():
                continue
            a = assignment.pk
            scenario = assignment in self.scenario.values()
            if not scenario and not full:
                continue
            yield (
                f"/api/v1/assignments/{a}/export/?format=csv",
                body_text(web.get(f"/api/v1/assignments/{a}/export/?format=csv")),
            )
            if not scenario:
                continue  # the demo's big assignments: their CSV is enough
            yield (
                f"/portal/assignments/{a}/download/xlsx/",
                body_text(web.get(f"/portal/assignments/{a}/download/xlsx/")),
            )
            page = 1
            while page:
                response = web.get(f"/portal/assignments/{a}/database/", data={"page": page})
                yield f"/portal/assignments/{a}/database/?page={page}", body_text(response)
                page = page + 1 if f"page={page + 1}" in response.content.decode() else 0
            url = f"/api/v1/assignments/{a}/prospects/"
            while url:
                response = web.get(url)
                yield url, body_text(response)
                url = (response.json().get("next") or "") if response.status_code == 200 else ""
            if not full:
                continue
            yield f"/portal/assignments/{a}/", body_text(web.get(f"/portal/assignments/{a}/"))
            for prospect_id in Prospect.objects.filter(assignment=assignment).values_list("pk", flat=True):
                yield (
                    f"/portal/prospects/{prospect_id}/edit/",
                    body_text(web.get(f"/portal/prospects/{prospect_id}/edit/")),
                )
            for job_id in ImportJob.objects.filter(assignment=assignment).values_list("pk", flat=True):
                yield from self.import_bodies(web, job_id)

    @staticmethod
    def import_bodies(web: Web, job_id: Any) -> Iterator[tuple[str, str]]:
        for path in (f"/portal/imports/{job_id}/", f"/portal/imports/{job_id}/report/", f"/api/v1/imports/{job_id}/"):
            yield path, body_text(web.get(path))

    def check_bodies_of(self, tenant: str, bodies: Iterator[tuple[str, str]]) -> None:
        other = "globex" if tenant == "acme" else "acme"
        only_other = self.supplied[other].minus(self.supplied[tenant])
        for where, text in bodies:
            hits = only_other.found_in(Tokens.of(text))
            if hits:
                self.violation("c", f"client-{tenant} gets {other}'s {', '.join(hits)} in {where}")

    def check_c(self) -> None:
        for tenant in ("acme", "globex"):
            self.check_bodies_of(tenant, self.client_bodies(tenant))

    def check_d(self) -> None:
        assert self.step is not None
        for run in self.step.beat:
            if not run.ok:
                self.violation(
                    "d", f"{run.rule} at {run.at.astimezone(AMSTERDAM):%Y-%m-%d %H:%M}: {run.status} {run.error}"
                )

    def check_e(self) -> None:
        count = suppression_count()
        if count < self.suppression_max:
            self.violation("e", f"the suppression list shrank from {self.suppression_max} to {count} entries")
        self.suppression_max = max(self.suppression_max, count)
        for someone in self.erased.values():
            if not is_suppressed(someone):
                self.violation("e", f"erased {someone.key} ({someone.full_name}) is no longer on the suppression list")

    def check_f(self) -> None:
        for staff in ("supervisor", "admin", "privacy"):
            web = self.web[staff]
            for key, assignment in self.scenario.items():
                if (key != "acme" and not self.full) or not Assignment.objects.filter(pk=assignment.pk).exists():
                    continue
                for path in (
                    f"/portal/assignments/{assignment.pk}/download/csv/",
                    f"/api/v1/assignments/{assignment.pk}/export/?format=xlsx",
                ):
                    response = web.get(path)
                    if response.status_code not in STAFF_DOWNLOAD_REFUSED:
                        self.violation("f", f"{staff} GET {path} -> {response.status_code} ({assignment.name})")

    def check_g(self) -> None:
        cutoff = clock.ip_cutoff() - dt.timedelta(days=1)
        old = AccessLogEntry.objects.filter(at__lt=cutoff, ip_address__isnull=False).count()
        if old:
            self.violation("g", f"{old} access-log entries before {cutoff:%Y-%m-%d %H:%M} still hold an IP address")
        requests = DataSubjectRequest.objects.filter(submitted_at__lt=cutoff, submitted_ip__isnull=False).count()
        if requests:
            self.violation("g", f"{requests} data-subject requests before {cutoff:%Y-%m-%d} still hold an IP address")

    # --- things people do -------------------------------------------------------------------
    def upload(self, tenant: str, assignment: Assignment, rows: list[list[str]], *, via: str, what: str) -> dict:
        """Upload a file as the client and confirm the mapping it detected; the import runs
        (Celery eager) and its report is returned. `via`: "portal" (xlsx) or "api" (csv)."""
        web = self.web[f"client-{tenant}"]
        if via == "portal":
            upload = SimpleUploadedFile("bestand.xlsx", w.xlsx(rows))
            response = web.post(f"/portal/assignments/{assignment.pk}/upload/", {"file": upload})
            self.expect_status(response, {302}, f"{what}: upload on the portal")
            job_id = response["Location"].rstrip("/").split("/")[-1]
            detected = web.get(f"/api/v1/imports/{job_id}/").json()["detected_mapping"]
            response = web.post(f"/portal/imports/{job_id}/", {f"column-{k}": v for k, v in detected.items()})
            self.expect_status(response, {302}, f"{what}: mapping confirmed on the portal")
        else:
            upload = SimpleUploadedFile("bestand.csv", w.csv(rows))
            response = web.post(f"/api/v1/assignments/{assignment.pk}/imports/", {"file": upload})
            self.expect_status(response, {202}, f"{what}: POST imports")
            job_id = response.json()["id"]
            self.expect_status(web.post_json(f"/api/v1/imports/{job_id}/confirm/"), {202}, f"{what}: confirm")
        report = web.get(f"/api/v1/imports/{job_id}/").json()
        self.expect(report["status"] == "done", f"{what}: import {report['status']}: {report.get('error')}")
        self.log(f"    {what}: " + ", ".join(f"{k}={report[k]}" for k in REPORT_COUNTS))
        self.supplied_by(tenant, rows)
        self.check_bodies_of(tenant, self.import_bodies(web, job_id))  # (c): the report, as the client sees it
        return report

    def lease(
        self, agent: str, assignment: Assignment, want: Callable[[dict], bool], *, tries: int = 40
    ) -> dict | None:
        """The agent presses "next" (API) until the prospect they get is one `want`s,
        recording "no answer" on the others; returns the call screen's JSON."""
        web = self.web[agent]
        no_answer = "no-answer"
        for _ in range(tries):
            response = web.post_json(f"/api/v1/assignments/{assignment.pk}/next/")
            if response.status_code != 200:
                self.log(f"    {agent}: next -> {response.status_code}")
                return None
            screen = response.json()
            if want(screen):
                return screen
            web.post_json(f"/api/v1/prospects/{screen['id']}/calls/", {"result": no_answer, "text": "Geen gehoor."})
        return None

    def lease_prospect(self, agent: str, prospect: Prospect) -> dict | None:
        screen = self.lease(agent, prospect.assignment, lambda s: s["id"] == str(prospect.pk))
        self.expect(screen is not None, f"{agent} could not get {prospect.company.name} from the queue")
        return screen


REPORT_COUNTS = (
    "rows_read",
    "rows_rejected",
    "companies_new",
    "companies_matched",
    "persons_new",
    "persons_matched",
    "persons_conflicting",
    "persons_suppressed",
)


def prospect_of(assignment: Assignment, company: w.Company) -> Prospect:
    return Prospect.objects.select_related("company", "assignment").get(
        assignment=assignment, company__kvk_number=company.kvk
    )


def link_in_mail(to: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if to in message.to:
            found = re.search(pattern, message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no email to {to} with a link {pattern}")


# =====================================================================================
# The year
# =====================================================================================
@pytest.fixture
def year(tmp_path: Path, settings: Any) -> Iterator[Year]:  # noqa: ANN401
    from leadhunter.celery import app

    settings.BACKUP_DIR = tmp_path / "backups"
    settings.LANGUAGE_CODE = "en"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # an upload's import runs right after its confirmation commits
    year = Year(tmp_path)
    try:
        yield year
    finally:
        year.close()
        app.conf.task_always_eager = eager
        truncate_ledger_schema()


def test_year_in_the_life(year: Year) -> None:  # noqa: C901, PLR0915 (a year is long)
    y = year
    state: dict[str, Any] = {}

    # --- S01 day 0: the demo world, the scenario's assignments, the first uploads --------
    def seed() -> None:
        users = seed_demo()
        for name, user in users.items():
            y.web[name] = Web(y, user)
            y.web[name].login()
        y.web["anonymous"] = Web(y, None)
        acme, globex = Client.objects.get(name="Acme BV"), Client.objects.get(name="Globex BV")
        acme_demo = Assignment.objects.get(client=acme, is_active=True)
        globex_demo = Assignment.objects.get(client=globex, is_active=True)
        # What an administrator sets up in the admin: the scenario's own assignments.
        for key, client, name in (
            ("acme", acme, "Acme jaarproef"),
            ("globex", globex, "Globex jaarproef"),
            ("acme_fair", acme, "Acme beurs 2026"),
        ):
            assignment = assignment_services.assignment_create(client=client, name=name, briefing="Jaarproef.")
            tenant = "acme" if client == acme else "globex"
            y.expect_status(
                y.web[f"client-{tenant}"].post(f"/portal/assignments/{assignment.pk}/agreement/"),
                {302},
                f"client-{tenant} accepts the processor agreement of {name}",
            )
            assignment_services.assignment_set_active(assignment=assignment, active=True)
            y.scenario[key] = assignment
        assignment_services.assignment_add_supervisor(assignment=y.scenario["acme"], user=users["supervisor"])
        assignment_services.assignment_schedule_agent(assignment=y.scenario["acme"], user=users["agent1"])
        assignment_services.assignment_schedule_agent(assignment=y.scenario["globex"], user=users["agent3"])
        y.agent_assignments = {
            "agent1": [y.scenario["acme"], acme_demo],
            "agent2": [acme_demo],
            "agent3": [y.scenario["globex"], globex_demo],
        }
        y.client_assignments = {
            "acme": [y.scenario["acme"], y.scenario["acme_fair"], acme_demo],
            "globex": [y.scenario["globex"], globex_demo],
        }
        # The demo's persons: who supplied them (their emails and phones identify them).
        for tenant, client in (("acme", acme), ("globex", globex)):
            for email, phone in Person.objects.filter(prospect_links__prospect__assignment__client=client).values_list(
                "email", "phone"
            ):
                y.supplied[tenant].emails.add(email)
                y.supplied[tenant].phones.add(phone)
        y.upload("globex", y.scenario["globex"], w.GLOBEX_FILE, via="portal", what="Globex's file")
        y.upload("acme", y.scenario["acme"], w.ACME_FILE, via="api", what="Acme's file")
        y.upload("acme", y.scenario["acme_fair"], w.ACME_FAIR_FILE, via="api", what="Acme's fair file")
        ursulina = Person.objects.get(email=w.URSULINA.email)
        state["verified"] = ursulina.verified_at  # the day-0 upload verified everyone (R-RET-3)

    y.run_step("the demo world; the scenario's assignments; Globex and Acme upload their files", DAY0, seed, full=True)
    acme_year, globex_year = y.scenario["acme"], y.scenario["globex"]

    # --- S02: the operator runs the clock rules by hand, as the issue did ---------------
    def run_retention_now() -> None:
        now = dt.datetime.now(AMSTERDAM)
        out = io.StringIO()
        try:
            call_command("run_retention", "--now", now.isoformat(), stdout=out)
        except Exception as exc:  # noqa: BLE001
            y.violation("d", f"run_retention --now {now:%Y-%m-%d %H:%M} stopped: {type(exc).__name__}: {exc}")
        for run in JobRun.objects.filter(now=now):
            y.log(f"    run_retention: {run.rule} {run.status} {run.counts}")
            y.expect(run.status == JobStatus.DONE, f"run_retention: {run.rule} {run.status}: {run.error}", "d")

    y.run_step("run_retention --now today", DAY0 + dt.timedelta(minutes=30), run_retention_now)

    # --- S03 day 0 afternoon: calls; flagged demo persons leave their companies -----------
    def day0_calls() -> None:
        acme_demo = y.agent_assignments["agent2"][0]
        # agent1 calls the first prospect of Acme's scenario and asks to be called back.
        screen = y.lease("agent1", acme_year, lambda s: True)
        if y.expect(screen is not None, "agent1 gets a prospect of Acme jaarproef"):
            callback = CallResult.objects.get(assignment=acme_year, code="call-back")
            when = (dt.datetime.now(AMSTERDAM) + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
            note = f"Gesproken met {w.ZWAANTJE.full_name}; {w.LODEWIJKUS.full_name} belt terug."
            response = y.web["agent1"].post(
                f"/work/prospects/{screen['id']}/call/",
                {"result": callback.pk, "text": note, "callback_at": when, "save": "1"},
            )
            y.expect_status(response, {302}, "agent1 records a call with a callback (call screen)")
        # agent2 works Acme's demo assignment until a prospect with a flagged person comes up.
        screen = y.lease("agent2", acme_demo, lambda s: any(p["verify"] for p in s["persons"]))
        if y.expect(screen is not None, "agent2 gets a prospect with a flagged person within 40 calls"):
            flagged = next(p for p in screen["persons"] if p["verify"])
            y.check_b()  # while the flagged person is on the agent's screen
            path = f"/work/prospects/{screen['id']}/persons/{flagged['id']}/left-company/"
            y.expect_status(
                y.web["agent2"].post(path), {302}, "agent2: a flagged person left the company (call screen)"
            )
            y.expect(
                not Person.objects.filter(pk=flagged["id"], prospect_links__prospect_id=screen["id"]).exists(),
                "the flagged person who left is still linked to Acme's record (R-CALL-2)",
            )
        # The client reports another flagged person of its demo database as gone (API).
        gone = (
            Person.objects.filter(
                prospect_links__prospect__assignment=acme_demo, verified_at__lte=clock.verify_cutoff()
            )
            .order_by("verified_at", "pk")
            .first()
        )
        response = y.web["client-acme"].post_json(f"/api/v1/persons/{gone.pk}/left-company/")
        y.expect_status(response, {204}, "client-acme: a flagged person left the company (API)")

    y.run_step(
        "agents call; flagged demo persons leave their companies (screen and API)",
        DAY0 + dt.timedelta(hours=3),
        day0_calls,
    )

    # --- S04 day 1: Acme names Globex's persons in an upload; a control upload ------------
    def names_globex_persons() -> None:
        named = y.upload(
            "acme",
            acme_year,
            w.ACME_NAMES_GLOBEX_PERSONS,
            via="portal",
            what="Acme names Gerolf (email only) and Gertruda (KvK + full name)",
        )
        control = y.upload(
            "acme",
            acme_year,
            w.ACME_NAMES_NOBODY,
            via="portal",
            what="control: the same shapes for persons nobody knows",
        )
        differ = {k: (named[k], control[k]) for k in REPORT_COUNTS if named[k] != control[k]}
        y.expect(
            not differ, f"the import report tells Acme that Globex's persons exist: {differ} (counts vs control)", "c"
        )

    y.run_step(
        "Acme uploads rows naming Globex-only persons, and a control file",
        DAY0 + dt.timedelta(days=1, hours=-1),
        names_globex_persons,
        full=True,
    )

    # --- S05 day 1 afternoon: Acme reports "its" Gerolf gone; two privacy requests --------
    def left_and_requests() -> None:
        acme_gerolf = person_of_tenant(w.GEROLF.email, acme_year)
        if acme_gerolf is None:
            y.log("    Acme's database holds no person with Gerolf's email (the row did not link): nothing to report")
        else:
            response = y.web["client-acme"].post_json(f"/api/v1/persons/{acme_gerolf.pk}/left-company/")
            y.expect_status(response, {204}, "client-acme: Gerolf left the company (API)")
        y.expect(
            person_of_tenant(w.GEROLF.email, globex_year) is not None,
            "Acme's left-company deleted Globex's Gerolf (R-IMP-4: a client's left-company acts on its own link only)",
        )
        anonymous = y.web["anonymous"]
        for who, kind in ((w.ZWAANTJE, "erasure"), (w.HENDRIKJE, "access")):
            response = anonymous.post(
                "/privacy/request/",
                {
                    "name": who.full_name,
                    "email": who.email,
                    "phone": "06 " + who.phone[4:],
                    "company": who.company.name,
                    "kind": kind,
                    "message": "Graag afhandelen.",
                    "website": "",
                },
                REMOTE_ADDR="192.0.2.7",
            )
            y.expect_status(response, {200}, f"{who.key} files an {kind} request on the public form")
            state[f"confirm-{who.key}"] = link_in_mail(who.email, r"/privacy/request/[0-9a-f-]{36}/confirm/[^\s/]+/")
        link = state["confirm-E"]
        y.expect_status(anonymous.get(link), {200}, "Zwaantje opens her confirmation link")
        y.expect_status(anonymous.post(link), {200}, "Zwaantje confirms her request")
        state["request-E"] = link.split("/")[3]

    y.run_step(
        "Acme reports its Gerolf gone; Zwaantje asks for erasure and confirms; a second request stays unconfirmed",
        DAY0 + dt.timedelta(days=1, hours=4),
        left_and_requests,
    )
    filed = DAY0 + dt.timedelta(days=1, hours=4)

    # --- S06/S07: the 48-hour confirmation link, just before and just after -------------
    y.run_step(
        "47h55m: the unconfirmed request's link still works",
        filed + dt.timedelta(hours=47, minutes=55),
        lambda: y.expect_status(
            y.web["anonymous"].get(state["confirm-N2"]), {200}, "the link 5 minutes before it expires"
        ),
    )

    def link_expired() -> None:
        y.expect_status(y.web["anonymous"].get(state["confirm-N2"]), {400, 404, 410}, "the link after 48 hours")
        y.expect(
            not DataSubjectRequest.objects.filter(email=w.HENDRIKJE.email).exists(),
            "the unconfirmed request outlived its 48-hour link (R-DSR-2)",
        )

    y.run_step("48h30m: the unconfirmed request is gone", filed + dt.timedelta(hours=48, minutes=30), link_expired)

    # --- S08 day 13: the officers are reminded 3 days before the 14-day deadline -----------
    def reminded() -> None:
        officer = y.web["privacy"].user.email
        y.expect(
            any(officer in m.to and state["request-E"] in m.body for m in mail.outbox),
            "no reminder to the privacy officer of Zwaantje's request 3 days before its deadline (R-DSR-2)",
        )

    y.run_step(
        "the officers' reminder, 3 days before the 14-day deadline", DAY0 + dt.timedelta(days=13, hours=-1), reminded
    )

    # --- S09 day 14: the erasure, from the officer's lookup; a re-import is skipped -------
    def erasure() -> None:
        officer, request_id = y.web["privacy"], state["request-E"]
        y.expect_status(officer.get("/privacy/requests/"), {200}, "officer: the requests dashboard")
        y.expect_status(officer.get(f"/privacy/requests/{request_id}/"), {200}, "officer: the request")
        y.expect_status(officer.post(f"/privacy/requests/{request_id}/take/"), {302}, "officer takes the request")
        lookup = f"/privacy/requests/{request_id}/lookup/"
        typed = {"name": w.ZWAANTJE.full_name, "email": "", "phone": "06-11110001"}
        y.expect_status(officer.post(lookup, typed), {302}, "officer types another spelling")
        page = officer.get(lookup)
        y.expect_status(page, {200}, "officer: the lookup")
        found = sorted(set(re.findall(r'name="person" value="([0-9a-f-]{36})"', page.content.decode())))
        y.expect(len(found) >= 1, "the lookup does not find Zwaantje")
        for person_id in found:
            y.expect_status(
                officer.post(f"/privacy/requests/{request_id}/link/", {"person": person_id}),
                {302},
                "officer links a record",
            )
        response = officer.post(f"/privacy/requests/{request_id}/erase/", {"confirm": "yes", "suppress_typed": "yes"})
        y.expect_status(response, {302}, "officer erases")
        y.erased["E"] = w.ZWAANTJE
        y.expect_status(officer.get(f"/privacy/requests/{request_id}/done/"), {200}, "officer: done")
        report = y.upload("acme", acme_year, w.ACME_ZWAANTJE_AGAIN, via="api", what="Acme uploads Zwaantje again")
        y.expect(
            report["persons_suppressed"] >= 1 and person_of_tenant(w.ZWAANTJE.email, acme_year) is None,
            "an erased person was imported again",
            "e",
        )

    y.run_step(
        "erasure: officer lookup, link, erase; Acme uploads Zwaantje again",
        DAY0 + dt.timedelta(days=14, hours=-1),
        erasure,
        full=True,
    )

    # --- S10: consent given on the phone, then withdrawn by the link -----------------------
    def consent() -> None:
        prospect = prospect_of(acme_year, w.SCHIMMEL)
        person = person_of_tenant(w.CORNELISJE.email, acme_year)
        y.lease_prospect("agent1", prospect)
        record_consent(y, agent="agent1", prospect=prospect, person=person)
        link = link_in_mail(w.CORNELISJE.email, r"/privacy/consent/withdraw/[^\s/]+/")
        y.expect_status(y.web["anonymous"].get(link), {200}, "Cornelisje opens the withdrawal link")
        y.expect_status(y.web["anonymous"].post(link), {200}, "Cornelisje withdraws her consent")
        y.erased["C"] = w.CORNELISJE

    y.run_step("consent recorded on the call, then withdrawn by the link", DAY0 + dt.timedelta(days=14), consent)

    # --- S11: the client deletes a record and an assignment; Lodewijkus left --------------
    def deletes() -> None:
        client = y.web["client-acme"]
        record = prospect_of(acme_year, w.ZONNE)
        y.expect_status(
            client.post(f"/portal/prospects/{record.pk}/delete/"), {302}, "client-acme deletes Zonnebloesem's record"
        )
        fair = y.scenario["acme_fair"]
        y.expect_status(
            client.get(f"/portal/assignments/{fair.pk}/delete/"), {200}, "client-acme: delete the fair assignment?"
        )
        y.expect_status(
            client.post(f"/portal/assignments/{fair.pk}/delete/", {"name": fair.name}),
            {302},
            "client-acme deletes the fair assignment",
        )
        prospect = prospect_of(acme_year, w.LEEG)
        if y.lease_prospect("agent1", prospect):
            person = person_of_tenant(w.LODEWIJKUS.email, acme_year)
            path = f"/work/prospects/{prospect.pk}/persons/{person.pk}/left-company/"
            y.expect_status(y.web["agent1"].post(path), {302}, "agent1: Lodewijkus left the company (call screen)")

    y.run_step(
        "client deletes a record and an assignment; Lodewijkus left the company",
        DAY0 + dt.timedelta(days=14, hours=2),
        deletes,
    )

    # --- S12 day 15: restore the backup of day 3 01:30 (after the requests, before the erasure) ---
    def restore() -> None:
        backup_at = dt.datetime(2026, 3, 5, 1, 30, tzinfo=AMSTERDAM).astimezone(dt.UTC)
        path = Path(django_settings.BACKUP_DIR) / f"leadhunter-{backup_at:%Y%m%dT%H%M%SZ}.dump"
        y.expect(path.is_file(), f"the daily backup {path.name} exists")
        out = io.StringIO()
        call_command("backup", stdout=out)  # the operator keeps today's state before overwriting it
        call_command("restore", str(path), stdout=out)
        y.log("    " + out.getvalue().strip().replace("\n", "\n    "))
        # R-DEL-2: backups are readable by their owner only (0600 in a 0700 directory).
        for item in [path.parent, *path.parent.iterdir()]:
            mode = item.stat().st_mode & 0o777
            y.expect(mode & 0o077 == 0, f"{item.name}: mode {oct(mode)}, readable by others (R-DEL-2)")
        for web in y.web.values():
            web.login()  # the sessions table came from the backup
        report = y.upload("acme", acme_year, w.ACME_ZWAANTJE_AGAIN, via="api", what="after the restore: Zwaantje again")
        y.expect(
            report["persons_suppressed"] >= 1 and person_of_tenant(w.ZWAANTJE.email, acme_year) is None,
            "after the restore an erased person was imported again",
            "e",
        )

    y.run_step("restore of the backup of day 3 (01:30)", DAY0 + dt.timedelta(days=15, hours=-1), restore, full=True)

    # --- S13/S14: four weeks after the requests, their IP addresses go ---------------------
    def ips(present: bool) -> Callable[[], None]:
        def check() -> None:
            window = AccessLogEntry.objects.filter(
                at__gte=filed - dt.timedelta(hours=1), at__lte=filed + dt.timedelta(hours=1)
            )
            kept = window.filter(ip_address__isnull=False).exists()
            state_of = {True: "kept", False: "gone"}
            y.expect(kept == present, f"day 1's access-log IP addresses {state_of[kept]}, expected {state_of[present]}")

        return check

    y.run_step(
        "4 weeks minus a day: day 1's IP addresses still there", filed + dt.timedelta(days=27, hours=1), ips(True)
    )
    y.run_step("4 weeks plus a day: day 1's IP addresses removed", filed + dt.timedelta(days=29), ips(False))

    # --- S15 day 60: verifications and corrections --------------------------------------------
    def verifications() -> None:
        agent = y.web["agent1"]
        for company, someone, values in (
            (w.KWAKKEL, w.VERABELLE, {}),
            (w.DWARREL, w.VICTORINUS, {"job_title": "Acmeinkoophoofd"}),
        ):
            prospect = prospect_of(acme_year, company)
            if y.lease_prospect("agent1", prospect):
                person = person_of_tenant(someone.email, acme_year)
                data = {f"{person.pk}-{k}": v for k, v in values.items()}
                y.expect_status(
                    agent.post(f"/work/prospects/{prospect.pk}/persons/{person.pk}/verify/", data),
                    {302},
                    f"agent1 {'corrects' if values else 'confirms'} {someone.key} (call screen)",
                )
                y.supplied["acme"].words.update(values.values())
        prospect = prospect_of(acme_year, w.SCHIMMEL)
        person = person_of_tenant(w.VALENTIJNTJE.email, acme_year)
        response = y.web["client-acme"].patch_json(
            f"/api/v1/prospects/{prospect.pk}/", {"persons": [{"id": str(person.pk), "job_title": "Acmeklantfunctie"}]}
        )
        y.expect_status(response, {200}, "client-acme corrects V3's job title (API)")
        y.supplied["acme"].words.add("Acmeklantfunctie")

    y.run_step(
        "agent confirms and corrects persons; the client corrects one", DAY0 + dt.timedelta(days=60), verifications
    )

    # --- Issue 14 #2 (R-HOLD-1): a legal hold on Globex's Quintijn, through the officer's page ---
    def hold_placed() -> None:
        quintijn = person_of_tenant(w.QUINTIJN.email, globex_year)
        state["held"] = quintijn.pk if quintijn else None
        state["hold_ends"] = (clock.purge_due_at(state["verified"]) + dt.timedelta(days=20)).date()
        y.expect(quintijn is not None, "Quintijn (Globex) exists on day 61")
        if quintijn is not None:
            y.expect_status(
                y.web["privacy"].post(
                    "/privacy/holds/",
                    {
                        "kind": "person",
                        "object_id": str(quintijn.pk),
                        "reason": "Rechtszaak 2026/17: bewaren tot de uitspraak",
                        "ends_on": state["hold_ends"].isoformat(),
                    },
                ),
                {302},
                "privacy officer places a legal hold on Quintijn's record",
            )

    y.run_step("day 61: a legal hold on Quintijn's record", DAY0 + dt.timedelta(days=61), hold_placed)

    # --- S16-S18: six months after the upload ------------------------------------------------
    six_months = clock.verification_due_at(state["verified"])
    dwarrel = prospect_of(acme_year, w.DWARREL)

    def before_six_months() -> None:
        screen = y.lease_prospect("agent1", dwarrel)
        if screen:
            ursulina = next((p for p in screen["persons"] if p["last_name"] == w.URSULINA.last_name), None)
            # The control: an unflagged person's details ARE shown, so the (b) probe can fail.
            y.expect(
                ursulina is not None and ursulina["email"] == w.URSULINA.email,
                f"Ursulina's email not on agent1's screen one minute before her 6 months: {ursulina}",
            )

    y.run_step(
        "6 months minus 1 minute: Ursulina not yet flagged", six_months - dt.timedelta(minutes=1), before_six_months
    )

    def after_six_months() -> None:
        screen = y.lease_prospect("agent1", dwarrel)
        if screen:
            ursulina = next((p for p in screen["persons"] if p["last_name"] == w.URSULINA.last_name), None)
            y.expect(
                ursulina is not None and ursulina["verify"], f"Ursulina not flagged 1 minute after 6 months: {ursulina}"
            )

    y.run_step(
        "6 months plus 1 minute: Ursulina flagged", six_months + dt.timedelta(minutes=1), after_six_months, full=True
    )
    y.run_step(
        "6 months plus a day: the flags announced by the night's rule",
        six_months.replace(hour=10, minute=0) + dt.timedelta(days=1),
        lambda: y.lease_prospect("agent1", dwarrel),
    )

    # --- S19/S20: twelve months after the upload ---------------------------------------------
    twelve_months = clock.purge_due_at(state["verified"])

    def before_purge() -> None:
        y.expect(Person.objects.filter(email=w.URSULINA.email).exists(), "Ursulina deleted before her 12 months")
        y.lease_prospect("agent1", dwarrel)

    y.run_step(
        "12 months minus 1 minute: Ursulina still there, flagged", twelve_months - dt.timedelta(minutes=1), before_purge
    )

    def after_purge() -> None:
        y.expect(
            not Person.objects.filter(email=w.URSULINA.email).exists(), "Ursulina not purged after 12 months (R-RET-3)"
        )
        for someone in (w.VERABELLE, w.VICTORINUS, w.VALENTIJNTJE):
            y.expect(
                Person.objects.filter(email=someone.email).exists(),
                f"{someone.key}, verified on day 60, was purged before their 12 months",
            )
        y.lease_prospect("agent1", dwarrel)

    y.run_step(
        "12 months plus a day: the night's purge took the unverified",
        twelve_months.replace(hour=10, minute=0) + dt.timedelta(days=1),
        after_purge,
        full=True,
    )

    def held_survives() -> None:
        held = state.get("held")
        y.expect(
            held is not None and Person.objects.filter(pk=held).exists(),
            "Quintijn, under a legal hold, was purged at 12 months (R-HOLD-1)",
        )
        purge = JobRun.objects.filter(rule="person_purge").order_by("-started_at").first()
        y.expect(
            purge is not None and purge.counts.get("held_skipped", 0) >= 1,
            f"the purge's run record does not say it kept a held record: {purge.counts if purge else None}",
            "d",
        )

    y.run_step(
        "12 months plus a day: the held record survived the purge, and the run says so",
        twelve_months.replace(hour=11, minute=0) + dt.timedelta(days=1),
        held_survives,
    )

    def hold_ended() -> None:
        from apps.retention.models import LegalHold

        held = state.get("held")
        hold = LegalHold.objects.filter(object_id=held).first()
        y.expect(hold is not None and hold.ended_at is not None, "the legal hold did not end after its date")
        told = [m for m in mail.outbox if str(held) in m.body and y.web["privacy"].user.email in m.to]
        y.expect(bool(told), "the privacy officer was not told that the hold ended")
        y.expect(not Person.objects.filter(pk=held).exists(), "the night's purge after the hold ended kept Quintijn")

    y.run_step(
        "the day after the hold's end: it ended with a notice, and the night's purge took the record",
        dt.datetime.combine(state["hold_ends"] + dt.timedelta(days=1), dt.time(10, 0), tzinfo=DAY0.tzinfo),
        hold_ended,
        full=True,
    )

    broken = [s for s in y.steps if s.violations]
    print(y.report() if broken else "\n".join(line for s in y.steps for line in [s.title, *s.lines]))
    if broken:
        pytest.fail(y.report(), pytrace=False)
