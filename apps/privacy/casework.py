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
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, Func, Max, Min, Prefetch, Q, Value
from django.db.models.functions import NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AccessAction, AccessLogEntry
from apps.audit.services import access_log_bulk, access_log_record, access_log_search
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.access import hr_visible_to, require_privacy_officer
from apps.core.errors import ServiceError
from apps.hr.models import Applicant, Employee
from apps.privacy.models import ConsentRecord, DataSubjectRequest, RequestRecord, RequestStatus
from apps.privacy.selectors import consent_records_of
from apps.privacy.sole_traders import sole_traders_matching
from apps.prospects import normalise
from apps.prospects.models import Company, Person, ProspectPerson
from apps.prospects.selectors import person_records_of_same_persons
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
    # The request's own verified email (R-DSR-2): the only match that shows an HR file as a fact.
    verified_email: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def note_name(self) -> str:
        """The name the note text may be searched for, or "" (R-NOTE-1)."""
        return self.full_name if name_searchable(self.full_name) else ""

    @property
    def empty(self) -> bool:
        return not (self.email or self.phone or self.last_name)


def _split_name(name: str) -> tuple[str, str]:
    first, _sep, last = " ".join(name.split()).rpartition(" ")
    return first, last


# R-NOTE-1: the note text is searched only for a full name (first AND last name, each at
# least NAME_PART_MIN characters, together at least NAME_TOTAL_MIN) or a valid email.
NAME_PART_MIN = 2
NAME_TOTAL_MIN = 5


def name_searchable(name: str) -> bool:
    """Is `name` specific enough to search the call note text with?"""
    first, last = _split_name(name or "")
    return (
        len(first) >= NAME_PART_MIN
        and len(last) >= NAME_PART_MIN
        and len(first.replace(" ", "")) + len(last) >= NAME_TOTAL_MIN
    )


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
    try:
        verified = normalise.email(dsr.email)
    except ValueError:
        verified = ""
    return Terms(email=email, phone=phone, first_name=first, last_name=last, verified_email=verified), errors


def _name_q(terms: Terms, first: str = "first_name", last: str = "last_name") -> Q:
    if not terms.last_name:
        return Q(pk__in=[])
    if terms.first_name:
        return Q(**{f"{first}__iexact": terms.first_name, f"{last}__iexact": terms.last_name})
    return Q(**{f"{last}__iexact": terms.last_name})


# A person's full name as stored, "Jan van der Berg": first name, tussenvoegsel, last name.
PERSON_FULL_NAME = Func(
    Value(" "),
    NullIf("first_name", Value("")),
    NullIf("tussenvoegsel", Value("")),
    NullIf("last_name", Value("")),
    function="concat_ws",
    output_field=CharField(),
)


def _person_name_q(terms: Terms) -> Q:
    """A contact person by the name typed: as first and last name, or as the whole full
    name, tussenvoegsel included ("Jan van der Berg" split either way); needs the alias
    `full_name_db` (PERSON_FULL_NAME)."""
    q = _name_q(terms)
    if terms.first_name and terms.last_name:
        q |= Q(full_name_db__iexact=f"{terms.first_name} {terms.last_name}")
    return q


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
class HRMatches:
    """HR files that may be the requester (R-HR-1, R-DSR-3). Only files matched on the request's
    verified email are facts (`employees`, `applicants`, for board members only); a match on
    name, phone or a typed spelling alone is a count for the board to check (`unconfirmed`)."""

    visible: bool  # the viewer may see HR files (a board member)
    employees: list[Any]
    applicants: list[Any]
    count: int  # every HR file that may match, by any term
    unconfirmed: int  # of which not matched on the verified email


@dataclass
class Lookup:
    terms: Terms
    persons: Section
    contacts: Section
    hr: HRMatches
    notes: Any  # a Paginator page
    # Sole traders' and partnerships' companies matching the phone or the full name (issue 14 #8).
    sole_traders: list[Any] = field(default_factory=list)


