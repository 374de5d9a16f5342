"""Two-factor authentication (R-SEC-1, issue 15 #7), on django-otp.

Who: administrators, supervisors and board members (privacy officers are one of these)
must verify every session with a code before anything else opens; agents too when
`OTP_REQUIRED_FOR_AGENTS` is on. Everyone else (agents by default, client users) may enrol
by choice from their account page; once they have, their sessions must be verified too.

How: a TOTP device (django-otp's `TOTPDevice`: the authenticator app, enrolled by scanning
a QR code or typing its secret) and a set of one-time recovery codes (django-otp's
`StaticDevice`: each code is deleted when used). A session is verified when django-otp's
`login()` put the device in it; `django_otp.middleware.OTPMiddleware` loads that device on
each request (one query by primary key, and none at all for a session that names no
device, e.g. an agent's), so a reset or deleted device unverifies every session at once.
`apps.accounts.middleware.TwoFactorMiddleware` sends a session that must be verified and is
not to the enrolment or the verify page and refuses everything else (pages, admin, API
with the session; 403 JSON under /api/).

API tokens: the token endpoint asks those who must use 2FA for a current code
(`otp_code`) besides their password, and a token belongs to the policy it was made under
(`apps.accounts.tokens._fingerprint`): a token made without a code ends when its owner
comes under the rule (a new role, agents switched on).

Wrong codes: django-otp doubles a device's wait after each failure (1, 2, 4 … s), and
`OTP_FAILURES_PER_WINDOW` failures per account in `OTP_FAILURE_WINDOW` refuse further
tries with 429 (counted by apps.core.ratelimit: Redis, or the database while it is away).

Every enrolment, verification (and failure), new set of recovery codes, removal and reset
is written to the change log (auditlog, on the user, with the actor) and the log.
"""

from __future__ import annotations

import base64
import logging
from functools import partial
from typing import Any

import segno
from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role, User
from apps.core import ratelimit

logger = logging.getLogger(__name__)

# Roles that open personal data in bulk (SPEC §9 R-SEC-1). The privacy officer is an
# administrator or a board member, so is covered; checked on its own too, in case.
ENFORCED_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.BOARD})
# A session of a user who chose 2FA (not required by role): verify it (set at login).
PENDING_SESSION_KEY = "_lh_otp_pending"
TOTP_DEVICE_NAME = "Authenticator"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TooManyAttempts(Exception):
    """The account used up its wrong codes for now (OTP_FAILURES_PER_WINDOW)."""


# --- policy (no queries) ------------------------------------------------------------------
def two_factor_required(user: Any) -> bool:
    """Whether the role of `user` must use two-factor authentication (no query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user.role in ENFORCED_ROLES
        or user.is_privacy_officer
        or (user.role == Role.AGENT and settings.OTP_REQUIRED_FOR_AGENTS)
    )


def session_verified(request: HttpRequest) -> bool:
    """This session was verified with a device that still exists (OTPMiddleware)."""
    return getattr(request.user, "otp_device", None) is not None


def session_must_verify(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or session_verified(request):
        return False
    return two_factor_required(user) or bool(request.session.get(PENDING_SESSION_KEY))


def mark_session_at_login(sender: type, request: HttpRequest, user: User, **kwargs: object) -> None:
    """user_logged_in: a user who chose 2FA (their role does not require it) must verify
    this session too. One query at login, none per request; roles that require it are
    decided by role alone (fail closed, whatever the session holds)."""
    if hasattr(request, "session") and not two_factor_required(user) and has_two_factor(user):
        request.session[PENDING_SESSION_KEY] = True


# --- reads --------------------------------------------------------------------------------
def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it typed, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code: an SVG in a data: URI (the CSP allows img-src data:;
    no script, no third party sees the secret)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, dark="#111")


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# --- the change log -------------------------------------------------------------------------
def _event(user: User, event: str, *, actor: User | None = None, **data: object) -> None:
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE if event not in ("verified", "failed") else LogEntry.Action.ACCESS,
        changes={"two_factor": ["", event]},
        actor=actor or user,
        additional_data={"two_factor": event, **data},
    )
    logger.info("two-factor %s: user %s (by %s)", event, user.pk, (actor or user).pk)


# --- throttle ----------------------------------------------------------------------------
def _failures_key(user: User) -> str:
    return f"otp-failures:{user.pk}"


def code_entry_blocked(user: User) -> bool:
    return ratelimit.count(_failures_key(user), window=settings.OTP_FAILURE_WINDOW) >= settings.OTP_FAILURES_PER_WINDOW


def _failed(user: User, *, where: str) -> None:
    ratelimit.hit(_failures_key(user), window=settings.OTP_FAILURE_WINDOW)
    _event(user, "failed", where=where)


def device_waiting(device: Device | None) -> bool:
    """django-otp's own back-off: the device refuses any code for a moment after a wrong one."""
    return device is not None and not device.verify_is_allowed()[0]


