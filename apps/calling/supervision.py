"""A supervisor's acts on the live board of an assignment (R-SUP-1): releasing a stuck lease
and handing an absent agent's callbacks to another agent or to the pool.

The caller has checked that the actor supervises the assignment
(`access.get_assignment_to_oversee(..., act=True)`); the views write the access-log entry
naming the prospects concerned (R-LOG-1).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.assignments.models import Assignment
from apps.assignments.selectors import assignment_users_with
from apps.core.access import AssignmentPerm
from apps.core.errors import ServiceError
from apps.prospects.models import Lease, Prospect, ProspectStatus


@transaction.atomic
def lease_release_by_supervisor(*, assignment: Assignment, prospect_id: Any, actor: Any) -> Prospect:
    """End the lease on one prospect of the assignment, whoever holds it: the prospect goes
    back to the queue as it stands (new, to retry, or a callback of its agent). The agent
    holding it can no longer save the call (`call_note_create` wants the lease)."""
    lease = (
        Lease.objects.select_for_update()
        .select_related("prospect")
        .filter(assignment=assignment, prospect_id=prospect_id)
        .first()
    )
    if lease is None:
        raise ServiceError(_("Nobody holds this prospect any more."))
    prospect = lease.prospect
    lease.delete()
    return prospect


def _agent_of(assignment: Assignment, user_id: Any) -> User | None:
    return (
        assignment_users_with(assignment=assignment, perm=AssignmentPerm.WORK)
        .filter(pk=user_id, is_active=True)
        .first()
    )


@transaction.atomic
def callbacks_reassign(*, assignment: Assignment, from_agent: User, to_agent: User | None, actor: Any) -> list[Any]:
    """Hand every open callback `from_agent` scheduled in the assignment to `to_agent`, an
    agent of the same assignment, or to the pool (`None`: any agent of the assignment gets
    them from the queue when due). Returns the ids of the prospects handed over."""
    if _agent_of(assignment, from_agent.pk) is None:
        raise ServiceError({"from_agent": _("Choose an agent of this assignment.")})
    if to_agent is not None:
        if to_agent.pk == from_agent.pk:
            raise ServiceError({"to_agent": _("Choose another agent, or the pool.")})
        if _agent_of(assignment, to_agent.pk) is None:
            raise ServiceError({"to_agent": _("Choose an agent of this assignment.")})
    callbacks = Prospect.objects.select_for_update().filter(
        assignment=assignment, status=ProspectStatus.CALLBACK, callback_agent=from_agent
    )
    ids = list(callbacks.values_list("pk", flat=True))
    Prospect.objects.filter(pk__in=ids).update(callback_agent=to_agent)
    return ids
