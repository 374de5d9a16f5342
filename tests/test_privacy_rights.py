"""Restriction, objection, portability, corrections passed on and each request's own
outcome (issue 14 #1, #3, #5; R-DSR-5, GDPR Art. 18, 19, 20, 21)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.calling.queue import prospect_lease_next
from apps.core.errors import ServiceError
from apps.imports.exports import csv_database_stream
from apps.privacy.erasure import request_erase
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus
from apps.privacy.rights import request_restrict, restriction_lift
from apps.privacy.selectors import is_suppressed
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.selectors import person_for_agent
from apps.retention.ledger import ledger_replay
from apps.retention.models import Notice, NoticeKind
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_bytes, run_import

FIRST, LAST, EMAIL, PHONE = "Beppie", "Beperktstra", "beppie@beperkt.example", "+31612349911"


def _held_by_two_clients(world: World) -> tuple[Person, Person]:
    """One person held by Acme (world.assignment) and by Globex, a record each (R-IMP-4)."""
    acme_prospect = factories.ProspectFactory(assignment=world.assignment)
    globex_prospect = factories.ProspectFactory(assignment=world.other_assignment, company=acme_prospect.company)
    records = []
    for prospect in (acme_prospect, globex_prospect):
        person = factories.PersonFactory(
            client=prospect.assignment.client,
            company=acme_prospect.company,
            first_name=FIRST,
            last_name=LAST,
            email=EMAIL,
            phone=PHONE,
        )
        ProspectPerson.objects.create(prospect=prospect, person=person)
        records.append(person)
    return records[0], records[1]


def _request(kind: str, person: Person | None = None, email: str = EMAIL) -> DataSubjectRequest:
    dsr = factories.DataSubjectRequestFactory(confirmed=True, kind=kind, name=f"{FIRST} {LAST}", email=email)
    if person is not None:
        RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    return dsr


# --- Restriction (Art. 18) ---------------------------------------------------------------
def test_restriction_marks_every_clients_record_and_closes_the_request(world: World) -> None:
    acme, globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.RESTRICTION, acme)
    count = request_restrict(dsr=dsr, actor=world.users["privacy_officer"])
    assert count == 2
    assert Person.objects.filter(pk__in=[acme.pk, globex.pk], restricted_at__isnull=False).count() == 2
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and dsr.closed_at and "2" in dsr.outcome
    # The person is kept, not deleted.
    assert Person.objects.filter(pk=acme.pk, email=EMAIL).exists()


def test_restriction_needs_a_restriction_request_and_a_linked_record(world: World) -> None:
    acme, _globex = _held_by_two_clients(world)
    with pytest.raises(ServiceError):
        request_restrict(dsr=_request(RequestKind.ERASURE, acme), actor=world.users["privacy_officer"])
    with pytest.raises(ServiceError):
        request_restrict(dsr=_request(RequestKind.RESTRICTION), actor=world.users["privacy_officer"])
    assert not Person.objects.filter(restricted_at__isnull=False).exists()


def test_each_client_is_told_only_of_its_own_records(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    acme, _globex = _held_by_two_clients(world)
    # Acme alone holds a second restricted person of the same request (its own record only).
    only_acme = factories.PersonFactory(client=world.acme, company=world.prospect.company, last_name="Alleenacme")
    ProspectPerson.objects.create(prospect=world.prospect, person=only_acme)
    dsr = _request(RequestKind.RESTRICTION, acme)
    RequestRecord.objects.create(request=dsr, person=only_acme, linked_at=timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_restrict(dsr=dsr, actor=world.users["privacy_officer"])
    notices = {
        (n.recipient.client_id, n.assignment_id, n.count)
        for n in Notice.objects.filter(kind=NoticeKind.PERSONS_RESTRICTED).select_related("recipient")
    }
    assert notices == {(world.acme.pk, world.assignment.pk, 2), (world.globex.pk, world.other_assignment.pk, 1)}
    globex_addresses = {u.email for u in world.globex.users.all()} | {c.email for c in world.globex.contacts.all()}
    to_globex = [m for m in mail.outbox if set(m.to) & globex_addresses]
    assert to_globex, "Globex is told"
    for message in to_globex:
        assert LAST in message.body and "Alleenacme" not in message.body and world.assignment.name not in message.body
    # Globex's portal shows its own count, never Acme's.
    page = world.client_for("client_other_tenant").get(reverse("retention:notices")).content.decode()
    assert world.assignment.name not in page


def test_the_queue_skips_a_prospect_whose_persons_are_all_restricted(world: World) -> None:
    assignment = world.assignment
    agent = world.users["agent_without_lease"]
    # Only one prospect is free in the world's queue besides the leased one: restrict its persons.
    restricted = factories.PersonFactory(client=world.acme, company=world.unleased_prospect.company, last_name="Stil")
    ProspectPerson.objects.create(prospect=world.unleased_prospect, person=restricted)
    others = list(Person.objects.filter(prospect_links__prospect=world.unleased_prospect))
    Person.objects.filter(pk__in=[p.pk for p in others]).update(restricted_at=timezone.now())
    got = prospect_lease_next(assignment=assignment, agent=agent)
    assert got is None or got.pk != world.unleased_prospect.pk
    # One person not restricted: the prospect is callable again (the restricted one is hidden).
    free = factories.PersonFactory(client=world.acme, company=world.unleased_prospect.company, last_name="Vrij")
    ProspectPerson.objects.create(prospect=world.unleased_prospect, person=free)
    if got is not None:
        from apps.prospects.models import Lease

        Lease.objects.filter(agent=agent).delete()
        got.status = "done"
        got.save(update_fields=["status"])
    assert prospect_lease_next(assignment=assignment, agent=agent).pk == world.unleased_prospect.pk


def test_an_agent_sees_a_restricted_person_as_restricted_only(world: World) -> None:
    person = world.person
    person.restricted_at = timezone.now()
    person.save(update_fields=["restricted_at"])
    shown = person_for_agent(person)
    assert shown.restricted and not shown.first_name and not shown.last_name and shown.email is None
    # The call screen (the leased prospect) names the restriction, not the person.
    agent = world.client_for("agent_with_lease")
    page = agent.get(reverse("calling:screen", args=[world.prospect.pk])).content.decode()
    assert person.last_name not in page and person.email not in page
    assert "beperkt" in page.lower() or "restricted" in page.lower()
    # No action on the person: verify answers 404.
    response = agent.post(reverse("calling:person-verify", args=[world.prospect.pk, person.pk]))
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.restricted_at is not None


def test_the_download_shows_restricted_and_an_import_leaves_the_record(world: World) -> None:
    acme, _globex = _held_by_two_clients(world)
    Person.objects.filter(pk=acme.pk).update(restricted_at=timezone.now(), job_title="Directeur")
    body = "".join(csv_database_stream(world.assignment))
    row = next(line for line in body.splitlines() if LAST in line)
    assert EMAIL not in row and PHONE not in row and "Directeur" not in row
    assert "beperkt" in row.lower() or "restricted" in row.lower()
    # The client uploads the person again with another first name: the record is unchanged.
    company = acme.company
    run_import(
        world.assignment,
        world.users["client_same_tenant"],
        csv_bytes([[company.name, company.kvk_number, "", "", "", "Anders", LAST, EMAIL, ""]]),
    )
    acme.refresh_from_db()
    assert acme.first_name == FIRST and acme.restricted_at is not None
    assert not Person.objects.filter(client=world.acme, first_name="Anders").exists()


def test_the_client_portal_shows_restricted(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(restricted_at=timezone.now())
    client = world.client_for("client_same_tenant")
    page = client.get(reverse("portal:prospect-edit", args=[world.prospect.pk])).content.decode()
    assert "beperkt" in page.lower()
    # Another tenant learns nothing of it.
    other = world.client_for("client_other_tenant").get(reverse("portal:prospect-edit", args=[world.prospect.pk]))
    assert other.status_code == 404


def test_the_restriction_page_restricts_and_ending_it_is_possible_in_a_later_request(world: World) -> None:
    acme, globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.RESTRICTION, acme)
    officer = world.client_for("privacy_officer")
    assert officer.get(reverse("privacy_case:restrict", args=[dsr.pk])).status_code == 200
    assert officer.post(reverse("privacy_case:restrict", args=[dsr.pk]), {}).status_code == 400
    assert not Person.objects.filter(restricted_at__isnull=False).exists()
    response = officer.post(reverse("privacy_case:restrict", args=[dsr.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    assert Person.objects.filter(restricted_at__isnull=False).count() == 2
    later = _request(RequestKind.RECTIFICATION, acme)
    response = officer.post(reverse("privacy_case:restriction-end", args=[later.pk, acme.pk]))
    assert response.status_code == 302
    assert not Person.objects.filter(pk__in=[acme.pk, globex.pk], restricted_at__isnull=False).exists()


def test_a_restore_keeps_a_restriction_and_its_lifting(world: World) -> None:
    """R-DEL-2's ledger: a backup from before the restriction does not unrestrict the person,
    nor does one from before the lifting restrict them again."""
    acme, globex = _held_by_two_clients(world)
    request_restrict(dsr=_request(RequestKind.RESTRICTION, acme), actor=world.users["privacy_officer"])
    Person.objects.filter(pk__in=[acme.pk, globex.pk]).update(restricted_at=None)  # the backup's state
    ledger_replay()
    assert Person.objects.filter(pk__in=[acme.pk, globex.pk], restricted_at__isnull=False).count() == 2
    later = _request(RequestKind.RECTIFICATION, acme)
    restriction_lift(dsr=later, actor=world.users["privacy_officer"], person_id=acme.pk)
    Person.objects.filter(pk=acme.pk).update(restricted_at=timezone.now())  # the backup's state
    ledger_replay()
    assert not Person.objects.filter(pk__in=[acme.pk, globex.pk], restricted_at__isnull=False).exists()


# --- Objection (Art. 21) -----------------------------------------------------------------
def test_an_objection_to_direct_marketing_erases_and_suppresses(world: World) -> None:
    acme, globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.OBJECTION, acme)
    result = request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    assert result.persons == 2
    assert not Person.objects.filter(pk__in=[acme.pk, globex.pk]).exists()
    assert is_suppressed(IdentifierHashes.of(email=EMAIL))


# --- Portability (Art. 20) ---------------------------------------------------------------
def test_portability_delivers_the_persons_own_data_as_json_and_csv(world: World) -> None:
    acme, _globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.PORTABILITY, acme)
    officer = world.client_for("privacy_officer")
    response = officer.get(reverse("privacy_case:portability", args=[dsr.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    records = data["records"]
    assert {r["email"] for r in records} == {EMAIL} and len(records) == 2  # both clients' records
    assert all(r["first_name"] == FIRST and r["last_name"] == LAST for r in records)
    response = officer.get(reverse("privacy_case:portability", args=[dsr.pk]) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2 and rows[0]["phone"] == PHONE
    # Nobody else gets it.
    for role in ("administrator", "client_same_tenant", "board", "agent_with_lease"):
        assert world.client_for(role).get(reverse("privacy_case:portability", args=[dsr.pk])).status_code == 404


# --- Corrections passed on (Art. 19) -----------------------------------------------------
def test_a_rectification_is_passed_on_to_the_holding_client_only(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    acme, _globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.RECTIFICATION, acme)
    officer = world.client_for("privacy_officer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = officer.post(
            reverse("privacy_case:person-correct", args=[dsr.pk, acme.pk]),
            {"first_name": FIRST, "last_name": LAST, "job_title": "Hoofd inkoop", "email": EMAIL, "phone": PHONE},
        )
    assert with_commit.status_code == 302
    notices = list(Notice.objects.filter(kind=NoticeKind.PERSONS_CORRECTED).select_related("recipient"))
    assert notices and {n.recipient.client_id for n in notices} == {world.acme.pk}
    acme_addresses = {u.email for u in world.acme.users.all()} | {c.email for c in world.acme.contacts.all()}
    sent = [m for m in mail.outbox if "Hoofd inkoop" in m.body]
    assert sent and all(set(m.to) <= acme_addresses for m in sent)
    assert all(world.other_assignment.name not in m.body for m in sent)


def test_a_correction_that_changes_nothing_tells_nobody(world: World) -> None:
    acme, _globex = _held_by_two_clients(world)
    dsr = _request(RequestKind.RECTIFICATION, acme)
    officer = world.client_for("privacy_officer")
    officer.post(
        reverse("privacy_case:person-correct", args=[dsr.pk, acme.pk]),
        {"first_name": FIRST, "last_name": LAST, "job_title": acme.job_title, "email": EMAIL, "phone": PHONE},
    )
    assert not Notice.objects.filter(kind=NoticeKind.PERSONS_CORRECTED).exists()


# --- Each request its own outcome (issue 14 #5) ------------------------------------------
def test_an_erasure_ends_an_open_access_request_as_superseded_not_answered(world: World) -> None:
    acme, _globex = _held_by_two_clients(world)
    access = _request(RequestKind.ACCESS, acme)
    erasure = _request(RequestKind.ERASURE, acme)
    request_erase(dsr=erasure, actor=world.users["privacy_officer"])
    access.refresh_from_db()
    erasure.refresh_from_db()
    assert erasure.status == RequestStatus.ANSWERED
    assert access.status == RequestStatus.SUPERSEDED and access.closed_at and access.outcome
    assert access.outcome != erasure.outcome
    # It is listed among the closed requests, not the open ones.
    page = world.client_for("privacy_officer").get(reverse("privacy:requests") + "?show=closed")
    assert str(access.pk)[:8] in page.content.decode()


# --- A restricted person is kept, not processed: by nobody but the privacy office --------
# (R-DSR-5, Art. 18). The download showed them as "restricted" while the record page, its
# API and the call-screen services still showed and changed them: the seam between rules.


def _restricted(world: World) -> Person:
    person = world.person
    Person.objects.filter(pk=person.pk).update(restricted_at=timezone.now(), job_title="Directeur")
    person.refresh_from_db()
    return person


def _api_for(world: World, role: str):  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def test_the_clients_record_page_shows_a_restricted_person_by_name_only_and_offers_no_form(world: World) -> None:
    person = _restricted(world)
    client = world.client_for("client_same_tenant")
    page = client.get(reverse("portal:prospect-edit", args=[world.prospect.pk])).content.decode()
    assert person.last_name in page
    assert f'name="person-{person.pk}-email"' not in page
    assert person.email not in page and "Directeur" not in page
    assert "privacy" in page.lower()


def test_the_clients_record_page_does_not_change_a_restricted_person_even_when_posted(world: World) -> None:
    person = _restricted(world)
    before = (person.first_name, person.last_name, person.email, person.phone, person.verified_at)
    client = world.client_for("client_same_tenant")
    url = reverse("portal:prospect-edit", args=[world.prospect.pk])
    company = world.prospect.company
    response = client.post(
        url,
        {
            "company-name": company.name,
            "company-city": company.city,
            f"person-{person.pk}-last_name": "Overschreven",
            f"person-{person.pk}-email": "nieuw@example.nl",
        },
    )
    assert response.status_code in (200, 302)
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.email, person.phone, person.verified_at) == before


def test_the_database_page_shows_no_job_title_or_email_of_a_restricted_person(world: World) -> None:
    person = _restricted(world)
    page = world.client_for("client_same_tenant").get(reverse("portal:database", args=[world.assignment.pk]))
    body = page.content.decode()
    assert person.last_name in body
    assert person.email not in body and "Directeur" not in body


def test_the_api_gives_a_restricted_person_as_the_download_does_and_refuses_changes(world: World) -> None:
    person = _restricted(world)
    api = _api_for(world, "client_same_tenant")
    record = api.get(f"/api/v1/prospects/{world.prospect.pk}/").json()
    shown = next(p for p in record["persons"] if p["id"] == str(person.pk))
    assert shown["restricted"] is True
    assert shown["last_name"] == person.last_name
    assert shown["email"] is None and shown["phone"] is None and shown["job_title"] is None
    assert person.email not in json.dumps(record)

    response = api.patch(
        f"/api/v1/prospects/{world.prospect.pk}/",
        {"persons": [{"id": str(person.pk), "email": "nieuw@example.nl"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "art. 18" in json.dumps(response.json()).lower()
    person.refresh_from_db()
    assert person.email != "nieuw@example.nl"


def test_an_unrestricted_person_of_the_client_keeps_their_whole_record_in_the_api(world: World) -> None:
    record = _api_for(world, "client_same_tenant").get(f"/api/v1/prospects/{world.prospect.pk}/").json()
    shown = next(p for p in record["persons"] if p["id"] == str(world.person.pk))
    assert shown["restricted"] is False and shown["email"] == world.person.email


def test_no_service_but_the_privacy_offices_rectification_changes_a_restricted_person(world: World) -> None:
    from apps.prospects.services import person_update, person_verify

    person = _restricted(world)
    with pytest.raises(ServiceError):
        person_update(person=person, actor=world.users["client_same_tenant"], email="nieuw@example.nl")
    with pytest.raises(ServiceError):
        person_verify(person=person, actor=world.users["agent_with_lease"])
    person.refresh_from_db()
    assert person.email != "nieuw@example.nl"
    # Art. 16: the office corrects the record, which is often why it was restricted.
    person_update(
        person=person, actor=world.users["privacy_officer"], rectifying_restricted=True, email="juist@example.nl"
    )
    person.refresh_from_db()
    assert person.email == "juist@example.nl" and person.restricted_at is not None


def test_the_portal_sends_no_consent_confirmation_to_a_restricted_person(world: World) -> None:
    person = _restricted(world)
    Person.objects.filter(pk=person.pk).update(legal_basis="consent")
    mail.outbox.clear()
    client = world.client_for("client_same_tenant")
    response = client.post(reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, person.pk]))
    assert response.status_code == 302
    assert mail.outbox == []
