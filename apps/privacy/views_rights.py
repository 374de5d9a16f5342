"""The privacy officer's pages for restriction, portability (R-DSR-5) and legal holds
(R-HOLD-1). Login first, then 404 for everyone but privacy officers (`officer_only`);
a request that is not open gets the refusal page; downloads are access-logged."""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.clients.models import ClientContact
from apps.core.access import get_hold_for_officer, get_request_for_officer
from apps.core.errors import ServiceError
from apps.privacy import casework
from apps.privacy.models import RequestKind, RequestStatus
from apps.privacy.rights import portability_csv, portability_json, request_restrict, restriction_lift
from apps.privacy.views_casework import _back, _log_persons, _not_open, officer_only
from apps.retention.holds import holds_for_office, legal_hold_lift, legal_hold_place
from apps.retention.models import HoldKind


# --- Restriction (Art. 18) -------------------------------------------------------------
@officer_only
@require_http_methods(["GET", "POST"])
def restrict(request: HttpRequest, request_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    records = casework.linked_records(dsr)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm the restriction.")
        else:
            try:
                count = request_restrict(dsr=dsr, actor=request.user)
            except ServiceError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Restricted: %(count)d contact person records. The request is closed.") % {"count": count},
                )
                return redirect("privacy:request-detail", dsr.pk)
    _log_persons(request, [r.person_id for r in records if r.person_id])
    return render(
        request,
        "privacy/case/restrict.html",
        {"dsr": dsr, "records": records, "error": error, "restrictable": dsr.kind == RequestKind.RESTRICTION},
        status=400 if error else 200,
    )


@officer_only
@require_POST
def restriction_end(request: HttpRequest, request_id: str, person_id: str) -> HttpResponse:
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    try:
        count = restriction_lift(dsr=dsr, actor=request.user, person_id=person_id)
    except ServiceError as exc:
        raise Http404 from exc
    messages.success(request, _("Restriction ended for %(count)d contact person records.") % {"count": count})
    return redirect(_back(dsr))


# --- Portability (Art. 20) -------------------------------------------------------------
@officer_only
@require_GET
def portability(request: HttpRequest, request_id: str) -> HttpResponse:
    """The person's own data as JSON (default) or CSV (`?format=csv`), from the access report."""
    dsr = get_request_for_officer(request.user, request_id)
    if dsr.status != RequestStatus.OPEN:
        return _not_open(request, dsr)
    data = casework.access_report(dsr, viewer=request.user)
    access_log_record(actor=request.user, action=AccessAction.DOWNLOAD, obj=dsr, request=request)
    _log_persons(request, [r.person.pk for r in data.persons], AccessAction.DOWNLOAD)
    access_log_bulk(
        actor=request.user,
        action=AccessAction.DOWNLOAD,
        model=ClientContact,
        object_ids=[c.contact.pk for c in data.contacts],
        request=request,
    )
    stamp = data.made_at.strftime("%Y%m%d")
    with translation.override(dsr.language or "nl"):
        if request.GET.get("format") == "csv":
            response = HttpResponse(portability_csv(data), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.csv"'
            return response
        body = json.dumps(portability_json(data), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


# --- Legal holds (R-HOLD-1) -------------------------------------------------------------
class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("held record"), choices=HoldKind.choices)
    object_id = forms.UUIDField(label=gettext_lazy("record id"))
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    ends_on = forms.DateField(label=gettext_lazy("ends on"), widget=forms.DateInput(attrs={"type": "date"}))


@officer_only
@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    """The holds in force and the latest ended ones; the form to place one (prefilled from
    `?kind=&object_id=`, e.g. from the lookup)."""
    if request.method == "POST":
        form = HoldForm(request.POST)
        if form.is_valid():
            try:
                legal_hold_place(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The legal hold is in place."))
                return redirect("privacy_holds:list")
    else:
        initial = {k: request.GET.get(k, "") for k in ("kind", "object_id")}
        initial["ends_on"] = timezone.localdate() + dt.timedelta(days=365)
        form = HoldForm(initial=initial)
    return render(
        request,
        "privacy/holds.html",
        {"form": form, **holds_for_office(), "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@officer_only
@require_POST
def hold_lift(request: HttpRequest, hold_id: str) -> HttpResponse:
    hold = get_hold_for_officer(request.user, hold_id)
    legal_hold_lift(hold=hold, actor=request.user)
    messages.success(request, _("The legal hold has ended."))
    return redirect("privacy_holds:list")
