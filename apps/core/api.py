"""DRF plumbing shared by every API view: authentication that tells auditlog who acted,
the confidentiality gate, and errors that are messages, never 500s."""

from __future__ import annotations

import logging
from typing import Any

from auditlog.context import auditlog_value
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, permissions, serializers
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from apps.core import ratelimit
from apps.core.net import client_ip, ip_bucket

logger = logging.getLogger(__name__)


def _tell_auditlog(result: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    """auditlog's middleware ran before DRF authenticated the request, so its actor is
    empty for token requests; fill it in now."""
    if result is not None:
        try:
            context = auditlog_value.get()
        except LookupError:
            pass
        else:
            context["actor"] = result[0]
    return result


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):  # type: ignore[override]
        return _tell_auditlog(super().authenticate(request))


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` against apps.accounts.tokens (hashed keys that end with
    a password change, deactivation or their lifetime), not DRF's clear-text Token table."""

    def authenticate(self, request):  # type: ignore[override]
        return _tell_auditlog(super().authenticate(request))

    def authenticate_credentials(self, key: str):  # type: ignore[no-untyped-def, override]
        from apps.accounts.tokens import api_token_user

        user = api_token_user(key=key)
        if user is None:
            raise drf_exceptions.AuthenticationFailed(gettext("Invalid or expired token."))
        return (user, None)


class HasConfidentialityAgreement(permissions.BasePermission):
    """R-NTK-5: staff without a signed confidentiality agreement open no client data."""

    message = _("Your confidentiality agreement is not on record. Ask an administrator to register it.")

    def has_permission(self, request, view) -> bool:  # type: ignore[override]
        user = request.user
        return bool(user and user.is_authenticated and user.has_confidentiality_agreement)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Business-rule errors (ServiceError, Django's ValidationError) become 400 with their
    message; everything else as DRF does it. A ValueError or TypeError that a service raises
    on input the serializer let through is answered 400 too (R-SEC-4: bad input never gets a
    500), but logged with its traceback as an error: it means a serializer is too lax, and
    that is to be fixed there, not hidden here."""
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, (ValueError, TypeError)) and _is_bad_input(context):
        view = context.get("view")
        logger.error("Input the serializer let through failed in %s", type(view).__name__, exc_info=exc)
        exc = drf_exceptions.ValidationError({"detail": [gettext("Some values could not be used. Check them.")]})
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    # Imported here: rest_framework.views imports the authentication classes above.
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


def _is_bad_input(context: dict[str, Any]) -> bool:
    """Only requests that carry input can have bad input: a ValueError while answering a
    plain read is a bug and stays a 500."""
    request = context.get("request")
    return request is not None and request.method in {"POST", "PUT", "PATCH"}


class SharedFields:
    """For output serializers whose fields depend on their class alone (no context, no
    arguments, no per-instance state): their bound fields are built once per class and
    shared by every instance. DRF deep-copies every declared field for every instance, and
    again at every level of nesting: on "next" (issue 16 #2) that copying cost more than the
    serializing. Reading is all a shared field does (`to_representation`), so sharing is
    safe across requests and threads. Never for a serializer that reads its context (the
    audience of `PersonOutput`) or takes input.
    """

    @property
    def fields(self):  # type: ignore[no-untyped-def]
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            # Built on a template without context, so that no request is kept alive by it.
            template = cls()
            shared = super(SharedFields, template).fields  # DRF's own construction, once
            cls._shared_fields = shared
        return shared


class StrictInput(serializers.Serializer):
    """An input serializer that refuses fields it does not know (400) instead of dropping
    them: a misspelt or unsupported field (`legal_basis` where it cannot be set) must not
    look saved to the caller (issue 11 #8)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and (unknown := set(data) - set(self.fields)):
            raise drf_exceptions.ValidationError(
                {"non_field_errors": [gettext("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}]}
            )
        return super().to_internal_value(data)


class BoundedDictField(serializers.DictField):
    """A flat object of named values with a bound on its size and on its keys' length: a
    DictField alone takes any number of keys of any length (R-SEC-4)."""

    def __init__(self, *, max_items: int, max_key_length: int, **kwargs: Any) -> None:
        self.max_items, self.max_key_length = max_items, max_key_length
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            if len(data) > self.max_items:
                raise drf_exceptions.ValidationError(gettext("At most %(max)s entries.") % {"max": self.max_items})
            if any(len(str(key)) > self.max_key_length for key in data):
                raise drf_exceptions.ValidationError(
                    gettext("A name has at most %(max)s characters.") % {"max": self.max_key_length}
                )
        return super().to_internal_value(data)


class ScopedThrottle(ScopedRateThrottle):
    """DRF's scoped rates (`throttle_scope`, DEFAULT_THROTTLE_RATES) as fixed windows counted
    by apps.core.ratelimit, so that the token endpoint keeps its limit, and keeps working,
    while Redis is away (R-SEC-1, R-JOB-1)."""

    def allow_request(self, request, view) -> bool:  # type: ignore[no-untyped-def, override]
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.num_requests is None or self.duration is None:
            return True
        key = self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return ratelimit.hit(key, window=self.duration) <= self.num_requests

    def get_ident(self, request) -> str:  # type: ignore[no-untyped-def, override]
        # Our proxy's entry only, and an IPv6 address by its /64 (as the login pages count).
        return ip_bucket(client_ip(request))

    def wait(self) -> float | None:
        # A fixed window: at most its length (the exact rest would need another read).
        return float(self.duration) if self.duration else None
