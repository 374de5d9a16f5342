"""Two-factor authentication for tests (R-SEC-1): an explicit way to be a verified session.

Staff of the roles that must use 2FA reach nothing until their session is verified
(apps.accounts.middleware.TwoFactorMiddleware). A test that is about something else logs
such a user in *and* verifies the session the way django-otp's `login()` does (the
confirmed device's persistent id in the session): `verify_session(http, user)`, which
`World.client_for` does for every role that needs it. Tests of the enforcement itself use
`World.client_for(role, verified=False)`.
"""

from __future__ import annotations

import time

from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.twofactor import TOTP_DEVICE_NAME


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator (made if they have none): "given they enrolled"."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


def totp_code(device: TOTPDevice | None = None, *, key: bytes | None = None, at: float | None = None) -> str:
    """The code an authenticator app shows now for `device` (or a raw `key`), as RFC 6238
    computes it. A device's code of a time step it already accepted is refused (django-otp
    keeps `last_t`), so the next step's code is given then: it is within the tolerance."""
    if device is not None:
        device.refresh_from_db()
        key = device.bin_key
    assert key is not None
    totp = TOTP(key, step=30, digits=6)
    totp.time = at if at is not None else time.time()
    if device is not None and totp.t() <= device.last_t:
        totp.time += 30 * (device.last_t + 1 - totp.t())
    return f"{totp.token():06d}"


def verify_session(http: HttpClient, user: User) -> TOTPDevice:
    """Mark the test client's (logged-in) session verified with the user's authenticator,
    as django_otp.login() does after a good code."""
    device = totp_device(user)
    session = http.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def log_in_verified(user: User, http: HttpClient | None = None) -> HttpClient:
    """force_login, then verify the session if the user's role needs 2FA."""
    from apps.accounts.twofactor import two_factor_required

    http = http or HttpClient()
    http.force_login(user)
    if two_factor_required(user):
        verify_session(http, user)
    return http
