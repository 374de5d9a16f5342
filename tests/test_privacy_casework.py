"""The privacy officer's casework on a confirmed request (R-DSR-3): finding the person
everywhere, the identity link, the access report and the rectification; access-logged
(R-LOG-1), the only reader of note text (R-NOTE-1), bounded in queries (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessAction, AccessLogEntry
from apps.clients.models import LegalBasis
from apps.hr.models import Applicant, Employee
from apps.imports.exports import export_log
from apps.privacy.models import RequestKind, RequestRecord, RequestStatus
from apps.prospects.models import Person, ProspectPerson
from tests import factories
from tests.conftest import World


@pytest.fixture
def officer(world: World):  # type: ignore[no-untyped-def]
    return world.client_for("privacy_officer")


def _requester(world: World, **kwargs):  # type: ignore[no-untyped-def]
    values = {"name": "Femke Zonderland", "email": "femke@zonder.example", "phone": "0612349876"}
    values.update(kwargs)
    return factories.DataSubjectRequestFactory(confirmed=True, **values)


def _person(world: World, assignment=None, **kwargs) -> Person:  # type: ignore[no-untyped-def]
    prospect = factories.ProspectFactory(assignment=assignment or world.assignment)
    values = {"first_name": "Femke", "last_name": "Zonderland", "email": "femke@zonder.example", "phone": ""}
    values.update(kwargs)
    person = factories.PersonFactory(company=prospect.company, **values)
    ProspectPerson.objects.create(prospect=prospect, person=person)
    return person


def test_the_lookup_finds_the_person_everywhere_by_email_phone_and_name(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    by_email = _person(world, first_name="F.", last_name="Z")
    by_phone = _person(world, assignment=world.other_assignment, email="", last_name="Anders", phone="+31612349876")
    by_name = _person(world, email="femke@elders.example", first_name="FEMKE", last_name="zonderland")
    stranger = _person(world, first_name="Femke", last_name="Anders", email="anders@x.example")
    contact = factories.ClientContactFactory(client=world.acme, first_name="Femke", last_name="Zonderland")
    employee = Employee.objects.create(name="Femke Zonderland", start_date=dt.date(2020, 1, 1))
    applicant = Applicant.objects.create(name="Iemand", email="FEMKE@zonder.example")
    note = factories.CallNoteFactory(
        prospect=world.prospect, agent=world.users["agent_with_lease"], text="Terugbellen: femke zonderland is weg"
    )
    quiet = factories.CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"], text="Niets")

    response = officer.get(reverse("privacy_case:lookup", args=[dsr.pk]))

    assert response.status_code == 200
    found = response.context["found"]
    assert set(found.persons.rows) == {by_email, by_phone, by_name}
    assert stranger not in found.persons.rows
    assert found.contacts.rows == [contact]
    assert found.employees.rows == [employee] and found.applicants.rows == [applicant]
    assert list(found.notes) == [note]
    body = response.content.decode()
    assert "Globex BV" in body and "Globex active" in body  # which client's assignment holds by_phone
    # R-LOG-1 / R-NOTE-1: every record and note shown, in bulk entries
    entries = {e.object_type: set(e.object_ids) for e in AccessLogEntry.objects.filter(action=AccessAction.LIST)}
    assert entries["prospects.person"] == {str(p.pk) for p in (by_email, by_phone, by_name)}
    assert entries["callnotes.callnote"] == {str(note.pk)} and str(quiet.pk) not in entries["callnotes.callnote"]
    assert entries["clients.clientcontact"] == {str(contact.pk)}
    assert entries["hr.employee"] == {str(employee.pk)} and entries["hr.applicant"] == {str(applicant.pk)}


def test_the_officer_may_try_another_spelling_within_the_request(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world, phone="")
    other = _person(world, first_name="Femmie", last_name="Zonderlandt", email="")
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    assert other not in officer.get(url).context["found"].persons.rows
    assert other in officer.get(url, {"name": "femmie zonderlandt"}).context["found"].persons.rows
    response = officer.get(url, {"phone": "not a number"})
    assert response.status_code == 200 and response.context["errors"]


@pytest.mark.parametrize("status", [RequestStatus.UNCONFIRMED, RequestStatus.ANSWERED])
def test_no_casework_on_a_request_that_is_not_open(world: World, officer, status: str) -> None:  # type: ignore[no-untyped-def]
    if status == RequestStatus.UNCONFIRMED:
        dsr = factories.DataSubjectRequestFactory()
    else:
        dsr = _requester(world, status=status, closed_at=timezone.now(), outcome="Klaar")
    _person(world)
    for name in ("lookup", "report", "erase"):
        response = officer.get(reverse(f"privacy_case:{name}", args=[dsr.pk]))
        assert response.status_code == 409
        assert "found" not in response.context
    assert not AccessLogEntry.objects.filter(object_type="prospects.person").exists()
    response = officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(world.person.pk)})
    assert response.status_code == 409 and not RequestRecord.objects.exists()


def test_only_privacy_officers_reach_the_casework(world: World) -> None:
    dsr = _requester(world)
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    for role in ("administrator", "board", "supervisor", "client_same_tenant", "agent_with_lease"):
        assert world.client_for(role).get(url).status_code == 404
    unknown = reverse("privacy_case:lookup", args=["00000000-0000-0000-0000-000000000000"])
    assert world.client_for("privacy_officer").get(unknown).status_code == 404
    officer = world.users["privacy_officer"]
    officer.confidentiality_signed_on = None
    officer.save()
    # Without a confidentiality agreement on record: refused like every staff page (R-NTK-5).
    assert world.client_for("privacy_officer").get(url).status_code in (403, 404)


@pytest.mark.parametrize("size", [2, 80])
def test_the_lookup_runs_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    world: World, officer, django_assert_max_num_queries, size: int
) -> None:
    dsr = _requester(world)
    for _ in range(size):
        person = _person(world, email="", phone="")
        ProspectPerson.objects.create(
            prospect=factories.ProspectFactory(assignment=world.other_assignment), person=person
        )
        factories.CallNoteFactory(
            prospect=world.prospect, agent=world.users["agent_with_lease"], text="Femke Zonderland gesproken"
        )
        factories.ClientContactFactory(client=world.acme, first_name="Femke", last_name="Zonderland")
    RequestRecord.objects.create(request=dsr, person=Person.objects.first(), linked_at=timezone.now())
    url = reverse("privacy_case:lookup", args=[dsr.pk])
    with django_assert_max_num_queries(22):
        response = officer.get(url)
    assert response.status_code == 200
    found = response.context["found"]
    assert len(found.persons.rows) == min(size, 50) and found.persons.more == (size > 50)
    assert len(found.notes) == min(size, 25)
    with django_assert_max_num_queries(22):
        assert officer.get(reverse("privacy_case:report", args=[dsr.pk])).status_code == 200


def test_linking_and_unlinking_records(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world)
    person = _person(world)
    contact = factories.ClientContactFactory(client=world.acme)
    url = reverse("privacy_case:link", args=[dsr.pk])
    assert officer.post(url, {"person": str(person.pk)}).status_code == 302
    assert officer.post(url, {"person": str(person.pk)}).status_code == 302  # twice: still one link
    assert officer.post(url, {"client_contact": str(contact.pk)}).status_code == 302
    assert RequestRecord.objects.filter(request=dsr).count() == 2
    page = officer.get(reverse("privacy_case:lookup", args=[dsr.pk]))
    assert {r.person_id or r.client_contact_id for r in page.context["records"]} == {person.pk, contact.pk}
    # Bad input: a message, nothing written, never a 500.
    for bad in ({"person": "nonsense"}, {"person": "00000000-0000-0000-0000-000000000000"}, {}, {"unlink": "x"}):
        response = officer.post(url, bad, follow=True)
        assert response.status_code == 200 and list(response.context["messages"])
    assert RequestRecord.objects.filter(request=dsr).count() == 2
    record = RequestRecord.objects.get(request=dsr, person=person)
    officer.post(url, {"unlink": str(record.pk)})
    assert not RequestRecord.objects.filter(pk=record.pk).exists()


def test_the_access_report_is_a_download_in_the_requesters_language(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world, language="en")
    person = _person(world, job_title="Inkoper", legal_basis=LegalBasis.CONSENT, source="upload")
    Person.objects.filter(pk=person.pk).update(verified_at=dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC))
    ProspectPerson.objects.create(prospect=factories.ProspectFactory(assignment=world.other_assignment), person=person)
    downloader = factories.UserFactory(role=Role.CLIENT, client=world.globex, username="globex-download")
    export_log(assignment=world.other_assignment, actor=downloader)
    contact = factories.ClientContactFactory(client=world.acme, notes="Belt graag 's ochtends")
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    RequestRecord.objects.create(request=dsr, client_contact=contact, linked_at=timezone.now())
    applicant = Applicant.objects.create(
        name="Iemand", email=dsr.email, status="rejected", rejection_date=dt.date(2026, 2, 1)
    )

    response = officer.get(reverse("privacy_case:report", args=[dsr.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and ".html" in response["Content-Disposition"]
    html = response.content.decode()
    assert "Access report" in html and "<style>" in html and "static/" not in html  # self-contained
    for value in (person.email, "Inkoper", person.company.name, "Acme BV", "Acme active", "Globex active", "Consent"):
        assert value in html
    assert "globex-download" in html and "Globex BV" in html  # who received it (Art. 19)
    assert "28 September 2026" in html or "Sept. 28, 2026" in html  # flagged 6 months after verification
    assert "March 28, 2027" in html or "28 March 2027" in html  # deleted 12 months after
    assert "Belt graag" in html and "Contract" in html
    assert "Application file" in html
    assert "Feb. 1, 2027" in html  # kept 1 year after the rejection
    assert AccessLogEntry.objects.get(action=AccessAction.DOWNLOAD, object_type="hr.applicant").object_ids == [
        str(applicant.pk)
    ]
    entry = AccessLogEntry.objects.get(
        action=AccessAction.DOWNLOAD, object_type="prospects.person", actor_id=world.users["privacy_officer"].pk
    )
    assert entry.object_ids == [str(person.pk)]

    dutch = _requester(world, language="nl", email="ander@x.example")
    RequestRecord.objects.create(request=dutch, person=person, linked_at=timezone.now())
    assert "Inzageoverzicht" in officer.get(reverse("privacy_case:report", args=[dutch.pk])).content.decode()

    data = json.loads(officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).content)
    (entry,) = data["contact_persons"]
    assert entry["email"] == person.email and entry["legal_basis"] == "consent"
    assert {h["client"] for h in entry["held_for"]} == {"Acme BV", "Globex BV"}
    assert entry["recipients"][0]["assignment"] == "Globex active"
    assert data["client_contacts"][0]["notes"] == "Belt graag 's ochtends"
    assert data["hr_files"] == [{"kind": "applicant", "name": "Iemand", "kept_until": "2027-02-01"}]


def test_rectification_of_a_linked_person(world: World, officer) -> None:  # type: ignore[no-untyped-def]
    dsr = _requester(world, kind=RequestKind.RECTIFICATION)
    person = _person(world)
    old = timezone.now() - dt.timedelta(days=100)
    Person.objects.filter(pk=person.pk).update(verified_at=old)
    url = reverse("privacy_case:person-correct", args=[dsr.pk, person.pk])
    assert officer.get(url).status_code == 404  # not linked: not the requester's record
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    assert officer.get(url).status_code == 200
    form = {
        "first_name": "Femke",
        "last_name": "Zonderland-Bos",
        "job_title": "",
        "email": "F@Bos.example",
        "phone": "",
    }
    assert officer.post(url, form).status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.email) == ("Zonderland-Bos", "f@bos.example") and person.verified_at > old
    response = officer.post(url, {**form, "phone": "geen nummer"})
    assert response.status_code == 200 and response.context["form"].errors
    person.refresh_from_db()
    assert person.phone == ""
    assert AccessLogEntry.objects.filter(action=AccessAction.VIEW, object_id=str(person.pk)).exists()


def test_the_fragment_for_the_request_detail_page(world: World) -> None:
    from django.template.loader import render_to_string

    open_request = _requester(world, kind=RequestKind.ERASURE)
    html = render_to_string("privacy/_casework.html", {"dsr": open_request})
    for name in ("lookup", "report", "erase"):
        assert reverse(f"privacy_case:{name}", args=[open_request.pk]) in html
    access = _requester(world, kind=RequestKind.ACCESS)
    assert reverse("privacy_case:erase", args=[access.pk]) not in render_to_string(
        "privacy/_casework.html", {"dsr": access}
    )
    unconfirmed = factories.DataSubjectRequestFactory()
    html = render_to_string("privacy/_casework.html", {"dsr": unconfirmed})
    assert reverse("privacy_case:lookup", args=[unconfirmed.pk]) not in html
