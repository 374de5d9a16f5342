from __future__ import annotations

import ipaddress

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


def ip_bucket(ip: str | None) -> str:
    """The address a per-IP limit counts: an IPv6 address by its /64 (one subscriber's
    network hands out many addresses, so counting each would let one caller rotate through
    2^64 of them), an IPv4 address (also IPv4-mapped IPv6) as it is."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def site_url(request: HttpRequest | None = None) -> str:
    """The base address for links we email (no trailing slash).

    A link emailed in answer to a request points where the user actually is — the address
    they opened, so `dev.py run --port N` and a second hostname both give working links —
    but only when that host is named exactly in ALLOWED_HOSTS (or in development): a
    wildcard would let anyone send our email with a link to a host of their choosing
    (host-header poisoning). Otherwise, and outside a request, SITE_URL.
    """
    if request is not None:
        try:
            host = request.get_host()  # validated against ALLOWED_HOSTS
        except Exception:  # DisallowedHost: never reached by a request the middleware let in
            host = ""
        named = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if host and (settings.DEBUG or named in settings.ALLOWED_HOSTS):
            return f"{request.scheme}://{host}"
    return settings.SITE_URL.rstrip("/")
