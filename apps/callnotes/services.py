"""The one change a saved call note can undergo: the privacy officer's redaction of an
erased person's name, email and phone in its text, inside an erasure request (R-NOTE-3's
one exception, R-DSR-4).

Audited three ways, all in the transaction of the change: a `NoteRedaction` row (who,
when, which request, which note, how many places; ids only), the database trigger that
refuses the UPDATE without that row outside the owner's function `callnote_redact_text`,
and an erasure-ledger
record (offsets and a keyed hash of the old text, never the text) so that a restore
cannot bring the name back (R-DEL-2). The name becomes `REDACTION_MARKER`, which every
reader shows translated ("[verwijderd op verzoek van betrokkene]").
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import DateTimeField, Func
from django.utils.translation import gettext as _

from apps.callnotes.models import REDACTION_MARKER, CallNote, NoteRedaction
from apps.core.errors import ServiceError

# Separators people type inside a phone number: "06-12 34 56 78", "(0)6.1234.5678".
_SEP = r"[\s\-./()]*"
NAME_MIN = 5  # a shorter "name" would redact ordinary words (cf. casework.name_searchable)


def _phone_pattern(phone: str) -> str:
    """A number in E.164 as agents write it: +31 6…, 0031 6…, 06…, with any separators."""
    try:
        parsed = phonenumbers.parse(phone, "NL")
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", phone)
        return _SEP.join(digits) if len(digits) >= 6 else ""
    national = str(parsed.national_number)
    if len(national) < 6:
        return ""
    prefix = rf"(?:\+{parsed.country_code}{_SEP}(?:\(0\){_SEP})?|00{parsed.country_code}{_SEP}|0{_SEP})"
    return rf"(?<!\d){prefix}{_SEP.join(national)}(?!\d)"


def redaction_pattern(*, names: Iterable[str] = (), emails: Iterable[str] = (), phones: Iterable[str] = ()) -> str:
    """One case-insensitive pattern for every way the person is written: full names (any
    whitespace between the parts), email addresses, phone numbers in any common notation."""
    parts = []
    for name in names:
        words = (name or "").split()
        if len(words) >= 2 and len("".join(words)) >= NAME_MIN:
            parts.append(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b")
    parts += [re.escape(e.strip()) for e in emails if e and "@" in e]
    parts += [p for p in (_phone_pattern(p) for p in phones if p) if p]
    # Longest first, so that "Jan de Vries" wins over a shorter alternative at the same place.
    return "|".join(sorted(set(parts), key=len, reverse=True))


def redact_text(text: str, pattern: str) -> tuple[str, list[list[int]]]:
    """The text with every match replaced by the marker, and the [start, end) offsets of
    the matches in the original text."""
    if not pattern:
        return text, []
    spans = [[m.start(), m.end()] for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return _apply_spans(text, spans), spans


def _apply_spans(text: str, spans: Sequence[Sequence[int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], REDACTION_MARKER]
        last = end
    out.append(text[last:])
    return "".join(out)


def _text_hash(text: str) -> str:
    from apps.privacy.hashing import keyed_hash

    return keyed_hash("call_note_text", text)


def _write(
    *, note: CallNote, new_text: str, spans: list[list[int]], request_id: Any, actor: Any, now: dt.datetime | None
) -> NoteRedaction:
    """The redaction row, the announced UPDATE the trigger checks against it, the ledger."""
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    # The transaction's own time (not the statement's): the trigger matches it with now().
    transaction_time = Func(function="TRANSACTION_TIMESTAMP", output_field=DateTimeField())
    redaction = NoteRedaction.objects.create(
        note=note, request_id=request_id, redacted_by=actor, redacted_at=transaction_time, places=len(spans)
    )
    with connection.cursor() as cursor:
        # The owner's SECURITY DEFINER function: the only way to change a note's text, and only
        # with the redaction row just written (R-SEC-3). No auditlog entry (it would hold
        # nothing but the mask anyway).
        cursor.execute("SELECT callnote_redact_text(%s, %s)", [note.pk, new_text])
    ledger_write(
        model=CallNote,
        object_ids=[note.pk],
        action=LedgerAction.REDACT,
        reason="erasure",
        actor=actor,
        now=now,
        detail={"spans": spans, "text_hash": _text_hash(note.text), "request": str(request_id or "")},
    )
    note.text = new_text
    redaction.refresh_from_db(fields=["redacted_at"])
    return redaction


@transaction.atomic
def call_note_redact(
    *, note: CallNote, dsr: Any, actor: Any, pattern: str, now: dt.datetime | None = None
) -> NoteRedaction:
    """Replace the person's name, email and phone (`pattern`, see `redaction_pattern`) in
    the note's text by the marker, for an open erasure request, by a privacy officer only.
    A note that does not mention them is refused (nothing to redact)."""
    from apps.core.access import privacy_office_visible_to
    from apps.privacy.erasure import ERASABLE_KINDS
    from apps.privacy.models import RequestStatus

    if not privacy_office_visible_to(actor):
        raise PermissionDenied
    if dsr.status != RequestStatus.OPEN or dsr.kind not in ERASABLE_KINDS:
        raise ServiceError(_("Notes are redacted only inside an open erasure request."))
    note = CallNote.objects.select_for_update().get(pk=note.pk)
    new_text, spans = redact_text(note.text, pattern)
    if not spans:
        raise ServiceError(_("A selected call note does not mention the person: nothing to redact."))
    return _write(note=note, new_text=new_text, spans=spans, request_id=dsr.pk, actor=actor, now=now)


def call_note_redaction_replay(*, note_id: uuid.UUID, detail: dict[str, Any], at: dt.datetime) -> int:
    """After a restore (R-DEL-2): redact the note again at the same places, if it still
    holds the very text that was redacted (its keyed hash); otherwise it is gone or was
    redacted before the backup. Returns 1 when redacted again."""
    from apps.privacy.models import DataSubjectRequest

    note = CallNote.objects.select_for_update().filter(pk=note_id).first()
    if note is None or _text_hash(note.text) != detail.get("text_hash"):
        return 0
    request_id = detail.get("request") or None
    if request_id and not DataSubjectRequest.objects.filter(pk=request_id).exists():
        request_id = None
    spans = [list(s) for s in detail.get("spans", [])]
    _write(note=note, new_text=_apply_spans(note.text, spans), spans=spans, request_id=request_id, actor=None, now=at)
    return 1
