"""Pages of the call-agent's workspace (R-CALL-1…3) and of the notes list and progress.

Thin views: decorators → form → access helper → one service → render or redirect. Every
view of client data writes its access-log entry (R-LOG-1); the call screen writes one per
prospect opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.appointments.models import AppointmentKind
from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record, access_log_shown
from apps.calling.forms import CallForm, PersonForm, SkipForm
from apps.calling.models import PauseEnd, PauseReason, SkipReason
from apps.calling.pauses import open_pause
from apps.calling.queue import CallbackNotYours, prospect_lease_callback, prospect_lease_next
from apps.calling.selectors import (
    NOTE_ORDERINGS,
    agent_today,
    call_note_list,
    call_screen,
    own_callbacks,
)
from apps.calling.services import (
    call_note_create,
    callback_presets,
    person_add_to_prospect,
    person_left_company,
    prospect_pause,
    prospect_skip,
)
from apps.calling.views_pause import PAUSED_SESSION_KEY as PAUSED
from apps.calling.views_pause import pause_end_for_request, pause_from_request
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.access import (
    AssignmentPerm,
    client_contacts_visible_to,
    get_assignment_for_user,
    get_prospect_for_agent,
    get_prospect_person_for_agent,
)
from apps.core.errors import ServiceError
from apps.privacy.consent import person_consent_record
from apps.prospects.forms import CompanyForm
from apps.prospects.models import Person, Prospect
from apps.prospects.selectors import person_for_agent
from apps.prospects.services import company_update, person_update


def _add_errors(form: Any, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _to_screen(prospect: Prospect) -> HttpResponse:
    return redirect("calling:screen", prospect_id=prospect.pk)


@require_GET
@login_required
def workspace(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """An agent's start on one assignment: the briefing and "next prospect"."""
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.WORK)
    callbacks = own_callbacks(assignment=assignment, agent=request.user)
    access_log_bulk(  # the list shows records of the client's database (R-LOG-1); none: no entry
        actor=request.user,
        action=AccessAction.LIST,
        model=Prospect,
        object_ids=[p.pk for p in callbacks],
        assignment_id=assignment.pk,
        request=request,
    )
    return render(
        request,
        "calling/workspace.html",
        {
            "assignment": assignment,
            "callbacks": callbacks,
            "now": timezone.now(),
            "today": agent_today(assignment_id=assignment.pk, agent=request.user),
            # Looked up only when this session paused: no query on the agent's usual way.
            "paused": open_pause(agent=request.user, assignment=assignment) if request.session.get(PAUSED) else None,
            "pause_reasons": PauseReason.choices,
        },
    )


@require_POST
@login_required
def callback_take(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """Call one of my own callbacks now, from the list on the workspace."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    pause_end_for_request(request, PauseEnd.NEXT)
    try:
        leased = prospect_lease_callback(prospect=prospect, agent=request.user)
    except CallbackNotYours:
        messages.error(request, _("This callback is no longer yours to call."))
        return redirect("calling:workspace", assignment_id=prospect.assignment_id)
    if leased.pk != prospect.pk:
        messages.info(request, _("Finish the call you are on first; your callback stays in your list."))
    return _to_screen(leased)


@require_POST
@login_required
def next_prospect(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Lease the next prospect (or the one already held) and open it (R-NTK-2)."""
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.WORK)
    pause_end_for_request(request, PauseEnd.NEXT)  # taking the next prospect ends a pause
    prospect = prospect_lease_next(assignment=assignment, agent=request.user)
    if prospect is None:
        messages.info(request, _("There is nobody left to call in this assignment right now."))
        return redirect("calling:workspace", assignment_id=assignment.pk)
    return _to_screen(prospect)


@dataclass(frozen=True)
class _Field:
    """A form field written by hand in the template: the call screen renders no widget
    templates, which would cost more than the rest of the page (SPEC §7)."""

    name: str
    label: str
    value: Any
    choices: Any = None


def _fields(form_class: type[forms.Form], values: dict[str, Any]) -> list[_Field]:
    return [
        _Field(name, field.label, values.get(name), getattr(field, "choices", None))
        for name, field in form_class.base_fields.items()
    ]


DATE_PATTERN = r"\s*(\d{1,2}(-|/)\d{1,2}(-|/)\d{2,4}\s+\d{1,2}(:|\.)?\d{2}|\d{4}-\d{2}-\d{2}(T| )\d{2}:\d{2})\s*"


# The result buttons of each assignment as last rendered in this process, keyed by the
# assignment and the language, holding the list's fingerprint (`CallScreen.results_version`):
# a changed list of results renders anew (issue 16 #2). Bounded: the oldest go first.
_RESULTS_HTML: dict[tuple[Any, str], tuple[str, str]] = {}
_RESULTS_HTML_SIZE = 256


def _results_html(screen: Any) -> str:
    key = (screen.prospect.assignment_id, get_language())
    cached = _RESULTS_HTML.get(key)
    if cached is not None and cached[0] == screen.results_version:
        return cached[1]
    html = render_to_string("calling/_results.html", {"screen": screen})
    if len(_RESULTS_HTML) >= _RESULTS_HTML_SIZE:
        _RESULTS_HTML.pop(next(iter(_RESULTS_HTML)))
    _RESULTS_HTML[key] = (screen.results_version, html)
    return html


