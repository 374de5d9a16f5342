"""The HR clock rules (R-RET-5), run by the retention mechanism: JobRun with counts,
advisory lock, dry run (`run_retention --rule employee_purge --dry-run`).

Employee files are deleted 5 years after the leaving date, applicants 1 year after the
rejection date (LEADHUNTER_PERIODS EMPLOYEE_KEEP_YEARS / APPLICANT_KEEP_YEARS): a file is
due when its date lies on or before today (Amsterdam) minus the period.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from apps.accounts.models import User
from apps.hr.models import Applicant, ApplicantStatus, Employee
from apps.hr.services import (
    applicants_purge,
    applicants_undecided_purge,
    employee_files_purge,
    leaver_accounts_deactivate_now,
)
from apps.retention import clock
from apps.retention.holds import exclude_held
from apps.retention.runner import RuleContext, keyset_batches, retention_rule


def _years_before(now: dt.datetime, years: int) -> dt.date:
    return timezone.localdate(now) - relativedelta(years=years)


def employee_cutoff(now: dt.datetime) -> dt.date:
    """Employees who left on or before this date are deleted."""
    return _years_before(now, settings.LEADHUNTER_PERIODS["EMPLOYEE_KEEP_YEARS"])


def applicant_cutoff(now: dt.datetime) -> dt.date:
    """Applicants rejected on or before this date are deleted."""
    return _years_before(now, settings.LEADHUNTER_PERIODS["APPLICANT_KEEP_YEARS"])


@retention_rule("employee_purge", deletes=("hr.employee", "accounts.user"))
def employee_purge(ctx: RuleContext) -> None:
    """Employee files are deleted 5 years after the employee left, files on disk too (R-RET-5)."""
    cutoff = employee_cutoff(ctx.now)
    due = exclude_held(ctx, Employee.objects.filter(leaving_date__lte=cutoff))
    # A held file keeps its leaver's login account unblanked too (declared, counted).
    exclude_held(ctx, User.objects.filter(employee_file__leaving_date__lte=cutoff))
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["employees_to_delete"] += len(ids)
            ctx.report(f"would delete {len(ids)} employee files")
        else:
            employees, files = employee_files_purge(leaving_on_or_before=cutoff, ids=ids)
            ctx.counts["employees_deleted"] += employees
            ctx.counts["employee_documents_deleted"] += files
            ctx.report(f"deleted {employees} employee files")
        ctx.batch_done()


@retention_rule("applicant_purge", deletes=("hr.applicant",))
def applicant_purge(ctx: RuleContext) -> None:
    """Applicants are deleted 1 year after their rejection, files on disk too (R-RET-5)."""
    cutoff = applicant_cutoff(ctx.now)
    due = exclude_held(ctx, Applicant.objects.filter(status=ApplicantStatus.REJECTED, rejection_date__lte=cutoff))
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["applicants_to_delete"] += len(ids)
            ctx.report(f"would delete {len(ids)} applicants")
        else:
            applicants, files = applicants_purge(rejected_on_or_before=cutoff, ids=ids)
            ctx.counts["applicants_deleted"] += applicants
            ctx.counts["applicant_documents_deleted"] += files
            ctx.report(f"deleted {applicants} applicants")
        ctx.batch_done()
    # Issue 14 #4: an application never decided ends too, APPLICANT_KEEP_YEARS after its last change.
    changed_cutoff = undecided_cutoff(ctx.now)
    undecided = exclude_held(ctx, Applicant.objects.filter(rejection_date__isnull=True, changed_at__lte=changed_cutoff))
    for ids in keyset_batches(undecided, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["undecided_applicants_to_delete"] += len(ids)
        else:
            applicants, files = applicants_undecided_purge(changed_on_or_before=changed_cutoff, ids=ids)
            ctx.counts["undecided_applicants_deleted"] += applicants
            ctx.counts["applicant_documents_deleted"] += files
        ctx.batch_done()


def undecided_cutoff(now: dt.datetime) -> dt.datetime:
    """Applications never decided and unchanged since this moment are deleted (issue 14 #4)."""
    return clock.months_before(now, 12 * settings.LEADHUNTER_PERIODS["APPLICANT_KEEP_YEARS"])


@retention_rule("leaver_accounts_deactivate", deletes=())
def leaver_accounts_deactivate(ctx: RuleContext) -> None:
    """Login accounts of staff whose leaving date has come are deactivated (issue 14 #4, R-SEC-1)."""
    count = leaver_accounts_deactivate_now(today=timezone.localdate(ctx.now), dry_run=ctx.dry_run)
    ctx.counts["accounts_to_deactivate" if ctx.dry_run else "accounts_deactivated"] += count
    if count and not ctx.dry_run:
        ctx.batch_done()
