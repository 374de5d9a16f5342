"""The privacy officer's casework pages on a confirmed request (R-DSR-3, R-DSR-4), the
consent buttons and the public withdrawal page (R-CON-1).

Officer pages: login first, then 404 for everyone but privacy officers
(`require_privacy_officer` / `get_request_for_officer`). A request that is not open gets a
clear refusal page. Every page that shows personal data is access-logged (R-LOG-1).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.models import AccessAction
from apps.audit.selectors import access_rows, person_access_history
from apps.audit.services import access_log_bulk, access_log_record, access_log_shown
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.access import get_prospect_to_manage, get_request_for_officer, require_privacy_officer
from apps.core.errors import ServiceError
from apps.hr.models import Applicant, Employee
from apps.imports.forms import PersonForm
from apps.privacy import casework, lookup_terms
from apps.privacy.consent import InvalidToken, consent_confirmation_send, consent_token_person_id, consent_withdraw
from apps.privacy.erasure import ERASABLE_KINDS, ErasureResult, request_erase
from apps.privacy.forms_casework import LookupForm
from apps.privacy.models import DataSubjectRequest, RequestStatus
from apps.privacy.rights import correction_pass_on, person_values
from apps.prospects.models import Person
from apps.prospects.services import person_update, restricted_message


def officer_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first (anonymous: to the login page), then 404 for everyone but privacy officers."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_privacy_officer(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _not_open(request: HttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    return render(request, "privacy/case/not_open.html", {"dsr": dsr}, status=409)


def _log_persons(request: HttpRequest, ids: list[Any], action: AccessAction = AccessAction.LIST) -> None:
    access_log_bulk(actor=request.user, action=action, model=Person, object_ids=ids, request=request)


def _back(dsr: DataSubjectRequest) -> str:
    return reverse("privacy_case:lookup", args=[dsr.pk])


# --- Find the person ------------------------------------------------------------------
# Another spelling the officer typed is kept server-side (`apps.privacy.lookup_terms`: short
# lifetime, dropped when the request closes), never in the session store, so that it does
# not outlive an erasure in django_session, and never in a URL (logs, history); the notes'
# pages are plain ?page=N links.
LEGACY_SESSION_TERMS = "privacy_lookup_terms"  # where they were kept before issue 11


def _stored_terms(request: HttpRequest, dsr: DataSubjectRequest) -> dict[str, str]:
    return lookup_terms.terms_get(dsr=dsr, officer=request.user)


def _store_terms(request: HttpRequest, dsr: DataSubjectRequest, values: dict[str, str] | None) -> None:
    lookup_terms.terms_set(dsr=dsr, officer=request.user, values=values)


@officer_only
@require_http_methods(["GET", "POST"])
def lookup_page(request: HttpRequest, request_id: str) -> HttpResponse:
    """GET: the request's own details, or the spelling stored for it; POST (CSRF): another
    spelling, checked by LookupForm, then back to GET; `reset` returns to the request's own."""
    dsr = get_request_for_officer(request.user, request_id)
    # Terms an earlier version left in this officer's session: out of it now.
    request.session.pop(LEGACY_SESSION_TERMS, None)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    stored = _stored_terms(request, dsr)
    if request.method == "POST":
        if request.POST.get("reset"):
            _store_terms(request, dsr, None)
            return redirect(_back(dsr))
        form = LookupForm(request.POST)
        if form.is_valid():
            _store_terms(request, dsr, {k: form.cleaned_data[k] for k in ("name", "email", "phone")})
            return redirect(_back(dsr))
    else:
        form = LookupForm(initial=stored)
    terms, errors = casework.terms_for(dsr, **stored)
    page = request.GET.get("page", "1")
    found = casework.lookup(dsr, terms, viewer=request.user, notes_page=page if page.isdigit() else 1, request=request)
    records = casework.linked_records(dsr)
    # R-LOG-1: the linked records shown beside what the lookup found (and logged).
    _log_persons(request, [r.person_id for r in records if r.person_id])
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=ClientContact,
        object_ids=[r.client_contact_id for r in records if r.client_contact_id],
        request=request,
    )
    linked_persons = {r.person_id for r in records if r.person_id}
    linked_contacts = {r.client_contact_id for r in records if r.client_contact_id}
    return render(
        request,
        "privacy/case/lookup.html",
        {
            "dsr": dsr,
            "found": found,
            "form": form,
            "errors": errors,
            "typed": any(stored.values()),
            "records": records,
            "linked_persons": linked_persons,
            "linked_contacts": linked_contacts,
            "erasable": dsr.kind in ERASABLE_KINDS,
        },
        status=400 if form.errors else 200,
    )


