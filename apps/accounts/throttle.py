"""Limiting failed logins per IP address, for the login pages (password guessing).

The API's token endpoint has DRF's throttle; both count through apps.core.ratelimit
(Redis, or the database while Redis is away: logging in keeps working and keeps its limit).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from apps.core import ratelimit
from apps.core.net import client_ip

WINDOW_SECONDS = 60


def _key(request: HttpRequest) -> str:
    return f"login-failures:{client_ip(request) or 'unknown'}"


def login_blocked(request: HttpRequest) -> bool:
    return ratelimit.count(_key(request), window=WINDOW_SECONDS) >= settings.LOGIN_ATTEMPTS_PER_MINUTE


def login_failed(request: HttpRequest) -> None:
    ratelimit.hit(_key(request), window=WINDOW_SECONDS)
