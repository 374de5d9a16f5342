"""One person record per client (R-IMP-4, issue 11 item 3): an upload, a call or a
left-company of one client never reads, links, fills in, counts or deletes another
client's record; corrections cross only by `person_correction_share`'s narrow rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.calling.selectors import call_screen
from apps.calling.services import person_add_to_prospect
from apps.imports.exports import csv_database_stream
from apps.imports.models import Difference
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.selectors import DIFFERENCE_LABELS
from apps.prospects.services import person_update
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_bytes, run_import

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=300)  # past the 6 months of R-IMP-3's precedence


def _globex_person(world: World, **values: str) -> Person:
    """Jan Jansen at a company of Globex's assignment, known only from Globex."""
    prospect = factories.ProspectFactory(assignment=world.other_assignment)
    values = {
        "first_name": "Jan",
        "last_name": "Jansen",
        "job_title": "Sales manager",
        "email": "jan.jansen@x.example",
        "phone": "+31687650001",
        **values,
    }
    person = factories.PersonFactory(client=world.globex, company=prospect.company, **values)
    ProspectPerson.objects.create(prospect=prospect, person=person)
    return person


def _acme_download(world: World) -> str:
    return "".join(csv_database_stream(world.assignment))


def _api(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


# --- The database refuses the link ------------------------------------------------------
def test_a_link_to_another_clients_person_is_refused_by_the_database(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProspectPerson.objects.create(prospect=world.prospect, person=world.other_person)


def test_a_person_record_never_moves_to_another_client(world: World) -> None:
    person = world.person
    person.client = world.globex
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


# --- The attacks of issue 11 item 3 ----------------------------------------------------
def test_an_email_only_row_does_not_bring_another_clients_person(world: World) -> None:
    globex = _globex_person(world)
    company = globex.company
    row = [company.name, company.kvk_number, "", "", "", "", "", globex.email.upper(), ""]
    job = run_import(world.assignment, world.users["client_same_tenant"], csv_bytes([row]))

    assert (job.persons_new, job.persons_matched) == (1, 0)
    download = _acme_download(world)
    assert ";Jansen;" not in download
    assert "Sales manager" not in download
    assert "687650001" not in download
    own = Person.objects.visible_to(world.users["client_same_tenant"]).get(email=globex.email)
    assert own.pk != globex.pk and own.client_id == world.acme.pk
    assert (own.first_name, own.last_name, own.job_title, own.phone) == ("", "", "", "")
    assert globex not in Person.objects.visible_to(world.users["client_same_tenant"])


def test_a_kvk_postcode_and_name_row_brings_back_nothing(world: World) -> None:
    globex = _globex_person(world)
    company = globex.company
    row = [company.name, company.kvk_number, company.postcode, "", "", "Jan", "Jansen", "", ""]
    job = run_import(world.assignment, world.users["client_same_tenant"], csv_bytes([row]))

    assert (job.persons_new, job.persons_matched) == (1, 0)
    download = _acme_download(world)
    assert "jan.jansen@x.example" not in download
    assert "Sales manager" not in download
    assert "687650001" not in download
    own = Person.objects.get(client=world.acme, last_name="Jansen")
    assert (own.email, own.job_title, own.phone) == ("", "", "")
    globex.refresh_from_db()
    assert globex.job_title == "Sales manager"  # and Globex's record is untouched


def test_the_import_report_does_not_tell_whether_another_client_has_the_person(world: World) -> None:
    globex = _globex_person(world)
    company = globex.company
    client = world.users["client_same_tenant"]
    known = run_import(world.assignment, client, csv_bytes([[company.name, company.kvk_number, "", "", "", "",
                                                              "Jansen", globex.email, ""]]))  # fmt: skip
    unknown = run_import(world.assignment, client, csv_bytes([[company.name, company.kvk_number, "", "", "", "",
                                                                "Nobody", "nobody@x.example", ""]]))  # fmt: skip
    fields = ("persons_new", "persons_matched", "persons_conflicting", "persons_suppressed", "rows_rejected")
    assert [getattr(known, f) for f in fields] == [getattr(unknown, f) for f in fields] == [1, 0, 0, 0, 0]
    assert known.row_errors == unknown.row_errors == []


def test_left_company_by_one_client_deletes_its_own_record_only(world: World) -> None:
    globex = _globex_person(world)
    company = globex.company
    client = world.users["client_same_tenant"]
    run_import(world.assignment, client, csv_bytes([[company.name, company.kvk_number, "", "", "", "Jan", "Jansen",
                                                     globex.email, ""]]))  # fmt: skip
    own = Person.objects.visible_to(client).get(last_name="Jansen")

    # Acme cannot reach Globex's record at all: the same 404 as an id that does not exist.
    api = _api(world, "client_same_tenant")
    assert api.post(reverse("api:person-left-company", args=[globex.pk])).status_code == 404
    assert api.post(reverse("api:person-left-company", args=[own.pk])).status_code == 204

    assert not Person.objects.filter(pk=own.pk).exists()
    globex.refresh_from_db()  # still there, still in Globex's active assignment
    assert ProspectPerson.objects.filter(person=globex, prospect__assignment=world.other_assignment).exists()
    # ... with a signal for Globex's agents to verify, not a deletion
    signal = Difference.objects.get(person=globex)
    assert (signal.field, signal.value, signal.assignment_id) == ("left_company", "", world.other_assignment.pk)


def test_the_left_company_signal_shows_on_the_other_clients_call_screen_until_verified(world: World) -> None:
    acme = factories.PersonFactory(
        client=world.acme, company=world.company, first_name="Jan", last_name="Jansen", email="", phone=""
    )
    ProspectPerson.objects.create(prospect=world.prospect, person=acme)
    other_prospect = factories.ProspectFactory(assignment=world.other_assignment, company=world.company)
    globex = factories.PersonFactory(client=world.globex, company=world.company, first_name="jan", last_name="JANSEN")
    ProspectPerson.objects.create(prospect=other_prospect, person=globex)

    response = world.client_for("agent_with_lease").post(
        reverse("calling:person-left", args=[world.prospect.pk, acme.pk])
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=acme.pk).exists() and Person.objects.filter(pk=globex.pk).exists()

    screen = call_screen(prospect=other_prospect, agent=world.users["agent_other_assignment"])
    (shown,) = [p for p in screen.persons if p.id == globex.pk]
    assert shown.to_verify == ((str(DIFFERENCE_LABELS["left_company"]), ""),)
    person_update(person=globex, actor=world.users["agent_other_assignment"])  # the agent confirms
    screen = call_screen(prospect=other_prospect, agent=world.users["agent_other_assignment"])
    assert [p.to_verify for p in screen.persons if p.id == globex.pk] == [()]


# --- Corrections that may cross, and those that may not -----------------------------------
def _two_records(world: World, *, acme_verified_at: dt.datetime, **acme_values: str) -> tuple[Person, Person]:
    """Acme and Globex each supplied Jan Jansen at the same company X."""
    globex = _globex_person(world)
    acme_prospect = factories.ProspectFactory(assignment=world.assignment, company=globex.company)
    values = {"first_name": "Jan", "last_name": "Jansen", "job_title": "Sales manager", "email": "", "phone": ""}
    acme = factories.PersonFactory(
        client=world.acme, company=globex.company, verified_at=acme_verified_at, **{**values, **acme_values}
    )
    ProspectPerson.objects.create(prospect=acme_prospect, person=acme)
    return acme, globex


def test_a_correction_of_a_value_the_client_supplied_reaches_its_record(world: World) -> None:
    acme, globex = _two_records(world, acme_verified_at=LONG_AGO)
    person_update(person=globex, actor=world.users["agent_other_assignment"], job_title="Sales director")
    acme.refresh_from_db()
    assert acme.job_title == "Sales director"
    assert acme.verified_at == LONG_AGO  # nobody of Acme verified it


def test_a_recently_verified_value_stays_and_the_correction_waits_as_a_difference(world: World) -> None:
    acme, globex = _two_records(world, acme_verified_at=timezone.now() - dt.timedelta(days=10))
    person_update(person=globex, actor=world.users["agent_other_assignment"], job_title="Sales director")
    acme.refresh_from_db()
    assert acme.job_title == "Sales manager"
    difference = Difference.objects.get(person=acme)
    assert (difference.field, difference.value, difference.assignment_id) == (
        "job_title",
        "Sales director",
        world.assignment.pk,
    )
    assert not Difference.objects.filter(person=globex).exists()


def test_a_blank_field_is_never_filled_and_an_own_value_never_overwritten(world: World) -> None:
    acme, globex = _two_records(world, acme_verified_at=LONG_AGO, job_title="")
    other = factories.PersonFactory(
        client=world.acme, company=acme.company, first_name="Piet", last_name="Jansen", email="", phone="",
        job_title="Sales manager", verified_at=LONG_AGO,
    )  # fmt: skip
    person_update(
        person=globex,
        actor=world.users["agent_other_assignment"],
        job_title="Sales director",
        email="jan@elders.example",
        phone="+31687654321",
    )
    acme.refresh_from_db()
    other.refresh_from_db()
    assert (acme.job_title, acme.email, acme.phone) == ("", "", "")  # blanks stay blank
    assert other.job_title == "Sales manager"  # another full name: not the same person
    assert not Difference.objects.filter(person__in=[acme, other]).exists()


def test_a_bare_identifier_never_relates_two_records(world: World) -> None:
    acme, globex = _two_records(
        world, acme_verified_at=LONG_AGO, first_name="", last_name="Jansen", email="jan.jansen@x.example"
    )
    person_update(person=globex, actor=world.users["agent_other_assignment"], email="jan@nieuw.example")
    acme.refresh_from_db()
    assert acme.email == "jan.jansen@x.example"  # same email, no full name: no relation


def test_an_import_correction_reaches_the_other_clients_record(world: World) -> None:
    acme, globex = _two_records(world, acme_verified_at=LONG_AGO)
    Person.objects.filter(pk=globex.pk).update(verified_at=LONG_AGO)
    company = globex.company
    data = csv_bytes(
        [[company.name, company.kvk_number, "Jan", "Jansen", globex.email, "Sales director"]],
        headers=["Bedrijfsnaam", "KvK", "Voornaam", "Achternaam", "E-mail", "Functie"],
    )
    job = run_import(world.other_assignment, world.users["client_other_tenant"], data)
    assert job.persons_matched == 1
    globex.refresh_from_db()
    acme.refresh_from_db()
    assert globex.job_title == acme.job_title == "Sales director"


# --- A person gathered during a call ---------------------------------------------------------
def test_an_agent_adding_a_person_gets_a_record_of_the_assignments_client(world: World) -> None:
    globex = _globex_person(world, email="jan@x.example")
    person = person_add_to_prospect(
        prospect=world.prospect, actor=world.users["agent_with_lease"], last_name="Jansen", email="JAN@x.example"
    )
    assert person.pk != globex.pk and person.client_id == world.acme.pk
    assert (person.first_name, person.job_title, person.phone) == ("", "", "")
    globex.refresh_from_db()
    assert globex.job_title == "Sales manager"


# --- The data subject's rights reach every client's record ------------------------------------
def test_an_erasure_deletes_every_clients_record_of_the_person(world: World) -> None:
    from apps.privacy.erasure import persons_erase
    from apps.prospects.services import DeletionReason

    acme, globex = _two_records(world, acme_verified_at=LONG_AGO, email="jan.jansen@x.example")
    result = persons_erase(person_ids=[acme.pk], reason=DeletionReason.ERASURE)
    assert result.persons == 2
    assert not Person.objects.filter(pk__in=[acme.pk, globex.pk]).exists()


def test_client_delete_removes_its_person_records(world: World) -> None:
    from apps.clients.services import client_delete

    unlinked = factories.PersonFactory(client=world.acme, company=world.company)
    client_delete(client=world.acme)
    assert not Person.objects.filter(pk__in=[unlinked.pk, world.person.pk]).exists()
    assert Person.objects.filter(pk=world.other_person.pk).exists()


def test_linking_one_clients_record_to_a_request_links_the_others_too(world: World) -> None:
    from apps.privacy import casework
    from apps.privacy.models import RequestRecord

    acme, globex = _two_records(world, acme_verified_at=LONG_AGO)
    dsr = factories.DataSubjectRequestFactory(confirmed=True)
    casework.request_record_link(dsr=dsr, actor=world.users["privacy_officer"], person_id=acme.pk)
    assert set(RequestRecord.objects.filter(request=dsr).values_list("person_id", flat=True)) == {acme.pk, globex.pk}
