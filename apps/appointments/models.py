from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet


class AppointmentKind(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")


class Appointment(models.Model):
    """An appointment an agent made on a call (R-APPT-1): when, what kind, with which of the
    prospect's contact persons, for which of the client's account managers.

    It refers to the person and the account manager by id only, so deleting either (left
    company, erasure, 12-month purge) leaves no copy of them here (R-DEL-1): the appointment
    stays with "person deleted". It belongs to its call note and goes with it, i.e. only with
    the assignment (R-NOTE-3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="appointments", verbose_name=_("assignment")
    )
    note = models.OneToOneField(
        "callnotes.CallNote", on_delete=models.CASCADE, related_name="appointment", verbose_name=_("call note")
    )
    # SET_NULL: a client deleting the record keeps the appointment with its company name.
    prospect = models.ForeignKey(
        "prospects.Prospect",
        on_delete=models.SET_NULL,
        null=True,
        related_name="appointments",
        verbose_name=_("prospect"),
    )
    company = models.ForeignKey(
        "prospects.Company", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("company")
    )
    starts_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=10, choices=AppointmentKind.choices)
    person = models.ForeignKey(
        "prospects.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("contact person"),
    )
    account_manager = models.ForeignKey(
        "clients.ClientContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("account manager"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("agent")
    )
    created_at = models.DateTimeField(_("created at"))
    invitation_sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            # The appointments of an assignment, soonest first: WHERE assignment_id = ? ORDER BY starts_at
            models.Index(fields=["assignment", "starts_at"], name="appointment_assignment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {str(self.id)[:8]}"


class InformationRequest(models.Model):
    """ "Send information" (issue 13 #1): the email address a contact person asked the
    client's information to be sent to, recorded with the call whose result asks for it
    (`Asks.EMAIL`).

    The address is the person's personal data: the row belongs to the person and goes with
    them (CASCADE: left the company, erasure, the 12-month purge; `person_delete_plan`
    walks it), and with the call note, i.e. the assignment (R-NOTE-3). Nothing of it is
    copied into the note's text. An address other than the one on record is not written to
    the person: it waits as a difference "to verify" (R-IMP-3) for an agent to accept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.CASCADE,
        related_name="information_requests",
        verbose_name=_("assignment"),
    )
    note = models.OneToOneField(
        "callnotes.CallNote", on_delete=models.CASCADE, related_name="information_request", verbose_name=_("call note")
    )
    prospect = models.ForeignKey(
        "prospects.Prospect",
        on_delete=models.SET_NULL,
        null=True,
        related_name="information_requests",
        verbose_name=_("prospect"),
    )
    company = models.ForeignKey(
        "prospects.Company", on_delete=models.PROTECT, related_name="information_requests", verbose_name=_("company")
    )
    person = models.ForeignKey(
        "prospects.Person",
        on_delete=models.CASCADE,
        related_name="information_requests",
        verbose_name=_("contact person"),
    )
    email = models.EmailField(_("send to email address"), max_length=254)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="information_requests", verbose_name=_("agent")
    )
    created_at = models.DateTimeField(_("created at"))

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [
            # The requests of an assignment, newest first: WHERE assignment_id = ? ORDER BY created_at DESC
            models.Index(fields=["assignment", "-created_at"], name="inforequest_assignment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {str(self.id)[:8]}"
