from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import VisibleToQuerySet

# What a redaction leaves in the note's text where the name was (R-NOTE-3's one exception):
# stored neutral, shown in the reader's language by `note_text_display`.
REDACTION_MARKER = "[[redacted]]"


def note_text_display(text: str) -> str:
    """A note's text as people read it: a redaction shows as such, translated."""
    if REDACTION_MARKER not in text:
        return text
    return text.replace(REDACTION_MARKER, gettext("[removed at the data subject's request]"))


class CallNote(models.Model):
    """One call (policy §4.3): who called, when, the result, and the written note.

    Evidence of the service, hence immutable (R-NOTE-3): a database trigger refuses every
    UPDATE except detaching a deleted prospect and the privacy officer's redaction of an
    erased person's name (`apps.callnotes.services.call_note_redact`, with its
    NoteRedaction row in the same transaction), and nothing but deleting the assignment
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
    # Seconds from opening the prospect to saving the call, as the agent's screen timed it
    # (R-DIAL-1); None for calls recorded without a timer (API, older notes).
    handle_seconds = models.PositiveIntegerField(_("handle time (seconds)"), null=True, blank=True)

    objects = VisibleToQuerySet.as_manager()

    class Meta:
        verbose_name = _("call note")
        verbose_name_plural = _("call notes")
        indexes = [
            # Notes list, default order (R-NOTE-1): WHERE assignment_id = ? ORDER BY created_at DESC
            # Carrying what the progress figures read (apps.calling.figures): their scan of a
            # period is index-only (issue 16 #6).
            models.Index(
                fields=["assignment", "-created_at"],
                include=["result", "agent", "prospect", "handle_seconds"],
                name="callnote_assignment_date_idx",
            ),
            # Earlier notes on the call screen: WHERE prospect_id = ? ORDER BY created_at
            models.Index(fields=["prospect", "created_at"], name="callnote_prospect_idx"),
            # The live board's last call of each agent (R-SUP-1):
            # WHERE agent_id = ? AND assignment_id = ? ORDER BY created_at DESC LIMIT 1
            models.Index(fields=["agent", "assignment", "-created_at"], name="callnote_agent_last_call_idx"),
        ]

    def __str__(self) -> str:
        return f"{str(self._meta.verbose_name).capitalize()} {str(self.id)[:8]}"

    @property
    def display_text(self) -> str:
        return note_text_display(self.text)


class NoteRedaction(models.Model):
    """The audit record of one redaction of a note (R-NOTE-3, R-DSR-4): who, when, for which
    erasure request, which note, how many places. Ids only. The database trigger lets a
    note's text change only in the transaction that writes this row."""

    id = models.BigAutoField(primary_key=True)
    note = models.ForeignKey(CallNote, on_delete=models.CASCADE, related_name="redactions", verbose_name=_("call note"))
    request = models.ForeignKey(
        "privacy.DataSubjectRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        # Named, not "+": a hidden relation is missed by code that walks `_meta.related_objects`.
        related_name="note_redactions",
        verbose_name=_("data-subject request"),
    )
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="note_redactions",
        verbose_name=_("redacted by"),
    )
    # Set by the database (transaction time): the trigger matches it to the note's UPDATE.
    redacted_at = models.DateTimeField(_("redacted at"))
    places = models.PositiveIntegerField(_("places redacted"))

    class Meta:
        verbose_name = _("call note redaction")
        verbose_name_plural = _("call note redactions")

    def __str__(self) -> str:
        return f"{_('Call note redaction')} {self.pk}"
