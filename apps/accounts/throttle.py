"""Limiting failed logins per IP address, for the login pages (password guessing).

The API's token endpoint has DRF's throttle; these pages use the same cache.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from apps.core.net import client_ip

WINDOW_SECONDS = 60


def _key(request: HttpRequest) -> str:
    return f"login-failures:{client_ip(request) or 'unknown'}"


def login_blocked(request: HttpRequest) -> bool:
    return (cache.get(_key(request)) or 0) >= settings.LOGIN_ATTEMPTS_PER_MINUTE


def login_failed(request: HttpRequest) -> None:
    key = _key(request)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS)
