"""The agent flow's API (SPEC §5): the same services and rules as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.assignments import services as assignment_services
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, Person, ProspectPerson
from tests.conftest import World
from tests.factories import CallNoteFactory, ProspectFactory


def api_for(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def test_next_returns_the_held_prospect_with_its_screen(world: World) -> None:
    response = api_for(world, "agent_with_lease").post(reverse("api:assignment-next", args=[world.assignment.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(world.prospect.pk)
    assert data["company"]["name"] == world.company.name
    assert data["persons"][0]["email"] == world.person.email
    assert [n["text"] for n in data["notes"]] == [world.note.text]
    assert {r["code"] for r in data["results"]} >= {"appointment", "no-answer"}


def test_next_on_an_empty_queue_is_204(world: World) -> None:
    world.unleased_prospect.delete()  # the only other prospect is leased by agent_with_lease
    url = reverse("api:assignment-next", args=[world.assignment.pk])
    assert api_for(world, "agent_without_lease").post(url).status_code == 204
    assert not Lease.objects.filter(agent=world.users["agent_without_lease"]).exists()


def test_flagged_person_contact_details_are_absent_from_the_api_until_verified(world: World) -> None:
    person = world.person
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=190))
    api = api_for(world, "agent_with_lease")
    response = api.post(reverse("api:assignment-next", args=[world.assignment.pk]))
    raw = response.content.decode()
    assert person.email not in raw and person.phone not in raw
    assert response.json()["persons"][0] == {
        "id": str(person.pk),
        "first_name": person.first_name,
        "tussenvoegsel": person.tussenvoegsel,
        "last_name": person.last_name,
        "job_title": person.job_title,
        "email": None,
        "phone": None,
        "verify": True,
        "restricted": False,
    }
    verified = api.post(reverse("api:person-verify", args=[person.pk]), {}, format="json")
    assert verified.status_code == 200
    again = api.post(reverse("api:assignment-next", args=[world.assignment.pk])).json()["persons"][0]
    assert (again["email"], again["phone"], again["verify"]) == (person.email, person.phone, False)


def test_verification_restarts_both_clocks(world: World) -> None:
    person = world.person
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=300))
    api = api_for(world, "client_same_tenant")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        assert api.post(reverse("api:person-verify", args=[person.pk]), {"job_title": "CFO"}).status_code == 200
    person.refresh_from_db()
    assert person.verified_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert person.job_title == "CFO"
    assert not person.needs_verification(dt.datetime(2027, 5, 31, tzinfo=dt.UTC))  # 6-month flag restarted
    assert person.needs_verification(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC))


def test_left_company_removes_the_person_from_every_assignment_notes_stay(world: World) -> None:
    person = world.person
    elsewhere = ProspectFactory(assignment=world.inactive_assignment, company=world.company)
    ProspectPerson.objects.create(prospect=elsewhere, person=person)
    response = api_for(world, "agent_with_lease").post(reverse("api:person-left-company", args=[person.pk]))
    assert response.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not ProspectPerson.objects.filter(person_id=person.pk).exists()
    assert CallNote.objects.filter(pk=world.note.pk).exists()
    # gone for the client's view of both assignments too
    client = api_for(world, "client_same_tenant")
    assert client.post(reverse("api:person-verify", args=[person.pk])).status_code == 404


def test_record_a_call_by_api(world: World) -> None:
    api = api_for(world, "agent_with_lease")
    url = reverse("api:prospect-calls", args=[world.prospect.pk])
    callback = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = api.post(url, {"result": "call-back", "text": "Morgen terug", "callback_at": callback}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "call-back"
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    # The agent's own callback stays open to them, but recording needs the lease again.
    assert api.post(url, {"result": "appointment"}, format="json").status_code == 400


def test_record_a_call_with_an_unknown_result_is_400(world: World) -> None:
    api = api_for(world, "agent_with_lease")
    response = api.post(reverse("api:prospect-calls", args=[world.prospect.pk]), {"result": "nope"}, format="json")
    assert response.status_code == 400
    assert Lease.objects.filter(prospect=world.prospect).exists()


def test_no_call_after_the_assignment_went_inactive(world: World) -> None:
    api = api_for(world, "agent_with_lease")
    assignment_services.assignment_set_active(assignment=world.assignment, active=False)
    url = reverse("api:prospect-calls", args=[world.prospect.pk])
    assert api.post(url, {"result": "appointment"}, format="json").status_code == 404
    assert api.post(reverse("api:person-verify", args=[world.person.pk])).status_code == 404


@pytest.mark.parametrize("ordering", ["company", "-company", "result", "-result", "date", "-date"])
def test_call_notes_sort_by_company_result_and_date(world: World, ordering: str) -> None:
    for text in ("b", "c"):
        CallNoteFactory(prospect=ProspectFactory(assignment=world.assignment), text=text)
    rows = api_for(world, "supervisor").get(
        reverse("api:assignment-call-notes", args=[world.assignment.pk]), {"ordering": ordering}
    )
    assert rows.status_code == 200
    data = rows.json()["results"]
    key = {"company": "company", "result": "result_label", "date": "created_at"}[ordering.lstrip("-")]
    values = [row[key] for row in data]
    assert values == sorted(values, reverse=ordering.startswith("-"))


@pytest.mark.parametrize("ordering", ["text", "-text", "agent", "company,text", "id"])
def test_call_notes_refuse_any_other_ordering(world: World, ordering: str) -> None:
    url = reverse("api:assignment-call-notes", args=[world.assignment.pk])
    assert api_for(world, "supervisor").get(url, {"ordering": ordering}).status_code == 400


def test_no_parameter_searches_note_text(world: World) -> None:
    CallNoteFactory(prospect=ProspectFactory(assignment=world.assignment), text="iets geheims")
    api = api_for(world, "client_same_tenant")
    url = reverse("api:assignment-call-notes", args=[world.assignment.pk])
    everything = api.get(url).json()["results"]
    for params in ({"search": "geheim"}, {"q": "geheim"}, {"text": "geheim"}, {"text__icontains": "geheim"}):
        assert api.get(url, params).json()["results"] == everything
    assert len(everything) == 2


def test_no_index_on_note_text(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'callnotes_callnote'")
        defs = [row[0] for row in cursor.fetchall()]
    assert defs and not [d for d in defs if "text" in d]


def test_notes_cannot_be_edited_or_deleted(world: World) -> None:
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        CallNote.objects.filter(pk=world.note.pk).update(text="anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        CallNote.objects.filter(pk=world.note.pk).delete()
    world.note.refresh_from_db()
    assert world.note.text == "Gesproken met de receptie."


def test_notes_list_writes_one_access_log_entry_with_every_id(world: World) -> None:
    from apps.audit.models import AccessLogEntry

    api_for(world, "client_same_tenant").get(reverse("api:assignment-call-notes", args=[world.assignment.pk]))
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert (entry.object_type, entry.object_ids) == ("callnotes.callnote", [str(world.note.pk)])


def test_recording_a_call_without_the_lease_is_404_like_a_missing_id(world: World) -> None:
    api = api_for(world, "agent_without_lease")
    body = {"result": "appointment"}
    leased_by_other = api.post(reverse("api:prospect-calls", args=[world.prospect.pk]), body, format="json")
    missing = api.post(
        reverse("api:prospect-calls", args=["00000000-0000-0000-0000-000000000000"]), body, format="json"
    )
    assert leased_by_other.status_code == missing.status_code == 404
    assert leased_by_other.content == missing.content