def _hr_q(terms: Terms) -> Q:
    """Every HR file any of the terms matches (email, phone, full name)."""
    if terms.empty:
        return Q(pk__in=[])
    q = _contact_q(terms) | (Q(name__iexact=terms.full_name) if terms.full_name else Q(pk__in=[]))
    if terms.verified_email:
        q |= Q(email__iexact=terms.verified_email)
    return q


def _verified_q(terms: Terms) -> Q:
    return Q(email__iexact=terms.verified_email) if terms.verified_email else Q(pk__in=[])


def hr_matches(terms: Terms, viewer: Any) -> HRMatches:
    """HR files for the lookup: facts (verified email) for board members only, a count for
    everyone else (R-HR-1). Two queries for an officer who is no board member, four for one."""
    q = _hr_q(terms)
    verified = _verified_q(terms)
    counts = [
        model.objects.filter(q).aggregate(total=Count("pk"), by_email=Count("pk", filter=verified))
        for model in (Employee, Applicant)
    ]
    count = sum(c["total"] for c in counts)
    unconfirmed = count - sum(c["by_email"] for c in counts)
    if not hr_visible_to(viewer):
        return HRMatches(False, [], [], count, unconfirmed)
    employees = list(Employee.objects.filter(verified).order_by("name", "id")[:CAP]) if counts[0]["by_email"] else []
    applicants = list(Applicant.objects.filter(verified).order_by("name", "id")[:CAP]) if counts[1]["by_email"] else []
    return HRMatches(True, employees, applicants, count, unconfirmed)


def lookup(dsr: DataSubjectRequest, terms: Terms, *, viewer: Any, notes_page: Any = 1, request: Any = None) -> Lookup:
    """Every record that may be the requester (R-DSR-3), for a privacy officer, inside an
    open request; the lookup and everything it returns are access-logged here, so that no
    caller can read note text unlogged (R-NOTE-1, R-LOG-1). A fixed number of queries."""
    require_privacy_officer(viewer)
    require_open(dsr)
    empty = Q(pk__in=[])
    person_q = (_contact_q(terms) | _name_q(terms)) if not terms.empty else empty
    persons = _capped(
        Person.objects.alias(full_name_db=PERSON_FULL_NAME)
        .filter((_contact_q(terms) | _person_name_q(terms)) if not terms.empty else empty)
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
    # R-NOTE-1: the only reading of note text, inside a confirmed request, for a full name
    # or an email only; logged below, also when nothing matched.
    notes = Paginator(
        CallNote.objects.filter(_note_q(terms))
        .select_related("company", "assignment__client", "result")
        .order_by("-created_at", "id"),
        NOTES_PER_PAGE,
    ).get_page(notes_page)
    found = Lookup(terms, persons, contacts, hr_matches(terms, viewer), notes)
    found.sole_traders = sole_traders_matching(phone=terms.phone, full_name=terms.full_name, last_name=terms.last_name)
    _log_lookup(dsr, found, viewer, request)
    return found


NOTES_TO_REDACT_CAP = 200


def _note_q(terms: Terms) -> Q:
    """R-NOTE-1: the note text is read only for a full name or an email, inside a request."""
    note_q = Q(pk__in=[])
    if terms.note_name:
        note_q |= Q(text__icontains=terms.note_name)
    if terms.email:
        note_q |= Q(text__icontains=terms.email)
    return note_q


def notes_mentioning(dsr: DataSubjectRequest, terms: Terms, *, viewer: Any, request: Any = None) -> list[CallNote]:
    """The notes the erasure page offers for redaction (R-DSR-4, R-NOTE-3): those the
    lookup lists as mentioning the person, newest first, capped; logged like the lookup."""
    require_privacy_officer(viewer)
    require_open(dsr)
    notes = list(
        CallNote.objects.filter(_note_q(terms))
        .select_related("company", "assignment__client", "result")
        .order_by("-created_at", "id")[:NOTES_TO_REDACT_CAP]
    )
    access_log_search(
        actor=viewer, action=AccessAction.LIST, model=CallNote, object_ids=[n.pk for n in notes], request=request
    )
    return notes


def _log_lookup(dsr: DataSubjectRequest, found: Lookup, viewer: Any, request: Any) -> None:
    """The lookup itself, tied to the request; every record shown, one bulk entry per kind;
    the notes of this page as a search entry, written also when none matched."""
    access_log_record(actor=viewer, action=AccessAction.LIST, obj=dsr, request=request)
    for model, ids in (
        (Person, [p.pk for p in found.persons.rows]),
        (ClientContact, [c.pk for c in found.contacts.rows]),
        (Employee, [e.pk for e in found.hr.employees]),
        (Applicant, [a.pk for a in found.hr.applicants]),
        (Company, [c.pk for c in found.sole_traders]),
    ):
        access_log_bulk(actor=viewer, action=AccessAction.LIST, model=model, object_ids=ids, request=request)
    access_log_search(
        actor=viewer, action=AccessAction.LIST, model=CallNote, object_ids=[n.pk for n in found.notes], request=request
    )


def linked_records(dsr: DataSubjectRequest) -> list[RequestRecord]:
    return list(
        RequestRecord.objects.filter(request=dsr)
        .select_related("person__company", "client_contact__client")
        .order_by("linked_at", "id")
    )


# --- The identity link -----------------------------------------------------------------
def _locked(dsr: DataSubjectRequest) -> DataSubjectRequest:
    """The request row, locked until the end of the transaction, as it is now (R-DSR-3)."""
    return DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)


