from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet


class CallNote(models.Model):
    """One call (policy §4.3): who called, when, the result, and the written note.

    Evidence of the service, hence immutable (R-NOTE-3): a database trigger refuses every
    UPDATE except detaching a deleted prospect, and nothing but deleting the assignment
    deletes a note. There is deliberately no index on `text` (R-NOTE-1: no search).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="call_notes", verbose_name=_("assignment")
    )
    # SET_NULL: when a client deletes a record, the notes of its calls stay with the assignment.
    prospect = models.ForeignKey(
        "prospects.Prospect",
        on_delete=models.SET_NULL,
        null=True,
        related_name="call_notes",
        verbose_name=_("prospect"),
    )
    # The company is kept on the note itself so that notes sort by company name (R-NOTE-1)
    # even after the prospect was deleted; companies are shared and never auto-deleted.
    company = models.ForeignKey(
        "prospects.Company", on_delete=models.PROTECT, related_name="call_notes", verbose_name=_("company")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_notes", verbose_name=_("agent")
    )
    result = models.ForeignKey(
        "assignments.CallResult", on_delete=models.RESTRICT, related_name="call_notes", verbose_name=_("result")
    )
    text = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("date and time"), db_index=False)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("call note")
        verbose_name_plural = _("call notes")
        indexes = [
            # Notes list, default order (R-NOTE-1): WHERE assignment_id = ? ORDER BY created_at DESC
            models.Index(fields=["assignment", "-created_at"], name="callnote_assignment_date_idx"),
            # Earlier notes on the call screen: WHERE prospect_id = ? ORDER BY created_at
            models.Index(fields=["prospect", "created_at"], name="callnote_prospect_idx"),
        ]

    def __str__(self) -> str:
        return f"{str(self._meta.verbose_name).capitalize()} {str(self.id)[:8]}"
