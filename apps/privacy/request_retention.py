"""Every retention has an end (issue 14 #4): a closed data-subject request keeps the
requester's details REQUEST_KEEP_MONTHS (12) months after closing, as the proof of what we
answered; then its name, email, phone, company, message and outcome are blanked, leaving
its kind, dates and status. The privacy statement names the period.

A request linked to a person under a legal hold (R-HOLD-1) is kept as it is until the hold
ends (`exclude_held`). Ledgered (R-DEL-2, reason "retention"): a restore blanks it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.privacy import lookup_terms
from apps.privacy.models import CLOSED_STATUSES, DataSubjectRequest
from apps.retention import clock
from apps.retention.holds import exclude_held
from apps.retention.ledger import ledger_write
from apps.retention.models import LedgerAction
from apps.retention.runner import RuleContext, keyset_batches, retention_rule

RETENTION_REASON = "retention"


def closed_request_cutoff(now: dt.datetime) -> dt.datetime:
    """Requests closed at or before this moment are blanked."""
    return clock.months_before(now, settings.LEADHUNTER_PERIODS["REQUEST_KEEP_MONTHS"])


def requests_closed_blank(*, request_ids: Sequence[Any], now: dt.datetime) -> int:
    """Blank these closed requests' details (not yet blanked ones only; idempotent). The
    caller ledgers it; the replay after a restore calls it again."""
    with translation.override(settings.LANGUAGE_CODE):
        outcome = _("Details removed: the retention period of closed requests ended.")
    return DataSubjectRequest.objects.filter(
        pk__in=list(request_ids), status__in=CLOSED_STATUSES, erased_at__isnull=True
    ).update(
        name="",
        email="",
        mailbox_hash="",
        phone="",
        company="",
        message="",
        submitted_ip=None,
        outcome=outcome,
        erased_at=now,
    )


@retention_rule("privacy_closed_request_blank", deletes=("privacy.datasubjectrequest",))
def privacy_closed_request_blank(ctx: RuleContext) -> None:
    """Closed data-subject requests are blanked REQUEST_KEEP_MONTHS after closing (issue 14 #4)."""
    cutoff = closed_request_cutoff(ctx.now)
    due = exclude_held(
        ctx,
        DataSubjectRequest.objects.filter(status__in=CLOSED_STATUSES, closed_at__lte=cutoff, erased_at__isnull=True),
    )
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["closed_requests_to_blank"] += len(ids)
            continue
        with transaction.atomic():
            ledger_write(
                model=DataSubjectRequest,
                object_ids=ids,
                action=LedgerAction.BLANK,
                reason=RETENTION_REASON,
                now=ctx.now,
            )
            ctx.counts["closed_requests_blanked"] += requests_closed_blank(request_ids=ids, now=ctx.now)
            lookup_terms.terms_forget(request_ids=ids)
        ctx.batch_done()
