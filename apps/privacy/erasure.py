"""Erasure on request and after a withdrawn consent (R-DSR-4, R-CON-1, R-DEL-1; policy §7).

Both go through `persons_erase`: in one transaction it reads what each client already
had of the persons (the name and company as linked in that client's assignment), deletes
them through the single deletion path (`person_delete`: ledger entry, cascade, auditlog
redaction, redactors), puts keyed hashes on the suppression list, and leaves each client's
users an in-portal notice with a count per assignment — never a name. The emails to the
clients (what they had, and the request to leave the person out of future lists) are sent
after the commit and are not stored, so no copy of the person remains in the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.clients.models import ClientContact
from apps.core.errors import ServiceError
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus, SuppressionEntry
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.services import DeletionReason, persons_delete
from apps.retention.models import NoticeKind
from apps.retention.services import client_notices_add

# Requests whose answer may be an erasure: erasure itself, and an objection to direct
# marketing, which the controller honours by deleting and suppressing (GDPR Art. 21(3)).
ERASABLE_KINDS = frozenset({RequestKind.ERASURE, RequestKind.OBJECTION})


@dataclass
class ClientHolding:
    """What one client had of the erased persons: per assignment name, the (name, company) pairs."""

    client_id: uuid.UUID
    client_name: str
    by_assignment: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class ErasureResult:
    persons: int
    clients: list[ClientHolding]


def _holdings(person_ids: Sequence[uuid.UUID]) -> tuple[dict[uuid.UUID, ClientHolding], dict[uuid.UUID, int]]:
    """What each client held (one query), and how many of the persons each assignment held."""
    links = (
        ProspectPerson.objects.filter(person_id__in=person_ids)
        .select_related("person", "prospect__company", "prospect__assignment__client")
        .order_by("prospect__assignment__client__name", "prospect__assignment__name", "person__last_name")
    )
    holdings: dict[uuid.UUID, ClientHolding] = {}
    counts: dict[uuid.UUID, int] = defaultdict(int)
    for link in links:
        assignment = link.prospect.assignment
        client = assignment.client
        holding = holdings.setdefault(client.pk, ClientHolding(client.pk, client.name))
        holding.by_assignment[assignment.name].append((link.person.full_name, link.prospect.company.name))
        counts[assignment.pk] += 1
    return holdings, counts


def _suppress(persons: Sequence[Person], reason: str) -> None:
    entries = []
    for person in persons:
        hashes = IdentifierHashes.of_stored(
            email=person.email,
            phone=person.phone,
            first_name=person.first_name,
            last_name=person.last_name,
            company_name=person.company.name,
        )
        if hashes.email or hashes.phone or hashes.name_company:
            entries.append(
                SuppressionEntry(
                    email_hash=hashes.email,
                    phone_hash=hashes.phone,
                    name_company_hash=hashes.name_company,
                    reason=reason,
                )
            )
    SuppressionEntry.objects.bulk_create(entries)


def _client_addresses(client_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The client's contacts and its active users: who is told (policy §7)."""
    from apps.accounts.models import Role, User
    from apps.clients.models import ClientContact

    addresses: dict[uuid.UUID, set[str]] = defaultdict(set)
    for client_id, email in (
        ClientContact.objects.filter(client_id__in=client_ids).exclude(email="").values_list("client_id", "email")
    ):
        addresses[client_id].add(email.lower())
    for client_id, email in (
        User.objects.filter(role=Role.CLIENT, client_id__in=client_ids, is_active=True)
        .exclude(email="")
        .values_list("client_id", "email")
    ):
        addresses[client_id].add(email.lower())
    return {client_id: sorted(emails) for client_id, emails in addresses.items()}


def client_message(holding: ClientHolding) -> tuple[str, str]:
    """Subject and body of the email to a client: only what the client already had."""
    lines = [
        _("Dear client,"),
        "",
        _(
            "The following contact persons from your assignments have been erased from Leadhunter at their own "
            "request (erasure, objection or withdrawn consent: GDPR Art. 7(3), 17 and 21). We can no longer call "
            "them for you."
        ),
        "",
    ]
    for assignment_name, persons in sorted(holding.by_assignment.items()):
        lines.append(_("Assignment: %(assignment)s") % {"assignment": assignment_name})
        lines.extend(f"  - {name or '—'}, {company}" for name, company in persons)
        lines.append("")
    lines += [
        _(
            "Please remove these persons from the lists you send us for future assignments, and from your own "
            "marketing lists. Should they appear in a future upload, Leadhunter leaves them out."
        ),
        "",
        _("Leadhunter privacy office"),
    ]
    return _("Contact persons erased at their request"), "\n".join(lines)


def _notify_clients_on_commit(holdings: dict[uuid.UUID, ClientHolding]) -> None:
    if not holdings:
        return
    addresses = _client_addresses(list(holdings))
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            (*client_message(holding), address)
            for client_id, holding in holdings.items()
            for address in addresses.get(client_id, [])
        ]

    def send() -> None:
        for subject, body, address in messages:
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)


