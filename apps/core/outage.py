"""A clear 503 while PostgreSQL or Redis is away (SPEC R-JOB-1, §6).

Only failures of the connection count: SQLSTATE class 08 (connection exception), 57P01–
57P03 (the server shutting down, crashed, or not yet accepting connections), psycopg's
connection errors (no SQLSTATE: refused, timed out, closed unexpectedly) and Django's
"connection already closed"; Redis's connection and timeout errors and the broker's. Any
other database error (a constraint, a statement timeout, a deadlock) is a bug or a rule and
stays a 500, so that it is seen.

The page is rendered without the request's context processors: the session, the user and
the messages all live in the database that is away.
"""

from __future__ import annotations

import logging

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_SHUTDOWN_STATES = frozenset({"57P01", "57P02", "57P03"})


def is_outage(exc: BaseException | None) -> bool:
    """True when `exc` says a backing service is unreachable, not that a query was wrong."""
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        cause = exc.__cause__
        if isinstance(cause, psycopg.Error):
            state = cause.sqlstate
            return state is None or state.startswith("08") or state in _SHUTDOWN_STATES
        return False
    return isinstance(exc, RedisConnectionError | RedisTimeoutError | BrokerError)


def _language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def outage_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, else the page templates/503.html."""
    logger.warning("503 for %s %s: %s", request.method, request.path, type(exc).__name__ if exc else "outage")
    language = _language(request)
    with translation.override(language):
        message = _("The service is briefly unavailable. Please try again in a moment.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            # No request: no context processors (session, user, messages need the database).
            html = get_template("503.html").render({"message": message, "LANGUAGE_CODE": language})
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response
