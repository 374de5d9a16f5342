"""The privacy office's clock rules, run by the retention mechanism (R-RET-1): JobRun record,
advisory lock, dry run (`run_retention --rule privacy_unconfirmed_expiry --dry-run`)."""

from __future__ import annotations

from apps.privacy.services import requests_expire_unconfirmed, requests_remind
from apps.retention.runner import RuleContext, retention_rule


@retention_rule("privacy_unconfirmed_expiry", deletes=())
def privacy_unconfirmed_expiry(ctx: RuleContext) -> None:
    """Data-subject requests not confirmed within REQUEST_CONFIRM_HOURS are removed (R-DSR-2)."""
    count = requests_expire_unconfirmed(
        now=ctx.now, dry_run=ctx.dry_run, batch_size=ctx.batch_size, on_batch=ctx.batch_done
    )
    ctx.counts["unconfirmed_requests_to_remove" if ctx.dry_run else "unconfirmed_requests_removed"] += count


@retention_rule("privacy_request_reminders", deletes=())
def privacy_request_reminders(ctx: RuleContext) -> None:
    """Privacy officers are reminded of requests due within REQUEST_REMIND_DAYS_BEFORE days and of
    overdue ones, once per request and stage (R-DSR-2)."""
    soon, late, sent = requests_remind(now=ctx.now, dry_run=ctx.dry_run)
    ctx.counts["requests_due_soon"] += soon
    ctx.counts["requests_overdue"] += late
    if not ctx.dry_run:
        ctx.counts["reminder_emails_sent"] += sent
