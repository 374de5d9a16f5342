"""The outbox's clock rule (R-JOB-1): tasks a request could not hand to the broker."""

from __future__ import annotations

from apps.core.enqueue import deferred_tasks_send
from apps.core.models import DeferredTask
from apps.retention.runner import RuleContext, retention_rule


@retention_rule("deferred_tasks_send")
def deferred_tasks_send_rule(ctx: RuleContext) -> None:
    """Celery tasks deferred while the broker was away (apps.core.enqueue) are sent, oldest first."""
    if ctx.dry_run:
        ctx.counts["deferred_tasks_to_send"] += DeferredTask.objects.count()
        return
    sent, waiting = deferred_tasks_send()
    ctx.counts["deferred_tasks_sent"] += sent
    ctx.counts["deferred_tasks_waiting"] += waiting
