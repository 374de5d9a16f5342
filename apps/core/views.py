from __future__ import annotations

import sys

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.views import defaults
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated

from apps.core.outage import is_outage, outage_response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an uncaught exception that says PostgreSQL or Redis is away (raised in a
    middleware, where ServiceOutageMiddleware cannot see it) answers 503 (R-JOB-1)."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return outage_response(request, exc)
    return defaults.server_error(request)


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API's documentation page. A logged-out visitor in a browser is sent to the login
    page and back, not shown a bare 401; the schema itself (`/api/schema/`) still answers
    401, as the API does."""

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, NotAuthenticated | AuthenticationFailed) and self.request.method == "GET":
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
