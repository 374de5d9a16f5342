from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.breach_deadline_reminder")
def breach_deadline_reminder() -> int:
    """R-REG-2 (Art. 33): every 15 minutes, open breaches not yet reported whose 72 hours end
    within 24 hours or have passed are mailed to the privacy officers, once each."""
    from apps.retention.runner import run_rule

    return run_rule("breach_deadline_reminder").pk


@shared_task(name="retention.subprocessor_terms_check")
def subprocessor_terms_check() -> int:
    """R-REG-1: daily, retention terms of current processor agreements longer than our own
    periods (after those were shortened) are mailed to the privacy officers."""
    from apps.retention.runner import run_rule

    return run_rule("subprocessor_terms_check").pk


@shared_task(name="retention.breach_client_notice_reminder")
def breach_client_notice_reminder() -> int:
    """Issue 14 #6: every 15 minutes, affected clients not yet told of a breach near or past
    BREACH_CLIENT_INFORM_HOURS are mailed to the privacy officers, once each."""
    from apps.retention.runner import run_rule

    return run_rule("breach_client_notice_reminder").pk
