"""Other apps' copies of a person, removed when the person is deleted (R-DEL-1).

`apps.prospects.services.person_delete` is the single deletion path. It deletes the
person row, redacts the audit log, writes the erasure ledger, and then calls every
*redactor* registered here, inside the same transaction, so that a copy of the person
made elsewhere (import staging rows, import reports, caches, ...) goes with them.

An app registers once, at start-up (in its AppConfig.ready()):

    from apps.privacy.redactors import ErasedPerson, register_person_redactor

    def redact_import_staging(persons: Sequence[ErasedPerson]) -> None:
        ...  # delete or blank the rows holding these ids or these values

    register_person_redactor(redact_import_staging)

A redactor receives the deleted persons of one batch (up to a few thousand) with their
ids and the values they held, read just before the deletion, so that copies without a
foreign key (a staging row, a report line) can be matched by value. The values live in
memory only for the call; a redactor must not store them. It must be idempotent
(a purge re-run after a crash may hand it persons it has seen), work in set-based
queries (the purge deletes 100,000 persons within the 60-second budget of SPEC §7), and
raise to abort the deletion: nothing is deleted unless every redactor succeeds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ErasedPerson:
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str
    company_name: str
    company_id: uuid.UUID | None = None


PersonRedactor = Callable[[Sequence[ErasedPerson]], None]

_REDACTORS: list[PersonRedactor] = []


def register_person_redactor(redactor: PersonRedactor) -> PersonRedactor:
    """Register a redactor (idempotent: registering the same callable twice keeps one). Usable as a decorator."""
    if redactor not in _REDACTORS:
        _REDACTORS.append(redactor)
    return redactor


def unregister_person_redactor(redactor: PersonRedactor) -> None:
    if redactor in _REDACTORS:
        _REDACTORS.remove(redactor)


def run_person_redactors(persons: Sequence[ErasedPerson]) -> None:
    for redactor in list(_REDACTORS):
        redactor(persons)
