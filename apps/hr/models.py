"""HR files of the board (SPEC §2 "HR", R-HR-1): employees and applicants.

Visible to board members only (apps.core.access.hr_visible_to). Documents are stored
under MEDIA_ROOT with a random file name and served only by a permission-checked view.
`__str__` holds no personal data: auditlog copies it into its log (R-DEL-1).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Employee(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee_file",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    payroll_details = models.TextField(_("payroll details"), blank=True)
    start_date = models.DateField(_("start date"))
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=F("start_date")),
                name="hr_employee_leaves_after_start",
            )
        ]
        indexes = [
            # Retention (R-RET-5): WHERE leaving_date <= cutoff
            models.Index(fields=["leaving_date"], name="hr_employee_leaving_idx"),
        ]

    def __str__(self) -> str:
        return f"employee {self.pk}"


class EntryKind(models.TextChoices):
    PERFORMANCE = "performance", _("Performance report")
    CONVERSATION = "conversation", _("Conversation note")
    INTERVIEW = "interview", _("Interview report")


class EmployeeEntry(models.Model):
    """A dated performance report, conversation note, or an interview report kept from hiring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class ApplicantStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    INTERVIEWING = "interviewing", _("Interviewing")
    REJECTED = "rejected", _("Rejected")
    HIRED = "hired", _("Hired")


class Applicant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicantStatus.choices, default=ApplicantStatus.APPLIED
    )
    rejection_date = models.DateField(_("rejection date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The last change of the file (its data, a report, a document): an application never
    # decided expires APPLICANT_KEEP_YEARS after it (issue 14 #4, R-RET-5).
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="rejected") & Q(rejection_date__isnull=False))
                | (~Q(status="rejected") & Q(rejection_date__isnull=True)),
                name="hr_applicant_rejection_date_iff_rejected",
            )
        ]
        indexes = [
            # Retention (R-RET-5): WHERE rejection_date <= cutoff
            models.Index(fields=["rejection_date"], name="hr_applicant_rejection_idx"),
            # Undecided applications: WHERE status IN (applied, interviewing) AND changed_at <= cutoff
            models.Index(
                fields=["changed_at"], condition=Q(rejection_date__isnull=True), name="hr_applicant_undecided_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"applicant {self.pk}"


class InterviewReport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("interview report")
        verbose_name_plural = _("interview reports")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"interview report {self.date}"


class HRDocument(models.Model):
    """A stored document of one employee or one applicant (exactly one of both)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employee = models.ForeignKey(Employee, null=True, on_delete=models.CASCADE, related_name="documents")
    applicant = models.ForeignKey(Applicant, null=True, on_delete=models.CASCADE, related_name="documents")
    # Relative to MEDIA_ROOT, a random name (uuid); the original name only here.
    file_path = models.CharField(max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(employee__isnull=False) & Q(applicant__isnull=True))
                | (Q(employee__isnull=True) & Q(applicant__isnull=False)),
                name="hr_document_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"document {self.pk}"
