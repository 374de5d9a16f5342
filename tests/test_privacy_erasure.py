"""Erasure on request (R-DSR-4, R-DEL-1; policy §7): the person goes from every table, is
suppressed for every future upload by any client, each client that held them is told (a
count in the portal, an email with only what it already had), the erasure ledger has its
entry, the requester gets the outcome and the request keeps nothing of them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import User
from apps.imports import services as import_services
from apps.imports.models import ImportJob
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


def _held_by_two_clients(world: World) -> Person:
    """One person, linked in Acme's assignment and in Globex's, mentioned in a call note."""
    acme_prospect = factories.ProspectFactory(assignment=world.assignment)
    person = factories.PersonFactory(
        company=acme_prospect.company, first_name=FIRST, last_name=LAST, email=EMAIL, phone=PHONE
    )
    ProspectPerson.objects.create(prospect=acme_prospect, person=person)
    globex_prospect = factories.ProspectFactory(assignment=world.other_assignment, company=acme_prospect.company)
    ProspectPerson.objects.create(prospect=globex_prospect, person=person)
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
    dsr = _request()
    officer = world.client_for("privacy_officer")
    dump = pg_dump_text()
    assert EMAIL in dump and LAST in dump  # the check below can fail

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
    for value in (FIRST, LAST, EMAIL, PHONE, dsr.message, "Ergens BV"):
        assert value not in dump, f"{value} left in the database"
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
    assert result.persons == 1 and {c.client_name for c in result.clients} == {"Acme BV", "Globex BV"}
    dsr.refresh_from_db()
    assert "1 client contact records to be handled by hand" in dsr.outcome
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
    assert "1 contactpersonen van opdrachtgevers verwijderd" in dsr.outcome


def test_without_a_linked_record_the_requesters_own_details_are_suppressed(world: World) -> None:
    dsr = _request(kind=RequestKind.OBJECTION)
    request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert is_suppressed(IdentifierHashes.of(email=EMAIL.upper()))
    assert is_suppressed(IdentifierHashes.of(phone="06 12340077"))
    assert is_suppressed(IdentifierHashes.of(first_name=FIRST, last_name=LAST, company_name="Ergens B.V."))
    assert SuppressionEntry.objects.count() == 1


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
