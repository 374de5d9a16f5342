"""The call screen's panel of differences "to verify" (R-IMP-3): the agent accepts or
rejects each after checking with the company. A panel of its own (template
`calling/_differences.html`, loaded by htmx into the screen), so that the screen's layout
can change without it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from apps.audit.models import AccessAction
from apps.audit.services import access_log_shown
from apps.core.access import get_prospect_for_agent
from apps.core.errors import ServiceError
from apps.imports.differences import (
    call_screen_differences,
    difference_accept,
    difference_by_token,
    difference_reject,
    difference_rows,
)
from apps.prospects.models import Person, Prospect


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])


def _panel(request: HttpRequest, prospect: Prospect, *, errors: list[str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    qs = call_screen_differences(prospect)
    rows = difference_rows(qs, prospect=prospect, hide_flagged=True)
    access_log_shown(  # the persons the panel names (R-LOG-1)
        actor=request.user,
        action=AccessAction.VIEW,
        shown={Person: sorted({d.person_id for d in qs if d.person_id}, key=str)},
        assignment_id=prospect.assignment_id,
        request=request,
    )
    context = {"prospect": prospect, "differences": rows, "errors": errors or [], "loaded": True}
    return render(request, "calling/_differences.html", context, status=status)


@require_GET
@login_required
def differences(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """The panel, for the agent holding the lease (or their own callback)."""
    return _panel(request, get_prospect_for_agent(request.user, prospect_id))


@require_POST
@login_required
def difference_resolve(request: HttpRequest, prospect_id: str, token: str) -> HttpResponse:
    """Accept (take the client's value: verification by us) or reject (keep the current one)."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    difference = difference_by_token(call_screen_differences(prospect), token)
    if difference is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _panel(request, prospect, errors=[str(e) for e in form.errors.get("decision", [])], status=400)
    try:
        if form.cleaned_data["decision"] == "accept":
            difference_accept(difference=difference, prospect=prospect, actor=request.user, by_agent=True)
        else:
            difference_reject(difference=difference, actor=request.user)
    except ServiceError as exc:
        return _panel(request, prospect, errors=exc.messages, status=400)
    if not request.htmx:
        return redirect("calling:screen", prospect_id=prospect.pk)
    # The whole screen: htmx takes the panel and, out of band, the company and persons
    # blocks with the accepted value (the note being typed stays).
    from apps.calling.views import _render_screen

    prospect = get_prospect_for_agent(request.user, prospect_id)
    return _render_screen(request, prospect)
