"""Erasure on request (R-DSR-4, R-DEL-1; policy §7): the person goes from every table, is
suppressed for every future upload by any client, each client that held them is told (a
count in the portal, an email with only what it already had), the erasure ledger has its
entry, the requester gets the outcome and the request keeps nothing of them."""

from __future__ import annotations

import logging
import smtplib
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.errors import ServiceError
from apps.imports import services as import_services
from apps.imports.models import ImportJob
from apps.privacy import casework
from apps.privacy.erasure import request_erase
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus, SuppressionEntry
from apps.privacy.selectors import is_suppressed
from apps.prospects.models import Person, ProspectPerson
from apps.retention.models import ErasureLedgerEntry, Notice, NoticeKind
from tests import factories
from tests.conftest import World, build_world
from tests.imports.helpers import csv_bytes, upload
from tests.test_person_delete import clean_ledger, pg_dump_text  # noqa: F401 (a fixture)

FIRST, LAST, EMAIL, PHONE = "Zwaantje", "Erasmusdottir", "zwaantje@verdwijn.example", "+31612340077"


class FailingBackend(LocmemBackend):
    """A mail server that refuses the addresses in `refuse` (SMTPRecipientsRefused, whose
    text quotes the address) or, when `down`, every message (connection refused)."""

    refuse: ClassVar[set[str]] = set()
    down: ClassVar[bool] = False

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if FailingBackend.down:
                raise ConnectionRefusedError("[Errno 111] Connection refused")
            refused = [a for a in message.recipients() if a in FailingBackend.refuse]
            if refused:
                raise smtplib.SMTPRecipientsRefused({a: (550, f"<{a}> no such user".encode()) for a in refused})
        return super().send_messages(messages)


