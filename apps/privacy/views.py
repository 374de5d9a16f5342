"""The privacy pages (SPEC R-DSR-1, R-DSR-2; policy §7).

Public, no login: the privacy statement, the request form and the confirmation link.
The privacy officer's: the dashboard of requests by deadline, one request, and its actions
(404 for everyone else, anonymous visitors to the login). Every officer view is access-logged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.core.access import get_confirmed_request_for_officer, require_privacy_officer
from apps.core.errors import ServiceError
from apps.core.net import client_ip, site_url
from apps.privacy import selectors, services
from apps.privacy.forms import AnswerForm, RefuseForm, RequestForm
from apps.privacy.models import DataSubjectRequest, RequestKind


def _periods() -> dict[str, Any]:
    periods = settings.LEADHUNTER_PERIODS
    return {**periods, "REQUEST_LEGAL_MAX_MONTHS": settings.REQUEST_LEGAL_MAX_MONTHS}


# --- Public pages (R-DSR-1) -------------------------------------------------------------
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    from apps.privacy import statement as text

    return render(
        request,
        "privacy/statement.html",
        {
            "periods": _periods(),
            "contact": services.contact(),
            "version": text.STATEMENT_VERSION,
            "dated": text.STATEMENT_DATE,
            "cookies": text.cookies(),
        },
    )


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "privacy/too_many.html", status=429)
    response["Retry-After"] = str(services.HOUR)  # the limits are per hour
    return response


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    """The same answer for everyone: the form never looks anybody up (R-DSR-1)."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_submit(
                data=form.cleaned_request,
                ip=client_ip(request),
                honeypot=form.cleaned_data.get("website", ""),
                language=getattr(request, "LANGUAGE_CODE", "nl"),
                site=site_url(request),
            )
        except services.TooManyRequests:
            return too_many(request)
        return render(request, "privacy/request_received.html", {"periods": _periods()})
    return render(request, "privacy/request_form.html", {"form": form, "periods": _periods()})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, request_id: UUID, token: str) -> HttpResponse:
    """GET shows one button and changes nothing (mail scanners prefetch links); POST confirms."""
    try:
        if request.method == "POST":
            dsr = services.request_confirm(request_id=request_id, token=token)
            return render(request, "privacy/confirmed.html", {"dsr": dsr, "periods": _periods()})
        dsr = services.request_for_token(request_id=request_id, token=token)
    except services.LinkRefused as refused:
        return render(request, "privacy/link_refused.html", {"reason": refused.reason}, status=refused.status)
    # What is being confirmed, so that the mailbox owner sees whose request this is.
    return render(request, "privacy/confirm.html", {"dsr": dsr, "periods": _periods()})


# --- The privacy officer's pages (R-DSR-2, R-DSR-3) ----------------------------------------
def officer_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first (anonymous: to the login page), then 404 for everyone but privacy officers."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_privacy_officer(request.user)
        return view(request, *args, **kwargs)

    return wrapped


REQUESTS_PAGE_SIZE = 50


def _days_left(dsr: DataSubjectRequest, today: Any) -> int | None:
    if dsr.due_at is None:
        return None
    return (timezone.localtime(dsr.due_at).date() - today).days


@officer_only
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    show = "closed" if request.GET.get("show") == "closed" else "open"
    # A page at a time (issue 16 #6): a thousand open requests made a 344 KB page.
    page = Paginator(selectors.requests_for_dashboard(user=request.user, show=show), REQUESTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    requests = list(page.object_list)
    access_log_bulk(  # the requests this page shows
        actor=request.user,
        action=AccessAction.LIST,
        model=DataSubjectRequest,
        object_ids=[r.pk for r in requests],
        request=request,
    )
    now = timezone.now()
    today = timezone.localdate(now)
    rows = [
        {"dsr": r, "days_left": _days_left(r, today), "overdue": r.due_at is not None and r.due_at <= now}
        for r in requests
    ]
    context = {"rows": rows, "show": show, "page": page, "counts": selectors.request_counts(user=request.user)}
    return render(request, "privacy/requests.html", context)


def _detail(request: HttpRequest, dsr: DataSubjectRequest, **forms: Any) -> HttpResponse:
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=dsr, request=request)
    now = timezone.now()
    context = {
        "dsr": dsr,
        "days_left": _days_left(dsr, timezone.localdate(now)),
        "overdue": dsr.status == "open" and dsr.due_at is not None and dsr.due_at <= now,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "kinds": RequestKind,
    }
    return render(request, "privacy/request_detail.html", context, status=200)


@officer_only
@require_GET
def request_detail(request: HttpRequest, request_id: UUID) -> HttpResponse:
    return _detail(request, get_confirmed_request_for_officer(request.user, request_id))


@officer_only
@require_POST
def request_take(request: HttpRequest, request_id: UUID) -> HttpResponse:
    dsr = get_confirmed_request_for_officer(request.user, request_id)
    try:
        services.request_take(dsr=dsr, actor=request.user)
    except ServiceError:
        pass  # closed already: the page shows it
    else:
        messages.success(request, _("You are now handling this request."))
    return redirect("privacy:request-detail", request_id=dsr.pk)


def _close(request: HttpRequest, request_id: UUID, form_class: type, field: str, service: Callable) -> HttpResponse:
    """Answer or refuse; a refusal of the service (empty text, closed already) is a form error."""
    dsr = get_confirmed_request_for_officer(request.user, request_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(dsr=dsr, actor=request.user, **{field: form.cleaned_data[field]})
        except ServiceError as exc:
            if hasattr(exc, "error_dict"):
                for message in exc.message_dict.get(field, []):
                    form.add_error(field, message)
            else:
                form.add_error(None, exc)
        else:
            return redirect("privacy:request-detail", request_id=dsr.pk)
    dsr.refresh_from_db()
    return _detail(request, dsr, **{f"{'answer' if field == 'outcome' else 'refuse'}_form": form})


@officer_only
@require_POST
def request_answer(request: HttpRequest, request_id: UUID) -> HttpResponse:
    return _close(request, request_id, AnswerForm, "outcome", services.request_answer)


@officer_only
@require_POST
def request_refuse(request: HttpRequest, request_id: UUID) -> HttpResponse:
    return _close(request, request_id, RefuseForm, "reason", services.request_refuse)
