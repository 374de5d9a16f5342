"""The clock rules of the outage plumbing (R-JOB-1): the outbox of tasks a request could not
hand to the broker, and the rate counters kept in the database while Redis was away."""

from __future__ import annotations

from apps.core.enqueue import deferred_tasks_send
from apps.core.models import DeferredTask, RateCounter
from apps.retention.runner import RuleContext, retention_rule


@retention_rule("deferred_tasks_send", deletes=())
def deferred_tasks_send_rule(ctx: RuleContext) -> None:
    """Celery tasks deferred while the broker was away (apps.core.enqueue) are sent, oldest first."""
    if ctx.dry_run:
        ctx.counts["deferred_tasks_to_send"] += DeferredTask.objects.count()
        return
    sent, waiting = deferred_tasks_send()
    ctx.counts["deferred_tasks_sent"] += sent
    ctx.counts["deferred_tasks_waiting"] += waiting


@retention_rule("rate_counter_expiry", deletes=())
def rate_counter_expiry(ctx: RuleContext) -> None:
    """Rate counters of passed windows, kept in the database while Redis was away, are deleted
    (keyed hashes of IP and email addresses; R-RET-6)."""
    expired = RateCounter.objects.filter(expires_at__lt=ctx.now)
    if ctx.dry_run:
        ctx.counts["rate_counters_to_delete"] += expired.count()
        return
    deleted, _ = expired.delete()
    ctx.counts["rate_counters_deleted"] += deleted
