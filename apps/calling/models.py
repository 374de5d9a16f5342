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


class PauseReason(models.TextChoices):
    """Why an agent pauses: a short fixed list, optional, no free text (like a skip)."""

    BREAK = "break", _("Break")
    LUNCH = "lunch", _("Lunch")
    MEETING = "meeting", _("Meeting or coaching")
    TECHNICAL = "technical", _("Technical problem")
    OTHER = "other", _("Other")


class PauseEnd(models.TextChoices):
    RESUMED = "resumed", _("Resumed")
    NEXT = "next", _("Took the next prospect")
    LOGOUT = "logout", _("Logged out")


class Pause(models.Model):
    """An agent's pause on an assignment (issue 13 #4): open while `ended_at` is empty; ends
    on resume, on taking the next prospect and on logout. Shown on the supervisor's live
    board (R-SUP-1) and summed in the figures; ids only."""

    id = models.BigAutoField(primary_key=True)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="+", verbose_name=_("assignment")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("agent")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=PauseReason.choices, blank=True)
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=10, choices=PauseEnd.choices, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        constraints = [
            # One open pause per agent: pausing again while paused keeps the first.
            models.UniqueConstraint(
                fields=["agent"], condition=models.Q(ended_at__isnull=True), name="calling_pause_one_open"
            ),
            models.CheckConstraint(
                name="calling_pause_ends_after_start",
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
            ),
        ]
        indexes = [
            # The live board: WHERE assignment_id = ? AND ended_at IS NULL; figures by period.
            models.Index(fields=["assignment", "started_at"], name="calling_pause_assignment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
