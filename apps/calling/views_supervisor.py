"""The supervisor's live board of an assignment (R-SUP-1): a page that refreshes itself
(htmx polling, no inline script), and its two acts, each a POST with its CSRF token, for
the assignment's own supervisors, logged in the access log (R-LOG-1)."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import RedisError

from apps.accounts.models import Role
from apps.assignments.models import Assignment
from apps.assignments.selectors import assignment_users_with
from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.calling.board import Board, agent_states
from apps.calling.forms_supervisor import CallbacksReassignForm, LeaseReleaseForm
from apps.calling.supervision import callbacks_reassign, lease_release_by_supervisor
from apps.core.access import AssignmentPerm, get_assignment_to_oversee
from apps.core.errors import ServiceError
from apps.prospects.models import Prospect

# How often the board asks for itself again (htmx `every`), in seconds.
BOARD_REFRESH_SECONDS = 5
# A poll showing the same prospects as the entry logged less than this ago writes no new
# one: the board refreshes every few seconds, the log records what was seen (R-LOG-1).
BOARD_LOG_SECONDS = 600


def _agents(assignment: Assignment):  # type: ignore[no-untyped-def]
    return assignment_users_with(assignment=assignment, perm=AssignmentPerm.WORK).filter(is_active=True)


def _log_board(request: HttpRequest, board: Board) -> None:
    """The board names the prospects (companies) being called: logged as a list, once per
    set of prospects in BOARD_LOG_SECONDS, not on every poll. With Redis away every
    render is logged (more entries, never fewer)."""
    ids = sorted(str(a.lease.prospect_id) for a in board.agents if a.lease is not None)
    if not ids:
        return
    key = f"board-log:{request.user.pk}:{board.assignment.pk}"
    digest = hashlib.sha256(",".join(ids).encode()).hexdigest()
    try:
        if cache.get(key) == digest:
            return
        cache.set(key, digest, BOARD_LOG_SECONDS)
    except (RedisError, OSError):
        pass
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=Prospect,
        object_ids=ids,
        assignment_id=board.assignment.pk,
        request=request,
    )


def _render_board(
    request: HttpRequest, assignment: Assignment, *, form: CallbacksReassignForm | None = None, status: int = 200
) -> HttpResponse:
    board = agent_states(assignment=assignment)
    _log_board(request, board)
    can_act = request.user.role == Role.SUPERVISOR
    context = {
        "assignment": assignment,
        "board": board,
        "can_act": can_act,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "reassign_form": form or (CallbacksReassignForm(agents=_agents(assignment)) if can_act else None),
    }
    template = "calling/board.html#board" if request.htmx and form is None else "calling/board.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
def board(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Who holds which prospect since when, who is idle or paused, whose callbacks wait.
    The supervisors of the assignment and the administrators (R-SUP-1)."""
    assignment = get_assignment_to_oversee(request.user, assignment_id)
    return _render_board(request, assignment)


@require_POST
@login_required
def board_release(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Release a stuck lease: the prospect goes back to the queue. The assignment's supervisors only."""
    assignment = get_assignment_to_oversee(request.user, assignment_id, act=True)
    form = LeaseReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a prospect on the board."))
        return _after_act(request, assignment, status=400)
    try:
        prospect = lease_release_by_supervisor(
            assignment=assignment, prospect_id=form.cleaned_data["prospect"], actor=request.user
        )
    except ServiceError as exc:
        messages.warning(request, " ".join(exc.messages))
        return _after_act(request, assignment)
    access_log_record(
        actor=request.user, action=AccessAction.RELEASE, obj=prospect, assignment_id=assignment.pk, request=request
    )
    messages.success(request, _("The lease is released; the prospect is back in the queue."))
    return _after_act(request, assignment)


@require_POST
@login_required
def board_reassign(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Hand an absent agent's callbacks to another agent of the assignment, or to the pool."""
    assignment = get_assignment_to_oversee(request.user, assignment_id, act=True)
    form = CallbacksReassignForm(request.POST, agents=_agents(assignment))
    if form.is_valid():
        try:
            ids = callbacks_reassign(
                assignment=assignment,
                from_agent=form.cleaned_data["from_agent"],
                to_agent=form.cleaned_data["to_agent"],
                actor=request.user,
            )
        except ServiceError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                form.add_error(field, errors)
        else:
            access_log_bulk(
                actor=request.user,
                action=AccessAction.REASSIGN,
                model=Prospect,
                object_ids=ids,
                assignment_id=assignment.pk,
                request=request,
            )
            messages.success(request, _("Callbacks handed over: %(count)d.") % {"count": len(ids)})
            return redirect("calling:board", assignment_id=assignment.pk)
    return _render_board(request, assignment, form=form, status=400)


def _after_act(request: HttpRequest, assignment: Assignment, status: int = 200) -> HttpResponse:
    if request.htmx:
        return _render_board(request, assignment, status=status)
    if status != 200:
        return _render_board(request, assignment, status=status)
    return redirect("calling:board", assignment_id=assignment.pk)
