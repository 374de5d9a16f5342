from __future__ import annotations

from celery import shared_task


@shared_task(name="retention.employee_purge")
def employee_purge() -> int:
    """R-RET-5: employee files (records and stored documents) are deleted 5 years after
    the employee left (EMPLOYEE_KEEP_YEARS)."""
    from apps.retention.runner import run_rule

    return run_rule("employee_purge").pk


@shared_task(name="retention.applicant_purge")
def applicant_purge() -> int:
    """R-RET-5: applicants (records and stored documents) are deleted 1 year after their
    rejection (APPLICANT_KEEP_YEARS)."""
    from apps.retention.runner import run_rule

    return run_rule("applicant_purge").pk


@shared_task(name="retention.leaver_accounts_deactivate")
def leaver_accounts_deactivate() -> int:
    """Issue 14 #4: login accounts of staff whose leaving date has come are deactivated, daily."""
    from apps.retention.runner import run_rule

    return run_rule("leaver_accounts_deactivate").pk