@transaction.atomic
def persons_erase(
    *, person_ids: Sequence[uuid.UUID], reason: DeletionReason, actor: Any = None, now: dt.datetime | None = None
) -> ErasureResult:
    """Erase persons on their own wish (erasure request, withdrawn consent): delete,
    suppress, tell each client that held them. Ids already gone are skipped."""
    now = now or timezone.now()
    persons = list(Person.objects.select_for_update(of=("self",)).select_related("company").filter(pk__in=person_ids))
    if not persons:
        return ErasureResult(0, [])
    ids = [p.pk for p in persons]
    holdings, counts = _holdings(ids)
    persons_delete(person_ids=ids, reason=reason, actor=actor, now=now)
    _suppress(persons, reason.value)
    client_notices_add(kind=NoticeKind.PERSONS_ERASED, counts=counts, now=now)
    _notify_clients_on_commit(holdings)
    return ErasureResult(len(ids), list(holdings.values()))


def _requester_hashes(dsr: DataSubjectRequest) -> IdentifierHashes:
    first, _sep, last = dsr.name.strip().rpartition(" ")
    return IdentifierHashes.of(
        email=dsr.email, phone=dsr.phone, first_name=first, last_name=last, company_name=dsr.company
    )


@transaction.atomic
def request_erase(
    *, dsr: DataSubjectRequest, actor: Any, delete_contacts: bool = False, now: dt.datetime | None = None
) -> ErasureResult:
    """Carry out an erasure request (R-DSR-4): erase every linked person, suppress the
    requester's own identifiers too (so that a future upload of them is skipped even where
    no record was found), tell the clients, email the requester the outcome, close the
    request as answered, and blank its identifying fields (the pg_dump check of R-DEL-1).

    Linked client contacts (Leadhunter's own contract data) are deleted only when the
    officer says so (`delete_contacts`), e.g. when the person no longer works for the
    client; otherwise the outcome lists them for handling by hand. HR files are never
    touched here: the board handles them (R-HR-1)."""
    now = now or timezone.now()
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if dsr.status != RequestStatus.OPEN:
        raise ServiceError(_("Only an open (confirmed) request can be carried out."))
    if dsr.kind not in ERASABLE_KINDS:
        raise ServiceError(_("Only a request for erasure or an objection can be answered with an erasure."))
    records = list(RequestRecord.objects.filter(request=dsr))
    person_ids = [r.person_id for r in records if r.person_id]
    contact_ids = [r.client_contact_id for r in records if r.client_contact_id]
    contacts_deleted = 0
    if delete_contacts and contact_ids:
        contacts_deleted = len(contact_ids)
        ClientContact.objects.filter(pk__in=contact_ids).delete()  # masked in the auditlog (apps/audit/registry.py)
    contact_count = len(contact_ids) - contacts_deleted

    result = persons_erase(person_ids=person_ids, reason=DeletionReason.ERASURE, actor=actor, now=now)
    own = _requester_hashes(dsr)
    if own.email or own.phone or own.name_company:
        SuppressionEntry.objects.create(
            email_hash=own.email, phone_hash=own.phone, name_company_hash=own.name_company, reason="erasure"
        )

    with translation.override(dsr.language or settings.LANGUAGE_CODE):
        outcome = [
            _("%(count)d contact person records erased and added to the suppression list.") % {"count": result.persons},
            _("%(count)d clients told to leave the person out of future lists.") % {"count": len(result.clients)},
        ]
        if contacts_deleted:
            outcome.append(_("%(count)d client contact records deleted.") % {"count": contacts_deleted})
        if contact_count:
            outcome.append(
                _("%(count)d client contact records to be handled by hand (contract data).") % {"count": contact_count}
            )
        outcome_text = " ".join(outcome)
        subject = _("Your request for erasure has been carried out")
        body = "\n".join(
            [
                _("Dear requester,"),
                "",
                _(
                    "We have carried out your request. Your details have been deleted from Leadhunter, and the "
                    "clients for whom we held them have been asked not to give them to us again. Should they "
                    "still do so, Leadhunter leaves you out."
                ),
                "",
                outcome_text,
                "",
                _("Leadhunter privacy office"),
            ]
        )
    address = dsr.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))

    dsr.status = RequestStatus.ANSWERED
    dsr.closed_at = now
    dsr.handled_by = actor
    dsr.outcome = outcome_text
    dsr.erased_at = now
    dsr.name = dsr.email = dsr.phone = dsr.company = dsr.message = ""
    dsr.submitted_ip = None
    dsr.save(
        update_fields=[
            "status",
            "closed_at",
            "handled_by",
            "outcome",
            "erased_at",
            "name",
            "email",
            "phone",
            "company",
            "message",
            "submitted_ip",
        ]
    )
    return result
