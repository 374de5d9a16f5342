from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SuppressionEntry(models.Model):
    """A person who must never be imported or added again (R-IMP-5, R-DSR-4).

    Holds keyed hashes only (`apps.privacy.hashing`); a row matches a person when any of
    its non-empty hashes equals the person's.
    """

    email_hash = models.CharField(_("email hash"), max_length=64, blank=True)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True)
    name_company_hash = models.CharField(_("name and company hash"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=32)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppression entry")
        verbose_name_plural = _("suppression list")
        constraints = [
            models.CheckConstraint(
                name="suppression_has_a_hash",
                condition=~Q(email_hash="") | ~Q(phone_hash="") | ~Q(name_company_hash=""),
            ),
        ]
        indexes = [
            # Import and "add person": WHERE email_hash = ? / phone_hash = ? / name_company_hash = ? (R-IMP-5)
            models.Index(fields=["email_hash"], condition=~Q(email_hash=""), name="suppression_email_idx"),
            models.Index(fields=["phone_hash"], condition=~Q(phone_hash=""), name="suppression_phone_idx"),
            models.Index(fields=["name_company_hash"], condition=~Q(name_company_hash=""), name="suppression_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Suppression entry')} {self.pk}"