@transaction.atomic
def request_record_link(
    *, dsr: DataSubjectRequest, actor: Any, person_id: Any = None, client_contact_id: Any = None
) -> RequestRecord:
    """The officer states: this record is the requester (R-DSR-3). The request row is locked
    and its status read again, so that a link never lands on a request closed meanwhile."""
    require_open(_locked(dsr))
    try:
        if person_id:
            person = Person.objects.get(pk=uuid.UUID(str(person_id)))
            # Every other client's record of the same person is linked with it (R-IMP-4:
            # one record per client), so the access report and the erasure reach them all.
            for other in person_records_of_same_persons([person.pk]):
                if other != person.pk:
                    RequestRecord.objects.get_or_create(
                        request=dsr, person_id=other, defaults={"linked_by": actor, "linked_at": timezone.now()}
                    )
            target = {"person": person}
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
    require_open(_locked(dsr))
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
    """A client organisation that downloaded an export of an assignment holding the person
    (Art. 15(1)(c), Art. 19): the organisation, never its individual users."""

    client: str
    assignment: str
    first: dt.datetime
    last: dt.datetime
    times: int


@dataclass
class PersonReport:
    person: Person
    holdings: list[Holding]
    recipients: list[Recipient]
    flagged_at: dt.datetime
    deleted_at: dt.datetime
    # The proof of consent (R-CON-1): when and how the person gave it.
    consents: list[ConsentRecord] = field(default_factory=list)


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
class NoteReport:
    """A call note that mentions the requester (R-DSR-3): their name or email is in its text,
    which is personal data about them too (Art. 15)."""

    created_at: dt.datetime
    client: str
    assignment: str
    company: str
    text: str  # as clients see it: a redaction shows as such


@dataclass
class AccessReport:
    dsr: DataSubjectRequest
    made_at: dt.datetime
    persons: list[PersonReport]
    contacts: list[ContactReport]
    hr: list[HRReport]
    notes: list[NoteReport]
    note_ids: list[uuid.UUID]  # for the access log
    hr_included: bool  # False: the viewer is no board member; the board answers for HR files (R-HR-1)
    verify_months: int
    delete_months: int
    employee_years: int
    applicant_years: int
    # The linked persons' companies that are sole traders or partnerships: their company
    # data are the person's too (issue 14 #8).
    sole_traders: list[Any] = field(default_factory=list)


