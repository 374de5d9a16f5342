"""Erasure on request and after a withdrawn consent (R-DSR-4, R-CON-1, R-DEL-1; policy §7).

Both go through `persons_erase`: in one transaction it reads what each client already
had of the persons (the name and company as linked in that client's assignment), deletes
them through the single deletion path (`person_delete`: ledger entry, cascade, auditlog
redaction, redactors), puts keyed hashes on the suppression list, and leaves each client's
users an in-portal notice with a count per assignment — never a name. The emails to the
clients (what they had, and the request to leave the person out of future lists) are sent
after the commit and are not stored, so no copy of the person remains in the database.

Mail may fail (the mail server is down, an address is refused): each email is sent on its
own, a failure is logged by ids only (never an address) and counted in the result's
`MailReport`, so that the erasure itself stands, the other emails still go, and the officer
is told how many could not be sent. Nothing is kept to retry later: the client emails name
the person, and keeping them would keep a copy of the erased person (R-DEL-1); the notice
in each client's portal (a count) has been left in the same transaction regardless.

The person's other data-subject requests (an earlier access request, a duplicate) hold
their name and email too: `requests_of_erased_blank` blanks them in the same transaction
(R-DEL-1). It is not a registered redactor because a redactor runs for every deletion
(also the 12-month purge, where an open request must keep its requester's address) and is
not told the reason; `persons_erase`, the path of both erasure and consent withdrawal,
calls it explicitly.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.clients.models import ClientContact
from apps.clients.services import client_contacts_delete
from apps.core.errors import ServiceError
from apps.privacy import lookup_terms
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus, SuppressionEntry
from apps.privacy.sole_traders import companies_personal_blank
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.selectors import person_records_of_same_persons
from apps.prospects.services import DeletionReason, persons_delete
from apps.retention.ledger import ledger_write
from apps.retention.models import LedgerAction, NoticeKind
from apps.retention.services import client_notices_add

logger = logging.getLogger(__name__)

# Requests whose answer may be an erasure: erasure itself, and an objection to direct
# marketing, which the controller honours by deleting and suppressing (GDPR Art. 21(3)).
ERASABLE_KINDS = frozenset({RequestKind.ERASURE, RequestKind.OBJECTION})


@dataclass
class ClientHolding:
    """What one client had of the erased persons: per assignment name, the (name, company) pairs."""

    client_id: uuid.UUID
    client_name: str
    by_assignment: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Outgoing:
    """One email to one address; `ref` names the recipient by ids only, for the log."""

    subject: str
    body: str
    address: str
    ref: str
    client_id: uuid.UUID | None = None


@dataclass
class MailReport:
    """How the emails after an erasure went (filled in after the commit)."""

    sent: int = 0
    failed: int = 0
    requester_failed: bool = False
    failed_client_ids: set[uuid.UUID] = field(default_factory=set)
    done: bool = False  # the emails have been attempted (the transaction has committed)


def deliver(messages: Sequence[Outgoing], report: MailReport | None = None) -> MailReport:
    """Send each email on its own (R-DSR-4): a failure is logged by ids only, counted, and
    does not stop the others. Never raises for a mail error."""
    report = report if report is not None else MailReport()
    for message in messages:
        try:
            send_mail(message.subject, message.body, None, [message.address])
        except Exception as exc:  # SMTP, socket or backend errors alike: the erasure stands
            # The exception's text may quote the address: only its class is logged.
            logger.warning("privacy mail not sent to %s: %s", message.ref, type(exc).__name__)
            report.failed += 1
            if message.client_id:
                report.failed_client_ids.add(message.client_id)
            else:
                report.requester_failed = True
        else:
            report.sent += 1
    report.done = True
    return report


@dataclass
class ErasureResult:
    persons: int
    clients: list[ClientHolding]
    mail: MailReport = field(default_factory=MailReport)
    requests_blanked: int = 0
    notes_redacted: int = 0
    # The emails to send after the commit; emptied once sent (they name the person).
    outbox: list[Outgoing] = field(default_factory=list)


def deliver_on_commit(result: ErasureResult) -> None:
    """Send `result.outbox` after the commit (nothing is mailed for a rolled-back erasure).
    Robust, so that a failure can never turn a committed erasure into an error page."""

    def send() -> None:
        deliver(result.outbox, result.mail)
        result.outbox.clear()

    transaction.on_commit(send, robust=True)


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
            last_name=person.surname,  # with its tussenvoegsel, as the import hashes it
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


def _client_messages(holdings: dict[uuid.UUID, ClientHolding]) -> list[Outgoing]:
    if not holdings:
        return []
    addresses = _client_addresses(list(holdings))
    with translation.override(settings.LANGUAGE_CODE):
        return [
            Outgoing(*client_message(holding), address, ref=f"client {client_id}", client_id=client_id)
            for client_id, holding in holdings.items()
            for address in addresses.get(client_id, [])
        ]


def requests_of_erased_blank(
    *, emails: Iterable[str], now: dt.datetime, except_request: uuid.UUID | None = None
) -> int:
    """Blank every data-subject request of these addresses the way `request_erase` blanks
    its own (R-DEL-1): an earlier access request, a duplicate. Unconfirmed ones go (nobody
    proved the address, the clock never started); open ones are closed as answered with a
    neutral outcome; closed ones keep their status and dates. Returns how many were blanked
    or removed."""
    addresses = {e.strip().lower() for e in emails if e and e.strip()}
    if not addresses:
        return 0
    # Stored lower-cased by the intake; matched case-insensitively all the same.
    same_address = functools.reduce(operator.or_, (Q(email__iexact=a) for a in addresses))
    requests = DataSubjectRequest.objects.filter(same_address)
    if except_request:
        requests = requests.exclude(pk=except_request)
    unconfirmed = list(requests.filter(status=RequestStatus.UNCONFIRMED).values_list("pk", flat=True))
    # R-DEL-2: ledgered in this transaction, so that a restore does not bring them back.
    ledger_write(
        model=DataSubjectRequest, object_ids=unconfirmed, action=LedgerAction.DELETE, reason="erasure", now=now
    )
    _count, per_model = DataSubjectRequest.objects.filter(pk__in=unconfirmed).delete()
    removed = per_model.get(DataSubjectRequest._meta.label, 0)
    blank_ids = list(requests.exclude(status=RequestStatus.UNCONFIRMED).values_list("pk", flat=True))
    ledger_write(model=DataSubjectRequest, object_ids=blank_ids, action=LedgerAction.BLANK, reason="erasure", now=now)
    # The officers' typed spellings of the person go with their requests (issue 11).
    lookup_terms.terms_forget(request_ids=[*unconfirmed, *blank_ids])
    return removed + requests_blank(request_ids=blank_ids, now=now)


def requests_blank(
    *, request_ids: Sequence[uuid.UUID], now: dt.datetime, open_status: str = RequestStatus.SUPERSEDED
) -> int:
    """Blank these requests' identifying fields (R-DEL-1): open ones are closed as answered
    with a neutral outcome; closed ones keep their status and dates. The caller ledgers it;
    the replay after a restore calls it again (idempotent)."""
    requests = DataSubjectRequest.objects.filter(pk__in=list(request_ids))
    with translation.override(settings.LANGUAGE_CODE):
        closed_text = _("Closed without a further answer: the person's details were erased at their own request.")
        blank_text = _("Details removed: the person's details were erased at their own request.")
    blank = {
        **dict.fromkeys(["name", "email", "mailbox_hash", "phone", "company", "message"], ""),
        "submitted_ip": None,
    }
    blanked = requests.filter(
        status__in=[RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.SUPERSEDED]
    ).update(outcome=blank_text, erased_at=now, **blank)
    # Not "answered" (issue 14 #5): the erasure ended it, with its own outcome.
    closed = requests.filter(status=RequestStatus.OPEN).update(
        status=open_status, closed_at=now, outcome=closed_text, erased_at=now, **blank
    )
    return closed + blanked


@transaction.atomic
def persons_erase(
    *,
    person_ids: Sequence[uuid.UUID],
    reason: DeletionReason,
    actor: Any = None,
    now: dt.datetime | None = None,
    except_request: uuid.UUID | None = None,
) -> ErasureResult:
    """Erase persons on their own wish (erasure request, withdrawn consent): delete every
    client's record of them (`person_records_of_same_persons`), suppress, blank their other
    data-subject requests, tell each client that held them.
    Ids already gone are skipped. The emails in `result.outbox` go out after the commit
    (a caller inside the same transaction may add its own), into `result.mail`."""
    now = now or timezone.now()
    # Each client has its own record of a person (R-IMP-4): erase them all, not only the
    # one the link or the request names.
    person_ids = person_records_of_same_persons(person_ids)
    persons = list(Person.objects.select_for_update(of=("self",)).select_related("company").filter(pk__in=person_ids))
    result = ErasureResult(0, [])
    if persons:
        ids = [p.pk for p in persons]
        holdings, counts = _holdings(ids)
        persons_delete(person_ids=ids, reason=reason, actor=actor, now=now)
        _suppress(persons, reason.value)
        # Issue 14 #8: a sole trader's company data are theirs too.
        companies_personal_blank(
            company_ids={p.company_id for p in persons if p.company.identifies_a_person},
            reason=reason.value,
            now=now,
            actor=actor,
        )
        client_notices_add(kind=NoticeKind.PERSONS_ERASED, counts=counts, now=now)
        result.requests_blanked = requests_of_erased_blank(
            emails=[p.email for p in persons], now=now, except_request=except_request
        )
        result.outbox.extend(_client_messages(holdings))
        result.persons, result.clients = len(ids), list(holdings.values())
    deliver_on_commit(result)
    return result


def _own_suppression(dsr: DataSubjectRequest, contacts: Sequence[ClientContact], *, typed: bool) -> None:
    """What goes on the suppression list besides the erased persons (review #7): the
    requester's verified email (the confirmation link proved it), the identifiers of the
    client contacts the officer linked, and the phone and name with company the requester
    typed only when the officer ticked that they are the requester's own — otherwise anyone
    with a mailbox could have a third party's number suppressed for good."""
    entries = []
    first, _sep, last = " ".join(dsr.name.split()).rpartition(" ")
    if typed:
        own = IdentifierHashes.of(
            email=dsr.email, phone=dsr.phone, first_name=first, last_name=last, company_name=dsr.company
        )
    else:
        own = IdentifierHashes.of(email=dsr.email)
    candidates = [own] + [
        IdentifierHashes.of(
            email=c.email, phone=c.phone, first_name=c.first_name, last_name=c.last_name, company_name=c.client.name
        )
        for c in contacts
    ]
    for hashes in candidates:
        if hashes.email or hashes.phone or hashes.name_company:
            entries.append(
                SuppressionEntry(
                    email_hash=hashes.email,
                    phone_hash=hashes.phone,
                    name_company_hash=hashes.name_company,
                    reason="erasure",
                )
            )
    SuppressionEntry.objects.bulk_create(entries)


def _notes_redact(
    dsr: DataSubjectRequest, records: Sequence[RequestRecord], note_ids: Sequence[Any], *, actor: Any, now: dt.datetime
) -> int:
    """Redact the ticked notes: every way the requester and their linked records are
    written (full names, emails, phones). Each note must mention them (else the whole
    erasure is refused, nothing half-done)."""
    from apps.callnotes.models import CallNote
    from apps.callnotes.services import call_note_redact, redaction_pattern

    wanted = {str(pk) for pk in note_ids if pk}
    if not wanted:
        return 0
    try:
        notes = list(CallNote.objects.filter(pk__in=[uuid.UUID(pk) for pk in wanted]).order_by("pk"))
    except ValueError as exc:
        raise ServiceError(_("A selected call note does not exist.")) from exc
    if len(notes) != len(wanted):
        raise ServiceError(_("A selected call note does not exist."))
    names, emails, phones = [dsr.name], [dsr.email], [dsr.phone]
    for record in records:
        linked = record.person or record.client_contact
        if linked is not None:
            names.append(getattr(linked, "full_name", "") or f"{linked.first_name} {linked.last_name}")
            emails.append(linked.email)
            phones.append(linked.phone)
    pattern = redaction_pattern(names=names, emails=emails, phones=phones)
    for note in notes:
        call_note_redact(note=note, dsr=dsr, actor=actor, pattern=pattern, now=now)
    return len(notes)


@transaction.atomic
def request_erase(
    *,
    dsr: DataSubjectRequest,
    actor: Any,
    delete_contacts: bool = False,
    suppress_typed: bool = False,
    redact_note_ids: Sequence[Any] = (),
    now: dt.datetime | None = None,
) -> ErasureResult:
    """Carry out an erasure request (R-DSR-4): erase every linked person, suppress the
    requester's verified email too (so that a future upload of them is skipped even where
    no record was found) and the linked client contacts' identifiers, tell the clients,
    email the requester the outcome, close the request as answered, and blank its
    identifying fields and those of the person's other requests (the pg_dump check of
    R-DEL-1). The phone and name with company the requester typed are suppressed only when
    the officer ticks `suppress_typed` (review #7).

    Linked client contacts (Leadhunter's own contract data) are deleted only when the
    officer says so (`delete_contacts`), e.g. when the person no longer works for the
    client; otherwise the outcome lists them for handling by hand. HR files are never
    touched here: the board handles them (R-HR-1).

    The call notes the officer ticked (`redact_note_ids`, from the notes the lookup listed
    as mentioning the person) have the person's name, email and phone replaced by the
    redaction marker (`call_note_redact`, R-NOTE-3's one exception), before the persons
    are deleted; the requester is told how many.

    The request row is locked and its status checked under the lock (review #11), so that a
    refusal or a link at the same moment waits and then finds the request closed."""
    now = now or timezone.now()
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if dsr.status != RequestStatus.OPEN:
        raise ServiceError(_("Only an open (confirmed) request can be carried out."))
    if dsr.kind not in ERASABLE_KINDS:
        raise ServiceError(_("Only a request for erasure or an objection can be answered with an erasure."))
    records = list(RequestRecord.objects.filter(request=dsr).select_related("client_contact__client", "person"))
    person_ids = [r.person_id for r in records if r.person_id]
    contacts = [r.client_contact for r in records if r.client_contact_id]
    _own_suppression(dsr, contacts, typed=suppress_typed)
    notes_redacted = _notes_redact(dsr, records, redact_note_ids, actor=actor, now=now)
    contacts_deleted = 0
    if delete_contacts and contacts:
        contacts_deleted = client_contacts_delete(contact_ids=[c.pk for c in contacts], actor=actor, reason="erasure")
    contact_count = len(contacts) - contacts_deleted

    result = persons_erase(
        person_ids=person_ids, reason=DeletionReason.ERASURE, actor=actor, now=now, except_request=dsr.pk
    )
    result.requests_blanked += requests_of_erased_blank(emails=[dsr.email], now=now, except_request=dsr.pk)
    result.notes_redacted = notes_redacted

    with translation.override(dsr.language or settings.LANGUAGE_CODE):
        # Plain language for the requester (issue 14 #10): what happened to them, in words
        # without our internal terms, each count with its own singular and plural.
        outcome = []
        if result.persons:
            outcome.append(
                ngettext(
                    "Your details were deleted from %(count)d list we held for a client.",
                    "Your details were deleted from %(count)d lists we held for clients.",
                    result.persons,
                )
                % {"count": result.persons}
            )
        outcome.append(
            _(
                "We keep only a coded trace of your email address and phone number, so that we never "
                "call or email you again, even if a client sends us your details once more."
            )
        )
        if result.clients:
            outcome.append(
                ngettext(
                    "We asked %(count)d client to leave you out of future lists.",
                    "We asked %(count)d clients to leave you out of future lists.",
                    len(result.clients),
                )
                % {"count": len(result.clients)}
            )
        if contacts_deleted:
            outcome.append(
                ngettext(
                    "We deleted %(count)d record of you as a contact person of one of our clients.",
                    "We deleted %(count)d records of you as a contact person of our clients.",
                    contacts_deleted,
                )
                % {"count": contacts_deleted}
            )
        if notes_redacted:
            outcome.append(
                ngettext(
                    "In %(count)d note of a phone call, your name was replaced by a remark that it was "
                    "removed at your request.",
                    "In %(count)d notes of phone calls, your name was replaced by a remark that it was "
                    "removed at your request.",
                    notes_redacted,
                )
                % {"count": notes_redacted}
            )
        if contact_count:
            outcome.append(
                ngettext(
                    "%(count)d record of you as a contact person of one of our clients is part of a contract "
                    "with that client; we handle it by hand and will let you know.",
                    "%(count)d records of you as a contact person of our clients are part of a contract "
                    "with those clients; we handle them by hand and will let you know.",
                    contact_count,
                )
                % {"count": contact_count}
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
    # Sent after the commit with the clients' emails (see `deliver`).
    result.outbox.append(Outgoing(subject, body, dsr.email, ref=f"requester of request {dsr.pk}"))

    # R-DEL-2: ledgered in this transaction, so that a restore does not bring the request
    # back open with the requester's details.
    ledger_write(
        model=DataSubjectRequest,
        object_ids=[dsr.pk],
        action=LedgerAction.BLANK,
        reason="erasure",
        now=now,
        actor=actor,
        # The replay closes it as answered (it was), not as ended by another request.
        detail={"answered": True},
    )
    lookup_terms.terms_forget(request_ids=[dsr.pk])
    dsr.status = RequestStatus.ANSWERED
    dsr.closed_at = now
    dsr.handled_by = actor
    dsr.outcome = outcome_text
    dsr.erased_at = now
    dsr.name = dsr.email = dsr.mailbox_hash = dsr.phone = dsr.company = dsr.message = ""
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
            "mailbox_hash",
            "phone",
            "company",
            "message",
            "submitted_ip",
        ]
    )
    return result
