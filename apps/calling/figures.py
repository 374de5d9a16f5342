"""The figures of an assignment over a chosen period (R-SUP-1): calls per hour of the day
and per day, the results funnel, appointment rate and handle time per agent, with totals.

Aggregated in SQL (GROUP BY over the notes of the assignment in the period, on the index
`callnote_assignment_date_idx`): a fixed number of queries, whatever the number of
prospects, notes or agents. Days and hours are those of the Amsterdam wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from apps.assignments.models import Assignment, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, ProspectStatus

# --- What counts as an appointment, and where handle time lives ----------------------
# An appointment is, for now, a call whose result has the code "appointment" (the default
# result "Appointment made", apps.assignments.services.DEFAULT_RESULTS). When appointments
# become records of their own (R-APPT-1), change these two and nothing else.
APPOINTMENT_RESULT_CODE = "appointment"


def is_appointment(result: CallResult) -> bool:
    return result.code == APPOINTMENT_RESULT_CODE


def appointment_filter() -> Q:
    """The notes that made an appointment, as a filter on CallNote."""
    return Q(result__code=APPOINTMENT_RESULT_CODE)


# The call's handle time in seconds, stored with the note (R-DIAL-1). Until the note has
# this field, the handle-time figures are left out.
HANDLE_TIME_FIELD = "handle_seconds"


def handle_time_recorded() -> bool:
    return any(f.name == HANDLE_TIME_FIELD for f in CallNote._meta.concrete_fields)


# A result "reached" the company unless it means "call again" (no answer and the like).
def is_reached(result: CallResult) -> bool:
    return result.outcome != Outcome.RETRY


# --- The period ----------------------------------------------------------------------
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole days `first`..`last` (inclusive) on the Amsterdam wall clock."""

    first: dt.date
    last: dt.date
    key: str = "custom"

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """The start of the day after `last` (exclusive)."""
        return timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min))

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @classmethod
    def named(cls, key: str, today: dt.date) -> Period:
        if key == "today":
            return cls(today, today, key)
        if key == "week":
            return cls(today - dt.timedelta(days=today.weekday()), today, key)
        return cls(today - dt.timedelta(days=29), today, "30d")


# --- The figures ---------------------------------------------------------------------
@dataclass(frozen=True)
class AgentFigures:
    username: str
    calls: int
    appointments: int
    handle_seconds: float | None = None

    @property
    def appointment_rate(self) -> float:
        return self.appointments / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class Figures:
    period: Period
    calls: int
    prospects_called: int
    reached: int
    appointments: int
    handle_seconds: float | None
    per_hour: list[tuple[int, int]]
    per_day: list[tuple[dt.date, int]]
    per_result: list[tuple[CallResult, int]]
    per_agent: list[AgentFigures]
    handle_time_recorded: bool
    # The database as it stands now (not the period's): prospects by status, leased now.
    prospects: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    leased: int = 0

    @property
    def appointment_rate(self) -> float:
        return self.appointments / self.calls if self.calls else 0.0

    @property
    def funnel(self) -> list[tuple[str, int]]:
        from django.utils.translation import gettext as _

        return [(_("Calls"), self.calls), (_("Reached"), self.reached), (_("Appointments"), self.appointments)]


def assignment_figures(*, assignment: Assignment, period: Period, now: dt.datetime | None = None) -> Figures:
    """Everything the progress page shows, in eight queries whatever the size."""
    now = now or timezone.now()
    notes = CallNote.objects.filter(assignment=assignment, created_at__gte=period.start, created_at__lt=period.end)
    recorded = handle_time_recorded()

    totals = notes.aggregate(
        calls=Count("id"),
        prospects=Count("prospect", distinct=True),
        **({"handle": Avg(HANDLE_TIME_FIELD)} if recorded else {}),
    )
    hours = dict(notes.annotate(hour=ExtractHour("created_at")).values_list("hour").annotate(n=Count("id")).order_by())
    days = dict(notes.annotate(day=TruncDate("created_at")).values_list("day").annotate(n=Count("id")).order_by())
    by_result = dict(notes.values_list("result_id").annotate(n=Count("id")).order_by())
    results = list(CallResult.objects.filter(assignment=assignment))
    per_agent_values: dict[str, Any] = {"calls": Count("id"), "appointments": Count("id", filter=appointment_filter())}
    if recorded:
        per_agent_values["handle"] = Avg(HANDLE_TIME_FIELD)
    agents = [
        AgentFigures(
            username=row["agent__username"],
            calls=row["calls"],
            appointments=row["appointments"],
            handle_seconds=row.get("handle"),
        )
        for row in notes.values("agent__username").annotate(**per_agent_values).order_by("agent__username")
    ]
    status = dict(assignment.prospects.values_list("status").annotate(n=Count("id")).order_by())
    leased = Lease.objects.filter(assignment=assignment, expires_at__gt=now).count()

    return Figures(
        period=period,
        calls=totals["calls"],
        prospects_called=totals["prospects"],
        reached=sum(by_result.get(r.pk, 0) for r in results if is_reached(r)),
        appointments=sum(by_result.get(r.pk, 0) for r in results if is_appointment(r)),
        handle_seconds=totals.get("handle"),
        per_hour=[(h, hours.get(h, 0)) for h in range(24)],
        per_day=[(d, days.get(d, 0)) for d in period.days],
        per_result=[(r, by_result.get(r.pk, 0)) for r in results],
        per_agent=agents,
        handle_time_recorded=recorded,
        prospects=sum(status.values()),
        by_status=[(label, status.get(value, 0)) for value, label in ProspectStatus.choices],
        leased=leased,
    )