@pytest.fixture
def failing_mail(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.test_privacy_erasure.FailingBackend"
    FailingBackend.refuse, FailingBackend.down = set(), False
    yield FailingBackend
    FailingBackend.refuse, FailingBackend.down = set(), False


def _held_by_two_clients(world: World) -> Person:
    """One person, held by Acme and by Globex (a record each, R-IMP-4), mentioned in a call
    note; returns Acme's record: the erasure must find Globex's too."""
    acme_prospect = factories.ProspectFactory(assignment=world.assignment)
    globex_prospect = factories.ProspectFactory(assignment=world.other_assignment, company=acme_prospect.company)
    for prospect in (globex_prospect, acme_prospect):
        person = factories.PersonFactory(
            client=prospect.assignment.client,
            company=acme_prospect.company,
            first_name=FIRST,
            last_name=LAST,
            email=EMAIL,
            phone=PHONE,
        )
        ProspectPerson.objects.create(prospect=prospect, person=person)
    factories.CallNoteFactory(
        prospect=acme_prospect, agent=world.users["agent_with_lease"], text=f"{FIRST} {LAST} wil niet gebeld worden"
    )
    for role, address in (
        ("client_same_tenant", "portal@acme.example"),
        ("client_other_tenant", "portal@globex.example"),
    ):
        User.objects.filter(pk=world.users[role].pk).update(email=address)
    return person


def _request(**kwargs) -> DataSubjectRequest:  # type: ignore[no-untyped-def]
    values = {
        "kind": RequestKind.ERASURE,
        "name": f"{FIRST} {LAST}",
        "email": EMAIL,
        "phone": PHONE,
        "company": "Ergens BV",
        "message": f"Verwijder mij alstublieft, {FIRST}",
    }
    values.update(kwargs)
    return factories.DataSubjectRequestFactory(confirmed=True, **values)


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    """An upload's import runs in the test's thread, right after its confirmation commits."""
    from leadhunter.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.mark.django_db(transaction=True)
def test_erasure_end_to_end(clean_ledger, eager_celery) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world = build_world()
    person = _held_by_two_clients(world)
    company = person.company
    acme_contact = factories.ClientContactFactory(client=world.acme, email="inkoop@acme.example")
    # An earlier access request of the same person, answered, quoting them (review #2).
    earlier = _request(
        kind=RequestKind.ACCESS,
        name=f"{FIRST} {LAST}",
        company="Ergens Holding",
        message=f"Wat weet u van {LAST}?",
    )
    DataSubjectRequest.objects.filter(pk=earlier.pk).update(
        status=RequestStatus.ANSWERED, closed_at=timezone.now(), outcome=f"Rapport aan {FIRST} {LAST} gestuurd"
    )
    dsr = _request()
    officer = world.client_for("privacy_officer")
    dump = pg_dump_text()
    assert EMAIL in dump and LAST in dump and "Ergens Holding" in dump  # the check below can fail

    # The officer finds the person, links them, downloads the report, erases.
    page = officer.get(reverse("privacy_case:lookup", args=[dsr.pk]))
    assert person in page.context["found"].persons.rows
    officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(person.pk)})
    assert EMAIL in officer.get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert officer.get(reverse("privacy_case:erase", args=[dsr.pk])).status_code == 200
    mail.outbox.clear()
    response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes"})
    assert response.status_code == 302

    # Gone from every table (call notes excepted, R-CALL-2).
    assert not Person.objects.filter(pk=person.pk).exists()
    dump = pg_dump_text()
    for value in (FIRST, LAST, EMAIL, PHONE, dsr.message, "Ergens BV", "Ergens Holding"):
        assert value not in dump, f"{value} left in the database"
    earlier.refresh_from_db()
    assert earlier.status == RequestStatus.ANSWERED and earlier.erased_at and earlier.outcome
    assert (earlier.name, earlier.email, earlier.phone, earlier.company, earlier.message) == ("", "", "", "", "")
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and dsr.erased_at and dsr.closed_at and dsr.outcome
    assert (dsr.name, dsr.email, dsr.phone, dsr.company, dsr.message) == ("", "", "", "", "")
    assert not RequestRecord.objects.filter(request=dsr).exists()

    # The ledger has its entry.
    entry = ErasureLedgerEntry.objects.get(person_id=person.pk)
    assert entry.reason == "erasure" and entry.actor_id == world.users["privacy_officer"].pk

    # Each client that held them: a notice (a count, no name) and an email (only what it had).
    notices = {
        (n.recipient_id, n.assignment_id, n.count) for n in Notice.objects.filter(kind=NoticeKind.PERSONS_ERASED)
    }
    assert notices == {
        (world.users["client_same_tenant"].pk, world.assignment.pk, 1),
        (world.users["client_other_tenant"].pk, world.other_assignment.pk, 1),
    }
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {
        "portal@acme.example",
        "inkoop@acme.example",
        world.contact.email,
        "portal@globex.example",
        world.other_contact.email,
        EMAIL,
    }
    for address, own, other in (
        ("inkoop@acme.example", world.assignment.name, world.other_assignment.name),
        ("portal@globex.example", world.other_assignment.name, world.assignment.name),
    ):
        body = by_address[address].body
        assert f"{FIRST} {LAST}" in body and company.name in body and own in body and other not in body
    assert acme_contact.email in by_address
    assert "verwijdering" in by_address[EMAIL].subject.lower()  # the requester, in their language (nl)
    page = world.client_for("client_same_tenant").get(reverse("retention:notices"))
    assert FIRST not in page.content.decode()

    # A re-upload by any client is skipped and counted as suppressed.
    for role, assignment, row in (
        ("client_other_tenant", world.other_assignment, [company.name, "", "", "", "", FIRST, LAST, EMAIL, ""]),
        ("client_same_tenant", world.assignment, [company.name, company.kvk_number, "", "", "", FIRST, LAST, "", ""]),
    ):
        job = upload(assignment, world.users[role], csv_bytes([row]))
        import_services.import_job_confirm(job=job, actor=world.users[role], mapping=None)
        job = ImportJob.objects.get(pk=job.pk)
        assert job.persons_suppressed == 1 and job.persons_new == 0
    assert not Person.objects.filter(last_name=LAST).exists()


