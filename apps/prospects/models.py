from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.clients.models import LegalBasis
from apps.core.querysets import VisibleToQuerySet
from apps.retention import clock


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOVED = "moved", _("Moved")
    RENAMED = "renamed", _("Renamed")
    CLOSED = "closed", _("Closed")


class LegalForm(models.TextChoices):
    """The legal form of a company, as far as we know it (issue 14 #8). Blank: unknown."""

    EENMANSZAAK = "eenmanszaak", _("Sole proprietorship (eenmanszaak)")
    VOF = "vof", _("General partnership (vof)")
    BV = "bv", _("Private limited company (bv)")
    NV = "nv", _("Public limited company (nv)")
    OTHER = "other", _("Other legal form")


# A sole trader's or a partnership's company data identify a person (the Dutch authority
# treats them as personal data): name, address and phone are handled as a person's.
PERSONAL_LEGAL_FORMS = frozenset({LegalForm.EENMANSZAAK, LegalForm.VOF})
# The company fields that are personal data for those legal forms.
SOLE_TRADER_PERSONAL_FIELDS = ("name", "street", "house_number", "postcode", "city", "phone")


class Company(models.Model):
    """General business data (policy §4.1): one record per real company, shared by all clients.

    Not personal data, no retention period; `verified_at` drives the 6-month "verify" flag.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=255)
    # Lower-cased, legal form and punctuation stripped: the key for name + postcode matching (R-IMP-3).
    name_normalised = models.CharField(_("normalised name"), max_length=255, editable=False)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL")
    phone = models.CharField(_("general phone"), max_length=32, blank=True)
    website = models.CharField(_("website"), max_length=255, blank=True)
    # Host name without "www.": the second matching key (R-IMP-3).
    website_domain = models.CharField(_("website domain"), max_length=255, blank=True, editable=False)
    industry = models.CharField(_("industry"), max_length=150, blank=True)
    employees = models.PositiveIntegerField(_("number of employees (FTE)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE)
    # From the import ("Rechtsvorm") or the agent; blank: unknown (issue 14 #8).
    # db_default: the import writes companies in SQL, naming the columns it knows.
    legal_form = models.CharField(
        _("legal form"), max_length=12, choices=LegalForm.choices, blank=True, default="", db_default=""
    )
    verified_at = models.DateTimeField(_("verified at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            # One shared record per real company: the KvK number identifies it (R-IMP-3).
            models.UniqueConstraint(fields=["kvk_number"], condition=~Q(kvk_number=""), name="company_unique_kvk"),
            models.CheckConstraint(
                name="company_kvk_is_8_digits", condition=Q(kvk_number="") | Q(kvk_number__regex=r"^[0-9]{8}$")
            ),
        ]
        indexes = [
            # Import matching, second key: WHERE website_domain = ? (R-IMP-3)
            models.Index(fields=["website_domain"], condition=~Q(website_domain=""), name="company_domain_idx"),
            # Import matching, third key: WHERE name_normalised = ? AND postcode = ? (R-IMP-3)
            models.Index(fields=["name_normalised", "postcode"], name="company_name_postcode_idx"),
            # Clock rules: WHERE verified_at <= cutoff ORDER BY verified_at, id (keyset batches, R-RET-1/2);
            # with id, a batch inside a run of equal dates (one upload) needs no sort.
            models.Index(fields=["verified_at", "id"], name="company_verified_id_idx"),
            # The client's database page, sorted by company / by city (and within a status or a
            # last result, by company): ORDER BY name, id LIMIT 51 read in index order, keyset
            # pages at any depth (issue 16 #6, apps.imports.selectors.prospect_segments).
            models.Index(fields=["name", "id"], name="company_name_id_idx"),
            models.Index(fields=["city", "name", "id"], name="company_city_name_id_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def needs_verification(self, now: dt.datetime | None = None) -> bool:
        """Flagged "verify" 6 months after `verified_at`, whether or not the job ran (R-RET-2)."""
        return clock.needs_verification(self.verified_at, now)

    @property
    def identifies_a_person(self) -> bool:
        """A sole trader or partnership: name, address and phone are personal data (issue 14 #8)."""
        return self.legal_form in PERSONAL_LEGAL_FORMS


class Person(models.Model):
    """A contact person at a company (policy §4.2): personal data.

    One record per real person *per client* (R-IMP-4, no database selling, §2): everything
    a record holds was supplied by its client or gathered in its client's assignments, or is
    a correction of a value that client supplied itself
    (`apps.prospects.services.person_correction_share`). A record is linked only to
    prospects of its own client's assignments: the database refuses any other link
    (trigger `prospectperson_within_its_client`), and its client never changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a client's persons go through `persons_delete` (ledger, redactors, R-DEL-1)
    # before the client row itself (`apps.clients.services.client_delete`), never by cascade.
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="persons", verbose_name=_("client")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="persons", verbose_name=_("company"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    # The Dutch name prefix ("van der", "de") between first and last name: part of the full
    # name wherever a person is shown, matched or exported (issue 12 #9, R-IMP-4).
    tussenvoegsel = models.CharField(_("tussenvoegsel"), max_length=30, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("direct email"), blank=True)  # stored lower-cased
    phone = models.CharField(_("direct phone"), max_length=32, blank=True)  # stored as E.164
    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, default=LegalBasis.LEGITIMATE_INTEREST
    )
    # How the record came to us ("upload", "call"): never a client's name (R-NTK-1).
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("verified at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Restriction of processing (GDPR Art. 18, R-DSR-5): set by the privacy office on a
    # restriction request. The record is kept but not processed: the queue skips a
    # prospect whose persons are all restricted, agents see "restricted" instead of the
    # person, the download shows "restricted", an import leaves the record unchanged.
    restricted_at = models.DateTimeField(_("restricted since"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.CheckConstraint(
                name="person_has_a_name_or_email",
                condition=~Q(last_name="") | ~Q(email=""),
            ),
            models.CheckConstraint(name="person_email_lower_case", condition=Q(email=Lower("email"))),
            # One of the six GDPR bases, whatever path writes the row (services, the import's
            # SQL, raw SQL): issue 11 #8 found "bogus-basis" stored through the API.
            models.CheckConstraint(
                name="person_legal_basis_valid",
                condition=Q(legal_basis__in=LegalBasis.values),
                violation_error_message=_("Choose one of the six legal bases."),
            ),
        ]
        indexes = [
            # Import matching, first key, within the importing client: WHERE client_id = ? AND email = ? (R-IMP-4)
            models.Index(fields=["client", "email"], condition=~Q(email=""), name="person_client_email_idx"),
            # Import matching, second key: WHERE company_id = ? AND lower(last_name) = ? AND lower(first_name) = ?,
            # within the client (the import) or across clients (person_correction_share: same full name at
            # the same company).
            models.Index("company", Lower("last_name"), Lower("first_name"), name="person_company_name_idx"),
            # Clock rules: WHERE verified_at <= cutoff ORDER BY verified_at, id (keyset batches,
            # R-RET-2, R-RET-3); with id, a batch inside a run of equal dates (one upload) needs no sort.
            models.Index(fields=["verified_at", "id"], name="person_verified_id_idx"),
            # The queue's and the import's restriction checks: WHERE restricted_at IS NOT NULL (R-DSR-5).
            models.Index(fields=["id"], condition=Q(restricted_at__isnull=False), name="person_restricted_idx"),
        ]

    def __str__(self) -> str:
        # No personal data: this string is copied into audit logs and admin history,
        # which must hold no copy of a deleted person (R-DEL-1).
        return f"{str(self._meta.verbose_name).capitalize()} {str(self.id)[:8]}"

    def needs_verification(self, now: dt.datetime | None = None) -> bool:
        """Flagged 6 months after `verified_at`, whether or not the job ran (R-RET-2): agents
        must confirm or correct before they see the direct email and phone."""
        return clock.needs_verification(self.verified_at, now)

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.tussenvoegsel, self.last_name)

    @property
    def surname(self) -> str:
        """The last name with its tussenvoegsel ("van der Berg"): what a file with one column
        for both holds, hence the key of name matching (import, corrections, privacy)."""
        return full_name("", self.tussenvoegsel, self.last_name)


def full_name(first_name: str, tussenvoegsel: str, last_name: str) -> str:
    """The parts that are there, single-spaced: Jan van der Berg."""
    return " ".join(" ".join((first_name or "", tussenvoegsel or "", last_name or "")).split())


class ProspectStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CALLBACK = "callback", _("Callback")
    DONE = "done", _("Done")


class Prospect(models.Model):
    """A company inside an assignment, with the persons linked for that assignment (SPEC §2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="prospects", verbose_name=_("assignment")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="prospects", verbose_name=_("company"))
    persons = models.ManyToManyField(Person, through="ProspectPerson", related_name="prospects")
    # The client's own columns from the upload, kept and returned as they came (R-IMP-1, R-EXP-1).
    extra = models.JSONField(_("extra columns"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ProspectStatus.choices, default=ProspectStatus.NEW)
    callback_at = models.DateTimeField(_("callback at"), null=True, blank=True)
    callback_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("callback by"),
    )
    last_result = models.ForeignKey(
        "assignments.CallResult",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last result"),
    )
    last_called_at = models.DateTimeField(_("last called at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The upload that last brought this record (the database page's filter by import), and
    # its row in the file of the upload that created it: the download keeps the client's
    # original order (R-IMP-7). Empty for records added otherwise.
    import_job = models.ForeignKey(
        "imports.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )
    source_row = models.PositiveIntegerField(_("row in the uploaded file"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "company"], name="prospect_unique_company_per_assignment"),
            models.CheckConstraint(
                name="prospect_callback_has_time",
                condition=~Q(status=ProspectStatus.CALLBACK) | Q(callback_at__isnull=False),
            ),
        ]
        indexes = [
            # The queue (R-NTK-2): WHERE assignment_id = ? AND status = ? ORDER BY callback_at / last_called_at
            models.Index(fields=["assignment", "status", "callback_at"], name="prospect_queue_idx"),
            # The database page sorted by last called: WHERE assignment_id = ? AND last_called_at IS NOT NULL
            # ORDER BY last_called_at, company_id LIMIT 51 (issue 16 #6).
            models.Index(
                fields=["assignment", "last_called_at", "company"],
                condition=Q(last_called_at__isnull=False),
                name="prospect_called_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} – {self.assignment}"


class ProspectPerson(models.Model):
    """Links a person to a prospect: the person is disclosed in this assignment (R-IMP-4).

    Only within the person's own client: the database refuses a link to another client's
    assignment (trigger `prospectperson_within_its_client`, migration
    `0004_person_belongs_to_one_client`)."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="prospect_links")
    created_at = models.DateTimeField(auto_now_add=True)
    # The first row of the upload that named the person for this record: the download's
    # order of a record's persons (R-IMP-7). Empty for persons added on the call screen.
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prospect", "person"], name="prospect_person_unique"),
        ]
        indexes = [
            # Visibility of a person: WHERE person_id = ? (which prospects, hence assignments, hold them)
            models.Index(fields=["person"], name="prospect_person_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id} ↔ {self.person_id}"


class Lease(models.Model):
    """An agent's exclusive hold on one prospect while calling it (R-NTK-2).

    A row exists only while the lease is held: releasing deletes it. An expired row is
    powerless (every check compares `expires_at` with now) and is removed by the next
    "next prospect" of the assignment or by the expiry job.
    """

    prospect = models.OneToOneField(Prospect, on_delete=models.CASCADE, related_name="lease")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leases")
    assignment = models.ForeignKey("assignments.Assignment", on_delete=models.CASCADE, related_name="leases")
    leased_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One prospect, one agent at a time: the OneToOne on prospect. One lease per agent per assignment:
            models.UniqueConstraint(fields=["agent", "assignment"], name="lease_one_per_agent_per_assignment"),
            models.CheckConstraint(name="lease_expires_after_start", condition=Q(expires_at__gt=models.F("leased_at"))),
        ]
        indexes = [
            # Expiry: WHERE assignment_id = ? AND expires_at <= now()
            models.Index(fields=["assignment", "expires_at"], name="lease_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect_id} → {self.agent_id} until {self.expires_at:%H:%M}"