def _years_after(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _hr_reports(dsr: DataSubjectRequest) -> list[HRReport]:
    """HR files matching the request's verified email only (capped): a match on a name or a
    phone number alone is no proof that the file is the requester's (R-DSR-3)."""
    terms, _errors = terms_for(dsr)
    if not terms.verified_email:
        return []
    q = _verified_q(terms)
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


RECIPIENT_ROWS = 500  # (assignment, persons) groups read from the access log; more is not plausible


def _recipients(person_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Recipient]]:
    """Per person, the client organisations that downloaded an export holding them (R-LOG-1,
    Art. 19): DOWNLOAD entries of persons with an assignment (exports; the privacy office's
    own report downloads have none) by a client user. Membership is tested in SQL (the id
    array contains the person id) and grouped there: three queries whatever the log's size."""
    from apps.accounts.models import User
    from apps.assignments.models import Assignment

    if not person_ids:
        return {}
    flags = {
        f"has_{i}": ExpressionWrapper(Q(object_ids__contains=[str(pk)]), output_field=BooleanField())
        for i, pk in enumerate(person_ids)
    }
    groups = list(
        AccessLogEntry.objects.filter(
            action=AccessAction.DOWNLOAD,
            object_type=Person._meta.label_lower,
            assignment_id__isnull=False,
            object_ids__overlap=[str(pk) for pk in person_ids],
        )
        .annotate(**flags)
        .values("assignment_id", "actor_id", *flags)
        .annotate(first=Min("at"), last=Max("at"), times=Count("pk"))
        .order_by("assignment_id", "actor_id", *flags)[:RECIPIENT_ROWS]
    )
    client_users = set(
        User.objects.filter(pk__in={g["actor_id"] for g in groups if g["actor_id"]}, client__isnull=False).values_list(
            "pk", flat=True
        )
    )
    names = {
        a["pk"]: (a["client__name"], a["name"])
        for a in Assignment.objects.filter(pk__in={g["assignment_id"] for g in groups}).values(
            "pk", "name", "client__name"
        )
    }
    merged: dict[tuple[uuid.UUID, Any], Recipient] = {}
    for group in groups:
        if group["actor_id"] not in client_users:
            continue  # staff downloads are no disclosure to a recipient
        client, assignment = names.get(group["assignment_id"], ("", ""))
        for i, pk in enumerate(person_ids):
            if not group[f"has_{i}"]:
                continue
            key = (pk, group["assignment_id"])
            seen = merged.get(key)
            if seen is None:
                merged[key] = Recipient(client, assignment, group["first"], group["last"], group["times"])
            else:
                seen.first, seen.last = min(seen.first, group["first"]), max(seen.last, group["last"])
                seen.times += group["times"]
    recipients: dict[uuid.UUID, list[Recipient]] = defaultdict(list)
    for (pk, _assignment_id), recipient in merged.items():
        recipients[pk].append(recipient)
    for rows in recipients.values():
        rows.sort(key=lambda r: (r.client, r.assignment))
    return recipients


def _notes_of(dsr: DataSubjectRequest, records: list[RequestRecord]) -> list[CallNote]:
    """Notes naming the requester or a linked record (full name or email only, R-NOTE-1),
    capped like every section."""
    terms, _errors = terms_for(dsr)
    q = _note_q(terms)
    for record in records:
        linked = record.person or record.client_contact
        if linked is not None:
            # A person's last name with its tussenvoegsel: the full name as a note would spell it.
            last = getattr(linked, "surname", linked.last_name)
            q |= _note_q(Terms(email=linked.email, first_name=linked.first_name, last_name=last))
    return list(
        CallNote.objects.filter(q).select_related("company", "assignment__client").order_by("-created_at", "id")[:CAP]
    )


