"""Reads of the call-agent's workspace. Each returns everything a page needs in a fixed
number of queries, whatever the size of the assignment (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.assignments.models import Assignment, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.core.access import call_notes_visible_to
from apps.core.errors import ServiceError
from apps.core.prepared import columns, from_json, prepared_cursor
from apps.prospects.models import Company, Person, Prospect, ProspectStatus
from apps.prospects.selectors import PersonForAgent, persons_for_agent

# A person on the agent's screen is a person as an agent may see them: one selector for
# every agent-facing path (apps/prospects/selectors.py, R-CALL-3).
PersonOnScreen = PersonForAgent


@dataclass(frozen=True)
class AgentToday:
    """An agent's own figures of today in one assignment: calls, reached (a result other than
    "call again"), appointments."""

    calls: int
    reached: int
    appointments: int


def agent_today(*, assignment_id: Any, agent: Any, now: dt.datetime | None = None) -> AgentToday:
    """One aggregate over the agent's notes of today (callnote_assignment_date_idx)."""
    start = timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    figures = CallNote.objects.filter(assignment_id=assignment_id, agent=agent, created_at__gte=start).aggregate(
        calls=Count("id"),
        reached=Count("id", filter=~Q(result__outcome=Outcome.RETRY)),
        appointments=Count("appointment"),
    )
    return AgentToday(**figures)


def account_managers(*, client_id: Any) -> list[tuple[Any, str]]:
    """The client's contact persons, by name, for the appointment's account manager."""
    from apps.clients.models import ClientContact

    rows = ClientContact.objects.filter(client_id=client_id).order_by("last_name", "first_name", "id")
    return [(pk, f"{first} {last}".strip()) for pk, first, last in rows.values_list("id", "first_name", "last_name")]


def extra_for_agent(prospect: Prospect) -> list[tuple[str, str]]:
    """The extra columns the assignment shows agents, in the upload's order."""
    wanted = prospect.assignment.agent_columns or []
    extra = prospect.extra or {}
    return [(header, str(extra.get(header, ""))) for header in wanted if extra.get(header) not in (None, "")]


@dataclass(frozen=True)
class CallScreen:
    prospect: Prospect
    company_verify: bool
    persons: list[PersonOnScreen]
    notes: list[CallNote]
    results: list[CallResult]
    lease_expires_at: dt.datetime | None
    # Values this assignment's client gave that differ from recently verified company data
    # (R-IMP-3): (field label, value), for the agent to verify with the company.
    company_differences: list[tuple[str, str]] = field(default_factory=list)
    # The client's contacts an appointment can be made for (R-APPT-1): (id, name) only.
    account_managers: list[tuple[Any, str]] = field(default_factory=list)
    # The client's extra columns the briefing marks as useful: (header, value).
    extra: list[tuple[str, str]] = field(default_factory=list)
    today: AgentToday | None = None
    # A fingerprint of `results` (ids, codes, labels, outcomes, order, asks): the cached
    # result buttons are keyed by it, so a changed list is never shown from the cache.
    results_version: str = ""


_UNREAD = object()

