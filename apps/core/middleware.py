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
