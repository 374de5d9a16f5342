from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import Role
from apps.accounts.throttle import account_blocked, account_failed, login_blocked, login_failed, remember_device
from apps.accounts.tokens import api_token_revoke, api_tokens_of
from apps.assignments.selectors import assignment_list
from apps.core.access import AssignmentPerm


class ThrottledLoginMixin:
    """Refuse with 429 after too many failed logins from one address in a minute, or while
    the account typed waits out its back-off (apps.accounts.throttle)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if login_blocked(request) or account_blocked(request, request.POST.get("username")):
            return render(request, "accounts/too_many_attempts.html", status=429)
        return super().post(request, *args, **kwargs)  # type: ignore[misc]

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)  # type: ignore[misc]
        remember_device(self.request, response, form.get_user().get_username())  # type: ignore[attr-defined]
        return response

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        login_failed(self.request)  # type: ignore[attr-defined]
        account_failed(self.request, self.request.POST.get("username"))  # type: ignore[attr-defined]
        return super().form_invalid(form)  # type: ignore[misc]


class LoginView(ThrottledLoginMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of each role (SPEC §1)."""
    user = request.user
    context: dict = {"role": user.role}
    if user.role == Role.AGENT:
        # No counts for agents: they never get a view of the database (R-NTK-2).
        context["assignments"] = assignment_list(user=user, perm=AssignmentPerm.WORK, with_counts=False)
    elif user.role in (Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR):
        context["assignments"] = assignment_list(user=user)
    return render(request, "accounts/home.html", context)


@require_GET
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens (issue 15 #8): when made, last used and ending; revocable."""
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens_of(user=request.user), "lifetime": settings.API_TOKEN_LIFETIME_DAYS},
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    api_token_revoke(actor=request.user, token_id=token_id)  # 404 unless it is the user's own
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@require_POST
@login_required
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning banner's "stay logged in": a request is activity (SessionTimeoutMiddleware)."""
    return HttpResponse(status=204)
