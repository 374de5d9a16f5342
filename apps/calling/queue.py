"""The assignment's queue of prospects (R-NTK-2): one prospect, one agent, one lease at a time.

`prospect_lease_next` hands an agent exactly one prospect, atomically under concurrency:
candidates are read with `SELECT … FOR UPDATE SKIP LOCKED`, so two agents asking at once
never wait on, nor get, the same row; the database's one-lease-per-prospect and
one-lease-per-agent-per-assignment constraints are the last word (a lost race is retried).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.assignments.models import Assignment
from apps.calling.pauses import PAUSE_END_SQL
from apps.core.prepared import columns, from_row, prepared_cursor
from apps.prospects.models import Company, Lease, Prospect, ProspectStatus

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


# The whole choice in one statement (SPEC §7: "next" is on every call): the three tiers of
# the queue in their order, each `FOR UPDATE SKIP LOCKED` so that agents asking at once
# never wait on, nor get, the same row, and the lease written with it. PostgreSQL reads a
# tier only when the ones before it gave nothing (the LIMIT over the UNION ALL stops the
# pull), so a queue with new prospects never looks at the retries.
#   1. own due callbacks, and due callbacks nobody owns any more (their agent left the
#      assignment, or the account was deactivated), oldest callback time first;
#   2. new prospects in their order of arrival: prospect_queue_idx's (assignment, status,
#      callback_at) order (callback_at is empty for all) is the heap order, and needs no sort;
#   3. retries, the one whose last call lies furthest back first (calling_prospect_retry_idx).
# A prospect with any lease row (even one expired a moment ago and not yet tidied) is not a
# candidate; the one-lease-per-prospect and one-lease-per-agent-per-assignment constraints
# are the last word: as "next" runs it (`_statements`), a lost race skips the insert (ON
# CONFLICT DO NOTHING) and "next" reads again.
# R-DSR-5 (Art. 18): a prospect whose contact persons are all restricted is not handed out
# (the call would be about them); one with any person not restricted, or with none, is:
# the agent sees the restricted ones as "restricted" only (`person_for_agent`).
_NOT_ONLY_RESTRICTED = """(NOT EXISTS (SELECT 1 FROM prospects_prospectperson rp JOIN prospects_person r
                    ON r.id = rp.person_id WHERE rp.prospect_id = p.id AND r.restricted_at IS NOT NULL)
           OR EXISTS (SELECT 1 FROM prospects_prospectperson rp JOIN prospects_person r
                    ON r.id = rp.person_id WHERE rp.prospect_id = p.id AND r.restricted_at IS NULL))"""

_LEASE_NEXT_SQL = """
WITH callback AS MATERIALIZED (
    SELECT p.id FROM prospects_prospect p
    WHERE p.assignment_id = %(assignment)s AND p.status = %(callback)s AND p.callback_at <= %(now)s
      AND (p.callback_agent_id = %(agent)s OR p.callback_agent_id IS NULL
           OR EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = p.callback_agent_id AND NOT u.is_active))
      AND NOT EXISTS (SELECT 1 FROM prospects_lease l WHERE l.prospect_id = p.id)
      AND {callable}
    ORDER BY p.callback_at
    LIMIT 1 FOR UPDATE OF p SKIP LOCKED
), fresh AS MATERIALIZED (
    SELECT p.id FROM prospects_prospect p
    WHERE p.assignment_id = %(assignment)s AND p.status = %(new)s
      AND NOT EXISTS (SELECT 1 FROM prospects_lease l WHERE l.prospect_id = p.id)
      AND {callable}
    ORDER BY p.callback_at
    LIMIT 1 FOR UPDATE OF p SKIP LOCKED
), retry AS MATERIALIZED (
    SELECT p.id FROM prospects_prospect p
    WHERE p.assignment_id = %(assignment)s AND p.status = %(in_progress)s
      AND NOT EXISTS (SELECT 1 FROM prospects_lease l WHERE l.prospect_id = p.id)
      AND {callable}
    ORDER BY p.last_called_at, p.id
    LIMIT 1 FOR UPDATE OF p SKIP LOCKED
), pick AS (
    (SELECT id FROM callback UNION ALL SELECT id FROM fresh UNION ALL SELECT id FROM retry) LIMIT 1
)
INSERT INTO prospects_lease (prospect_id, agent_id, assignment_id, leased_at, expires_at)
SELECT id, %(agent)s, %(assignment)s, %(now)s, %(expires)s FROM pick
RETURNING prospect_id, expires_at
""".replace("{callable}", _NOT_ONLY_RESTRICTED)


def prospect_lease_next(
    *, assignment: Assignment, agent: Any, now: dt.datetime | None = None, end_pause: str | None = None
) -> Prospect | None:
    """Lease the next prospect of the assignment to the agent, or return the one they hold.

    Returns None when the queue is empty; the prospect comes with its company, and with
    `lease_expires_at` set to the end of the agent's lease. The caller has checked that the
    agent works on this active assignment
    (`access.get_assignment_for_user(..., AssignmentPerm.WORK)`).

    `end_pause` (a PauseEnd): taking the next prospect also ends the agent's running pause
    (issue 13 #4), in the same statement as the held lease's read: the API's "next", which
    has no session to say whether a pause runs (`pauses.pause_end` does the same alone).
    """
    now = now or timezone.now()
    for attempt in range(_ATTEMPTS):
        prospect, contended = _lease_next(assignment, agent, now, end_pause if attempt == 0 else None)
        if not contended:
            return prospect
        # Another agent leased the row picked a moment ago, or this agent asked twice at
        # once: read again (the held lease first). No savepoint: the statement skipped the
        # insert (ON CONFLICT DO NOTHING) instead of failing the transaction.
    return None


def _lease_next(
    assignment: Assignment, agent: Any, now: dt.datetime, end_pause: str | None
) -> tuple[Prospect | None, bool]:
    """(the prospect held or leased now, or None; whether the pick lost a race)."""
    params = {
        "cause": str(end_pause or ""),
        "assignment": assignment.pk,
        "agent": agent.pk,
        "now": now,
        "expires": now + lease_duration(),
        "callback": ProspectStatus.CALLBACK.value,
        "new": ProspectStatus.NEW.value,
        "in_progress": ProspectStatus.IN_PROGRESS.value,
    }
    held_sql, held_ending_pause_sql, lease_sql = _statements()
    # Prepared (apps.core.prepared): planning the lease statement took longer than running it.
    with prepared_cursor() as cursor:
        cursor.execute(held_ending_pause_sql if end_pause else held_sql, params)
        row = cursor.fetchone()
        if row is None:
            cursor.execute(lease_sql, params)
            row = cursor.fetchone()
            if row is None:
                return None, False  # the queue is empty
    prospect, company = from_row((Prospect, Company), row)
    if prospect is None:  # picked, but the lease's insert met another lease of the row or of the agent
        return None, True
    prospect.company = company
    prospect.lease_expires_at = row[-1]
    return prospect, False


@functools.cache
def _statements() -> tuple[str, str, str]:
    """The held lease's statement (alone, and ending the agent's pause too) and the new
    lease's, each bringing the prospect and its company along (one statement instead of a
    lease and a read), made once per process."""
    wanted = columns(("p", Prospect), ("c", Company))
    # Tidy this assignment's expired leases first, so that their prospects are candidates
    # again and the agent's own expired lease does not block a new one; in the same
    # statement, the agent's lease still running (the DELETE's effect is not visible to
    # the statement's own SELECT, hence its own test of `expires_at`).
    held = f"""WITH expired AS (
                   DELETE FROM prospects_lease WHERE assignment_id = %(assignment)s AND expires_at <= %(now)s)
               SELECT {wanted}, l.expires_at FROM prospects_lease l
               JOIN prospects_prospect p ON p.id = l.prospect_id JOIN prospects_company c ON c.id = p.company_id
               WHERE l.assignment_id = %(assignment)s AND l.agent_id = %(agent)s
                 AND l.expires_at > %(now)s"""  # noqa: S608 (column names)
    # The lease statement's INSERT becomes one more CTE (a data-modifying WITH must stay
    # at the top level), read back with the prospect and its company. A lost race (the
    # row leased by another agent since this statement's snapshot, or this agent's second
    # "next" at once) skips the insert: the row picked comes back without a prospect.
    choose, insert = _LEASE_NEXT_SQL.split("INSERT INTO prospects_lease")
    insert = insert.replace("RETURNING", "ON CONFLICT DO NOTHING RETURNING")
    lease = f"""{choose.rstrip()}, leased AS (INSERT INTO prospects_lease{insert})
                SELECT {wanted}, leased.expires_at FROM pick
                LEFT JOIN leased ON leased.prospect_id = pick.id
                LEFT JOIN prospects_prospect p ON p.id = leased.prospect_id
                LEFT JOIN prospects_company c ON c.id = p.company_id"""  # noqa: S608 (column names)
    # The pause's end as `pauses.pause_end` writes it, as one more CTE.
    held_ending_pause = held.replace("WITH expired AS (", f"WITH paused AS ({PAUSE_END_SQL}), expired AS (", 1)
    return held, held_ending_pause, lease


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
