"""API tokens (R-SEC-1, issue 15 #8): made by the token endpoint, hashed at rest, ended by
a password change, by deactivation and by their lifetime (`API_TOKEN_LIFETIME_DAYS`);
each user sees and revokes only their own."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from apps.accounts.models import ApiToken, User
from apps.core.prepared import columns, from_row, prepared_cursor

# Writes of last_used_at at most this often per token: not one UPDATE per API call.
_LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def _hash(key: str) -> str:
    # A plain SHA-256 suffices: the key is 256 random bits, nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def _fingerprint(user: User) -> str:
    # Changes with the password hash (as Django's session auth hash does), and when the user
    # comes under two-factor authentication (a new role, agents switched on): a token made
    # without a second factor then ends (R-SEC-1; the token endpoint asks for the code).
    from apps.accounts.twofactor import two_factor_required

    value = user.password + ("|2fa" if two_factor_required(user) else "")
    return salted_hmac("apps.accounts.tokens", value, algorithm="sha256").hexdigest()


def api_token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its key (shown this once, never stored)."""
    ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
    key = secrets.token_hex(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:8],
        password_fingerprint=_fingerprint(user),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    return token, key


def api_token_user(*, key: str) -> User | None:
    """The active user whose valid token `key` is, or None."""
    with prepared_cursor() as cursor:  # on every API call: parsed and planned once per connection
        cursor.execute(_token_sql(), {"key_hash": _hash(key)})
        row = cursor.fetchone()
    if row is None:
        return None
    token, user = from_row((ApiToken, User), row)
    token.user = user
    now = timezone.now()
    if (
        not user.is_active
        or token.expires_at <= now
        or not constant_time_compare(token.password_fingerprint, _fingerprint(user))
    ):
        token.delete()  # ended for good: a later password change back must not revive it
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@functools.cache
def _token_sql() -> str:
    """The token with its user, by the key's hash (made once per process)."""
    return f"""SELECT {columns(("t", ApiToken), ("u", User))} FROM accounts_apitoken t
                     JOIN accounts_user u ON u.id = t.user_id WHERE t.key_hash = %(key_hash)s"""  # noqa: S608


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens that still work (never anyone else's)."""
    return ApiToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), password_fingerprint=_fingerprint(user)
    ).order_by("-created_at")


def api_token_revoke(*, actor: User, token_id: object) -> None:
    """Revoke one of the actor's own tokens; another user's token is 404, as a missing one."""
    deleted, _rows = ApiToken.objects.filter(user=actor, pk=token_id).delete()
    if not deleted:
        raise Http404


def api_tokens_end(*, user: User) -> int:
    """End every token of `user` (deactivation, and any explicit sign-out of the API)."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


def end_tokens_of_inactive_user(sender: type, instance: User, **kwargs: object) -> None:
    """post_save of User: a deactivated user's tokens are deleted, so that reactivating the
    account does not revive them (whatever path deactivated it: admin, service, shell)."""
    if not instance.is_active:
        api_tokens_end(user=instance)
