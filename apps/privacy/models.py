from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet


class SuppressionEntry(models.Model):
    """A person who must never be imported or added again (R-IMP-5, R-DSR-4).

    Holds keyed hashes only (`apps.privacy.hashing`); a row matches a person when any of
    its non-empty hashes equals the person's.

    Where it lives, and why (R-DEL-2): in the erasure ledger's schema, which `backup`
    leaves out and `restore` never overwrites, so an entry written after a backup survives
    its restore. Written in the transaction of the erasure it belongs to; append-only.
    Unmanaged: created with its indexes and the "has a hash" check by
    `apps.retention.models.LEDGER_DDL`.
    """

    email_hash = models.CharField(_("email hash"), max_length=64, blank=True)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True)
    name_company_hash = models.CharField(_("name and company hash"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=32)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = 'erasure_ledger"."suppression'
        verbose_name = _("suppression entry")
        verbose_name_plural = _("suppression list")

    def __str__(self) -> str:
        return f"{_('Suppression entry')} {self.pk}"


class RequestKind(models.TextChoices):
    """What a data subject asks for (R-DSR-1, R-DSR-5; GDPR Art. 15, 16, 17, 18, 20, 21)."""

    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Correction of my data")
    ERASURE = "erasure", _("Erasure of my data")
    OBJECTION = "objection", _("Objection to the processing")
    RESTRICTION = "restriction", _("Restriction of the processing")
    PORTABILITY = "portability", _("My data in a portable file")


class RequestStatus(models.TextChoices):
    # Filed on the public form or API; the confirmation link has been sent and not yet
    # followed. Such requests expire and are removed (R-DSR-2).
    UNCONFIRMED = "unconfirmed", _("Awaiting confirmation")
    # Confirmed by the link: the 14-day clock runs; only now may the officer look the
    # person up (R-DSR-3).
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    # Ended by another request of the same person: an erasure removed what this one was
    # about, so it is closed with its own outcome, neither answered nor refused (issue 14 #5).
    SUPERSEDED = "superseded", _("Closed by a later erasure")


# Requests that are finished, whatever their outcome.
CLOSED_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.SUPERSEDED)


class DataSubjectRequest(models.Model):
    """A request of a data subject under the GDPR (SPEC R-DSR-1…4, policy §7).

    The requester's own details are personal data too: the IP address is removed after
    4 weeks (R-RET-6) and the identifying fields are blanked once an erasure is carried
    out, so that the pg_dump check of R-DEL-1 finds nothing of the person.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type of request"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNCONFIRMED
    )
    name = models.CharField(_("name"), max_length=200)
    # Normalised (lower-cased) so that the lookup and the per-address limits match.
    email = models.EmailField(_("email address"), max_length=254)
    # Keyed hash of the mailbox the address delivers to (`services.mailbox_of`): the cap on
    # confirmation emails counts one mailbox however the address is spelled (Gmail dots,
    # +tags, googlemail.com). Blanked with the address.
    mailbox_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone = models.CharField(_("phone number"), max_length=32, blank=True)  # E.164 when given
    company = models.CharField(_("company"), max_length=200, blank=True)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")

    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # The confirmation link (R-DSR-2): signed, bound to this request by its id, valid until
    # `confirm_before`, and single-use: the nonce it carries must equal the stored one,
    # which confirmation clears.
    confirm_nonce = models.CharField(max_length=64, blank=True, editable=False)
    confirm_before = models.DateTimeField(_("confirm before"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Set at confirmation: Leadhunter's own promise (REQUEST_ANSWER_DAYS, 14 days) and the
    # legal maximum of GDPR Art. 12(3) (one month).
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    legal_due_at = models.DateTimeField(_("legal deadline"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # What was done (answered) or why not (refused: mandatory).
    outcome = models.TextField(_("outcome"), blank=True)
    # Set when the erasure has been carried out and the identifying fields were blanked.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "submitted_at"]
        constraints = [
            models.CheckConstraint(
                name="dsr_confirmed_has_deadlines",
                condition=Q(confirmed_at__isnull=True) | Q(due_at__isnull=False, legal_due_at__isnull=False),
            ),
            models.CheckConstraint(
                name="dsr_open_or_closed_is_confirmed",
                condition=Q(status="unconfirmed") | Q(confirmed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="dsr_closed_has_date",
                condition=~Q(status__in=["answered", "refused", "superseded"]) | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="dsr_refusal_has_reason",
                condition=~Q(status="refused") | ~Q(outcome=""),
            ),
        ]
        indexes = [
            # The officer's dashboard and the reminder job: WHERE status = 'open' ORDER BY due_at
            models.Index(fields=["due_at"], condition=Q(status="open"), name="dsr_open_due_idx"),
            # Expiry of unconfirmed requests: WHERE status = 'unconfirmed' AND confirm_before < now
            models.Index(fields=["confirm_before"], condition=Q(status="unconfirmed"), name="dsr_unconfirmed_idx"),
            # Per-mailbox cap on confirmation emails: WHERE mailbox_hash = ? AND submitted_at > ?
            models.Index(fields=["mailbox_hash", "submitted_at"], name="dsr_mailbox_idx"),
        ]

    def __str__(self) -> str:
        # No personal data in a string that may end up in logs or the auditlog.
        return f"{_('Data-subject request')} {self.pk}"


class RequestRecord(models.Model):
    """The identity link of a request (R-DSR-3): a record the privacy officer has
    established to be the requester. The access report, the rectification and the erasure
    act on exactly these records. Ids only; the link goes with the record (CASCADE), so an
    erased person leaves nothing here."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="records")
    person = models.ForeignKey(
        "prospects.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="request_records"
    )
    client_contact = models.ForeignKey(
        "clients.ClientContact", on_delete=models.CASCADE, null=True, blank=True, related_name="request_records"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.CheckConstraint(
                name="request_record_one_record",
                condition=Q(person__isnull=False, client_contact__isnull=True)
                | Q(person__isnull=True, client_contact__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["request", "person"], condition=Q(person__isnull=False), name="request_record_unique_person"
            ),
            models.UniqueConstraint(
                fields=["request", "client_contact"],
                condition=Q(client_contact__isnull=False),
                name="request_record_unique_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Linked record')} {self.pk}"


class ConsentChannel(models.TextChoices):
    PHONE = "phone", _("by phone")


class ConsentRecord(models.Model):
    """The proof that a contact person gave consent (R-CON-1, GDPR Art. 7(1)): who heard it,
    when, how, in which assignment. Ids and a date only, never the person's details.

    Deleted with the person (a plain CASCADE foreign key, so the person-delete cascade
    sees it like any other row about the person, R-DEL-1); the agent and the assignment
    may go before it without losing the proof of date and channel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "prospects.Person", on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("contact person")
    )
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=ConsentChannel.choices)
    # The assignment in whose call the consent was given: a client is shown the proof of
    # its own assignments only (R-IMP-4: another client's calls are not its business).
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignment"),
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.CheckConstraint(name="consent_record_channel_valid", condition=Q(channel__in=ConsentChannel.values)),
        ]

    def __str__(self) -> str:
        return f"{_('Consent record')} {self.pk}"
