"""The assignment's queue of prospects (R-NTK-2): one prospect, one agent, one lease at a time.

`prospect_lease_next` hands an agent exactly one prospect, atomically under concurrency:
candidates are read with `SELECT … FOR UPDATE SKIP LOCKED`, so two agents asking at once
never wait on, nor get, the same row; the database's one-lease-per-prospect and
one-lease-per-agent-per-assignment constraints are the last word (a lost race is retried).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.assignments.models import Assignment
from apps.prospects.models import Lease, Prospect, ProspectStatus

# How often a lost race (another agent leased the row between our read and our insert) is retried.
_ATTEMPTS = 5


def lease_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LEADHUNTER_PERIODS["LEASE_MINUTES"])


def leases_expire(*, now: dt.datetime | None = None, assignment: Assignment | None = None) -> int:
    """Remove expired leases (of one assignment, or all); returns how many went.

    Expired rows are already powerless (every check compares `expires_at` with now); this
    only tidies them up. Idempotent: the retention beat job may call it as often as it likes.
    """
    qs = Lease.objects.filter(expires_at__lte=now or timezone.now())
    if assignment is not None:
        qs = qs.filter(assignment=assignment)
    deleted, _ = qs.delete()
    return deleted


def lease_release(*, prospect: Prospect, agent: Any) -> None:
    """The agent lets go of the prospect (the call was recorded, or they stopped)."""
    Lease.objects.filter(prospect=prospect, agent=agent).delete()


def _candidates(assignment: Assignment, agent: Any, now: dt.datetime) -> list[QuerySet]:
    """The queue in its order: own due callbacks (and due callbacks nobody owns any more,
    their agent having left the assignment), then new prospects, then retries."""
    unleased = ~Exists(Lease.objects.filter(prospect_id=OuterRef("pk")))
    base = Prospect.objects.filter(unleased, assignment=assignment)
    return [
        base.filter(
            Q(callback_agent=agent) | Q(callback_agent__isnull=True),
            status=ProspectStatus.CALLBACK,
            callback_at__lte=now,
        ).order_by("callback_at"),
        # New prospects in their order of arrival: prospect_queue_idx's (assignment, status, callback_at)
        # order (callback_at is empty for all) is the heap order, and needs no sort.
        base.filter(status=ProspectStatus.NEW).order_by("callback_at"),
        # Retries, the one whose last call lies furthest back first (calling_prospect_retry_idx).
        base.filter(status=ProspectStatus.IN_PROGRESS).order_by("last_called_at", "id"),
    ]


def prospect_lease_next(*, assignment: Assignment, agent: Any, now: dt.datetime | None = None) -> Prospect | None:
    """Lease the next prospect of the assignment to the agent, or return the one they hold.

    Returns None when the queue is empty; the prospect comes with its company. The caller
    has checked that the agent works on this active assignment
    (`access.get_assignment_for_user(..., AssignmentPerm.WORK)`).
    """
    now = now or timezone.now()
    for _attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                return _lease_next(assignment, agent, now)
        except IntegrityError:
            continue  # another agent took the row (or this agent asked twice at once): read again
    return None


def _lease_next(assignment: Assignment, agent: Any, now: dt.datetime) -> Prospect | None:
    leases_expire(now=now, assignment=assignment)
    held = Lease.objects.filter(assignment=assignment, agent=agent).select_related("prospect__company").first()
    if held is not None:
        return held.prospect
    for candidates in _candidates(assignment, agent, now):
        prospect = candidates.select_related("company").select_for_update(skip_locked=True, of=("self",)).first()
        if prospect is not None:
            Lease.objects.create(
                prospect=prospect, agent=agent, assignment=assignment, leased_at=now, expires_at=now + lease_duration()
            )
            return prospect
    return None


class CallbackNotYours(Exception):
    """The prospect is not (any longer) a callback of this agent, or someone holds it."""


def prospect_lease_callback(*, prospect: Prospect, agent: Any, now: dt.datetime | None = None) -> Prospect:
    """Lease one of the agent's own scheduled callbacks now, before it comes up in the
    queue (the agent's callback list on the workspace). The same lease as "next": the
    agent keeps at most one prospect per assignment, so one already held is returned
    instead. Raises CallbackNotYours when the prospect is no longer the agent's callback.

    The caller has checked that the agent works on the prospect's active assignment and may
    open it (`access.get_prospect_for_agent`).
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            leases_expire(now=now, assignment=prospect.assignment)
            held = (
                Lease.objects.filter(assignment_id=prospect.assignment_id, agent=agent)
                .select_related("prospect__company")
                .first()
            )
            if held is not None:
                return held.prospect
            locked = (
                Prospect.objects.select_for_update(of=("self",))
                .select_related("company")
                .filter(pk=prospect.pk, status=ProspectStatus.CALLBACK, callback_agent=agent)
                .first()
            )
            if locked is None:
                raise CallbackNotYours
            Lease.objects.create(
                prospect=locked,
                agent=agent,
                assignment_id=locked.assignment_id,
                leased_at=now,
                expires_at=now + lease_duration(),
            )
            return locked
    except IntegrityError as exc:  # leased a moment ago (by this agent, twice at once)
        raise CallbackNotYours from exc
