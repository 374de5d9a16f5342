"""Writes of the HR files (R-HR-1, R-RET-5). Keyword-only, atomic, with `actor=`.

Files live under MEDIA_ROOT/hr/ with random names; they are deleted from disk only after
the transaction that deleted their rows has committed, so a rolled-back deletion never
loses a file that is still referenced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError
from apps.core.private_files import private_delete, private_delete_on_commit, private_store
from apps.hr.models import (
    Applicant,
    ApplicantStatus,
    Employee,
    EmployeeEntry,
    EntryKind,
    HRDocument,
    InterviewReport,
)

HR_DIR = "hr"


EMPLOYEE_FIELDS = ("user", "name", "email", "phone", "address", "payroll_details", "start_date", "leaving_date")
APPLICANT_FIELDS = ("name", "email", "phone", "status", "rejection_date")


def _check_employee(employee: Employee) -> None:
    if employee.leaving_date and employee.leaving_date < employee.start_date:
        raise ServiceError(_("The leaving date cannot lie before the start date."))


def _check_applicant(applicant: Applicant) -> None:
    if (applicant.status == ApplicantStatus.REJECTED) != (applicant.rejection_date is not None):
        raise ServiceError(_("A rejection date belongs with the status rejected, and only there."))


@transaction.atomic
def employee_create(*, actor: Any, **data: Any) -> Employee:
    employee = Employee(**{k: v for k, v in data.items() if k in EMPLOYEE_FIELDS})
    _check_employee(employee)
    employee.save()
    _leaver_account_deactivate(employee)
    return employee


@transaction.atomic
def employee_update(*, employee: Employee, actor: Any, **data: Any) -> Employee:
    for key, value in data.items():
        if key in EMPLOYEE_FIELDS:
            setattr(employee, key, value)
    _check_employee(employee)
    employee.save()
    _leaver_account_deactivate(employee)
    return employee


# --- Leavers' login accounts (issue 14 #4) ---------------------------------------------
def _leaver_account_deactivate(employee: Employee) -> None:
    """A leaving date that has come deactivates the login account at once (its sessions
    and API tokens end with it); a later date is the daily rule's."""
    if employee.user_id and employee.leaving_date and employee.leaving_date <= timezone.localdate():
        leaver_accounts_deactivate_now(today=timezone.localdate(), user_ids=[employee.user_id])


def leaver_accounts_deactivate_now(*, today: dt.date, dry_run: bool = False, user_ids: Any = None) -> int:
    """Deactivate the accounts of employees whose leaving date is on or before `today`."""
    from apps.accounts.cached import user_cache_forget
    from apps.accounts.models import User

    users = User.objects.filter(is_active=True, employee_file__leaving_date__lte=today)
    if user_ids is not None:
        users = users.filter(pk__in=list(user_ids))
    if dry_run:
        return users.count()
    # QuerySet.update: the account's personal fields stay out of a new change-log entry.
    pks = list(users.values_list("pk", flat=True))
    updated = User.objects.filter(pk__in=pks).update(is_active=False)
    user_cache_forget(pks)  # no signal from update(): the cached login user goes now
    return updated


def _leaver_accounts_blank(records: Any) -> int:
    """Blank the login accounts of the employees in `records` who have left (issue 14 #4):
    at the end of the HR period their account keeps no name, address or username, only its
    id (other records point at it: who handled a request, who wrote a note). Never for a
    current employee whose file is deleted early (a file made by mistake)."""
    from django.contrib.auth.hashers import make_password

    from apps.accounts.cached import user_cache_forget
    from apps.accounts.models import User

    users = list(
        User.objects.filter(
            employee_file__in=records, employee_file__leaving_date__lte=timezone.localdate()
        ).values_list("pk", flat=True)
    )
    for pk in users:
        # The user's id keeps the name unique; nothing of the person is in it.
        User.objects.filter(pk=pk).update(
            username=f"former-employee-{pk}",
            first_name="",
            last_name="",
            email="",
            is_active=False,
            password=make_password(None),
        )
    user_cache_forget(users)
    return len(users)


@transaction.atomic
def employee_entry_create(*, employee: Employee, kind: str, date: dt.date, text: str, actor: Any) -> EmployeeEntry:
    return EmployeeEntry.objects.create(employee=employee, kind=kind, date=date, text=text, created_by=actor)


@transaction.atomic
def applicant_create(*, actor: Any, **data: Any) -> Applicant:
    applicant = Applicant(**{k: v for k, v in data.items() if k in APPLICANT_FIELDS})
    _check_applicant(applicant)
    applicant.save()
    return applicant


@transaction.atomic
def applicant_update(*, applicant: Applicant, actor: Any, **data: Any) -> Applicant:
    for key, value in data.items():
        if key in APPLICANT_FIELDS:
            setattr(applicant, key, value)
    _check_applicant(applicant)
    applicant.changed_at = timezone.now()
    applicant.save()
    return applicant


@transaction.atomic
def interview_report_create(*, applicant: Applicant, date: dt.date, text: str, actor: Any) -> InterviewReport:
    Applicant.objects.filter(pk=applicant.pk).update(changed_at=timezone.now())
    return InterviewReport.objects.create(applicant=applicant, date=date, text=text, created_by=actor)