def _render_screen(request: HttpRequest, prospect: Prospect, status: int = 200, **state: Any) -> HttpResponse:
    screen = call_screen(prospect=prospect, agent=request.user)
    company = prospect.company
    company_form, add_form = state.get("company_form"), state.get("add_form")
    company_values = company_form.data if company_form else {f: getattr(company, f) for f in CompanyForm.base_fields}
    add_values = {k.removeprefix("add-"): v for k, v in add_form.data.items()} if add_form else {}
    context = {
        "screen": screen,
        "prospect": prospect,
        "assignment": prospect.assignment,
        "company": company,
        "call_form": state.get("call_form"),
        # A form sent back with its errors keeps its choice: rendered, not from the cache.
        "results_html": None if state.get("call_form") else _results_html(screen),
        "company_form": company_form,
        "company_fields": _fields(CompanyForm, company_values),
        "add_form": add_form,
        "add_fields": _fields(PersonForm, add_values),
        "person_errors": state.get("person_errors"),
        "person_notices": state.get("person_notices"),
        "skip_form": state.get("skip_form"),
        "skip_reasons": SkipReason.choices,
        "pause_reasons": PauseReason.choices,
        "kinds": AppointmentKind.choices,
        "callback_presets": callback_presets(timezone.localtime()),
        "lease_minutes": settings.LEADHUNTER_PERIODS["LEASE_MINUTES"],
        # dd-mm-yyyy hh:mm (or ISO), checked by the browser before the server reads it.
        "date_pattern": DATE_PATTERN,
        "server_now": timezone.now(),
    }
    access_log_shown(  # the prospect and the persons on the screen (R-LOG-1)
        actor=request.user,
        action=AccessAction.VIEW,
        shown={
            Prospect: [prospect.pk],
            Person: [p.id for p in screen.persons],
            ClientContact: [pk for pk, _name in screen.account_managers],
        },
        assignment_id=prospect.assignment_id,
        request=request,
    )
    template = "calling/screen.html"
    if request.htmx and state.get("partial"):
        template = f"calling/screen.html#{state['partial']}"
    return render(request, template, context, status=status)


