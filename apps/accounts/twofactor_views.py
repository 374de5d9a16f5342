"""The pages of two-factor authentication (R-SEC-1; apps.accounts.twofactor): enrolment,
the verify step after the password, one's own settings (new recovery codes, turning an
optional 2FA off) and the reset of another account's 2FA by an administrator or the board."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import twofactor
from apps.accounts.models import Role


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if url and safe else settings.LOGIN_REDIRECT_URL


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor/too_many_attempts.html", status=429)


def _codes_page(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    """The recovery codes, this once (never stored readable elsewhere than on this page):
    to download as a text file (a data: link, no second request) or print."""
    text = "\n".join(
        [_("Leadhunter recovery codes for %(user)s") % {"user": request.user.get_username()}, "", *codes, ""]
    )
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {"codes": codes, "download": "data:text/plain;charset=utf-8," + quote(text), "next": next_url},
    )


@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), confirm with a code from the app."""
    user = request.user
    if twofactor.has_two_factor(user):
        if twofactor.session_verified(request):
            return redirect("accounts:two-factor")
        return redirect("accounts:two-factor-verify")
    device = twofactor.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"])
        except twofactor.TooManyAttempts:
            return _too_many(request)
        if codes is not None:
            return _codes_page(request, codes, next_url=_next_url(request))
        form.add_error("code", _("This code is not valid. Check the time on your phone and enter the current code."))
    return render(
        request,
        "accounts/two_factor/setup.html",
        {
            "form": form,
            "qr": twofactor.totp_qr_data_uri(device),
            "secret": twofactor.totp_secret_text(device),
            "issuer": settings.OTP_ISSUER,
            "required": twofactor.two_factor_required(user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The step after the password: a code from the app, or a recovery code."""
    user = request.user
    if twofactor.session_verified(request):
        return redirect(_next_url(request))
    if not twofactor.has_two_factor(user):
        return redirect("accounts:two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.session_verify(request=request, code=form.cleaned_data["code"])
        except twofactor.TooManyAttempts:
            return _too_many(request)
        if device is not None:
            if device.persistent_id.startswith("otp_static."):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones on your two-factor page.")
                    % {"left": left},
                )
            return redirect(_next_url(request))
        form.add_error(
            "code", _("This code is not valid. If you just entered a wrong code, wait a few seconds and try again.")
        )
    return render(
        request,
        "accounts/two_factor/verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@require_GET
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """One's own two-factor settings."""
    user = request.user
    return render(
        request,
        "accounts/two_factor/manage.html",
        {
            "enrolled": twofactor.has_two_factor(user),
            "required": twofactor.two_factor_required(user),
            "codes_left": twofactor.recovery_codes_left(user),
            "form": CodeForm(),
        },
    )


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """A new set of recovery codes, against a current code of the app."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = twofactor.recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
        except twofactor.TooManyAttempts:
            return _too_many(request)
        if codes is not None:
            return _codes_page(request, codes, next_url=settings.LOGIN_REDIRECT_URL)
    messages.error(request, _("This code is not valid. No new recovery codes were made."))
    return redirect("accounts:two-factor")


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turn an optional 2FA off (not for roles that require it: 404), against a current code."""
    form = CodeForm(request.POST)
    if not twofactor.two_factor_required(request.user) and form.is_valid():
        try:
            done = twofactor.two_factor_disable(request=request, code=form.cleaned_data["code"])
        except twofactor.TooManyAttempts:
            return _too_many(request)
        if done:
            messages.success(request, _("Two-factor authentication is off."))
        else:
            messages.error(request, _("This code is not valid. Two-factor authentication stays on."))
        return redirect("accounts:two-factor")
    if twofactor.two_factor_required(request.user):
        raise Http404
    return redirect("accounts:two-factor")


def _may_reset(user) -> bool:  # type: ignore[no-untyped-def]
    return user.role in (Role.ADMINISTRATOR, Role.BOARD)


@require_GET
@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Administrators and the board: the accounts whose 2FA they may reset, with its state."""
    if not _may_reset(request.user):
        raise Http404
    queryset = twofactor.users_for_reset(request.user)
    query = request.GET.get("q", "").strip()[:150]
    if query:
        queryset = queryset.filter(username__icontains=query)
    queryset = queryset.only("pk", "username", "role", "is_privacy_officer")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/two_factor/users.html", {"page": page, "q": query})


@require_http_methods(["GET", "POST"])
@login_required
def reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """Confirm, then remove another account's authenticator and recovery codes."""
    if not _may_reset(request.user):
        raise Http404
    target = twofactor.get_user_for_reset(request.user, user_id)
    if request.method == "POST":
        twofactor.two_factor_reset(actor=request.user, user=target)
        messages.success(
            request,
            _("Two-factor authentication of %(user)s was reset; they enrol again at their next login.")
            % {"user": target.username},
        )
        return redirect("accounts:two-factor-users")
    return render(request, "accounts/two_factor/reset.html", {"target": target})
