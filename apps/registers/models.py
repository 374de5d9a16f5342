"""The privacy office's registers (SPEC R-REG-1, R-REG-2; policy §5, §8, §9).

Subprocessors with their processor agreements and the retention term per data category,
and the breach register of GDPR Art. 33/34. Privacy officers only (apps.core.access).
`__str__` holds no personal data: auditlog copies it into its log.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet
from apps.registers.terms import EEA_COUNTRIES, DataCategory, Term, TermUnit

# Art. 33(1): the authority is told within 72 hours of the discovery.
REPORT_WITHIN = dt.timedelta(hours=72)


class Subprocessor(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    service = models.CharField(_("service"), max_length=300)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter country code such as NL, DE or US."))],
        help_text=_("Where the data is processed: a two-letter ISO code such as NL, DE or US."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    categories = ArrayField(
        models.CharField(max_length=20, choices=DataCategory.choices),
        verbose_name=_("data categories received"),
        default=list,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("subprocessor")
        verbose_name_plural = _("subprocessors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def outside_eea(self) -> bool:
        return self.country not in EEA_COUNTRIES

    def get_categories_display(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class SubprocessorAgreement(models.Model):
    """A processor agreement with a subprocessor (GDPR Art. 28(4), policy §8)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subprocessor = models.ForeignKey(Subprocessor, on_delete=models.CASCADE, related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    reference = models.CharField(_("reference or version"), max_length=100)
    document_location = models.CharField(_("where the signed document is kept"), max_length=300, blank=True)
    # The signed document, optional: stored under MEDIA_ROOT with a random name and served
    # only by a permission-checked view; the original file name only here.
    document_path = models.CharField(max_length=200, blank=True, editable=False)
    document_name = models.CharField(_("document"), max_length=255, blank=True, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("processor agreement")
        verbose_name_plural = _("processor agreements")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("signed_on")),
                name="registers_agreement_valid_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("signed_on")),
                name="registers_agreement_ends_after_signing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.signed_on})"

    def is_current(self, today: dt.date) -> bool:
        return (self.ended_on is None or self.ended_on > today) and (
            self.valid_until is None or self.valid_until >= today
        )


class AgreementTerm(models.Model):
    """The retention term an agreement states for one data category."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(SubprocessorAgreement, on_delete=models.CASCADE, related_name="terms")
    category = models.CharField(_("data category"), max_length=20, choices=DataCategory.choices)
    number = models.PositiveIntegerField(_("retention term"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=6, choices=TermUnit.choices)
    # Our own limit (e.g. "9 months") the privacy officers were last warned about for this
    # term: the daily check mails once per change of our periods, not every day.
    warned_for = models.CharField(max_length=40, blank=True, editable=False)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention term")
        verbose_name_plural = _("retention terms")
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "category"], name="registers_one_term_per_category"),
            models.CheckConstraint(condition=Q(number__gte=1), name="registers_term_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.term}"

    @property
    def term(self) -> Term:
        return Term(self.number, self.unit)


class ReportDecision(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    REPORTED = "reported", _("Reported to the Autoriteit Persoonsgegevens")
    NOT_REPORTED = "not_reported", _("Not reported")


class BreachSource(models.TextChoices):
    OWN = "own", _("Found by us")
    SUBPROCESSOR = "subprocessor", _("Reported to us by a subprocessor")


class Breach(models.Model):
    """A personal-data breach (GDPR Art. 33/34; SPEC R-REG-2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    summary = models.CharField(_("what happened, in short"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("happened at"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("discovered at"))
    categories = ArrayField(
        models.CharField(max_length=20, choices=DataCategory.choices),
        verbose_name=_("data categories affected"),
        default=list,
        blank=True,
    )
    # Where we learnt of it (issue 14 #6): our own finding, or a subprocessor's report to us
    # (Art. 33(2) binds them as it binds us), with when they reported it.
    source = models.CharField(_("source"), max_length=16, choices=BreachSource.choices, default=BreachSource.OWN)
    subprocessor = models.ForeignKey(
        Subprocessor,
        verbose_name=_("reporting subprocessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches_reported",
    )
    subprocessor_reported_at = models.DateTimeField(_("reported to us by the subprocessor at"), null=True, blank=True)
    clients = models.ManyToManyField("clients.Client", verbose_name=_("clients affected"), blank=True, related_name="+")
    persons_affected = models.PositiveIntegerField(_("approximate number of persons"), null=True, blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    decision = models.CharField(
        _("report to the authority"), max_length=16, choices=ReportDecision.choices, default=ReportDecision.PENDING
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    ap_reference = models.CharField(_("reference of the authority"), max_length=100, blank=True)
    not_reported_reason = models.TextField(_("why not reported"), blank=True)
    subjects_informed_at = models.DateTimeField(_("data subjects informed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The 72-hour reminder (rule breach_deadline_reminder): when each mail went out, so
    # that every run after it sends nothing again.
    due_soon_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-discovered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True) | Q(reported_at__gte=F("discovered_at")),
                name="registers_breach_reported_after_discovery",
            ),
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=F("discovered_at")),
                name="registers_breach_occurred_before_discovery",
            ),
            models.CheckConstraint(
                condition=(Q(decision="reported") & Q(reported_at__isnull=False))
                | (~Q(decision="reported") & Q(reported_at__isnull=True)),
                name="registers_breach_reported_at_iff_reported",
            ),
            models.CheckConstraint(
                condition=~Q(decision="not_reported") | ~Q(not_reported_reason=""),
                name="registers_breach_reason_when_not_reported",
            ),
            models.CheckConstraint(
                condition=(Q(source="own") & Q(subprocessor__isnull=True) & Q(subprocessor_reported_at__isnull=True))
                | (
                    Q(source="subprocessor") & Q(subprocessor__isnull=False) & Q(subprocessor_reported_at__isnull=False)
                ),
                name="registers_breach_subprocessor_iff_reported_by_one",
            ),
        ]
        indexes = [
            # The reminder rule: WHERE decision = 'pending' AND closed_at IS NULL
            models.Index(fields=["discovered_at"], condition=Q(decision="pending"), name="registers_breach_open_idx"),
        ]

    def __str__(self) -> str:
        return f"breach {self.pk}"

    def get_categories_display(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]

    @property
    def report_deadline(self) -> dt.datetime:
        return self.discovered_at + REPORT_WITHIN

    @property
    def awaiting_report(self) -> bool:
        """Open and not decided: the 72-hour clock still matters."""
        return self.decision == ReportDecision.PENDING and self.closed_at is None


class InformChannel(models.TextChoices):
    EMAIL = "email", _("By email")
    PHONE = "phone", _("By phone")
    LETTER = "letter", _("By letter")
    MEETING = "meeting", _("In a meeting")


class BreachClientNotice(models.Model):
    """That, when and how an affected client was told of a breach (issue 14 #6).

    The processor agreement promises each client word "without undue delay": a clock of its
    own per client (`CLIENT_INFORM_WITHIN`, BREACH_CLIENT_INFORM_HOURS), with reminders to
    the privacy officers (rule breach_client_notice_reminder). One row per breach and client,
    kept in step with the breach's clients; a row once informed is never removed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="client_notices")
    client = models.ForeignKey("clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    informed_at = models.DateTimeField(_("informed at"), null=True, blank=True)
    channel = models.CharField(_("how"), max_length=10, choices=InformChannel.choices, blank=True)
    informed_whom = models.CharField(_("whom (role or team at the client)"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    due_soon_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("client informed of a breach")
        verbose_name_plural = _("clients informed of breaches")
        ordering = ["client__name"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "client"], name="registers_breach_notice_once_per_client"),
            models.CheckConstraint(
                condition=Q(informed_at__isnull=True) | ~Q(channel=""), name="registers_breach_notice_informed_how"
            ),
        ]
        indexes = [
            # The reminder rule: WHERE informed_at IS NULL
            models.Index(fields=["breach"], condition=Q(informed_at__isnull=True), name="registers_notice_open_idx"),
        ]

    def __str__(self) -> str:
        return f"breach notice {self.pk}"

    @property
    def deadline(self) -> dt.datetime:
        return self.breach.discovered_at + client_inform_within()


def client_inform_within() -> dt.timedelta:
    """How soon an affected client is to be told of a breach (BREACH_CLIENT_INFORM_HOURS)."""
    return dt.timedelta(hours=settings.BREACH_CLIENT_INFORM_HOURS)
