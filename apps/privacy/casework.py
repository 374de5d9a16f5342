"""The privacy officer's casework on a confirmed request (R-DSR-3): finding the person
everywhere, the identity link, and the access report.

The lookup searches with the request's own data (normalised email, E.164 phone, first and
last name), optionally another spelling the officer types, and nothing else: it runs only
inside an open (confirmed) request. It is the one place in the product that reads call
note text (R-NOTE-1), to list notes that mention the name for the officer's manual review.
Every section is capped (CAP rows; notes paginated), so the page costs the same number of
queries whatever the size of the data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AccessAction, AccessLogEntry
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.errors import ServiceError
from apps.hr.models import Applicant, Employee
from apps.privacy.models import DataSubjectRequest, RequestRecord, RequestStatus
from apps.prospects import normalise
from apps.prospects.models import Person, ProspectPerson
from apps.retention import clock

CAP = 50  # rows per section; more means "refine the search"
NOTES_PER_PAGE = 25


def require_open(dsr: DataSubjectRequest) -> None:
    """Casework only on a confirmed request still open (R-DSR-2, R-DSR-3)."""
    if dsr.status != RequestStatus.OPEN:
        raise ServiceError(_("This request is not open: casework is only possible on a confirmed, open request."))


# --- The search terms ----------------------------------------------------------------
@dataclass(frozen=True)
class Terms:
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def empty(self) -> bool:
        return not (self.email or self.phone or self.last_name)


def _split_name(name: str) -> tuple[str, str]:
    first, _sep, last = " ".join(name.split()).rpartition(" ")
    return first, last


def terms_for(dsr: DataSubjectRequest, *, name: str = "", email: str = "", phone: str = "") -> tuple[Terms, list[str]]:
    """The request's own data, or another spelling the officer typed (within this request).
    Returns the terms and the messages about values that could not be read."""
    errors: list[str] = []
    name = name.strip() or dsr.name
    try:
        email = normalise.email(email.strip() or dsr.email)
    except ValueError as exc:
        errors.append(str(exc))
        email = ""
    try:
        phone = normalise.phone(phone.strip() or dsr.phone)
    except ValueError as exc:
        errors.append(str(exc))
        phone = ""
    first, last = _split_name(name)
    return Terms(email=email, phone=phone, first_name=first, last_name=last), errors


def _name_q(terms: Terms, first: str = "first_name", last: str = "last_name") -> Q:
    if not terms.last_name:
        return Q(pk__in=[])
    if terms.first_name:
        return Q(**{f"{first}__iexact": terms.first_name, f"{last}__iexact": terms.last_name})
    return Q(**{f"{last}__iexact": terms.last_name})


def _contact_q(terms: Terms, email: str = "email", phone: str = "phone") -> Q:
    q = Q(pk__in=[])
    if terms.email:
        q |= Q(**{f"{email}__iexact": terms.email})
    if terms.phone:
        q |= Q(**{phone: terms.phone})
    return q


# --- The lookup ------------------------------------------------------------------------
@dataclass
class Section:
    rows: list[Any]
    more: bool  # more than CAP matched: refine


def _capped(qs: Any) -> Section:
    rows = list(qs[: CAP + 1])
    return Section(rows[:CAP], len(rows) > CAP)


@dataclass
class Lookup:
    terms: Terms
    persons: Section
    contacts: Section
    employees: Section
    applicants: Section
    notes: Any  # a Paginator page


def lookup(dsr: DataSubjectRequest, terms: Terms, *, notes_page: Any = 1) -> Lookup:
    """Every record that may be the requester (R-DSR-3). A fixed number of queries."""
    require_open(dsr)
    empty = Q(pk__in=[])
    person_q = (_contact_q(terms) | _name_q(terms)) if not terms.empty else empty
    persons = _capped(
        Person.objects.filter(person_q)
        .select_related("company")
        .prefetch_related(
            Prefetch(
                "prospect_links",
                queryset=ProspectPerson.objects.select_related("prospect__assignment__client").order_by(
                    "prospect__assignment__name"
                ),
            )
        )
        .order_by("last_name", "first_name", "id")
    )
    contacts = _capped(
        ClientContact.objects.filter(person_q).select_related("client").order_by("last_name", "first_name", "id")
    )
    hr_q = (
        (_contact_q(terms) | (Q(name__iexact=terms.full_name) if terms.full_name else empty))
        if not terms.empty
        else empty
    )
    employees = _capped(Employee.objects.filter(hr_q).order_by("name", "id"))
    applicants = _capped(Applicant.objects.filter(hr_q).order_by("name", "id"))
    # R-NOTE-1: the only reading of note text, inside a confirmed request; the caller logs it.
    note_q = empty
    if terms.full_name:
        note_q |= Q(text__icontains=terms.full_name)
    if terms.email:
        note_q |= Q(text__icontains=terms.email)
    notes = Paginator(
        CallNote.objects.filter(note_q)
        .select_related("company", "assignment__client", "result")
        .order_by("-created_at", "id"),
        NOTES_PER_PAGE,
    ).get_page(notes_page)
    return Lookup(terms, persons, contacts, employees, applicants, notes)


def linked_records(dsr: DataSubjectRequest) -> list[RequestRecord]:
    return list(
        RequestRecord.objects.filter(request=dsr)
        .select_related("person__company", "client_contact__client")
        .order_by("linked_at", "id")
    )


# --- The identity link -----------------------------------------------------------------
def _lock_open(dsr: DataSubjectRequest) -> DataSubjectRequest:
    """The request row, locked for the rest of the transaction, and still open (review #11):
    a link racing an erasure or a refusal waits for it and then finds the request closed."""
    locked = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    require_open(locked)
    return locked


@transaction.atomic
def request_record_link(
    *, dsr: DataSubjectRequest, actor: Any, person_id: Any = None, client_contact_id: Any = None
) -> RequestRecord:
    """The officer states: this record is the requester (R-DSR-3)."""
    dsr = _lock_open(dsr)
    try:
        if person_id:
            target = {"person": Person.objects.get(pk=uuid.UUID(str(person_id)))}
        elif client_contact_id:
            target = {"client_contact": ClientContact.objects.get(pk=uuid.UUID(str(client_contact_id)))}
        else:
            raise ServiceError(_("Choose a record to link."))
    except (ValueError, Person.DoesNotExist, ClientContact.DoesNotExist) as exc:
        raise ServiceError(_("That record does not exist (any more).")) from exc
    existing = RequestRecord.objects.filter(request=dsr, **target).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return RequestRecord.objects.create(request=dsr, linked_by=actor, linked_at=timezone.now(), **target)
    except IntegrityError:  # linked twice at once
        return RequestRecord.objects.get(request=dsr, **target)


@transaction.atomic
def request_record_unlink(*, dsr: DataSubjectRequest, actor: Any, record_id: Any) -> None:
    dsr = _lock_open(dsr)
    try:
        RequestRecord.objects.filter(request=dsr, pk=int(record_id)).delete()
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("Choose a record to unlink.")) from exc


def linked_person(dsr: DataSubjectRequest, person_id: Any) -> Person:
    """A person linked to this request, or ServiceError."""
    try:
        return Person.objects.select_related("company").get(pk=uuid.UUID(str(person_id)), request_records__request=dsr)
    except (ValueError, Person.DoesNotExist) as exc:
        raise ServiceError(_("This person is not linked to the request.")) from exc


# --- The access report -----------------------------------------------------------------
@dataclass
class Holding:
    client: str
    assignment: str
    assignment_active: bool
    company: str
    since: dt.datetime


@dataclass
class Recipient:
    at: dt.datetime
    who: str
    client: str
    assignment: str


@dataclass
class PersonReport:
    person: Person
    holdings: list[Holding]
    recipients: list[Recipient]
    flagged_at: dt.datetime
    deleted_at: dt.datetime


@dataclass
class ContactReport:
    contact: ClientContact


@dataclass
class HRReport:
    """An HR file found with the requester's own details: its basis and retention only; the
    board, who alone may open HR files (R-HR-1), provides the contents."""

    kind: str  # "employee" or "applicant"
    id: uuid.UUID
    name: str
    keep_until: dt.date | None  # None: kept while employed / while the application runs


@dataclass
class AccessReport:
    dsr: DataSubjectRequest
    made_at: dt.datetime
    persons: list[PersonReport]
    contacts: list[ContactReport]
    hr: list[HRReport]
    verify_months: int
    delete_months: int
    employee_years: int
    applicant_years: int


def _years_after(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _hr_reports(dsr: DataSubjectRequest) -> list[HRReport]:
    """HR files matching the request's own email, phone or full name (capped)."""
    terms, _errors = terms_for(dsr)
    if terms.empty:
        return []
    q = _contact_q(terms) | (Q(name__iexact=terms.full_name) if terms.full_name else Q(pk__in=[]))
    periods = settings.LEADHUNTER_PERIODS
    employees = Employee.objects.filter(q).order_by("name", "id")[:CAP]
    applicants = Applicant.objects.filter(q).order_by("name", "id")[:CAP]
    return [
        HRReport("employee", e.pk, e.name, _years_after(e.leaving_date, periods["EMPLOYEE_KEEP_YEARS"]))
        for e in employees
    ] + [
        HRReport("applicant", a.pk, a.name, _years_after(a.rejection_date, periods["APPLICANT_KEEP_YEARS"]))
        for a in applicants
    ]


def access_report(dsr: DataSubjectRequest, *, now: dt.datetime | None = None) -> AccessReport:
    """What Leadhunter holds of the linked records (GDPR Art. 15): the data, for which client
    and assignment, purpose, legal basis, source, retention and recipients. Recipients are
    the clients that held the person and the client users who downloaded a database with
    them in it (the access log of exports, R-LOG-1, Art. 19). A fixed number of queries."""
    from apps.accounts.models import User

    require_open(dsr)
    records = linked_records(dsr)
    persons = [r.person for r in records if r.person_id]
    person_ids = [p.pk for p in persons]
    holdings: dict[uuid.UUID, list[Holding]] = defaultdict(list)
    assignment_names: dict[uuid.UUID, tuple[str, str]] = {}
    for link in ProspectPerson.objects.filter(person_id__in=person_ids).select_related(
        "prospect__company", "prospect__assignment__client"
    ):
        a = link.prospect.assignment
        assignment_names[a.pk] = (a.client.name, a.name)
        holdings[link.person_id].append(
            Holding(a.client.name, a.name, a.is_active, link.prospect.company.name, link.created_at)
        )
    downloads = list(
        AccessLogEntry.objects.filter(
            action=AccessAction.DOWNLOAD,
            object_type=Person._meta.label_lower,
            object_ids__overlap=[str(pk) for pk in person_ids],
        ).order_by("at")
    )
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={d.actor_id for d in downloads if d.actor_id}).select_related("client")
    }
    recipients: dict[uuid.UUID, list[Recipient]] = defaultdict(list)
    for entry in downloads:
        user = users.get(entry.actor_id)
        client, assignment = assignment_names.get(entry.assignment_id, ("", ""))
        who = user.get_full_name() or user.username if user else _("a user since removed")
        if user is not None and user.client_id:
            who = f"{who} ({user.client.name})"
        for pk in person_ids:
            if str(pk) in entry.object_ids:
                recipients[pk].append(Recipient(entry.at, who, client, assignment))
    periods = settings.LEADHUNTER_PERIODS
    return AccessReport(
        dsr=dsr,
        made_at=now or timezone.now(),
        persons=[
            PersonReport(
                person=p,
                holdings=holdings[p.pk],
                recipients=recipients[p.pk],
                flagged_at=clock.verification_due_at(p.verified_at),
                deleted_at=clock.purge_due_at(p.verified_at),
            )
            for p in persons
        ],
        contacts=[ContactReport(r.client_contact) for r in records if r.client_contact_id],
        hr=_hr_reports(dsr),
        verify_months=periods["VERIFY_AFTER_MONTHS"],
        delete_months=periods["PERSON_DELETE_AFTER_MONTHS"],
        employee_years=periods["EMPLOYEE_KEEP_YEARS"],
        applicant_years=periods["APPLICANT_KEEP_YEARS"],
    )