# The call screen's reads (issue 16 #2) in one prepared statement (apps.core.prepared: its
# planning cost more than its running), the lists as JSON: the persons with their
# differences to verify (then through the one selector for agents, `persons_for_agent`),
# the notes with their result, agent and company (each a JSON array of the models' columns,
# `from_json`), the assignment's results, the company's differences to verify, the client's
# contacts, the agent's figures of today and, when not brought along, the end of the
# agent's lease.
_SCREEN_SQL = """
    SELECT
      (SELECT coalesce(json_agg(json_build_array({person},
                  (SELECT coalesce(json_agg(json_build_object('field', d.field, 'value', d.value)
                                            ORDER BY d.field, d.created_at DESC), '[]')
                   FROM imports_difference d WHERE d.person_id = p.id))
                ORDER BY p.last_name, p.first_name, p.id), '[]')
       FROM prospects_person p JOIN prospects_prospectperson pp ON pp.person_id = p.id
       WHERE pp.prospect_id = %(prospect)s)::text,
      (SELECT coalesce(json_agg(json_build_array({note}) ORDER BY n.created_at), '[]')
       FROM callnotes_callnote n
       JOIN assignments_callresult r ON r.id = n.result_id
       JOIN accounts_user u ON u.id = n.agent_id
       JOIN prospects_company c ON c.id = n.company_id
       WHERE n.prospect_id = %(prospect)s AND n.assignment_id = %(assignment)s)::text,
      (SELECT coalesce(json_agg(json_build_array(r.id, r.code, r.label, r.outcome, r.position, r.asks)
                                ORDER BY r.position, r.id), '[]')
       FROM assignments_callresult r WHERE r.assignment_id = %(assignment)s)::text,
      (SELECT coalesce(json_agg(json_build_array(d.field, d.value) ORDER BY d.field, d.created_at DESC), '[]')
       FROM imports_difference d WHERE d.assignment_id = %(assignment)s AND d.company_id = %(company)s)::text,
      (SELECT coalesce(json_agg(json_build_array(cc.id, cc.first_name, cc.last_name)
                                ORDER BY cc.last_name, cc.first_name, cc.id), '[]')
       FROM clients_clientcontact cc WHERE cc.client_id = %(client)s)::text,
      t.calls, t.reached, t.appointments,
      (SELECT l.expires_at FROM prospects_lease l WHERE l.prospect_id = %(prospect)s AND l.agent_id = %(agent)s)
    FROM (SELECT count(n.id) AS calls, count(n.id) FILTER (WHERE r.outcome <> %(retry)s) AS reached,
                 count(ap.id) AS appointments
          FROM callnotes_callnote n JOIN assignments_callresult r ON r.id = n.result_id
          LEFT JOIN appointments_appointment ap ON ap.note_id = n.id
          WHERE n.agent_id = %(agent)s AND n.assignment_id = %(assignment)s AND n.created_at >= %(start)s) t"""


def call_screen(*, prospect: Prospect, agent: Any, now: dt.datetime | None = None) -> CallScreen:
    """The agent's screen of one prospect (R-CALL-1): company, persons, earlier notes of this
    prospect in this assignment, the assignment's results. `prospect` comes from
    `access.get_prospect_for_agent` (or "next") with its company and assignment. One
    query, whatever the size of the assignment."""
    import json

    now = now or timezone.now()
    screen_sql, note_models = _statements()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    with prepared_cursor() as cursor:
        cursor.execute(
            screen_sql,
            {
                "assignment": prospect.assignment_id,
                "company": prospect.company_id,
                "client": prospect.assignment.client_id,
                "prospect": prospect.pk,
                "agent": agent.pk,
                "start": start,
                "retry": Outcome.RETRY.value,
            },
        )
        (persons_json, notes_json, results_json, differences_json, managers_json, calls, reached, appointments,
         lease_read) = cursor.fetchone()  # fmt: skip
    persons = []
    for values in json.loads(persons_json):
        (person,) = from_json((Person,), values)
        person.to_verify = values[-1]
        persons.append(person)
    notes = []
    for values in json.loads(notes_json):
        note, result, note_agent, company = from_json(note_models, values)
        note.result, note.agent, note.company = result, note_agent, company
        notes.append(note)
    # "next" and the agent's access check bring the lease's end along (read with the rest otherwise).
    lease = getattr(prospect, "lease_expires_at", _UNREAD)
    if lease is _UNREAD:
        lease = lease_read
    labels = _company_labels()
    return CallScreen(
        prospect=prospect,
        company_verify=prospect.company.needs_verification(now),
        persons=persons_for_agent(persons, now),
        notes=notes,
        results=[
            CallResult(
                id=pk,
                assignment_id=prospect.assignment_id,
                code=code,
                label=label,
                outcome=outcome,
                position=pos,
                asks=asks,
            )
            for pk, code, label, outcome, pos, asks in json.loads(results_json)
        ],
        lease_expires_at=lease,
        company_differences=[(labels.get(f, f), value) for f, value in json.loads(differences_json)],
        account_managers=[(uuid.UUID(pk), f"{first} {last}".strip()) for pk, first, last in json.loads(managers_json)],
        extra=extra_for_agent(prospect),
        today=AgentToday(calls=calls, reached=reached, appointments=appointments),
        results_version=hashlib.md5(results_json.encode(), usedforsecurity=False).hexdigest(),
    )


