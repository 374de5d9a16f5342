"""Another spelling the privacy officer typed for a request's lookup (R-DSR-3): kept
server-side, outside the session store, briefly, and dropped when the request closes
(R-DEL-1, issue 11 item 11).

Why not the session: the session is a row in `django_session` that lives for the whole
login (SESSION_COOKIE_AGE) and beyond it until cleared, and that no erasure reaches — a
typed name, email or phone outlived the person's erasure there. Why not a column on the
request: it would travel into every backup and need blanking on each path that closes a
request. Here it is one Redis entry per request (terms per officer inside it), with a short
lifetime (PRIVACY_LOOKUP_TERMS_MINUTES, refreshed while the officer works), deleted by
every close (answered, refused, erased, closed by another request's erasure). A close path
that forgot to call `terms_forget` would leave the terms for at most that lifetime.
Nothing else is cached under this key; losing it (Redis restart) only means retyping.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FIELDS = ("name", "email", "phone")
EMPTY: dict[str, str] = dict.fromkeys(FIELDS, "")


def cache_key(dsr: Any) -> str:
    return f"privacy:lookup-terms:{dsr.pk}"


def terms_get(*, dsr: Any, officer: Any) -> dict[str, str]:
    """The officer's typed terms for this request, or empty strings (also while Redis is
    away: the lookup then uses the request's own details)."""
    try:
        stored = (cache.get(cache_key(dsr)) or {}).get(str(officer.pk)) or {}
    except RedisError:
        logger.warning("lookup terms of request %s unreadable: Redis unavailable", dsr.pk)
        stored = {}
    return {k: str(stored.get(k, "")) for k in FIELDS}


def terms_set(*, dsr: Any, officer: Any, values: dict[str, str] | None) -> None:
    """Remember (or with empty values, forget) the officer's typed terms for this request."""
    key = cache_key(dsr)
    try:
        stored = {k: v for k, v in (cache.get(key) or {}).items() if k != str(officer.pk)}
        if values and any(values.get(k) for k in FIELDS):
            stored[str(officer.pk)] = {k: str(values.get(k) or "") for k in FIELDS}
        if stored:
            cache.set(key, stored, timeout=settings.PRIVACY_LOOKUP_TERMS_MINUTES * 60)
        else:
            cache.delete(key)
    except RedisError:
        # Not remembered for the next page (retyping), never a 500 (R-JOB-1).
        logger.warning("lookup terms of request %s not kept: Redis unavailable", dsr.pk)


def terms_forget(*, request_ids: Iterable[Any]) -> None:
    """Every officer's terms for these requests: called by every path that closes a request.
    At once rather than after the commit: a rolled-back close only costs a retyping.
    Never in the way of the close: with Redis away they expire after their lifetime."""
    keys = [f"privacy:lookup-terms:{pk}" for pk in request_ids]
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except RedisError:
        logger.warning("lookup terms of %d closed requests left to expire: Redis unavailable", len(keys))
