"""Reads of the retention app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from apps.retention import clock
from apps.retention.models import Notice


def due_for_verification(qs: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Companies or persons flagged "verify" at `now` (R-RET-2): the same cutoff as `needs_verification`."""
    return qs.filter(verified_at__lte=clock.verify_cutoff(now))


def notices_for(user: Any) -> QuerySet:
    """A user's own notices, newest first."""
    return Notice.objects.filter(recipient_id=user.pk).select_related("assignment").order_by("-created_at")[:100]
