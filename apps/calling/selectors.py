"""Reads of the call-agent's workspace. Each returns everything a page needs in a fixed
number of queries, whatever the size of the assignment (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assignments.models import Assignment, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.core.access import call_notes_visible_to
from apps.core.errors import ServiceError
from apps.prospects.models import Company, Lease, Person, Prospect, ProspectStatus
from apps.prospects.selectors import PersonForAgent, persons_for_agent

# A person on the agent's screen is a person as an agent may see them: one selector for
# every agent-facing path (apps/prospects/selectors.py, R-CALL-3).
PersonOnScreen = PersonForAgent


def _with_differences(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Each person with its differences to verify, in the same query (the call screen's
    query count stays fixed)."""
    from apps.imports.models import Difference

    return qs.annotate(
        to_verify=ArraySubquery(
            Difference.objects.filter(person_id=OuterRef("pk"))
            .order_by("field", "-created_at")
            .values(json=JSONObject(field="field", value="value"))
        )
    )


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


_UNREAD = object()


def call_screen(*, prospect: Prospect, agent: Any, now: dt.datetime | None = None) -> CallScreen:
    """The agent's screen of one prospect (R-CALL-1): company, persons, earlier notes of this
    prospect in this assignment, the assignment's results. `prospect` comes from
    `access.get_prospect_for_user` with its company and assignment."""
    now = now or timezone.now()
    persons = _with_differences(Person.objects.filter(prospect_links__prospect=prospect)).order_by(
        "last_name", "first_name", "id"
    )
    notes = (
        CallNote.objects.filter(prospect=prospect, assignment_id=prospect.assignment_id)
        .select_related("result", "agent", "company")
        .order_by("created_at")
    )
    # "next" and the agent's access check bring the lease's end along; read it otherwise.
    lease = getattr(prospect, "lease_expires_at", _UNREAD)
    if lease is _UNREAD:
        lease = Lease.objects.filter(prospect=prospect, agent=agent).values_list("expires_at", flat=True).first()
    return CallScreen(
        prospect=prospect,
        company_verify=prospect.company.needs_verification(now),
        persons=persons_for_agent(persons, now),
        notes=list(notes),
        results=list(CallResult.objects.filter(assignment_id=prospect.assignment_id)),
        lease_expires_at=lease,
        company_differences=company_differences(prospect),
        account_managers=account_managers(client_id=prospect.assignment.client_id),
        extra=extra_for_agent(prospect),
        today=agent_today(assignment_id=prospect.assignment_id, agent=agent, now=now),
    )


def company_differences(prospect: Prospect) -> list[tuple[str, str]]:
    """The differences "to verify" of the prospect's company brought by its own assignment
    (an import or the client's edits); another client's never show here."""
    from apps.imports.models import Difference

    rows = Difference.objects.filter(assignment_id=prospect.assignment_id, company_id=prospect.company_id).order_by(
        "field", "-created_at"
    )
    labels = {f.name: str(f.verbose_name) for f in Company._meta.get_fields() if hasattr(f, "verbose_name")}
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
