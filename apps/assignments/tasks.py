from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.assignment_end")
def assignment_end() -> int:
    """R-NTK-3: hourly, active assignments whose end date has passed are set inactive (their
    agents lose access at once) and their supervisors are notified."""
    from apps.retention.runner import run_rule

    return run_rule("assignment_end").pk


@shared_task(name="assignments.assignment_ended_notify", autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def assignment_ended_notify(assignment_id: str) -> int:
    """Email the supervisors of an assignment the clock rule ended; safe to run twice (each
    notice is emailed once). Sent through `apps.core.enqueue` after the rule's commit."""
    from apps.assignments.services import assignment_ended_notices_email

    return assignment_ended_notices_email(assignment_id=assignment_id)
