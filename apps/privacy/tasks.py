from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.privacy_unconfirmed_expiry")
def privacy_unconfirmed_expiry() -> int:
    """R-DSR-2: data-subject requests whose confirmation link expired unused (after
    REQUEST_CONFIRM_HOURS) are removed, hourly."""
    from apps.retention.runner import run_rule

    return run_rule("privacy_unconfirmed_expiry").pk


@shared_task(name="retention.privacy_request_reminders")
def privacy_request_reminders() -> int:
    """R-DSR-2: daily, the privacy officers are emailed about open requests due within
    REQUEST_REMIND_DAYS_BEFORE days and overdue ones (counts, ids and links only)."""
    from apps.retention.runner import run_rule

    return run_rule("privacy_request_reminders").pk


@shared_task(name="retention.privacy_closed_request_blank")
def privacy_closed_request_blank() -> int:
    """Issue 14 #4: closed data-subject requests are blanked REQUEST_KEEP_MONTHS (12) after closing."""
    from apps.retention.runner import run_rule

    return run_rule("privacy_closed_request_blank").pk


@shared_task(name="retention.sole_trader_company_blank")
def sole_trader_company_blank() -> int:
    """Issue 14 #8: sole traders' company data unverified for PERSON_DELETE_AFTER_MONTHS are blanked."""
    from apps.retention.runner import run_rule

    return run_rule("sole_trader_company_blank").pk
