from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import Role
from apps.assignments.selectors import assignment_users_with
from apps.core.access import AssignmentPerm, assignment_perms_for, get_assignment_for_user
from apps.prospects.models import ProspectStatus


@require_GET
@login_required
def assignment_detail(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """An assignment's overview: briefing, results, agreement, and—for those who may see
    the whole database—its counts by status."""
    assignment = get_assignment_for_user(request.user, assignment_id)
    perms = assignment_perms_for(request.user, assignment)
    context = {
        "assignment": assignment,
        "perms": perms,
        "agreement": getattr(assignment, "processor_agreement", None),
        "results": assignment.results.all(),
        "can_supervise": AssignmentPerm.SUPERVISE in perms,
        "can_download": AssignmentPerm.DOWNLOAD in perms,  # the client's users only (policy §3)
        # The live board is the staff's (access.get_assignment_to_oversee, R-SUP-1).
        "can_oversee": AssignmentPerm.SUPERVISE in perms and request.user.role != Role.CLIENT,
    }
    if AssignmentPerm.SUPERVISE in perms:
        counts = dict(assignment.prospects.values_list("status").annotate(n=Count("id")))
        context["status_counts"] = [(label, counts.get(value, 0)) for value, label in ProspectStatus.choices]
        if request.user.role != Role.CLIENT:
            context["supervisors"] = assignment_users_with(assignment=assignment, perm=AssignmentPerm.SUPERVISE)
            context["agents"] = assignment_users_with(assignment=assignment, perm=AssignmentPerm.WORK)
    return render(request, "assignments/detail.html", context)
