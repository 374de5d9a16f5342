"""The supervisor's pages of an assignment (R-SUP-1).

- The live board: a page that refreshes itself (htmx polling, no inline script), and its
  two acts, each a POST with its CSRF token, for the assignment's own supervisors, logged
  in the access log (R-LOG-1).
- Progress: the figures over a chosen period as server-side SVG charts, with totals.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from redis.exceptions import RedisError

from apps.accounts.models import Role
from apps.assignments.models import Assignment
from apps.assignments.selectors import assignment_users_with
from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.calling import charts as charts_svg
from apps.calling.board import Board, agent_states
from apps.calling.figures import Figures, assignment_figures, is_appointment
from apps.calling.forms_supervisor import CallbacksReassignForm, LeaseReleaseForm, PeriodForm
from apps.calling.pauses import paused_seconds_per_agent
from apps.calling.supervision import callbacks_reassign, lease_release_by_supervisor
from apps.core.access import AssignmentPerm, get_assignment_for_user, get_assignment_to_oversee
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


def _hms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def _percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


def _charts(figures: Figures, *, per_agent: bool, paused: dict[str, float] | None = None) -> dict[str, Any]:
    """The page's charts as SVG (apps.calling.charts), from the figures."""
    none = _("No calls in this period.")
    days = figures.per_day
    charts: dict[str, Any] = {
        "per_hour": charts_svg.columns(
            [charts_svg.Bar(f"{hour:02d}", n, str(n)) for hour, n in figures.per_hour],
            ident="calls-per-hour",
            title=_("Calls per hour of the day"),
            empty_text=none,
            label_every=2,
        ),
        "per_day": charts_svg.columns(
            [
                charts_svg.Bar(formats.date_format(day, "d-m"), n, str(n), "muted" if day.weekday() >= 5 else "")
                for day, n in days
            ],
            ident="calls-per-day",
            title=_("Calls per day"),
            empty_text=none,
            label_every=max(1, -(-len(days) // 12)),
        ),
        "funnel": charts_svg.rows(
            [
                charts_svg.Bar(label, n, str(n), "accent" if i == 2 else "")
                for i, (label, n) in enumerate(figures.funnel)
            ],
            ident="funnel",
            title=_("Results funnel"),
            empty_text=none,
        ),
        "per_result": charts_svg.rows(
            [
                charts_svg.Bar(result.label, n, str(n), "accent" if is_appointment(result) else "")
                for result, n in figures.per_result
            ],
            ident="per-result",
            title=_("Calls by result"),
            empty_text=none,
        ),
        "by_status": charts_svg.rows(
            [charts_svg.Bar(str(label), n, str(n)) for label, n in figures.by_status],
            ident="by-status",
            title=_("Prospects by status"),
            empty_text=_("No prospects yet."),
        ),
    }
    if per_agent:
        charts["appointment_rate"] = charts_svg.rows(
            [
                charts_svg.Bar(
                    a.username, a.appointment_rate, f"{_percent(a.appointment_rate)} ({a.appointments}/{a.calls})"
                )
                for a in figures.per_agent
            ],
            ident="appointment-rate",
            title=_("Appointment rate per agent"),
            empty_text=none,
        )
        # Issue 13 #4: the time each agent was paused in the period (hours:minutes).
        charts["paused"] = charts_svg.rows(
            [charts_svg.Bar(name, seconds, _hms(seconds / 60)) for name, seconds in (paused or {}).items()],
            ident="paused-time",
            title=_("Paused per agent (hours:minutes)"),
            empty_text=_("Nobody paused in this period."),
        )
        if figures.handle_time_recorded:
            timed = [a for a in figures.per_agent if a.handle_seconds is not None]
            charts["handle_time"] = charts_svg.rows(
                [charts_svg.Bar(a.username, a.handle_seconds or 0, _hms(a.handle_seconds)) for a in timed],
                ident="handle-time",
                title=_("Average handle time per agent (minutes:seconds)"),
                empty_text=none,
            )
    return charts


@require_GET
@login_required
def progress(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """An assignment's figures over a chosen period, as charts (R-SUP-1): counts only, no
    record. For those who supervise it; the figures per agent for the staff only (the
    client sees the totals, not how each of our agents performs)."""
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.SUPERVISE)
    form = PeriodForm(request.GET or None)
    period = form.chosen(timezone.localdate())
    figures = assignment_figures(assignment=assignment, period=period)
    per_agent = request.user.role != Role.CLIENT
    paused = (
        paused_seconds_per_agent(assignment=assignment, start=period.start, end=period.end, now=timezone.now())
        if per_agent
        else None
    )
    access_log_record(
        actor=request.user, action=AccessAction.VIEW, obj=assignment, assignment_id=assignment.pk, request=request
    )
    context = {
        "assignment": assignment,
        "form": form,
        "figures": figures,
        "charts": _charts(figures, per_agent=per_agent, paused=paused),
        "per_agent": per_agent,
        "can_oversee": per_agent,
        "appointment_rate": _percent(figures.appointment_rate),
        "handle_time": _hms(figures.handle_seconds),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "calling/progress.html", context, status=status)
