from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from apps.core.querysets import VisibleToQuerySet


class Assignment(models.Model):
    """A campaign: a client's database that agents call through (SPEC §2).

    Supervisors and scheduled agents are not columns: they are the users holding the
    `supervise_assignment` / `work_assignment` object permissions (R-NTK-4), granted and
    revoked only through `apps.assignments.services`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    briefing = models.TextField(_("briefing and call script"), blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    # The client's own extra columns, in the order of their original headers (R-EXP-1).
    extra_columns = models.JSONField(_("extra columns"), default=list, blank=True)
    # Those of the extra columns the briefing marks as useful: shown on the agent's call screen.
    agent_columns = models.JSONField(_("extra columns shown to agents"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["client__name", "name"]
        permissions = [
            ("work_assignment", _("Can call the prospects of the assignment")),
            ("supervise_assignment", _("Can see the whole database, notes and results")),
            # No "download" permission: downloads are the client's users' alone (implicit,
            # apps/core/access.py); staff see the database in the application only (policy §3).
        ]
        constraints = [
            models.UniqueConstraint(fields=["client", "name"], name="assignment_unique_name_per_client"),
            models.CheckConstraint(
                name="assignment_ends_after_start",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-foreign-key permission table for assignments.

    A real foreign key (instead of guardian's generic text `object_pk`) lets the
    visibility queries join on an index.
    """

    # guardian's unique (user, permission, content_object) is also the index that
    # access.assignments_visible_to's EXISTS(user = ? AND permission = ? AND content_object = ?) uses.
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class Outcome(models.TextChoices):
    """What a call result does to the prospect in the queue."""

    DONE = "done", _("Done")
    RETRY = "retry", _("Call again")
    CALLBACK = "callback", _("Callback at an agreed time")


class Asks(models.TextChoices):
    """What a result asks the agent for besides the note (R-APPT-1), configured per assignment."""

    NOTHING = "", _("Nothing more")
    APPOINTMENT = "appointment", _("An appointment (date, kind, contact person, account manager)")
    EMAIL = "email", _("Send information: to which email address")


class CallResult(models.Model):
    """One entry of an assignment's list of call results (SPEC §2)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="results")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    asks = models.CharField(_("asks for"), max_length=12, choices=Asks.choices, default=Asks.NOTHING, blank=True)

    class Meta:
        verbose_name = _("call result")
        verbose_name_plural = _("call results")
        ordering = ["assignment", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "code"], name="call_result_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class ProcessorAgreement(models.Model):
    """The processor agreement of an assignment (policy §5, GDPR Art. 28).

    One per assignment. Until a client user accepts it, the assignment cannot be set
    active and no agent can be scheduled (`apps.assignments.services`).
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="processor_agreement", verbose_name=_("assignment")
    )
    text_version = models.CharField(_("text version"), max_length=20)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        # Named, not "+": a hidden relation is missed by code that walks `_meta.related_objects`.
        related_name="processor_agreements_accepted",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Removed after 4 weeks like every IP address (R-RET-6); who and when stay.
    accepted_ip = models.GenericIPAddressField(_("accepted from IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("processor agreement")
        verbose_name_plural = _("processor agreements")
        constraints = [
            models.CheckConstraint(
                name="processor_agreement_accepted_fully",
                condition=(Q(accepted_at__isnull=True) & Q(accepted_by__isnull=True))
                | (Q(accepted_at__isnull=False) & Q(accepted_by__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} ({self.text_version})"

    @property
    def is_accepted(self) -> bool:
        """Accepted at all (some version): enough to run the assignment."""
        return self.accepted_at is not None

    @property
    def is_current(self) -> bool:
        """Accepted in the version in force: needed before new uploads (issue 14 #7)."""
        return self.is_accepted and self.text_version == settings.PROCESSOR_AGREEMENT_VERSION


class ProcessorAgreementAcceptance(models.Model):
    """One acceptance of a processor agreement, kept as proof (issue 14 #7, GDPR Art. 28(9)):
    the exact text the client user was shown — rendered, in their language — with its
    SHA-256, the template version, who, when and from where. Written once, never changed
    (only the IP address is removed after 4 weeks, R-RET-6); shown back to the client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(
        ProcessorAgreement, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("processor agreement")
    )
    text_version = models.CharField(_("text version"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text as accepted"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("accepted by")
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_ip = models.GenericIPAddressField(_("accepted from IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("acceptance of a processor agreement")
        verbose_name_plural = _("acceptances of processor agreements")
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.text_version} {self.accepted_at:%Y-%m-%d}"
