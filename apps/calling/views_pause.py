"""An agent's pause from the workspace (issue 13 #4): pause with an optional reason, and
resume. The call screen's own "pause" (apps.calling.views.pause) puts the prospect back
and starts the same pause. Agents scheduled on the assignment only (AssignmentPerm.WORK)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.calling.models import PauseEnd, PauseReason
from apps.calling.pauses import pause_end, pause_start
from apps.core.access import AssignmentPerm, get_assignment_for_user
from apps.core.errors import ServiceError

# Set in the session while this session's agent is paused.
PAUSED_SESSION_KEY = "calling_paused"


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=[("", "–"), *PauseReason.choices], required=False)


def pause_from_request(request: HttpRequest, assignment: object) -> bool:
    """Start the pause the POST asks for; False (with a message) on a reason not in the list."""
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason from the list, or none."))
        return False
    try:
        pause_start(assignment=assignment, agent=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    request.session[PAUSED_SESSION_KEY] = True
    return True


def pause_end_for_request(request: HttpRequest, cause: str) -> None:
    """End the agent's pause when this session started one: "next" costs no query otherwise
    (the agent's hot path, SPEC §7). A pause started in another session ends there, or at
    logout; the API's "next" ends any pause (it has no session)."""
    if request.session.pop(PAUSED_SESSION_KEY, False):
        pause_end(agent=request.user, cause=cause)


@require_POST
@login_required
def pause(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Pause: the supervisor's board shows it; N (next prospect) or "resume" ends it."""
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.WORK)
    if pause_from_request(request, assignment):
        messages.info(request, _("Paused. Press N or resume when you are back."))
    return redirect("calling:workspace", assignment_id=assignment.pk)


@require_POST
@login_required
def resume(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """End the pause without taking a prospect yet."""
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.WORK)
    request.session.pop(PAUSED_SESSION_KEY, None)
    pause_end(agent=request.user, cause=PauseEnd.RESUMED)
    messages.info(request, _("Welcome back: the pause has ended."))
    return redirect("calling:workspace", assignment_id=assignment.pk)
