from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.deferred_tasks_send")
def deferred_tasks_send() -> int:
    """R-JOB-1: every minute, the Celery tasks a request could not hand to the broker while it
    was away (the outbox, core.DeferredTask) are sent; nothing enqueued from a page is lost."""
    from apps.retention.runner import run_rule

    return run_rule("deferred_tasks_send").pk


@shared_task(name="retention.rate_counter_expiry")
def rate_counter_expiry() -> int:
    """R-RET-6: hourly, the rate-limit counters of passed windows that were kept in the
    database while Redis was away (keyed hashes of IP and email addresses) are deleted."""
    from apps.retention.runner import run_rule

    return run_rule("rate_counter_expiry").pk