def hr_document_create(
    *, upload: Any, actor: Any, employee: Employee | None = None, applicant: Applicant | None = None
) -> HRDocument:
    """Store an uploaded document for one employee or one applicant."""
    if (employee is None) == (applicant is None):
        raise ValueError("a document belongs to exactly one employee or applicant")
    relative, _size = private_store(upload, HR_DIR)
    try:
        with transaction.atomic():
            # The parent row is locked, so a concurrent delete of the file cannot miss this
            # document's file (see employee_delete / applicant_delete).
            parent = employee or applicant
            if not type(parent).objects.select_for_update().filter(pk=parent.pk).exists():
                raise ServiceError(_("This file was deleted meanwhile."))
            if applicant is not None:
                Applicant.objects.filter(pk=applicant.pk).update(changed_at=timezone.now())
            return HRDocument.objects.create(
                employee=employee,
                applicant=applicant,
                file_path=relative,
                original_name=(getattr(upload, "name", "") or "document")[-255:],
                uploaded_at=timezone.now(),
                uploaded_by=actor,
            )
    except BaseException:
        private_delete(relative)
        raise


@transaction.atomic
def applicant_hire(*, applicant: Applicant, start_date: dt.date, actor: Any) -> Employee:
    """Hire an applicant: a new employee file receives their documents (re-pointed) and
    interview reports (as dated entries); the applicant record is then deleted."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.status == ApplicantStatus.REJECTED:
        raise ServiceError(_("A rejected applicant cannot be hired."))
    employee = Employee.objects.create(
        name=applicant.name, email=applicant.email, phone=applicant.phone, start_date=start_date
    )
    HRDocument.objects.filter(applicant=applicant).update(employee=employee, applicant=None)
    EmployeeEntry.objects.bulk_create(
        EmployeeEntry(employee=employee, kind=EntryKind.INTERVIEW, date=r.date, text=r.text, created_by=r.created_by)
        for r in applicant.reports.all()
    )
    applicant.delete()
    return employee


def _purge(documents: Any, records: Any, *, reason: str, actor: Any = None) -> tuple[int, int]:
    """Delete `records` (a queryset) with their documents' rows now, their files on commit;
    ledgered in the same transaction (R-DEL-2), so that a restore does not bring them back."""
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    paths = list(documents.values_list("file_path", flat=True))
    ids = list(records.values_list("pk", flat=True))
    if records.model is Employee:
        # The replay of this ledger record (employee_delete) blanks them again after a restore.
        _leaver_accounts_blank(Employee.objects.filter(pk__in=ids))
    count = len(ids)
    ledger_write(model=records.model, object_ids=ids, action=LedgerAction.DELETE, reason=reason, actor=actor)
    records.model.objects.filter(pk__in=ids).delete()  # cascades to the documents, entries and reports
    private_delete_on_commit(paths)
    return count, len(paths)


def employee_files_purge(*, leaving_on_or_before: dt.date, ids: list[Any]) -> tuple[int, int]:
    """Delete employee files (records, entries, documents and files) among `ids` that left on
    or before the cutoff (R-RET-5). Returns (employees, files)."""
    with transaction.atomic():
        records = Employee.objects.filter(pk__in=ids, leaving_date__lte=leaving_on_or_before)
        return _purge(HRDocument.objects.filter(employee__in=records), records, reason="purge")


def applicants_undecided_purge(*, changed_on_or_before: dt.datetime, ids: list[Any]) -> tuple[int, int]:
    """Delete applicants among `ids` never decided (no rejection date: applied or
    interviewing) and unchanged since the cutoff (issue 14 #4). Returns (applicants, files)."""
    with transaction.atomic():
        records = Applicant.objects.filter(
            pk__in=ids, rejection_date__isnull=True, changed_at__lte=changed_on_or_before
        )
        return _purge(HRDocument.objects.filter(applicant__in=records), records, reason="purge")


def applicants_purge(*, rejected_on_or_before: dt.date, ids: list[Any]) -> tuple[int, int]:
    """Delete rejected applicants among `ids` (records, reports, documents and files) (R-RET-5)."""
    with transaction.atomic():
        records = Applicant.objects.filter(
            pk__in=ids, status=ApplicantStatus.REJECTED, rejection_date__lte=rejected_on_or_before
        )
        return _purge(HRDocument.objects.filter(applicant__in=records), records, reason="purge")


def employee_delete(*, employee: Employee, actor: Any) -> int:
    """The board deletes one employee file before its term (an erasure request the board
    granted, a file made by mistake): the record, its entries and documents now, the files
    on commit. Returns the number of files deleted. The auditlog records the deletion with
    the personal fields masked, like every HR change."""
    with transaction.atomic():
        records = Employee.objects.filter(pk=employee.pk)
        list(records.select_for_update())  # no document can be added meanwhile
        return _purge(HRDocument.objects.filter(employee__in=records), records, reason="deleted", actor=actor)[1]


def applicant_delete(*, applicant: Applicant, actor: Any) -> int:
    """The board deletes one applicant (withdrawn application, erasure request): the record,
    its reports and documents now, the files on commit. Returns the number of files deleted."""
    with transaction.atomic():
        records = Applicant.objects.filter(pk=applicant.pk)
        list(records.select_for_update())  # no document can be added meanwhile
        return _purge(HRDocument.objects.filter(applicant__in=records), records, reason="deleted", actor=actor)[1]
