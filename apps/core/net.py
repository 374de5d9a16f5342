from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's IP address as our own infrastructure saw it.

    Behind our TLS proxy, the proxy appends the address it accepted the connection from
    to X-Forwarded-For: that last entry is the one to trust. Entries before it are
    whatever the caller sent and are ignored. Without the proxy the header is ignored.
    """
    if request is None:
        return None
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None
