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

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from apps.assignments.models import Asks, Assignment, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, ProspectStatus

# --- What counts as an appointment, and where handle time lives ----------------------
# An appointment is a call whose result asks for one (R-APPT-1: `CallResult.asks`, set on the
# default "Appointment made" and configurable per assignment), or, for results configured
# before that field, whose code is "appointment". `is_appointment` and the `appointment`
# condition of `_breakdowns` below say the same.
APPOINTMENT_RESULT_CODE = "appointment"


def is_appointment(result: CallResult) -> bool:
    return result.asks == Asks.APPOINTMENT or result.code == APPOINTMENT_RESULT_CODE


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


# One scan of the period's notes for every breakdown (GROUPING SETS): by hour of the day,
# by day, by agent and result, and the totals. Hours and days on the Amsterdam wall clock.
# The notes are aggregated first and only the few groups joined to their agent and result
# (issue 16 #6: a join per note was a third of the page's time at 100,000 notes); the scan
# is index-only on `callnote_assignment_date_idx`, which carries the columns it reads.
_BREAKDOWNS_SQL = """
WITH g AS (
    SELECT GROUPING(n.hour, n.day, n.result_id, n.agent_id) AS grouping_bits, n.hour, n.day, n.result_id,
           n.agent_id, count(*) AS calls, {handle_sum} AS handle_sum, {handle_count} AS handle_count
    FROM (
        SELECT EXTRACT(hour FROM c.local)::int AS hour, c.local::date AS day, c.result_id, c.agent_id{handle_column}
        FROM (SELECT created_at AT TIME ZONE %(tz)s AS local, result_id, agent_id{handle_column}
              FROM callnotes_callnote
              WHERE assignment_id = %(assignment)s AND created_at >= %(start)s AND created_at < %(end)s) c
    ) n
    GROUP BY GROUPING SETS ((n.hour), (n.day), (n.agent_id, n.result_id), ())
)
SELECT g.*, u.username, coalesce({appointment}, false) AS appointment
FROM g
LEFT JOIN accounts_user u ON u.id = g.agent_id
LEFT JOIN assignments_callresult r ON r.id = g.result_id
"""
# GROUPING(hour, day, result_id, agent_id): a bit per column left out of the row's set.
_BY_HOUR, _BY_DAY, _BY_AGENT_RESULT, _TOTAL = 0b0111, 0b1011, 0b1100, 0b1111


def _breakdowns(assignment: Assignment, period: Period, recorded: bool) -> list[dict[str, Any]]:
    sql = _BREAKDOWNS_SQL.format(
        appointment="(r.asks = %(appointment_asks)s OR r.code = %(appointment_code)s)",
        handle_sum="sum(n.handle_seconds)" if recorded else "NULL::bigint",
        handle_count="count(n.handle_seconds)" if recorded else "0",
        handle_column=f", {HANDLE_TIME_FIELD}" if recorded else "",
    )
    params = {
        "tz": timezone.get_current_timezone_name(),
        "assignment": assignment.pk,
        "start": period.start,
        "end": period.end,
        "appointment_code": APPOINTMENT_RESULT_CODE,
        "appointment_asks": Asks.APPOINTMENT.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _average(total: Any, count: int) -> float | None:
    return float(total) / count if count else None


def assignment_figures(*, assignment: Assignment, period: Period, now: dt.datetime | None = None) -> Figures:
    """Everything the progress page shows, in six queries whatever the size."""
    now = now or timezone.now()
    recorded = handle_time_recorded()
    rows = _breakdowns(assignment, period, recorded)
    by = {bits: [r for r in rows if r["grouping_bits"] == bits] for bits in (_BY_HOUR, _BY_DAY, _BY_AGENT_RESULT)}
    total = next((r for r in rows if r["grouping_bits"] == _TOTAL), {"calls": 0, "handle_sum": None, "handle_count": 0})
    hours = {r["hour"]: r["calls"] for r in by[_BY_HOUR]}
    days = {r["day"]: r["calls"] for r in by[_BY_DAY]}
    by_result: dict[Any, int] = {}
    per_agent: dict[Any, dict[str, Any]] = {}
    for r in by[_BY_AGENT_RESULT]:
        by_result[r["result_id"]] = by_result.get(r["result_id"], 0) + r["calls"]
        agent = per_agent.setdefault(
            r["agent_id"], {"username": r["username"], "calls": 0, "appointments": 0, "sum": 0, "count": 0}
        )
        agent["calls"] += r["calls"]
        agent["appointments"] += r["calls"] if r["appointment"] else 0
        agent["sum"] += r["handle_sum"] or 0
        agent["count"] += r["handle_count"]
    agents = sorted(
        (
            AgentFigures(
                username=a["username"],
                calls=a["calls"],
                appointments=a["appointments"],
                handle_seconds=_average(a["sum"], a["count"]),
            )
            for a in per_agent.values()
        ),
        key=lambda a: a.username,
    )
    # count(*) over SELECT DISTINCT (a hash of the ids) rather than count(DISTINCT …), which
    # sorts them; a deleted prospect's notes (prospect NULL) count for none, as before.
    prospects_called = (
        CallNote.objects.filter(
            assignment=assignment, created_at__gte=period.start, created_at__lt=period.end, prospect__isnull=False
        )
        .values("prospect_id")
        .distinct()
        .count()
    )
    results = list(CallResult.objects.filter(assignment=assignment))
    # count(*) rather than count(id): an index-only scan of prospect_queue_idx.
    status = dict(assignment.prospects.values_list("status").annotate(n=Count("*")).order_by())
    leased = Lease.objects.filter(assignment=assignment, expires_at__gt=now).count()

    return Figures(
        period=period,
        calls=total["calls"],
        prospects_called=prospects_called,
        reached=sum(by_result.get(r.pk, 0) for r in results if is_reached(r)),
        appointments=sum(by_result.get(r.pk, 0) for r in results if is_appointment(r)),
        handle_seconds=_average(total["handle_sum"], total["handle_count"]),
        per_hour=[(h, hours.get(h, 0)) for h in range(24)],
        per_day=[(d, days.get(d, 0)) for d in period.days],
        per_result=[(r, by_result.get(r.pk, 0)) for r in results],
        per_agent=agents,
        handle_time_recorded=recorded,
        prospects=sum(status.values()),
        by_status=[(label, status.get(value, 0)) for value, label in ProspectStatus.choices],
        leased=leased,
    )