def access_report(dsr: DataSubjectRequest, *, viewer: Any, now: dt.datetime | None = None) -> AccessReport:
    """What Leadhunter holds of the linked records (GDPR Art. 15): the data, for which client
    and assignment, purpose, legal basis, source, retention and recipients (the client
    organisations that downloaded an export with the person in it). HR files matched on the
    verified email are in it only when the viewer is a board member (R-HR-1); otherwise the
    report says that the board answers for them. A fixed number of queries."""
    require_open(dsr)
    records = linked_records(dsr)
    persons = [r.person for r in records if r.person_id]
    # Every client keeps its own record of a person (R-IMP-4): the report covers the other
    # clients' records of the linked persons too, whether or not the officer linked them.
    linked_ids = {p.pk for p in persons}
    others = set(person_records_of_same_persons(list(linked_ids))) - linked_ids
    if others:
        persons += list(Person.objects.select_related("company").filter(pk__in=others).order_by("last_name", "id"))
    person_ids = [p.pk for p in persons]
    holdings: dict[uuid.UUID, list[Holding]] = defaultdict(list)
    for link in ProspectPerson.objects.filter(person_id__in=person_ids).select_related(
        "prospect__company", "prospect__assignment__client"
    ):
        a = link.prospect.assignment
        holdings[link.person_id].append(
            Holding(a.client.name, a.name, a.is_active, link.prospect.company.name, link.created_at)
        )
    recipients = _recipients(person_ids)
    consents = consent_records_of(person_ids=person_ids)
    hr_included = hr_visible_to(viewer)
    notes = _notes_of(dsr, records)
    periods = settings.LEADHUNTER_PERIODS
    return AccessReport(
        dsr=dsr,
        made_at=now or timezone.now(),
        persons=[
            PersonReport(
                person=p,
                holdings=holdings[p.pk],
                recipients=recipients.get(p.pk, []),
                flagged_at=clock.verification_due_at(p.verified_at),
                deleted_at=clock.purge_due_at(p.verified_at),
                consents=consents.get(p.pk, []),
            )
            for p in persons
        ],
        contacts=[ContactReport(r.client_contact) for r in records if r.client_contact_id],
        hr=_hr_reports(dsr) if hr_included else [],
        hr_included=hr_included,
        notes=[
            NoteReport(n.created_at, n.assignment.client.name, n.assignment.name, n.company.name, n.display_text)
            for n in notes
        ],
        note_ids=[n.pk for n in notes],
        verify_months=periods["VERIFY_AFTER_MONTHS"],
        delete_months=periods["PERSON_DELETE_AFTER_MONTHS"],
        employee_years=periods["EMPLOYEE_KEEP_YEARS"],
        applicant_years=periods["APPLICANT_KEEP_YEARS"],
        sole_traders=list({p.company.pk: p.company for p in persons if p.company.identifies_a_person}.values()),
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
                "tussenvoegsel": r.person.tussenvoegsel,
                "last_name": r.person.last_name,
                "job_title": r.person.job_title,
                "email": r.person.email,
                "phone": r.person.phone,
                "company": r.person.company.name,
                "legal_basis": r.person.legal_basis,
                "legal_basis_display": str(r.person.get_legal_basis_display()),
                "consents": [{"given_at": iso(c.given_at), "channel": c.channel} for c in r.consents],
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
                    {
                        "client": x.client,
                        "assignment": x.assignment,
                        "first_download": iso(x.first),
                        "last_download": iso(x.last),
                        "downloads": x.times,
                    }
                    for x in r.recipients
                ],
            }
            for r in report.persons
        ],
        "sole_trader_companies": [
            {
                "name": c.name,
                "legal_form": c.legal_form,
                "kvk_number": c.kvk_number,
                "street": c.street,
                "house_number": c.house_number,
                "postcode": c.postcode,
                "city": c.city,
                "phone": c.phone,
                "website": c.website,
            }
            for c in report.sole_traders
        ],
        "call_notes_mentioning_you": [
            {
                "date": iso(n.created_at),
                "client": n.client,
                "assignment": n.assignment,
                "company": n.company,
                "text": n.text,
            }
            for n in report.notes
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
        **(
            {
                "hr_files": [
                    {"kind": h.kind, "name": h.name, "kept_until": h.keep_until.isoformat() if h.keep_until else None}
                    for h in report.hr
                ]
            }
            if report.hr_included
            else {"hr_files_note": hr_board_text()}
        ),
    }


def hr_board_text() -> str:
    return _(
        "Files about Leadhunter's own employees and job applicants are not part of this report: "
        "the board answers for those separately."
    )