# --- services ------------------------------------------------------------------------------
def _verify(user: User, device: Device | None, code: str, *, where: str) -> bool:
    """Check `code` against `device` (django-otp: in a transaction, the device locked, the
    code consumed). Counts a failure; raises TooManyAttempts when the account is blocked."""
    if code_entry_blocked(user):
        raise TooManyAttempts
    if device is not None and verify_token(user, device.persistent_id, code) is not None:
        return True
    _failed(user, where=where)
    return False


def _start_verified_session(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)  # as django-otp does: the device's persistent id in the session
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.cycle_key()  # a new session id for the raised privilege (session fixation)


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one per user, kept until confirmed, so a
    reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device being enrolled with a code from the app: the session is verified
    and a new set of recovery codes is returned (shown once). None for a wrong code."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise Http404
    if not _verify(user, device, _normalise(code), where="enrolment"):
        return None
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other device (an older enrolment) goes: one authenticator per account.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _recovery_codes_replace(user)
        _event(user, "enrolled")
    _start_verified_session(request, device)
    return codes


def code_check(*, user: User, code: str, where: str) -> Device | None:
    """Check a current code of the authenticator app (six digits) or one of the recovery
    codes (used up by this) of `user`. Returns the device that accepted it, or None;
    raises TooManyAttempts while the account is blocked."""
    code = _normalise(code)
    if code.isdigit() and len(code) == 6:
        device: Device | None = totp_device_of(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device_waiting(device):
        return None
    if not _verify(user, device, code, where=where):
        return None
    _event(user, "verified", where=where, method="recovery_code" if isinstance(device, StaticDevice) else "totp")
    return device


def session_verify(*, request: HttpRequest, code: str) -> Device | None:
    """The verify step after the password: the session is verified by a good code."""
    device = code_check(user=request.user, code=code, where="login")
    if device is not None:
        _start_verified_session(request, device)
    return device


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_DEVICE_NAME})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return [format_recovery_code(code) for code in codes]


def recovery_codes_regenerate(*, user: User, code: str) -> list[str] | None:
    """A new set of recovery codes (the old ones end), against a current code of the
    authenticator app. None for a wrong code."""
    if not _verify(user, totp_device_of(user), _normalise(code), where="recovery_codes"):
        return None
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        _event(user, "recovery_codes_replaced")
    return codes


@transaction.atomic
def _devices_delete(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # with its codes (CASCADE)


def two_factor_disable(*, request: HttpRequest, code: str) -> bool:
    """A user whose role does not require 2FA turns it off, against a current code."""
    user = request.user
    if two_factor_required(user):
        raise Http404
    if not _verify(user, totp_device_of(user), _normalise(code), where="disable"):
        return False
    _devices_delete(user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    _event(user, "removed")
    return True


# --- resets by an administrator or the board ---------------------------------------------
def users_for_reset(actor: User) -> QuerySet[User]:
    """The accounts whose 2FA `actor` may reset (SPEC §9: only the board manages board and
    privacy-officer accounts): administrators every other account but those; board members
    board and privacy-officer accounts. Nobody resets their own (they would lose nothing
    but the second factor)."""
    board_managed = Q(role=Role.BOARD) | Q(is_privacy_officer=True)
    users = User.objects.exclude(pk=actor.pk)
    if actor.role == Role.BOARD and actor.has_confidentiality_agreement:
        users = users.filter(board_managed)
    elif actor.role == Role.ADMINISTRATOR and actor.has_confidentiality_agreement:
        users = users.exclude(board_managed)
    else:
        return User.objects.none()
    return users.annotate(
        two_factor_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).order_by("username")


def get_user_for_reset(actor: User, user_id: int) -> User:
    """404 for an account outside the actor's reach, as for one that does not exist."""
    user = users_for_reset(actor).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def two_factor_reset(*, actor: User, user: User) -> User:
    """Remove the user's authenticator and recovery codes (a lost phone): their verified
    sessions end being verified at their next request, their API tokens end, and at their
    next login they enrol again (or, if their role does not require it, simply log in)."""
    from apps.accounts.tokens import api_tokens_end

    if not users_for_reset(actor).filter(pk=user.pk).exists():
        raise Http404
    from apps.accounts.guards import TWO_FACTOR_RESET, GuardedChange, board_notify, is_guarded

    with transaction.atomic():
        _devices_delete(user)
        api_tokens_end(user=user)
        _event(user, "reset", actor=actor)
        if is_guarded(role=user.role, is_privacy_officer=user.is_privacy_officer):
            # A board or privacy-officer account's second factor: the whole board is told,
            # as of any other change to such an account (SPEC §9, R-SEC-1).
            change = GuardedChange(False, (TWO_FACTOR_RESET,), {}, {}, actor.pk)
            transaction.on_commit(partial(board_notify, user_id=user.pk, change=change))
    return user
