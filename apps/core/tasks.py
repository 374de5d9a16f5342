from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.deferred_tasks_send")
def deferred_tasks_send() -> int:
    """R-JOB-1: every minute, the Celery tasks a request could not hand to the broker while it
    was away (the outbox, core.DeferredTask) are sent; nothing enqueued from a page is lost."""
    from apps.retention.runner import run_rule

    return run_rule("deferred_tasks_send").pk