def access_report_json(report: AccessReport) -> dict[str, Any]:
    """The same report as data (machine-readable, GDPR Art. 15(3) / 20)."""

    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "request": str(report.dsr.pk),
        "made_at": iso(report.made_at),
        "contact_persons": [
            {
                "id": str(r.person.pk),
                "first_name": r.person.first_name,
                "last_name": r.person.last_name,
                "job_title": r.person.job_title,
                "email": r.person.email,
                "phone": r.person.phone,
                "company": r.person.company.name,
                "legal_basis": r.person.legal_basis,
                "legal_basis_display": str(r.person.get_legal_basis_display()),
                "source": r.person.source,
                "verified_at": iso(r.person.verified_at),
                "created_at": iso(r.person.created_at),
                "flagged_for_verification_at": iso(r.flagged_at),
                "deleted_if_not_verified_at": iso(r.deleted_at),
                "held_for": [
                    {"client": h.client, "assignment": h.assignment, "company": h.company, "since": iso(h.since)}
                    for h in r.holdings
                ],
                "recipients": [
                    {"at": iso(x.at), "who": x.who, "client": x.client, "assignment": x.assignment}
                    for x in r.recipients
                ],
            }
            for r in report.persons
        ],
        "client_contacts": [
            {
                "id": str(c.contact.pk),
                "client": c.contact.client.name,
                "first_name": c.contact.first_name,
                "last_name": c.contact.last_name,
                "job_title": c.contact.job_title,
                "email": c.contact.email,
                "phone": c.contact.phone,
                "social_accounts": c.contact.social_accounts,
                "notes": c.contact.notes,
                "legal_basis": c.contact.legal_basis,
                "created_at": iso(c.contact.created_at),
            }
            for c in report.contacts
        ],
        "hr_files": [
            {"kind": h.kind, "name": h.name, "kept_until": h.keep_until.isoformat() if h.keep_until else None}
            for h in report.hr
        ],
    }
