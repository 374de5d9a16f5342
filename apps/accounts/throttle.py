"""Limits on failed logins (password guessing, R-SEC-1), for the login page, the admin
login and the API's token endpoint. Everything counts through apps.core.ratelimit (Redis,
or the database while Redis is away: logging in keeps working and keeps its limits).

Two limits:

- per address: LOGIN_ATTEMPTS_PER_MINUTE failures per IP address a minute, an IPv6
  address counted by its /64 (one subscriber's network has 2^64 of them to rotate through);
- per account (the name typed, whether or not it exists, so the answer tells nothing about
  which accounts exist): the first LOGIN_ACCOUNT_FREE_FAILURES failures within
  LOGIN_ACCOUNT_WINDOW seconds are free; after each further one the account's login waits
  LOGIN_ACCOUNT_BACKOFF_BASE * 2^k seconds, at most LOGIN_ACCOUNT_BACKOFF_CAP. Rotating
  addresses no longer helps a guesser, and an attacker cannot lock the real user out for
  long: the wait is short (capped at minutes, not a lock that needs an administrator), and
  a browser the user has logged in with before (it holds our signed "known device" cookie
  for that account) is not held by the account's back-off at all, only by its address's
  limit. The user gets one email per window once the free failures are used up.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.core import ratelimit
from apps.core.net import client_ip, ip_bucket

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
KNOWN_DEVICE_COOKIE = "lh_known_device"
_KNOWN_DEVICE_SALT = "apps.accounts.throttle.known-device"
_KNOWN_DEVICE_MAX_AGE = 90 * 24 * 3600


# --- per address ------------------------------------------------------------------------
def _ip_key(request: HttpRequest) -> str:
    return f"login-failures:{ip_bucket(client_ip(request))}"


def login_blocked(request: HttpRequest) -> bool:
    return ratelimit.count(_ip_key(request), window=WINDOW_SECONDS) >= settings.LOGIN_ATTEMPTS_PER_MINUTE


def login_failed(request: HttpRequest) -> None:
    ratelimit.hit(_ip_key(request), window=WINDOW_SECONDS)


# --- per account ------------------------------------------------------------------------
def _account(username: str | None) -> str:
    # A keyed hash: the names typed (often a password typed in the wrong field) stay out
    # of Redis and of the counter table.
    normalised = (username or "").strip().casefold()
    return salted_hmac("apps.accounts.throttle.account", normalised, algorithm="sha256").hexdigest()[:32]


def _failures_key(account: str) -> str:
    return f"login-account-failures:{account}"


def backoff_seconds(failures: int) -> int:
    """The wait after the `failures`-th failure in the window (0 while they are free)."""
    over = failures - settings.LOGIN_ACCOUNT_FREE_FAILURES
    if over < 0:
        return 0
    return int(min(settings.LOGIN_ACCOUNT_BACKOFF_BASE * 2**over, settings.LOGIN_ACCOUNT_BACKOFF_CAP))


def _wait_key(account: str, failures: int) -> str:
    # One key per failure count: its window is that failure's wait, so the key's existence
    # is the wait (Redis expires it; the table's fixed windows end it at the latest then).
    return f"login-account-wait:{account}:{failures}"


def _is_known_device(request: HttpRequest, username: str | None) -> bool:
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return False
    try:
        accounts = signing.loads(value, salt=_KNOWN_DEVICE_SALT, max_age=_KNOWN_DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(accounts, list) and _account(username) in accounts


def account_blocked(request: HttpRequest, username: str | None) -> bool:
    """True while the account named `username` waits out its back-off, unless this browser
    has logged in to it before."""
    if not username or _is_known_device(request, username):
        return False
    account = _account(username)
    failures = ratelimit.count(_failures_key(account), window=settings.LOGIN_ACCOUNT_WINDOW)
    wait = backoff_seconds(failures)
    return bool(wait) and ratelimit.count(_wait_key(account, failures), window=wait) > 0


def account_failed(request: HttpRequest, username: str | None) -> None:
    if not username:
        return
    account = _account(username)
    failures = ratelimit.hit(_failures_key(account), window=settings.LOGIN_ACCOUNT_WINDOW)
    wait = backoff_seconds(failures)
    if wait:
        ratelimit.hit(_wait_key(account, failures), window=wait)
        if ratelimit.hit(f"login-account-notice:{account}", window=settings.LOGIN_ACCOUNT_WINDOW) == 1:
            _notify(username)


def _notify(username: str) -> None:
    """Tell the account's user, once per window, that someone keeps failing to log in."""
    user = get_user_model().objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "free": settings.LOGIN_ACCOUNT_FREE_FAILURES, "site": settings.SITE_URL}
        try:
            send_mail(
                _("Failed logins on your Leadhunter account"),
                render_to_string("accounts/email/failed_logins.txt", context),
                None,
                [user.email],
            )
        except OSError:  # the mail server is away: the limit still holds, only the notice is lost
            logger.exception("failed-login notice for user %s could not be sent", user.pk)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful login: this browser is known for this account from now on."""
    accounts: list = []
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if value:
        try:
            loaded = signing.loads(value, salt=_KNOWN_DEVICE_SALT, max_age=_KNOWN_DEVICE_MAX_AGE)
            accounts = loaded if isinstance(loaded, list) else []
        except signing.BadSignature:
            accounts = []
    account = _account(username)
    accounts = [a for a in accounts if a != account][-4:] + [account]  # a few accounts per browser
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(accounts, salt=_KNOWN_DEVICE_SALT),
        max_age=_KNOWN_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def too_many_attempts_message() -> str:
    return _("Too many failed logins. Please wait a minute and try again.")
