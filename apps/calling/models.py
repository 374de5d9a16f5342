from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SkipReason(models.TextChoices):
    """Why an agent put a prospect back without calling: fixed reasons, no free text (a skip
    is not a note, and must not become a place where personal data is written)."""

    BAD_TIME = "bad_time", _("Not a good moment for this company")
    NO_NUMBER = "no_number", _("No number to call")
    DUPLICATE = "duplicate", _("Duplicate or not a real company")
    LANGUAGE = "language", _("Language: needs another agent")
    OTHER = "other", _("Other")


class Skip(models.Model):
    """An agent skipped a prospect (back to the queue, behind the retries); ids only."""

    id = models.BigAutoField(primary_key=True)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="+", verbose_name=_("assignment")
    )
    prospect = models.ForeignKey(
        "prospects.Prospect", on_delete=models.CASCADE, related_name="+", verbose_name=_("prospect")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("agent")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=SkipReason.choices)
    created_at = models.DateTimeField(_("skipped at"))

    class Meta:
        verbose_name = _("skipped prospect")
        verbose_name_plural = _("skipped prospects")
        indexes = [
            # The agent's figures of today: WHERE agent_id = ? AND assignment_id = ? AND created_at >= ?
            models.Index(fields=["agent", "assignment", "created_at"], name="calling_skip_agent_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