def test_a_linked_client_contact_stays_and_is_listed_for_manual_handling(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    person = _held_by_two_clients(world)
    contact = factories.ClientContactFactory(client=world.acme, first_name=FIRST, last_name=LAST)
    dsr = _request(language="en")
    RequestRecord.objects.create(request=dsr, person=person, linked_at=dsr.confirmed_at)
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=dsr.confirmed_at)
    with django_capture_on_commit_callbacks(execute=True):
        result = request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    # Acme's record and Globex's record of the same person (R-IMP-4)
    assert result.persons == 2 and {c.client_name for c in result.clients} == {"Acme BV", "Globex BV"}
    dsr.refresh_from_db()
    # In words the requester reads, singular and plural right (issue 14 #10).
    assert "Your details were deleted from 2 lists we held for clients." in dsr.outcome
    assert "We asked 2 clients to leave you out of future lists." in dsr.outcome
    assert "1 record of you as a contact person of one of our clients is part of a contract" in dsr.outcome
    for internal in ("suppression list", "records erased", "clients told"):
        assert internal not in dsr.outcome
    assert contact.__class__.objects.filter(pk=contact.pk).exists()
    (to_requester,) = [m for m in mail.outbox if m.to == [EMAIL]]
    assert to_requester.subject == "Your request for erasure has been carried out"


def test_the_officer_may_delete_linked_client_contacts_too(world: World) -> None:
    contact = factories.ClientContactFactory(client=world.acme, first_name=FIRST, last_name=LAST, email=EMAIL)
    dsr = _request()
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=dsr.confirmed_at)
    officer = world.client_for("privacy_officer")
    page = officer.get(reverse("privacy_case:erase", args=[dsr.pk]))
    assert 'name="delete_contacts"' in page.content.decode()
    response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes", "delete_contacts": "yes"})
    assert response.status_code == 302
    assert not contact.__class__.objects.filter(pk=contact.pk).exists()
    dsr.refresh_from_db()
    assert "Wij hebben 1 vermelding van u als contactpersoon van een van onze opdrachtgevers verwijderd." in dsr.outcome
    assert "0 lijsten" not in dsr.outcome  # no sentence about what did not happen


def test_without_a_linked_record_only_the_requesters_verified_email_is_suppressed(world: World) -> None:
    """R-DSR-4, review #7: the typed phone and name+company are nobody's proof of identity."""
    dsr = _request(kind=RequestKind.OBJECTION)
    request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert is_suppressed(IdentifierHashes.of(email=EMAIL.upper()))
    assert not is_suppressed(IdentifierHashes.of(phone="06 12340077"))
    assert not is_suppressed(IdentifierHashes.of(first_name=FIRST, last_name=LAST, company_name="Ergens B.V."))
    assert SuppressionEntry.objects.count() == 1


def test_the_typed_phone_and_name_are_suppressed_only_when_the_officer_ticks_it(world: World) -> None:
    """Review #7: an explicit, clearly labelled tick on the erase page."""
    officer = world.client_for("privacy_officer")
    dsr = _request(kind=RequestKind.OBJECTION)
    page = officer.get(reverse("privacy_case:erase", args=[dsr.pk])).content.decode()
    assert 'name="suppress_typed"' in page and "die de verzoeker heeft ingetypt" in page
    response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes", "suppress_typed": "yes"})
    assert response.status_code == 302
    assert is_suppressed(IdentifierHashes.of(email=EMAIL))
    assert is_suppressed(IdentifierHashes.of(phone="06 12340077"))
    assert is_suppressed(IdentifierHashes.of(first_name=FIRST, last_name=LAST, company_name="Ergens B.V."))


def test_a_linked_client_contacts_identifiers_are_suppressed(world: World) -> None:
    """Review #7: the identifiers of records the officer linked go on the list."""
    contact = factories.ClientContactFactory(
        client=world.acme, first_name=FIRST, last_name=LAST, email="z.erasmus@acme.example", phone="+31201234599"
    )
    dsr = _request()
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=dsr.confirmed_at)
    request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert is_suppressed(IdentifierHashes.of(email="Z.Erasmus@acme.example"))
    assert is_suppressed(IdentifierHashes.of(phone="020 123 4599"))
    assert not is_suppressed(IdentifierHashes.of(phone=PHONE))  # typed by the requester, not ticked


