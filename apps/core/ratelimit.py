"""Fixed-window counters for the rate limits: the login pages, the admin login, the token
endpoint and the public request form (R-SEC-1, R-DSR-1).

Redis first: fast, shared by every process, expiring by itself. When Redis is away the
same counters are kept in a table (`core.RateCounter`, one upserted row per key and
window) instead of failing open (taking Redis down would switch the limits off) or failing
closed (nobody could log in, and the request form would turn people away). A window that
straddles the switch counts in both places, so for that one window a caller may get up to
twice the limit; that is the price of not losing the login. The table holds keyed hashes
of the keys only, and its rows are deleted once their window has passed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_SALT = "apps.core.ratelimit"


def hit(key: str, *, window: int) -> int:
    """Count one hit for `key` in its current fixed window of `window` seconds; returns the
    count in that window (1 for the first)."""
    try:
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            return 1
    except RedisError:
        logger.warning("rate limit counted in the database: Redis unavailable")
        return _db_hit(key, window=window)


def count(key: str, *, window: int) -> int:
    """The hits counted for `key` in its current window, without counting one."""
    try:
        return int(cache.get(key) or 0)
    except RedisError:
        logger.warning("rate limit read from the database: Redis unavailable")
        return _db_count(key, window=window)


def _window(window: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % window, tz=dt.UTC)
    return start, start + dt.timedelta(seconds=window)


def _hashed(key: str) -> str:
    return salted_hmac(_SALT, key, algorithm="sha256").hexdigest()


def _db_hit(key: str, *, window: int) -> int:
    start, end = _window(window, timezone.now())
    with connection.cursor() as cursor:
        # Passed windows go first, so the table stays as small as the outage's traffic.
        cursor.execute("DELETE FROM core_ratecounter WHERE expires_at < now()")
        cursor.execute(
            """INSERT INTO core_ratecounter (key, window_start, expires_at, count) VALUES (%s, %s, %s, 1)
               ON CONFLICT (key, window_start) DO UPDATE SET count = core_ratecounter.count + 1
               RETURNING count""",
            [_hashed(key), start, end],
        )
        return int(cursor.fetchone()[0])


def _db_count(key: str, *, window: int) -> int:
    start, _end = _window(window, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT count FROM core_ratecounter WHERE key = %s AND window_start = %s", [_hashed(key), start])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
