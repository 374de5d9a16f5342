"""The clock rules' arithmetic (SPEC §3, R-RET-2, R-RET-3), in one place.

Months are calendar months in the local time zone (Europe/Amsterdam): a record verified
on 28 March at noon is due on 28 September at noon, across the daylight-saving change.
A record is due when its `verified_at` lies at or before the *cutoff* `now - N months`;
the flag, the selectors and the jobs all compare with the same cutoff, so the page and
the job never disagree (month ends clamp: 31 August minus six months is 28 February).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone


def months_before(now: dt.datetime, months: int) -> dt.datetime:
    """`now` minus calendar months, computed on the local wall clock."""
    local = timezone.localtime(now)
    naive = local.replace(tzinfo=None) - relativedelta(months=months)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` plus calendar months on the local wall clock (31 January + 1 month = 28/29 February)."""
    local = timezone.localtime(moment)
    naive = local.replace(tzinfo=None) + relativedelta(months=months)
    return timezone.make_aware(naive, timezone.get_current_timezone())


def verification_due_at(verified_at: dt.datetime) -> dt.datetime:
    """When a record verified at `verified_at` is flagged "verify" (R-RET-2)."""
    return months_after(verified_at, settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"])


def purge_due_at(verified_at: dt.datetime) -> dt.datetime:
    """When a person verified at `verified_at` and not verified since is deleted (R-RET-3)."""
    return months_after(verified_at, settings.LEADHUNTER_PERIODS["PERSON_DELETE_AFTER_MONTHS"])


def verify_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Verified at or before this moment: flagged "verify" (R-RET-2)."""
    return months_before(now or timezone.now(), settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"])


def purge_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Verified at or before this moment: a person is deleted (R-RET-3)."""
    return months_before(now or timezone.now(), settings.LEADHUNTER_PERIODS["PERSON_DELETE_AFTER_MONTHS"])


def ip_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """IP addresses recorded before this moment are removed (R-RET-6)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.LEADHUNTER_PERIODS["IP_KEEP_DAYS"])


def needs_verification(verified_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    return verified_at <= verify_cutoff(now)