def test_erasure_is_refused_clearly_and_changes_nothing(world: World) -> None:
    person = _held_by_two_clients(world)
    officer = world.client_for("privacy_officer")
    access = _request(kind=RequestKind.ACCESS)
    RequestRecord.objects.create(request=access, person=person, linked_at=access.confirmed_at)
    response = officer.post(reverse("privacy_case:erase", args=[access.pk]), {"confirm": "yes"})
    assert response.status_code == 400 and "verwijdering" in response.context["error"]

    erasure = _request()
    RequestRecord.objects.create(request=erasure, person=person, linked_at=erasure.confirmed_at)
    response = officer.post(reverse("privacy_case:erase", args=[erasure.pk]), {})
    assert response.status_code == 400 and response.context["error"]

    unconfirmed = factories.DataSubjectRequestFactory(kind=RequestKind.ERASURE)
    assert officer.post(reverse("privacy_case:erase", args=[unconfirmed.pk]), {"confirm": "yes"}).status_code == 409

    assert Person.objects.filter(pk=person.pk).exists()
    assert not SuppressionEntry.objects.exists() and not Notice.objects.exists()
    assert DataSubjectRequest.objects.filter(status=RequestStatus.OPEN).count() == 2
    assert world.client_for("administrator").post(reverse("privacy_case:erase", args=[erasure.pk])).status_code == 404


# --- Mail failures (R-DSR-4, review #1) -----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_refused_address_neither_fails_the_erasure_nor_stops_the_other_emails(  # type: ignore[no-untyped-def]
    clean_ledger,  # noqa: F811
    failing_mail,
    caplog,
) -> None:
    world = build_world()
    person = _held_by_two_clients(world)
    dsr = _request()
    RequestRecord.objects.create(request=dsr, person=person, linked_at=dsr.confirmed_at)
    failing_mail.refuse = {"portal@globex.example", EMAIL}
    officer = world.client_for("privacy_officer")
    mail.outbox.clear()
    with caplog.at_level(logging.WARNING):
        response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    # Every other address still got its email.
    assert {m.to[0] for m in mail.outbox} == {
        "portal@acme.example",
        world.contact.email,
        world.other_contact.email,
    }
    # Logged by ids, never an address.
    assert "portal@globex.example" not in caplog.text and EMAIL not in caplog.text
    assert str(world.globex.pk) in caplog.text and str(dsr.pk) in caplog.text

    # The done page says how many could not be sent, and to whom, once.
    page = officer.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and page.context["mail_failed"]["failed"] == 2
    assert "Niet verstuurde e-mails: 2" in text and "Globex BV" in text and "aan de verzoeker" in text
    assert "Acme BV:" not in text
    assert officer.get(response["Location"]).context["mail_failed"] is None


def test_a_mail_server_that_is_down_leaves_the_erasure_done(  # type: ignore[no-untyped-def]
    world: World, failing_mail, django_capture_on_commit_callbacks, caplog
) -> None:
    person = _held_by_two_clients(world)
    dsr = _request()
    RequestRecord.objects.create(request=dsr, person=person, linked_at=dsr.confirmed_at)
    failing_mail.down = True
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        result = request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert result.mail.done and result.mail.sent == 0 and result.mail.failed == 5 and result.mail.requester_failed
    assert result.outbox == []  # nothing of the person kept for a retry
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Notice.objects.filter(kind=NoticeKind.PERSONS_ERASED).count() == 2  # the portal notices stand
    assert "@" not in caplog.text


# --- The person's other requests (R-DEL-1, review #2) ---------------------------------
def test_the_persons_other_requests_are_blanked_closed_or_removed(world: World) -> None:
    person = _held_by_two_clients(world)
    answered = _request(kind=RequestKind.ACCESS, email=EMAIL.upper())
    DataSubjectRequest.objects.filter(pk=answered.pk).update(
        status=RequestStatus.REFUSED, closed_at=timezone.now(), outcome=f"Geweigerd: {FIRST} onbekend"
    )
    open_duplicate = _request(kind=RequestKind.OBJECTION)
    unconfirmed = factories.DataSubjectRequestFactory(email=EMAIL, name=f"{FIRST} {LAST}")
    someone_else = _request(email="iemand@anders.example", name="Iemand Anders")
    dsr = _request(email="prive@thuis.example")  # another address: the linked record's email counts too
    RequestRecord.objects.create(request=dsr, person=person, linked_at=dsr.confirmed_at)

    result = request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert result.requests_blanked == 3

    answered.refresh_from_db()
    assert answered.status == RequestStatus.REFUSED and answered.erased_at and answered.outcome
    assert FIRST not in answered.outcome
    assert (answered.name, answered.email, answered.phone, answered.company, answered.message) == ("",) * 5
    open_duplicate.refresh_from_db()
    # Issue 14 #5: ended by the erasure with its own outcome, never "answered".
    assert open_duplicate.status == RequestStatus.SUPERSEDED and open_duplicate.closed_at and open_duplicate.erased_at
    assert open_duplicate.outcome and (open_duplicate.name, open_duplicate.email) == ("", "")
    assert not DataSubjectRequest.objects.filter(pk=unconfirmed.pk).exists()
    someone_else.refresh_from_db()
    assert someone_else.status == RequestStatus.OPEN and someone_else.email == "iemand@anders.example"


