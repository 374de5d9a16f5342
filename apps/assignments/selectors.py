from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Role, User
from apps.assignments.models import Assignment, AssignmentUserObjectPermission
from apps.core.access import AssignmentPerm
from apps.prospects.models import ProspectStatus


def assignment_list(
    *, user: Any, perm: AssignmentPerm = AssignmentPerm.VIEW, with_counts: bool = True
) -> QuerySet[Assignment]:
    """The assignments a user may see, with the counts a list shows: one query whatever the size."""
    qs = Assignment.objects.visible_to(user, perm=perm).select_related("client", "processor_agreement")
    if with_counts:
        qs = qs.annotate(
            prospect_count=Count("prospects", distinct=True),
            open_count=Count("prospects", filter=~Q(prospects__status=ProspectStatus.DONE), distinct=True),
        )
    return qs.order_by("client__name", "name")


def assignment_users_with(*, assignment: Assignment, perm: AssignmentPerm) -> QuerySet[User]:
    """The supervisors (`SUPERVISE`) or scheduled agents (`WORK`) of an assignment."""
    holders = AssignmentUserObjectPermission.objects.filter(
        content_object=assignment, permission__codename=perm.value
    ).values("user_id")
    role = Role.SUPERVISOR if perm == AssignmentPerm.SUPERVISE else Role.AGENT
    return User.objects.filter(pk__in=holders, role=role).order_by("username")
