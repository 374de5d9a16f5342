"""The erasure ledger of every deletion and blanking of personal data, and its replay
after a restore (R-DEL-2).

Two tables in the schema `erasure_ledger`, which `backup` leaves out of its dump:
- `ErasureLedgerEntry` for persons (written by `apps.prospects.services.persons_delete`,
  with keyed hashes), and
- `LedgerRecord` for every other kind (`ledger_write`): which record, what was done, and
  replay details made of ids, offsets and keyed hashes only.

The one service that deletes or blanks a kind of record calls `ledger_write` in its own
transaction, so there is never a deletion without its record. `LEDGERED` names, per kind,
the function that does it again after a restore; `PERSONAL_DATA` classifies every model
that holds personal data (the auditlog's masked models) as ledgered, going with a
ledgered parent, or not deleted by the application, and a test fails when a model with
personal data is added without a place here (tests/test_restore_ledger.py).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.retention.models import LedgerAction, LedgerRecord

REPLAY_BATCH = 500

# Set while the ledger is replayed: the services run again, and must not append the same
# deletions a second time (the ledger is append-only and would grow with every restore).
_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar("ledger_replaying", default=False)


@contextmanager
def replaying() -> Iterator[None]:
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


def is_replaying() -> bool:
    return _replaying.get()


def ledger_write(
    *,
    model: type,
    object_ids: Iterable[uuid.UUID | str],
    action: LedgerAction,
    reason: str = "",
    actor: Any = None,
    now: dt.datetime | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Record a deletion or blanking of these records (R-DEL-2). Call it inside the
    transaction that deletes or blanks them. `detail` holds what the replay needs, never a
    personal value (ids, offsets, keyed hashes). Nothing is written during a replay."""
    label = model._meta.label_lower
    if label not in LEDGERED:
        raise LookupError(f"{label} is not a ledgered kind: add it to apps.retention.ledger.LEDGERED")
    if is_replaying():
        return 0
    now = now or timezone.now()
    rows = [
        LedgerRecord(
            at=now,
            kind=label,
            object_id=uuid.UUID(str(pk)),
            action=action,
            reason=str(reason),
            actor_id=getattr(actor, "pk", None),
            detail=detail or {},
        )
        for pk in object_ids
    ]
    LedgerRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- Replay ---------------------------------------------------------------------------
def _existing(model_label: str, ids: Sequence[uuid.UUID]) -> list[Any]:
    from django.apps import apps

    return list(apps.get_model(model_label).objects.filter(pk__in=ids))


def _replay_prospects(records: Sequence[LedgerRecord]) -> int:
    from apps.prospects.services import prospect_delete

    done = 0
    for prospect in _existing("prospects.Prospect", [r.object_id for r in records]):
        prospect_delete(prospect=prospect)
        done += 1
    return done


def _replay_assignments(records: Sequence[LedgerRecord]) -> int:
    from apps.assignments.services import assignment_delete

    done = 0
    for assignment in _existing("assignments.Assignment", [r.object_id for r in records]):
        assignment_delete(assignment=assignment)
        done += 1
    return done


def _replay_clients(records: Sequence[LedgerRecord]) -> int:
    from apps.clients.services import client_delete

    done = 0
    for client in _existing("clients.Client", [r.object_id for r in records]):
        client_delete(client=client)
        done += 1
    return done


def _replay_client_contacts(records: Sequence[LedgerRecord]) -> int:
    from apps.clients.services import client_contacts_delete

    return client_contacts_delete(contact_ids=[r.object_id for r in records])


def _replay_employees(records: Sequence[LedgerRecord]) -> int:
    from apps.hr.services import employee_delete

    done = 0
    for employee in _existing("hr.Employee", [r.object_id for r in records]):
        employee_delete(employee=employee, actor=None)
        done += 1
    return done


def _replay_applicants(records: Sequence[LedgerRecord]) -> int:
    from apps.hr.services import applicant_delete

    done = 0
    for applicant in _existing("hr.Applicant", [r.object_id for r in records]):
        applicant_delete(applicant=applicant, actor=None)
        done += 1
    return done


def _replay_requests(records: Sequence[LedgerRecord]) -> int:
    from apps.privacy.erasure import requests_blank
    from apps.privacy.models import RequestStatus
    from apps.privacy.request_retention import RETENTION_REASON, requests_closed_blank
    from apps.privacy.services import requests_blank_again

    deleted = [r.object_id for r in records if r.action == LedgerAction.DELETE]
    blanked = {r.object_id: r.at for r in records if r.action == LedgerAction.BLANK and r.reason != RETENTION_REASON}
    # Closed requests blanked at the end of their period (issue 14 #4), with that outcome.
    kept_over = [r for r in records if r.action == LedgerAction.BLANK and r.reason == RETENTION_REASON]
    touched = sum(requests_closed_blank(request_ids=[r.object_id], now=r.at) for r in kept_over)
    # The erasure request itself was answered; the person's other open requests were ended by it.
    answered = [r for r in records if r.action == LedgerAction.BLANK and (r.detail or {}).get("answered")]
    touched += sum(
        requests_blank(request_ids=[r.object_id], now=r.at, open_status=RequestStatus.ANSWERED) for r in answered
    )
    return touched + requests_blank_again(deleted_ids=deleted, blanked=blanked)


def _replay_sole_trader_companies(records: Sequence[LedgerRecord]) -> int:
    from apps.privacy.sole_traders import companies_personal_blank

    return companies_personal_blank(company_ids=[r.object_id for r in records], reason="replay")