@require_GET
@login_required
def screen(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """The call screen (R-CALL-1): only for the agent holding the lease, or their own callback."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    return _render_screen(request, prospect)


@require_POST
@login_required
def record_call(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """Save the result and the note; "save and next" leases the next prospect at once."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    form = CallForm(request.POST, results=prospect.assignment.results.all())
    if form.is_valid():
        try:
            call_note_create(
                prospect=prospect,
                actor=request.user,
                result=form.cleaned_data["result"],
                text=form.cleaned_data["text"],
                callback_at=form.cleaned_data["callback_at"],
                appointment=form.appointment(),
                information=form.information(),
            )
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The call is saved."))
            if "next" in request.POST:
                following = prospect_lease_next(assignment=prospect.assignment, agent=request.user)
                if following is not None:
                    return _to_screen(following)
                messages.info(request, _("There is nobody left to call in this assignment right now."))
            return redirect("calling:workspace", assignment_id=prospect.assignment_id)
    return _render_screen(request, prospect, status=400, call_form=form)


@require_POST
@login_required
def skip(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """Skip the prospect with a reason (back to the queue) and take the next one."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            prospect_skip(prospect=prospect, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.info(request, _("Skipped: the prospect went back to the queue."))
            following = prospect_lease_next(assignment=prospect.assignment, agent=request.user)
            if following is not None:
                return _to_screen(following)
            messages.info(request, _("There is nobody left to call in this assignment right now."))
            return redirect("calling:workspace", assignment_id=prospect.assignment_id)
    return _render_screen(request, prospect, status=400, skip_form=form)


@require_POST
@login_required
def pause(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """A break: the prospect goes back to the queue unchanged; the agent to the workspace."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    prospect_pause(prospect=prospect, actor=request.user)
    if pause_from_request(request, prospect.assignment):  # the board shows it (issue 13 #4)
        messages.info(request, _("Paused. The prospect went back to the queue; press N when you are back."))
    return redirect("calling:workspace", assignment_id=prospect.assignment_id)


@require_POST
@login_required
def company_correct(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """Correct or confirm the company: either way it is verified now (R-CALL-2, R-RET-3)."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    form = CompanyForm(request.POST)
    if form.is_valid():
        values = {k: ("" if v is None and k != "employees" else v) for k, v in form.cleaned_data.items()}
        try:
            company_update(company=prospect.company, actor=request.user, assignment=prospect.assignment, **values)
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            if not request.htmx:
                return _to_screen(prospect)
            return _render_screen(request, prospect, partial="company")
    return _render_screen(request, prospect, status=400, company_form=form, partial="company")


@require_POST
@login_required
def person_verify(request: HttpRequest, prospect_id: str, person_id: str) -> HttpResponse:
    """Confirm a person (empty fields keep their value) or correct them: verified now."""
    prospect, person = get_prospect_person_for_agent(request.user, prospect_id, person_id)
    form = PersonForm(request.POST, prefix=str(person.pk))
    errors = None
    if form.is_valid():
        try:
            updated = person_update(person=person, actor=request.user, **form.given())
        except ServiceError as exc:
            errors = {person.pk: exc.messages}
        else:
            name = person_for_agent(updated).full_name
            confirmed = _("Confirmed: %(name)s is verified by you today.") % {"name": name}
            if not request.htmx:
                messages.success(request, confirmed)
                return _to_screen(prospect)
            notice = {person.pk: {"ok": True, "texts": [confirmed]}}
            return _render_screen(request, prospect, person_notices=notice, partial="persons")
    else:
        errors = {person.pk: [e for errs in form.errors.values() for e in errs]}
    return _render_screen(request, prospect, status=400, person_errors=errors, partial="persons")


@require_POST
@login_required
def person_add(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """A person gathered during the call, linked to this assignment's prospect."""
    prospect = get_prospect_for_agent(request.user, prospect_id)
    form = PersonForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            person_add_to_prospect(prospect=prospect, actor=request.user, **form.given())
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            if not request.htmx:
                return _to_screen(prospect)
            return _render_screen(request, prospect, partial="persons")
    return _render_screen(request, prospect, status=400, add_form=form, partial="persons")


@require_POST
@login_required
def person_consent(request: HttpRequest, prospect_id: str, person_id: str) -> HttpResponse:
    """ "Consent given" by phone (R-CON-1): recorded with who and when, the confirmation email
    sent at once; the agent is told whether it went. Shown in the persons block (htmx), so
    a note being typed stays."""
    prospect, person = get_prospect_person_for_agent(request.user, prospect_id, person_id)
    try:
        outcome = person_consent_record(prospect=prospect, person=person, actor=request.user, request=request)
    except ServiceError as exc:
        if not request.htmx:
            for message in exc.messages:
                messages.error(request, message)
            return _to_screen(prospect)
        return _render_screen(request, prospect, status=400, person_errors={person.pk: exc.messages}, partial="persons")
    notices = [_("Consent recorded.")]
    if outcome.mail_sent:
        notices.append(_("The confirmation with the link to withdraw was emailed to the person."))
    else:
        notices.append(
            _("The confirmation email was not sent: %(reason)s")
            % {"reason": outcome.mail_error or _("the mail server did not accept it.")}
        )
    if not request.htmx:
        (messages.success if outcome.mail_sent else messages.warning)(request, " ".join(notices))
        return _to_screen(prospect)
    notice = {"ok": outcome.mail_sent, "texts": notices}
    return _render_screen(request, prospect, person_notices={person.pk: notice}, partial="persons")


@require_http_methods(["GET", "POST"])
@login_required
def person_left(request: HttpRequest, prospect_id: str, person_id: str) -> HttpResponse:
    """ "Left the company": a confirmation, then the client's record of the person is deleted
    (R-CALL-2, R-IMP-4)."""
    prospect, person = get_prospect_person_for_agent(request.user, prospect_id, person_id)
    if request.method == "POST":
        person_left_company(person=person, actor=request.user)
        messages.success(request, _("The person is deleted from this client's assignments."))
        return _to_screen(prospect)
    access_log_record(
        actor=request.user, action=AccessAction.VIEW, obj=person, assignment_id=prospect.assignment_id, request=request
    )
    # The page names the person as an agent may see them, never the whole record (R-CALL-3).
    return render(request, "calling/person_left.html", {"prospect": prospect, "person": person_for_agent(person)})


@require_GET
@login_required
def contacts(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The client's contact persons (policy §6), beside the call screen."""
    assignment = get_assignment_for_user(request.user, assignment_id)
    rows = list(client_contacts_visible_to(request.user).filter(client_id=assignment.client_id).order_by("last_name"))
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=ClientContact,
        object_ids=[c.pk for c in rows],
        assignment_id=assignment.pk,
        request=request,
    )
    template = "calling/contacts.html#contacts" if request.htmx else "calling/contacts.html"
    return render(request, template, {"assignment": assignment, "contacts": rows})


@require_GET
@login_required
def notes(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The notes of an assignment (R-NOTE-1, R-NOTE-2): sorted by company, result or date,
    never searched; any other parameter is ignored."""
    assignment = get_assignment_for_user(request.user, assignment_id)
    ordering = request.GET.get("ordering", "-date")
    if ordering not in NOTE_ORDERINGS:
        ordering = "-date"
    page = Paginator(call_note_list(user=request.user, assignment=assignment, ordering=ordering), 50).get_page(
        request.GET.get("page")
    )
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=CallNote,
        object_ids=[n.pk for n in page],
        assignment_id=assignment.pk,
        request=request,
    )
    sorts = [(key, reverse("calling:notes", args=[assignment.pk]) + f"?ordering={key}") for key in NOTE_ORDERINGS]
    return render(
        request, "calling/notes.html", {"assignment": assignment, "page": page, "ordering": ordering, "sorts": sorts}
    )
