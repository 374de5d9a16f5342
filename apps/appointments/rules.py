"""The clock rule of "send information" addresses (issue 13 #1, R-RET-1, R-RET-4).

An address is the contact person's personal data, kept with the call so the client can send
what was asked for. It goes with the person (erasure, left company, the 12-month purge:
`person_delete_plan`) and, at the latest, PERSON_DELETE_AFTER_MONTHS after the request:
no longer than an unverified person is kept, long after the information went out. The call
note stays (R-NOTE-3); it never held the address. A legal hold on the person, their
company or the assignment keeps it (R-HOLD-1).
"""

from __future__ import annotations

from django.db import transaction

from apps.appointments.models import InformationRequest
from apps.retention import clock
from apps.retention.holds import exclude_held
from apps.retention.runner import RuleContext, keyset_batches, retention_rule


@retention_rule("information_request_expiry", deletes=("appointments.informationrequest",))
def information_request_expiry(ctx: RuleContext) -> None:
    """ "Send information" addresses older than PERSON_DELETE_AFTER_MONTHS (12) are deleted."""
    cutoff = clock.purge_cutoff(ctx.now)
    due = exclude_held(ctx, InformationRequest.objects.filter(created_at__lte=cutoff))
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["information_requests_to_delete"] += len(ids)
            continue
        with transaction.atomic():
            deleted, _ = InformationRequest.objects.filter(pk__in=ids, created_at__lte=cutoff).delete()
        ctx.counts["information_requests_deleted"] += deleted
        ctx.batch_done()