def _replay_restrictions(records: Sequence[LedgerRecord]) -> int:
    """Restrictions (R-DSR-5) as they stood: each record in ledger order, the last one wins."""
    from apps.prospects.models import Person

    done = 0
    for record in records:
        if record.action == LedgerAction.RESTRICT:
            done += Person.objects.filter(pk=record.object_id, restricted_at__isnull=True).update(
                restricted_at=record.at
            )
        elif record.action == LedgerAction.LIFT:
            done += Person.objects.filter(pk=record.object_id, restricted_at__isnull=False).update(restricted_at=None)
    return done


def _replay_note_redactions(records: Sequence[LedgerRecord]) -> int:
    from apps.callnotes.services import call_note_redaction_replay

    return sum(call_note_redaction_replay(note_id=r.object_id, detail=r.detail, at=r.at) for r in records)


@dataclass(frozen=True)
class LedgeredKind:
    service: str  # the one service that deletes or blanks it (and writes the record)
    replay: Callable[[Sequence[LedgerRecord]], int]


# In replay order: the widest first (a client's deletion takes its assignments with it).
LEDGERED: dict[str, LedgeredKind] = {
    "clients.client": LedgeredKind("apps.clients.services.client_delete", _replay_clients),
    "assignments.assignment": LedgeredKind("apps.assignments.services.assignment_delete", _replay_assignments),
    "prospects.prospect": LedgeredKind("apps.prospects.services.prospect_delete", _replay_prospects),
    # A sole trader's or partnership's identifying company fields, blanked (issue 14 #8).
    "prospects.company": LedgeredKind(
        "apps.privacy.sole_traders.companies_personal_blank", _replay_sole_trader_companies
    ),
    "clients.clientcontact": LedgeredKind("apps.clients.services.client_contacts_delete", _replay_client_contacts),
    "hr.employee": LedgeredKind("apps.hr.services (employee_delete, employee_files_purge)", _replay_employees),
    "hr.applicant": LedgeredKind("apps.hr.services (applicant_delete, applicants_purge)", _replay_applicants),
    "privacy.datasubjectrequest": LedgeredKind(
        "apps.privacy.erasure (request_erase, requests_of_erased_blank), requests_expire_unconfirmed, "
        "apps.privacy.request_retention.requests_closed_blank",
        _replay_requests,
    ),
    "callnotes.callnote": LedgeredKind("apps.callnotes.services.call_note_redact", _replay_note_redactions),
    # Not a deletion: a person's restriction and its lifting (R-DSR-5), so that a restore
    # keeps a restricted person restricted (persons' deletions have their own table).
    "prospects.person": LedgeredKind("apps.privacy.rights (request_restrict, restriction_lift)", _replay_restrictions),
}

# Persons have their own table (ErasureLedgerEntry, with keyed hashes), replayed first.
PERSONS = "prospects.person"

# Every model holding personal data (the auditlog's masked models, apps.audit.registry),
# and how its deletions survive a restore. A test compares this with the auditlog's list,
# so that a new model with personal data cannot be added without deciding.
PERSONAL_DATA: dict[str, str] = {
    **{label: "ledgered" for label in LEDGERED},
    PERSONS: "ledgered (ErasureLedgerEntry; restrictions in LedgerRecord)",
    # Rows that go with a ledgered parent (CASCADE), replayed with it.
    "hr.employeeentry": "with hr.employee",
    "hr.interviewreport": "with hr.applicant",
    "hr.hrdocument": "with hr.employee",
    # Deleted only with the assignment; redactions ledgered above.
    "prospects.prospectperson": "with prospects.prospect",
    # "Send information" addresses (issue 13 #1) are the person's: they go with the person.
    "appointments.informationrequest": "with prospects.person",
    # Not deleted by the application: staff accounts are deactivated, never deleted; the
    # registers' subprocessor contacts and breach texts are the office's own records;
    # an agreement's IP address is cleared by the 4-week rule, which runs on dates and so
    # clears it again on its next run after a restore (R-RET-6).
    "accounts.user": "not deleted",
    "assignments.processoragreement": "with assignments.assignment",
    "registers.subprocessor": "not deleted",
    "registers.breach": "not deleted",
}


def ledger_replay() -> dict[str, int]:
    """Delete and blank again everything the ledger holds (R-DEL-2): persons first, then
    every kind in LEDGERED order, each through its own service, in batches; idempotent
    (what is already gone is skipped). Returns how many records each kind touched."""
    from apps.prospects.models import Person
    from apps.prospects.services import DeletionReason, persons_delete
    from apps.retention.models import ErasureLedgerEntry
    from apps.retention.runner import keyset_batches

    counts: dict[str, int] = {}
    with replaying():
        erased = Person.objects.filter(pk__in=ErasureLedgerEntry.objects.values("person_id"))
        deleted = 0
        for ids in keyset_batches(erased, REPLAY_BATCH):
            with transaction.atomic():
                deleted += len(persons_delete(person_ids=ids, reason=DeletionReason.LEDGER_REPLAY))
        counts[PERSONS] = deleted
        for label, kind in LEDGERED.items():
            # A person's deletions have their own table (above); the ledger's person records
            # are restrictions, counted apart so that neither count overwrites the other.
            key = f"{label} restrictions" if label == PERSONS else label
            counts[key] = 0
            last = 0
            while True:
                batch = list(LedgerRecord.objects.filter(kind=label, pk__gt=last).order_by("pk")[:REPLAY_BATCH])
                if not batch:
                    break
                last = batch[-1].pk
                with transaction.atomic():
                    counts[key] += kind.replay(batch)
    return counts
