"""The privacy office's registers (R-REG-1, R-REG-2) and the read-only views of the
suppression list and the erasure ledger. Privacy officers only: everyone else gets 404,
the same as for a page that does not exist (anonymous visitors are sent to the login)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.audit.models import AccessAction
from apps.audit.services import access_log_record
from apps.core.access import (
    get_agreement_for_officer,
    get_breach_for_officer,
    get_subprocessor_for_officer,
    require_privacy_officer,
)
from apps.core.errors import ServiceError
from apps.core.private_files import private_path
from apps.registers import selectors, services
from apps.registers.forms import (
    AgreementForm,
    BreachClientNoticeForm,
    BreachForm,
    SubprocessorForm,
    SuppressionCheckForm,
)
from apps.registers.models import BreachClientNotice
from apps.registers.terms import exceeds, our_limit


def officers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first, then 404 for everyone but privacy officers, before anything else."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_privacy_officer(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _form_page(request: HttpRequest, form: Any, title: str, back: str, *, files: bool = False) -> HttpResponse:
    return render(request, "registers/form.html", {"form": form, "title": title, "back": back, "files": files})


def _save(form: Any, call: Callable[[], Any]) -> Any:
    """Run a service; a refusal becomes a form error, and nothing was written."""
    try:
        return call()
    except ServiceError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None


# --- Subprocessors (R-REG-1) --------------------------------------------------------
@officers_only
@require_GET
def subprocessor_list(request: HttpRequest) -> HttpResponse:
    subprocessors = list(selectors.subprocessor_list(user=request.user))
    return render(
        request,
        "registers/subprocessors.html",
        {
            "subprocessors": subprocessors,
            "excesses": selectors.excesses(subprocessors, timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@officers_only
@require_http_methods(["GET", "POST"])
def subprocessor_new(request: HttpRequest) -> HttpResponse:
    form = SubprocessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sub = _save(form, lambda: services.subprocessor_create(actor=request.user, **form.cleaned_data))
        if sub is not None:
            return redirect("registers:subprocessor", sub.pk)
    return _form_page(request, form, _("New subprocessor"), "registers:subprocessors")


@officers_only
@require_GET
def subprocessor_detail(request: HttpRequest, subprocessor_id: str) -> HttpResponse:
    subprocessor = get_subprocessor_for_officer(request.user, subprocessor_id)
    agreements = list(selectors.agreements_of(subprocessor=subprocessor))
    today = timezone.localdate()
    rows = []
    for agreement in agreements:
        terms = []
        for term in agreement.terms.all():
            limit = our_limit(term.category)
            terms.append({"term": term, "limit": limit, "exceeds": bool(limit and exceeds(term.term, limit))})
        rows.append({"agreement": agreement, "current": agreement.is_current(today), "terms": terms})
    return render(request, "registers/subprocessor.html", {"subprocessor": subprocessor, "agreements": rows})


@officers_only
@require_http_methods(["GET", "POST"])
def subprocessor_edit(request: HttpRequest, subprocessor_id: str) -> HttpResponse:
    subprocessor = get_subprocessor_for_officer(request.user, subprocessor_id)
    form = SubprocessorForm(request.POST or None, instance=get_subprocessor_for_officer(request.user, subprocessor_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(form, lambda: services.subprocessor_update(subprocessor=subprocessor, actor=request.user, **data)):
            return redirect("registers:subprocessor", subprocessor.pk)
    return _form_page(request, form, _("Edit subprocessor"), "registers:subprocessors")


@officers_only
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, subprocessor_id: str) -> HttpResponse:
    subprocessor = get_subprocessor_for_officer(request.user, subprocessor_id)
    form = AgreementForm(request.POST or None, request.FILES or None, subprocessor=subprocessor)
    if request.method == "POST" and form.is_valid():
        agreement = _save(
            form,
            lambda: services.agreement_create(
                subprocessor=subprocessor,
                actor=request.user,
                terms=form.terms(),
                document=form.cleaned_data.get("document"),
                **form.agreement_data(),
            ),
        )
        if agreement is not None:
            return redirect("registers:subprocessor", subprocessor.pk)
    return _form_page(request, form, _("New processor agreement"), "registers:subprocessors", files=True)


@officers_only
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: str) -> HttpResponse:
    agreement = get_agreement_for_officer(request.user, agreement_id)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        instance=get_agreement_for_officer(request.user, agreement_id),
        subprocessor=agreement.subprocessor,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.agreement_update(
                agreement=agreement,
                actor=request.user,
                terms=form.terms(),
                document=form.cleaned_data.get("document"),
                **form.agreement_data(),
            ),
        )
        if saved is not None:
            return redirect("registers:subprocessor", agreement.subprocessor_id)
    return _form_page(request, form, _("Edit processor agreement"), "registers:subprocessors", files=True)


@officers_only
@require_GET
def agreement_document(request: HttpRequest, agreement_id: str) -> FileResponse:
    """The signed agreement, as an attachment, for privacy officers only (never a media URL)."""
    agreement = get_agreement_for_officer(request.user, agreement_id)
    if not agreement.document_path:
        raise Http404
    path = private_path(agreement.document_path)
    if not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=agreement.document_name)


# --- Breaches (R-REG-2) ---------------------------------------------------------------
@officers_only
@require_GET
def breach_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    breaches = [(b, selectors.breach_clock(b, now)) for b in selectors.breach_list(user=request.user)]
    return render(request, "registers/breaches.html", {"breaches": breaches})


@officers_only
@require_http_methods(["GET", "POST"])
def breach_new(request: HttpRequest) -> HttpResponse:
    form = BreachForm(request.POST or None, initial={"discovered_at": timezone.localtime().replace(second=0)})
    if request.method == "POST" and form.is_valid():
        breach = _save(form, lambda: services.breach_create(actor=request.user, **form.cleaned_data))
        if breach is not None:
            return redirect("registers:breach", breach.pk)
    return _form_page(request, form, _("New breach"), "registers:breaches")


@officers_only
@require_GET
def breach_detail(request: HttpRequest, breach_id: str) -> HttpResponse:
    breach = get_breach_for_officer(request.user, breach_id)
    # Its free texts may describe persons: a consultation is logged like any other (R-LOG-1).
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=breach, request=request)
    now = timezone.now()
    notices = [
        (notice, selectors.notice_clock(notice, now))
        for notice in breach.client_notices.select_related("client", "recorded_by").order_by("client__name")
    ]
    return render(
        request,
        "registers/breach.html",
        {
            "breach": breach,
            "clock": selectors.breach_clock(breach, now),
            "clients": breach.clients.all(),
            "notices": notices,
            "inform_hours": settings.BREACH_CLIENT_INFORM_HOURS,
        },
    )


@officers_only
@require_http_methods(["GET", "POST"])
def breach_client_notice(request: HttpRequest, breach_id: str, notice_id: str) -> HttpResponse:
    """Record when and how an affected client was told of the breach (issue 14 #6)."""
    breach = get_breach_for_officer(request.user, breach_id)
    try:
        notice = breach.client_notices.select_related("client").get(pk=notice_id)
    except BreachClientNotice.DoesNotExist as exc:
        raise Http404 from exc
    initial = {"informed_at": timezone.localtime().replace(second=0, microsecond=0)} if not notice.informed_at else {}
    form = BreachClientNoticeForm(request.POST or None, instance=notice, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data.get(field) for field in services.NOTICE_FIELDS}
        if _save(form, lambda: services.breach_client_informed(notice=notice, actor=request.user, **data)):
            messages.success(request, _("Recorded how %(client)s was informed.") % {"client": notice.client.name})
            return redirect("registers:breach", breach.pk)
    title = _("Informing %(client)s of the breach") % {"client": notice.client.name}
    return _form_page(request, form, title, "registers:breaches")


@officers_only
@require_http_methods(["GET", "POST"])
def breach_edit(request: HttpRequest, breach_id: str) -> HttpResponse:
    breach = get_breach_for_officer(request.user, breach_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=breach, request=request)
    form = BreachForm(request.POST or None, instance=get_breach_for_officer(request.user, breach_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(form, lambda: services.breach_update(breach=breach, actor=request.user, **data)):
            return redirect("registers:breach", breach.pk)
    return _form_page(request, form, _("Edit breach"), "registers:breaches")


# --- Suppression list and erasure ledger (read-only) ----------------------------------
@officers_only
@never_cache
@require_http_methods(["GET", "POST"])
def suppression(request: HttpRequest) -> HttpResponse:
    """Counts of the suppression list, and the check "is this person on it?". The check is a
    POST, so the typed values never reach a URL, a server log or the browser history."""
    form = SuppressionCheckForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.suppression_check(actor=request.user, request=request, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
        # The page shows the answer, not the values: an empty form comes back.
        form = SuppressionCheckForm() if result is not None else form
    stats = selectors.suppression_stats(user=request.user, now=timezone.now())
    return render(request, "registers/suppression.html", {"stats": stats, "form": form, "result": result})


@officers_only
@require_GET
def erasure_ledger(request: HttpRequest) -> HttpResponse:
    stats = selectors.ledger_stats(user=request.user, now=timezone.now())
    records = selectors.ledger_record_counts(user=request.user)
    return render(request, "registers/ledger.html", {"stats": stats, "records": records})
