from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet


class Client(models.Model):
    """A tenant: a company that hands Leadhunter its databases (SPEC §2)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="client_kvk_is_8_digits",
                condition=models.Q(kvk_number="") | models.Q(kvk_number__regex=r"^[0-9]{8}$"),
                violation_error_message=_("A KvK number has 8 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.TextChoices):
    """The six lawful bases of GDPR Art. 6(1)."""

    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest – direct marketing (recital 47)")


class ClientContact(models.Model):
    """A person at the client company whom Leadhunter deals with (SPEC §2, policy §6).

    Leadhunter is the controller here; the legal basis is the contract and the record
    is kept after assignments end.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("direct phone"), max_length=32, blank=True)
    social_accounts = models.TextField(_("social accounts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=32, choices=LegalBasis.choices, default=LegalBasis.CONTRACT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("client contact")
        verbose_name_plural = _("client contacts")
        ordering = ["last_name", "first_name"]
        constraints = [
            # One of the six GDPR bases, whatever path writes the row (issue 11 #8).
            models.CheckConstraint(
                name="client_contact_legal_basis_valid",
                condition=models.Q(legal_basis__in=LegalBasis.values),
                violation_error_message=_("Choose one of the six legal bases."),
            ),
        ]

    def __str__(self) -> str:
        # No personal data: this string ends up in audit logs and admin breadcrumbs.
        return f"{str(self._meta.verbose_name).capitalize()} {str(self.id)[:8]}"