# --- Races between officer actions (review #11) ----------------------------------------
def test_link_and_unlink_lock_the_request_and_refuse_one_closed_meanwhile(world: World) -> None:
    officer = world.users["privacy_officer"]
    dsr = _request()
    with CaptureQueriesContext(connection) as queries:
        record = casework.request_record_link(dsr=dsr, actor=officer, person_id=world.person.pk)
    assert any("FOR UPDATE" in q["sql"] and "privacy_datasubjectrequest" in q["sql"] for q in queries)
    stale = DataSubjectRequest.objects.get(pk=dsr.pk)
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        status=RequestStatus.REFUSED, closed_at=timezone.now(), outcome="Niet te identificeren"
    )
    assert stale.status == RequestStatus.OPEN  # what a concurrent request still holds
    with pytest.raises(ServiceError):
        casework.request_record_link(dsr=stale, actor=officer, person_id=world.other_person.pk)
    with pytest.raises(ServiceError):
        casework.request_record_unlink(dsr=stale, actor=officer, record_id=record.pk)
    assert list(RequestRecord.objects.filter(request=dsr)) == [record]


def test_request_erase_locks_the_request_and_refuses_one_closed_meanwhile(world: World) -> None:
    person = _held_by_two_clients(world)
    dsr = _request()
    RequestRecord.objects.create(request=dsr, person=person, linked_at=dsr.confirmed_at)
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        status=RequestStatus.REFUSED, closed_at=timezone.now(), outcome="Niet te identificeren"
    )
    with CaptureQueriesContext(connection) as queries, pytest.raises(ServiceError):
        request_erase(dsr=dsr, actor=world.users["privacy_officer"])  # `dsr` still says open
    assert "FOR UPDATE" in queries[0]["sql"] or any("FOR UPDATE" in q["sql"] for q in queries)
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_link_waits_for_a_concurrent_closing_and_then_refuses() -> None:
    """Review #11, with two real transactions: while another transaction holds the request
    row (an erasure or a refusal under way), a link waits, then finds the request closed."""
    import threading

    from django.db import transaction

    officer = factories.UserFactory(role=Role.ADMINISTRATOR, is_privacy_officer=True)
    person = factories.PersonFactory()
    dsr = _request()
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def close_while_holding_the_row() -> None:
        try:
            with transaction.atomic():
                DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
                holding.set()
                release.wait(10)
                DataSubjectRequest.objects.filter(pk=dsr.pk).update(
                    status=RequestStatus.REFUSED, closed_at=timezone.now(), outcome="Niet te identificeren"
                )
        finally:
            connection.close()

    def link() -> None:
        try:
            casework.request_record_link(dsr=dsr, actor=officer, person_id=person.pk)
            outcome["linked"] = True
        except ServiceError as exc:
            outcome["refused"] = exc
        finally:
            connection.close()

    closer = threading.Thread(target=close_while_holding_the_row)
    closer.start()
    assert holding.wait(10)
    linker = threading.Thread(target=link)
    linker.start()
    linker.join(1.0)
    waited = linker.is_alive()
    release.set()
    closer.join(10)
    linker.join(10)
    assert waited, "the link did not wait for the lock on the request"
    assert "refused" in outcome and not RequestRecord.objects.filter(request=dsr).exists()
