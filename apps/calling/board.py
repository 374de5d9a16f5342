"""The supervisor's live board of an assignment (R-SUP-1): who holds which prospect since
when, who is idle or paused, whose callbacks wait. A fixed number of queries whatever the
size of the assignment; company names only, never a person.

`agent_states` is the one read of it; pages and tests use nothing else, so a new state
(an agent's pause, added by the agent's workspace) is added here, in `agent_pauses`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.assignments.models import Assignment
from apps.assignments.selectors import assignment_users_with
from apps.callnotes.models import CallNote
from apps.core.access import AssignmentPerm
from apps.prospects.models import Lease, Prospect, ProspectStatus

# A lease held this long is shown as stuck (a call takes minutes; the lease lasts
# LEASE_MINUTES): the supervisor may release it with one click. An expired lease row
# (powerless, not yet tidied) is stuck too.
STUCK_AFTER = dt.timedelta(minutes=10)


class AgentState(models.TextChoices):
    CALLING = "calling", _("Calling")
    STUCK = "stuck", _("Holding a prospect for long")
    PAUSED = "paused", _("Paused")
    IDLE = "idle", _("Idle")


@dataclass(frozen=True)
class HeldLease:
    prospect_id: Any
    company_name: str
    leased_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True)
class AgentOnBoard:
    agent_id: int
    username: str
    state: AgentState
    lease: HeldLease | None
    last_call_at: dt.datetime | None
    # Since when nothing happened: the lease's start while calling, the pause's start,
    # else the last call (None: no call in this assignment yet).
    since: dt.datetime | None
    callbacks: int
    callbacks_due: int


@dataclass(frozen=True)
class Board:
    assignment: Assignment
    now: dt.datetime
    agents: list[AgentOnBoard]
    # Callbacks nobody owns (their agent left, or a supervisor handed them to the pool):
    # any agent of the assignment gets them from the queue when due.
    pool_callbacks: int
    pool_callbacks_due: int

    @property
    def stuck(self) -> list[AgentOnBoard]:
        return [a for a in self.agents if a.state == AgentState.STUCK]


def agent_pauses(*, assignment: Assignment, agent_ids: list[int], now: dt.datetime) -> dict[int, dt.datetime]:
    """Since when each agent of the assignment is paused: {agent id: start of the pause}.

    The agent's own pause (issue 13 #4, `apps.calling.pauses`): the open pauses on this
    assignment of `agent_ids`, in one query. A pause begun after `now` does not show yet.
    """
    if not agent_ids:
        return {}
    from apps.calling.models import Pause

    return dict(
        Pause.objects.filter(
            assignment=assignment, agent_id__in=agent_ids, ended_at__isnull=True, started_at__lte=now
        ).values_list("agent_id", "started_at")
    )


def agent_states(*, assignment: Assignment, now: dt.datetime | None = None) -> Board:
    """Every active agent scheduled on the assignment with their state: four queries."""
    now = now or timezone.now()
    last_call = (
        CallNote.objects.filter(assignment=assignment, agent_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    agents = list(
        assignment_users_with(assignment=assignment, perm=AssignmentPerm.WORK)
        .filter(is_active=True)
        .annotate(last_call_at=Subquery(last_call))
        .only("id", "username")
    )
    leases = {
        lease.agent_id: HeldLease(lease.prospect_id, lease.prospect.company.name, lease.leased_at, lease.expires_at)
        for lease in Lease.objects.filter(assignment=assignment)
        .select_related("prospect__company")
        .only("agent_id", "prospect_id", "leased_at", "expires_at", "prospect__company__name")
    }
    callbacks = {
        row["callback_agent"]: (row["n"], row["due"])
        for row in Prospect.objects.filter(assignment=assignment, status=ProspectStatus.CALLBACK)
        .values("callback_agent")
        .annotate(n=Count("id"), due=Count("id", filter=Q(callback_at__lte=now)))
        .order_by()
    }
    pauses = agent_pauses(assignment=assignment, agent_ids=[a.pk for a in agents], now=now)
    rows = []
    for agent in agents:
        lease = leases.get(agent.pk)
        if lease is not None:
            stuck = lease.expires_at <= now or now - lease.leased_at >= STUCK_AFTER
            state, since = (AgentState.STUCK if stuck else AgentState.CALLING), lease.leased_at
        elif agent.pk in pauses:
            state, since = AgentState.PAUSED, pauses[agent.pk]
        else:
            state, since = AgentState.IDLE, agent.last_call_at
        open_callbacks, due = callbacks.get(agent.pk, (0, 0))
        rows.append(
            AgentOnBoard(
                agent_id=agent.pk,
                username=agent.username,
                state=state,
                lease=lease,
                last_call_at=agent.last_call_at,
                since=since,
                callbacks=open_callbacks,
                callbacks_due=due,
            )
        )
    pool, pool_due = callbacks.get(None, (0, 0))
    return Board(assignment=assignment, now=now, agents=rows, pool_callbacks=pool, pool_callbacks_due=pool_due)
