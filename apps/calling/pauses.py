"""An agent's pause (issue 13 #4): started from the workspace or the call screen (P, with
an optional reason from a fixed list), ended by resuming, by taking the next prospect and
by logging out. The supervisor's live board shows who is paused since when
(`apps.calling.board.agent_pauses`); the figures add up the paused time per agent.

Each end is one UPDATE on the agent's open pause (the partial unique index on
`agent WHERE ended_at IS NULL`), so taking the next prospect costs one cheap statement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calling.models import Pause, PauseEnd, PauseReason
from apps.core.errors import ServiceError
from apps.core.prepared import prepared_cursor
from apps.prospects.models import Lease


def pause_start(*, assignment: Any, agent: Any, reason: str = "", now: dt.datetime | None = None) -> Pause:
    """Pause on `assignment`: a prospect the agent holds there goes back to the queue
    unchanged. Pausing while paused keeps the pause already running (and its start)."""
    now = now or timezone.now()
    if reason and reason not in PauseReason.values:
        raise ServiceError({"reason": _("Choose a reason from the list, or none.")})
    with transaction.atomic():
        Lease.objects.filter(assignment=assignment, agent=agent).delete()
        current = Pause.objects.filter(agent=agent, ended_at__isnull=True).first()
        if current is not None:
            if current.assignment_id == assignment.pk:
                return current
            # Paused on another assignment: that pause ends here, this one begins.
            pause_end(agent=agent, cause=PauseEnd.RESUMED, now=now)
        try:
            with transaction.atomic():
                return Pause.objects.create(assignment=assignment, agent=agent, reason=reason, started_at=now)
        except IntegrityError:  # a second tab paused at the same moment: theirs stands
            return Pause.objects.get(agent=agent, ended_at__isnull=True)


def pause_end(*, agent: Any, cause: str, now: dt.datetime | None = None) -> int:
    """End the agent's open pause, if any (one UPDATE); returns how many ended (0 or 1)."""
    if getattr(agent, "pk", None) is None:
        return 0
    now = now or timezone.now()
    with prepared_cursor() as cursor:
        cursor.execute(PAUSE_END_SQL, {"now": now, "cause": str(cause), "agent": agent.pk})
        return cursor.rowcount


# The end of the agent's open pause (the partial unique index: at most one). The API's "next"
# runs it in the lease's first statement (`queue.prospect_lease_next(end_pause=...)`).
PAUSE_END_SQL = """UPDATE calling_pause SET ended_at = GREATEST(started_at, %(now)s), ended_by = %(cause)s
                   WHERE agent_id = %(agent)s AND ended_at IS NULL"""


def open_pause(*, agent: Any, assignment: Any) -> Pause | None:
    """The agent's running pause on this assignment (the workspace shows it), or None."""
    return Pause.objects.filter(agent=agent, assignment=assignment, ended_at__isnull=True).first()


def paused_seconds_per_agent(*, assignment: Any, start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict:
    """Seconds paused per agent inside [start, end) on the assignment (a running pause
    counts up to now): {username: seconds}, by name. One query (the pauses of the period:
    a few per agent per day)."""
    rows = (
        Pause.objects.filter(assignment=assignment, started_at__lt=end)
        .exclude(ended_at__lte=start)
        .values_list("agent__username", "started_at", "ended_at")
    )
    totals: dict[str, float] = {}
    for username, started_at, ended_at in rows:
        began = max(started_at, start)
        ended = min(ended_at or now, end, now)
        if ended > began:
            totals[username] = totals.get(username, 0.0) + (ended - began).total_seconds()
    return dict(sorted(totals.items()))
