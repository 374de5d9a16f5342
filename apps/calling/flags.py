"""The "verify" flag of SPEC §3, computed from dates (R-RET-2): a record is never shown
unflagged past its months, whether or not a job has run."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone


def verify_due(verified_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Verified longer ago than VERIFY_AFTER_MONTHS (6): the agent must verify before use."""
    months = settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"]
    return verified_at + relativedelta(months=months) <= (now or timezone.now())
