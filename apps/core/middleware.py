from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class DutchFirstLocaleMiddleware:
    """Dutch unless the user chose English with the language switch (the cookie it sets).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers
    ask for English: the interface must be Dutch by default whatever the browser says.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ServiceOutageMiddleware:
    """A view that meets PostgreSQL or Redis away answers 503 with Retry-After, not 500
    (R-JOB-1). Failures inside the middleware (the session, the user) reach handler500,
    which answers the same (apps.core.views.server_error)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from apps.core.outage import is_outage, outage_response

        return outage_response(request, exception) if is_outage(exception) else None


# R-SEC-2: the policy every response carries. Everything the pages run or style comes from
# our own origin as files (static/): no inline script or style, no eval, so an injected
# `<script>` or `onerror=` does nothing. img-src allows data: for the small icons Django's
# admin and Swagger UI draw as data URLs; base-uri and form-action stop an injected <base>
# or <form> from sending a page's data elsewhere; frame-ancestors replaces X-Frame-Options.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
# No page uses a device or payment feature: refuse them all, for us and any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "hid",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and `Cache-Control: no-store` on every
    response (R-SEC-2), whatever produced it (a view, the admin, the API, a redirect, an
    error page, a 503 of ServiceOutageMiddleware): it is the outermost middleware, so no
    view can forget them. No view may loosen the policy: there is no opt-out.

    no-store covers every response but the static files: any page may show personal data
    (even the public privacy statement names the logged-in user in its header), so a
    narrower rule would be one forgotten view away from a cached client database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if not request.path.startswith(self.static_prefix):
            # Replaces any weaker value a view set (never_cache's max-age=0, private, ...).
            response.headers["Cache-Control"] = "no-store"
        return response