@officer_only
@require_POST
def link(request: HttpRequest, request_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    try:
        if request.POST.get("unlink"):
            casework.request_record_unlink(dsr=dsr, actor=request.user, record_id=request.POST["unlink"])
            messages.success(request, _("The record is no longer linked to the request."))
        else:
            casework.request_record_link(
                dsr=dsr,
                actor=request.user,
                person_id=request.POST.get("person"),
                client_contact_id=request.POST.get("client_contact"),
            )
            messages.success(request, _("The record is linked to the request."))
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_back(dsr))


# --- The access report ----------------------------------------------------------------
@officer_only
@require_GET
def report(request: HttpRequest, request_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    data = casework.access_report(dsr, viewer=request.user)
    # The report download is logged under the request, and what it holds per kind without an
    # assignment: it is not an export to a client, so it is no recipient in a later report.
    access_log_record(actor=request.user, action=AccessAction.DOWNLOAD, obj=dsr, request=request)
    _log_persons(request, [r.person.pk for r in data.persons], AccessAction.DOWNLOAD)
    access_log_bulk(
        actor=request.user,
        action=AccessAction.DOWNLOAD,
        model=ClientContact,
        object_ids=[c.contact.pk for c in data.contacts],
        request=request,
    )
    access_log_bulk(
        actor=request.user, action=AccessAction.DOWNLOAD, model=CallNote, object_ids=data.note_ids, request=request
    )
    for model, kind in ((Employee, "employee"), (Applicant, "applicant")):
        ids = [h.id for h in data.hr if h.kind == kind]
        access_log_bulk(actor=request.user, action=AccessAction.DOWNLOAD, model=model, object_ids=ids, request=request)
    stamp = data.made_at.strftime("%Y%m%d")
    if request.GET.get("format") == "json":
        with translation.override(dsr.language or "nl"):
            body = json.dumps(casework.access_report_json(data), indent=2, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-report-{stamp}.json"'
        return response
    with translation.override(dsr.language or "nl"):
        html = render_to_string(
            "privacy/case/report.html",
            {"report": data, "language": dsr.language or "nl", "hr_board_text": casework.hr_board_text()},
        )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-report-{stamp}.html"'
    return response


# --- Rectification --------------------------------------------------------------------
@officer_only
@require_http_methods(["GET", "POST"])
def person_correct(request: HttpRequest, request_id: str, person_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    try:
        person = casework.linked_person(dsr, person_id)
    except ServiceError as exc:
        raise Http404 from exc
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=person, request=request)
    form = PersonForm(request.POST or None, initial={f: getattr(person, f) for f in PersonForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                before = person_values(person)
                person_update(person=person, actor=request.user, rectifying_restricted=True, **form.cleaned_data)
                # Art. 19: the client holding the record is told (R-DSR-5).
                correction_pass_on(person=person, before=before)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contact person has been corrected."))
            return redirect(_back(dsr))
    return render(request, "privacy/case/correct.html", {"dsr": dsr, "person": person, "form": form})


# --- Erasure --------------------------------------------------------------------------
@officer_only
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, request_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    records = casework.linked_records(dsr)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm the erasure.")
        else:
            try:
                result = request_erase(
                    dsr=dsr,
                    actor=request.user,
                    delete_contacts=request.POST.get("delete_contacts") == "yes",
                    suppress_typed=request.POST.get("suppress_typed") == "yes",
                    redact_note_ids=request.POST.getlist("redact_note"),
                )
            except ServiceError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Erased: %(persons)d contact persons; %(notes)d call notes redacted; %(clients)d clients "
                        "notified. The request is closed."
                    )
                    % {"persons": result.persons, "notes": result.notes_redacted, "clients": len(result.clients)},
                )
                _remember_mail_report(request, dsr, result)
                return redirect("privacy_case:done", dsr.pk)
    _log_persons(request, [r.person_id for r in records if r.person_id])
    # The notes that mention the person, for the officer to tick (R-NOTE-3's one exception).
    terms, _errors = casework.terms_for(dsr, **_stored_terms(request, dsr))
    notes = casework.notes_mentioning(dsr, terms, viewer=request.user, request=request)
    ticked = set(request.POST.getlist("redact_note")) if request.method == "POST" else set()
    return render(
        request,
        "privacy/case/erase.html",
        {
            "dsr": dsr,
            "records": records,
            "notes": notes,
            "ticked": ticked,
            "error": error,
            "erasable": dsr.kind in ERASABLE_KINDS,
            "has_contacts": any(r.client_contact_id for r in records),
            "has_typed": bool(dsr.phone or dsr.company),
        },
        status=400 if error else 200,
    )


def _mail_key(dsr: DataSubjectRequest) -> str:
    return f"privacy-erase-mail-{dsr.pk}"


def _remember_mail_report(request: HttpRequest, dsr: DataSubjectRequest, result: ErasureResult) -> None:
    """For the done page: how many emails could not be sent and to which clients (the
    organisations' names, never an address), so that the officer can act (review #1).
    The emails were attempted when the erasure committed, before this point."""
    report = result.mail
    if not report.done or not report.failed:
        return
    client_names = sorted(c.client_name for c in result.clients if c.client_id in report.failed_client_ids)
    request.session[_mail_key(dsr)] = {
        "failed": report.failed,
        "sent": report.sent,
        "requester": report.requester_failed,
        "clients": client_names,
    }


@officer_only
@require_GET
def done(request: HttpRequest, request_id: str) -> HttpResponse:
    """After the erasure: the closed request, without its (blanked) identifying fields,
    and which emails could not be sent."""
    dsr = get_request_for_officer(request.user, request_id)
    mail_failed = request.session.pop(_mail_key(dsr), None)
    return render(request, "privacy/case/done.html", {"dsr": dsr, "mail_failed": mail_failed})


# --- Consent (R-CON-1) ----------------------------------------------------------------
def _send_consent(request: HttpRequest, person: Person, assignment_id: Any = None) -> None:
    try:
        consent_confirmation_send(person=person, actor=request.user, assignment_id=assignment_id, request=request)
    except ServiceError as exc:  # not consent, no address, sent today already, mail server down
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent confirmation has been sent."))


@officer_only
@require_POST
def request_consent_send(request: HttpRequest, request_id: str, person_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    try:
        person = casework.linked_person(dsr, person_id)
    except ServiceError as exc:
        raise Http404 from exc
    _send_consent(request, person)
    return redirect(_back(dsr))


@login_required
@require_POST
def prospect_consent_send(request: HttpRequest, prospect_id: str, person_id: str) -> HttpResponse:
    """From the portal's record page: whoever may manage the record (client, supervisors,
    administrators); 404 for everyone else."""
    prospect = get_prospect_to_manage(request.user, prospect_id)
    try:
        person = Person.objects.select_related("company").get(pk=person_id, prospect_links__prospect=prospect)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    if person.restricted_at is not None:  # kept, not processed (R-DSR-5, Art. 18)
        messages.error(request, restricted_message())
    else:
        _send_consent(request, person, assignment_id=prospect.assignment_id)
    return redirect("portal:prospect-edit", prospect.pk)


@require_http_methods(["GET", "POST"])
def consent_withdraw_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public (no login). GET shows one button and changes nothing (mail scanners fetch
    links); POST withdraws. The same answer whether or not the person still exists."""
    try:
        consent_token_person_id(token)
    except InvalidToken:
        return render(request, "privacy/case/withdraw.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            consent_withdraw(token=token)
        except InvalidToken:
            return render(request, "privacy/case/withdraw.html", {"invalid": True}, status=400)
        return render(request, "privacy/case/withdraw.html", {"withdrawn": True})
    return render(request, "privacy/case/withdraw.html", {})


# --- Who consulted a person (R-LOG-1, policy §3, Art. 15 and 19) -----------------------
@officer_only
@require_GET
def person_access(request: HttpRequest, person_id: str) -> HttpResponse:
    """Who consulted one person, when, through what, in every assignment: from the access
    log, ids only. Also for a person already deleted (the log keeps ids, R-DEL-1), so that
    the recipients of an erased person can still be told (Art. 19)."""
    # Logged first: the page then counts and lists its own consultation consistently.
    access_log_shown(actor=request.user, action=AccessAction.VIEW, shown={Person: [person_id]}, request=request)
    page = Paginator(person_access_history(person_id=person_id), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/case/person_access.html",
        {"person_id": person_id, "page": page, "rows": access_rows(page.object_list, with_ip=True)},
    )