@functools.cache
def _statements() -> tuple[str, tuple[Any, ...]]:
    """The screen's statement with its columns listed (and the notes' models in their
    order), made once per process."""
    from django.contrib.auth import get_user_model

    note_models = (CallNote, CallResult, get_user_model(), Company)
    return (
        _SCREEN_SQL.format(
            person=columns(("p", Person)),
            note=columns(*zip(("n", "r", "u", "c"), note_models, strict=True)),
        ),
        note_models,
    )


def _company_labels() -> dict[str, str]:
    """The company's field names and their labels, in the active language (made once per
    language and process: on every call screen)."""
    return _company_labels_in(get_language())


@functools.lru_cache(maxsize=8)
def _company_labels_in(language: str | None) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in Company._meta.get_fields() if hasattr(f, "verbose_name")}


def company_differences(prospect: Prospect) -> list[tuple[str, str]]:
    """The differences "to verify" of the prospect's company brought by its own assignment
    (an import or the client's edits); another client's never show here."""
    from apps.imports.models import Difference

    rows = Difference.objects.filter(assignment_id=prospect.assignment_id, company_id=prospect.company_id).order_by(
        "field", "-created_at"
    )
    labels = _company_labels()
    return [(labels.get(d.field, d.field), d.value) for d in rows.only("field", "value")]


# R-NOTE-1: notes sort by company name, result and date, and by nothing else.
NOTE_ORDERINGS = {
    "company": ("company__name", "-created_at"),
    "-company": ("-company__name", "-created_at"),
    "result": ("result__label", "-created_at"),
    "-result": ("-result__label", "-created_at"),
    "date": ("created_at",),
    "-date": ("-created_at",),
}


def call_note_list(*, user: Any, assignment: Assignment, ordering: str | None = None) -> QuerySet[CallNote]:
    """The notes of an assignment the user may see (R-NOTE-2), in one of the allowed orders.

    There is deliberately no text parameter: notes are never searched (R-NOTE-1).
    """
    ordering = ordering or "-date"
    if ordering not in NOTE_ORDERINGS:
        raise ServiceError({"ordering": _("Sort by company, result or date (with - for descending).")})
    return (
        call_notes_visible_to(user)
        .filter(assignment=assignment)
        .select_related("company", "result", "agent")
        .order_by(*NOTE_ORDERINGS[ordering], "id")
    )


# The workspace lists at most this many of an agent's callbacks: the rest come up in
# the queue at their time (R-NTK-2: never a list of the assignment's database).
CALLBACK_LIST_SIZE = 50


def own_callbacks(*, assignment: Assignment, agent: Any) -> list[Prospect]:
    """The callbacks the agent scheduled in this assignment, soonest first: only prospects
    they may open anyway (R-NTK-2: "a callback they scheduled themselves")."""
    return list(
        Prospect.objects.filter(assignment=assignment, status=ProspectStatus.CALLBACK, callback_agent=agent)
        .select_related("company", "last_result")
        .only(
            "id",
            "callback_at",
            "assignment_id",
            "company__name",
            "company__city",
            "last_result__label",
        )
        .order_by("callback_at", "id")[:CALLBACK_LIST_SIZE]
    )
