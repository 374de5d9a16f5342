from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from apps.core.outage import is_outage, outage_response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an uncaught exception that says PostgreSQL or Redis is away (raised in a
    middleware, where ServiceOutageMiddleware cannot see it) answers 503 (R-JOB-1)."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        return outage_response(request, exc)
    return defaults.server_error(request)
