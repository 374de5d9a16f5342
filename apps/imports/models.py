from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet


class ImportStatus(models.TextChoices):
    # Stored, cheap checks passed; the worker reads it through (headers, row count) (R-IMP-2).
    CHECKING = "checking", _("Checking the file")
    MAPPING = "mapping", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One upload of a client's database into an assignment (R-IMP-1…6).

    Holds no personal data (R-DEL-1): the headers of the file, the mapping, counts, and
    per-row errors as row number + reason, never a copy of a value. The uploaded file
    lives on private storage only until the import has finished (or is abandoned).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="imports", verbose_name=_("assignment")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.MAPPING)
    file_format = models.CharField(_("file format"), max_length=4)  # "xlsx" | "csv"
    file_path = models.CharField(_("file"), max_length=255, blank=True)  # relative to MEDIA_ROOT; "" once deleted
    headers = models.JSONField(_("headers"), default=list)
    # How the check read the file, so the import reads it the same way (R-IMP-6): for xlsx the
    # sheet and the visible sheets with data to choose from; the header row (1-based), the
    # table's width, a CSV's delimiter. No values of the file.
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    detected_mapping = models.JSONField(_("detected mapping"), default=dict)
    mapping = models.JSONField(_("confirmed mapping"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    companies_new = models.PositiveIntegerField(_("new companies"), default=0)
    companies_matched = models.PositiveIntegerField(_("matched companies"), default=0)
    persons_new = models.PositiveIntegerField(_("new persons"), default=0)
    persons_matched = models.PositiveIntegerField(_("matched persons"), default=0)
    persons_conflicting = models.PositiveIntegerField(_("persons with differences to verify"), default=0)
    persons_suppressed = models.PositiveIntegerField(_("persons skipped (suppression list)"), default=0)
    # [[row number, reason], ...]: reasons name the column and the problem, never the value.
    # The first ROW_ERRORS_SHOWN of them (errors and warnings); all are `ImportIssue` rows.
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    # All remarks (rejected rows and dropped values), of which row_errors holds the first.
    issues_total = models.PositiveIntegerField(_("remarks"), default=0)
    # Values left out of otherwise imported rows (R-IMP-8), a part of issues_total.
    values_dropped = models.PositiveIntegerField(_("values left out"), default=0)
    # Rows that named a company another row or an existing record already named (issue 12 #1):
    # {"file": {key: rows}, "existing": {key: rows}, "assignment": rows}; keys kvk, domain,
    # name_postcode, name_address, name.
    merges = models.JSONField(_("merged rows"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # The last sign of life (R-JOB-1): set when queued, when a worker claims the job and as it
    # progresses (from a connection of its own, outside the import's transaction). The clock rule
    # `import_watchdog` re-queues queued jobs and fails running ones whose heartbeat is stale.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Runs started; a redelivered job whose worker was lost runs again up to IMPORT_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            # The assignment's imports, newest first: WHERE assignment_id = ? ORDER BY created_at DESC
            models.Index(fields=["assignment", "-created_at"], name="import_assignment_idx"),
            # Expiry of unconfirmed uploads: WHERE status = 'mapping' AND created_at < ?
            models.Index(fields=["status", "created_at"], name="import_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Import')} {str(self.id)[:8]}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class IssueKind(models.TextChoices):
    ERROR = "error", _("Row not imported")
    WARNING = "warning", _("Value left out")


class ImportIssue(models.Model):
    """One remark of an import's report (R-IMP-2, R-IMP-8): a rejected row or a value left
    out, with the row and the file's column. Every one is kept, however many (issue 12 #8);
    the client downloads the whole list. Holds no value of the file (R-DEL-1): the column is
    its index into `ImportJob.headers` (redacted with them), the reason names our field."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(_("row"))
    column = models.PositiveSmallIntegerField(_("column"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=7, choices=IssueKind.choices)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("import remark")
        verbose_name_plural = _("import remarks")
        indexes = [
            # The report and its download: WHERE job_id = ? ORDER BY row_number, id
            models.Index(fields=["job", "row_number", "id"], name="import_issue_job_row_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class Difference(models.Model):
    """A value an upload brought that differs from a recently verified shared value (R-IMP-3/4).

    The shared value is kept; the uploaded one waits here, shown to agents as "to verify".
    Cascades with the person, so a deleted person leaves no copy here (R-DEL-1), and with
    the assignment whose upload brought it.
    """

    # The assignment, the job and the company are checked by the database once per statement,
    # not once per row (migration 0006, the `difference_*` triggers): an import writes ~200,000
    # differences naming one assignment, one job and ~50,000 companies, and the per-row
    # foreign-key checks of these three took 5.5 s of it (issue 16 #1). The triggers lock and
    # check the rows named as a foreign key does, delete an assignment's or a company's
    # differences with it, and let go of a deleted job, whoever deletes (the ORM does the same
    # before them). The person stays a foreign key: the person deletion plan works from those.
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, related_name="differences", db_constraint=False
    )
    # Each key's partial index below serves its lookups and cascades (`= x` implies NOT NULL);
    # a second, full index on each cost the import two more index entries a row (issue 16 #1).
    company = models.ForeignKey(
        "prospects.Company",
        on_delete=models.CASCADE,
        null=True,
        related_name="differences",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "prospects.Person", on_delete=models.CASCADE, null=True, related_name="differences", db_index=False
    )
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("uploaded value"), max_length=255)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("difference to verify")
        verbose_name_plural = _("differences to verify")
        constraints = [
            models.CheckConstraint(
                name="difference_company_xor_person",
                condition=(Q(company__isnull=False) & Q(person__isnull=True))
                | (Q(company__isnull=True) & Q(person__isnull=False)),
            ),
        ]
        indexes = [
            # The call screen's flags: WHERE company_id = ? / WHERE person_id = ?
            models.Index(fields=["company"], condition=Q(company__isnull=False), name="difference_company_idx"),
            models.Index(fields=["person"], condition=Q(person__isnull=False), name="difference_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Difference')} {self.pk}"
