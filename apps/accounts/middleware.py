from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

# Pages a staff member without an agreement may still reach: logging out, the language
# switch, the page that explains the block, and static files.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


class ConfidentialityAgreementMiddleware:
    """R-NTK-5: staff with no confidentiality agreement on record see a page that says so,
    whatever they ask for. (The API answers 403 through its own permission class, and the
    access layer shows such a user nothing in any case.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.has_confidentiality_agreement
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in (reverse("accounts:logout"), reverse("accounts:login"))
        ):
            return render(request, "accounts/no_agreement.html", status=403)
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Issue 15 #9: a session ends after a spell of inactivity and at a maximum age, on
    shared call-centre workstations above all. Staff: `STAFF_SESSION_IDLE_SECONDS` (30 min)
    idle, `STAFF_SESSION_MAX_AGE_SECONDS` (10 h) in all; client users:
    `CLIENT_SESSION_IDLE_SECONDS` idle, and the cookie's own age (SESSION_COOKIE_AGE).
    The times are kept in the session (server side), so a client cannot stretch them.
    Every request counts as activity. static/js/session-timeout.js warns
    `SESSION_IDLE_WARNING_SECONDS` before the idle end and can keep the session alive."""

    LAST = "_lh_last_activity"
    STARTED = "_lh_session_started"
    WRITE_EVERY = 30  # seconds: the idle time's precision

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def limits(user) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        from django.conf import settings

        if user.is_staff_member:
            return settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_AGE_SECONDS
        return settings.CLIENT_SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings
        from django.contrib.auth import logout
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        now = int(time.time())
        if user is not None and user.is_authenticated:
            idle, max_age = self.limits(user)
            last = request.session.get(self.LAST)
            started = request.session.get(self.STARTED)
            if (last is not None and now - last >= idle) or (started is not None and now - started >= max_age):
                logout(request)  # flushes the session
                if not request.path.startswith("/api/"):
                    response = redirect(f"{reverse('accounts:login')}?expired=1")
                    if request.headers.get("HX-Request"):
                        response["HX-Redirect"] = response["Location"]
                    return response
            else:
                # for the warning script (templates/accounts/idle_attributes.html)
                request.session_idle_seconds = idle  # type: ignore[attr-defined]
                request.session_idle_warning_seconds = min(  # type: ignore[attr-defined]
                    settings.SESSION_IDLE_WARNING_SECONDS, idle // 2
                )
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A session login only (a token call sets request.user too, but must get no session).
        if user is not None and user.is_authenticated and request.session.get(SESSION_KEY):
            request.session.setdefault(self.STARTED, now)
            last = request.session.get(self.LAST)
            if last is None or now - last >= self.WRITE_EVERY:  # not one session write per request
                request.session[self.LAST] = now
        return response


def session_times_start(sender: type, request: HttpRequest, user: object, **kwargs: object) -> None:
    """user_logged_in: the session's clock starts at login (not at its first page, which
    would cost that page a session write)."""
    import time

    if hasattr(request, "session"):
        now = int(time.time())
        request.session[SessionTimeoutMiddleware.STARTED] = now
        request.session[SessionTimeoutMiddleware.LAST] = now


# While a session still has to be verified, only these views answer (R-SEC-1): the 2FA
# pages themselves, logging out, the language switch and the session's keep-alive.
_TWO_FACTOR_OPEN_VIEWS = frozenset(
    {
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
        "accounts:logout",
        "accounts:session-keep-alive",
        "admin:logout",
        "set_language",
    }
)


class TwoFactorMiddleware:
    """R-SEC-1: a session that must be verified (apps.accounts.twofactor) and is not is sent
    to the enrolment page (no device yet) or the verify page, whatever it asks for: pages,
    the admin and the API with a session (403 JSON there). Decided by role for the roles
    that require it, so it costs no query; a session of an agent without a device costs
    none at all (OTPMiddleware only loads a device the session names)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:  # type: ignore[no-untyped-def]
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from apps.accounts.twofactor import has_two_factor, session_must_verify

        user = getattr(request, "user", None)
        if user is None or not session_must_verify(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _TWO_FACTOR_OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Verify this session with your two-factor code first.")},
                status=403,
            )
        url = reverse("accounts:two-factor-verify" if has_two_factor(user) else "accounts:two-factor-setup")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        response = redirect(url)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = url
        return response
