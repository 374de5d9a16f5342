"""The session and the logged-in user read from the cache (Redis), the database staying the
record (issue 16 #2: the agent's screen costs no session and no user query).

- Sessions: `SESSION_ENGINE = "apps.accounts.cached"`, Django's cached_db store (written
  to the database and the cache, read from the cache first) whose cache calls never fail a
  request: while Redis is away every read goes to the database, as before.
- The user: `CachedUserAuthenticationMiddleware` in place of Django's, reading the user of
  a ModelBackend session from the cache (`user_cached`). Every save or delete of a user
  forgets the cached copy (signals, `user_cache_forget` after QuerySet.update), so a
  deactivation, password change or role change counts on the next request.

Both keep their cache entries short (`CACHE_SECONDS`): a delete that failed while Redis was
away (a logout, a deactivation) cannot outlive it by more than that, even when Redis comes
back with an older copy. A restore of the database forgets them all
(`cache_generation_bump`). After a cache error reads skip the cache for
`PAUSE_SECONDS` in this process, so a Redis that hangs costs one timeout, not one per
request; writes and deletes are always tried.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
PAUSE_SECONDS = 5
_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_paused_until = 0.0


class _TolerantCache:
    """The default cache, whose errors are logged and answered as a miss."""

    def _call(self, name: str, *args: Any, default: Any = None, always: bool = False, **kwargs: Any) -> Any:
        global _paused_until
        # (A clock moved by a test may leave _paused_until far off: never more than a pause.)
        if not always and 0 < _paused_until - time.monotonic() <= PAUSE_SECONDS:
            return default
        try:
            return getattr(cache, name)(*args, **kwargs)
        except Exception:  # Redis away: the database answers
            _paused_until = time.monotonic() + PAUSE_SECONDS
            logger.warning("cache unavailable for sessions and users: the database answers", exc_info=True)
            return default

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default, default=default)

    # Writes are tried even while paused, as deletes: a change skipped would leave the
    # copy from before it to be read once the pause ends.
    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        self._call("set", key, value, timeout, always=True)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        return self._call("get_many", keys, default={})

    def set_forever(self, key: str, value: Any) -> None:
        self._call("set", key, value, None, always=True)

    def add(self, key: str, value: Any, timeout: Any = None) -> bool:
        return bool(self._call("add", key, value, min(timeout or CACHE_SECONDS, CACHE_SECONDS), default=False))

    def __contains__(self, key: str) -> bool:
        return bool(self._call("has_key", key, default=False))

    # Forgetting is tried even while paused: a copy left behind would outlive the change.
    def delete(self, key: str) -> None:
        self._call("delete", key, always=True)

    def delete_many(self, keys: list[str]) -> None:
        self._call("delete_many", keys, always=True)


tolerant_cache = _TolerantCache()

# Every entry is written under the cache's generation, read in the same round trip as the
# entry, and used only while it is still the generation: a restore of the database bumps it
# (`cache_generation_bump`), so no session or user from before the restore is read back.
_GENERATION = "accounts:cache-generation"


def _read(key: str) -> Any:
    """The payload cached at `key` under the current generation, or None."""
    found = tolerant_cache.get_many([_GENERATION, key])
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == found.get(_GENERATION):
        return entry[1]
    return None


def _write(key: str, payload: Any, timeout: Any = None, *, fill: bool = False) -> None:
    """Cache `payload` at `key` under the current generation. `fill`: a copy of what the
    database holds, written after a miss (skipped while paused); else a change (always tried)."""
    timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
    entry = (tolerant_cache.get(_GENERATION), payload)
    tolerant_cache._call("set", key, entry, timeout, always=not fill)


def cache_generation_bump() -> None:
    """Forget every cached session and user at once (after a restore of the database)."""
    tolerant_cache.set_forever(_GENERATION, uuid.uuid4().hex)


class SessionStore(cached_db.SessionStore):
    """Django's cached_db session, its cache calls tolerant and short-lived (see above).
    The cached copy carries the session's expiry date and is not used past it, as the
    database's row is not: a session ends at its time even when its cached copy lingers
    (a moved clock, a row the retention rule removed)."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = tolerant_cache

    def load(self) -> dict:
        from django.utils import timezone

        entry = _read(self.cache_key) if self.session_key else None
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] > timezone.now():
            return entry[1]
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        _write(self.cache_key, (row.expire_date, data), self.get_expiry_age(expiry=row.expire_date), fill=True)
        return data

    def save(self, must_create: bool = False) -> None:
        super(cached_db.SessionStore, self).save(must_create)  # the database's row
        _write(self.cache_key, (self.get_expiry_date(), self._session), self.get_expiry_age())

    async def aload(self) -> dict:
        return await sync_to_async(self.load)()

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)


# --- The logged-in user -------------------------------------------------------------------
def _user_key(pk: Any) -> str:
    return f"accounts:user:{pk}"


def user_cached(pk: Any) -> Any:
    """The active user `pk` as ModelBackend.get_user gives it (None when missing or
    inactive), from the cache when there."""
    from apps.accounts.models import User

    user = _read(_user_key(pk))
    if user is None:
        user = User._default_manager.filter(pk=pk).first()
        if user is None:
            return None
        _write(_user_key(pk), user, fill=True)
    return user if user.is_active else None


def user_cache_forget(pks: Any) -> None:
    """Forget the cached copies of these users (after a QuerySet.update of their rows)."""
    tolerant_cache.delete_many([_user_key(pk) for pk in pks])


def forget_saved_user(sender: type, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of a user."""
    user_cache_forget([instance.pk])


def get_user(request: Any) -> Any:
    """django.contrib.auth.get_user, the user of a ModelBackend session read through
    `user_cached`. Anything else (another backend, a hash that does not verify, which
    Django may still accept with a fallback secret) goes Django's own way."""
    from django.conf import settings

    session = request.session
    try:
        user_id, backend_path, session_hash = (
            session[SESSION_KEY],
            session[BACKEND_SESSION_KEY],
            session.get(HASH_SESSION_KEY),
        )
    except KeyError:
        return django_get_user(request)
    if backend_path != _MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return django_get_user(request)
    from apps.accounts.models import User

    user = user_cached(User._meta.pk.to_python(user_id))
    if user is None or not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return django_get_user(request)
    user.backend = backend_path
    return user


def _request_user(request: Any) -> Any:
    if not hasattr(request, "_cached_user"):  # where Django's middleware keeps it
        request._cached_user = get_user(request)
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware with `get_user` above."""

    def process_request(self, request: Any) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _request_user(request))
