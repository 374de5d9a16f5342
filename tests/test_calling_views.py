"""The call screen and the agent's pages (R-CALL-1…3, R-NTK-2/3, R-LOG-1)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.assignments import services as assignment_services
from apps.audit.models import AccessLogEntry
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, Person, ProspectPerson, ProspectStatus
from tests.conftest import World
from tests.factories import PersonFactory, ProspectFactory


def screen_url(world: World, prospect=None) -> str:  # type: ignore[no-untyped-def]
    return reverse("calling:screen", args=[(prospect or world.prospect).pk])


def flag(person: Person) -> Person:
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    person.refresh_from_db()
    return person


def test_screen_shows_company_persons_briefing_and_earlier_notes(world: World) -> None:
    world.assignment.briefing = "Vraag naar de inkoper."
    world.assignment.save()
    body = world.client_for("agent_with_lease").get(screen_url(world)).content.decode()
    assert world.company.name in body
    assert world.person.email in body and world.person.last_name in body
    assert "Vraag naar de inkoper." in body
    assert world.note.text in body
    assert 'name="result"' in body


def test_screen_writes_one_access_log_entry_per_prospect_opened(world: World) -> None:
    """One entry for the prospect, one naming the persons on the screen and one naming the
    client's contacts offered as account manager (R-LOG-1, R-APPT-1)."""
    before = AccessLogEntry.objects.count()
    world.client_for("agent_with_lease").get(screen_url(world))
    entries = list(AccessLogEntry.objects.order_by("-id")[:3])
    assert AccessLogEntry.objects.count() == before + 3
    assert {(e.object_type, e.object_id, e.assignment_id) for e in entries} == {
        ("prospects.prospect", str(world.prospect.pk), world.assignment.pk),
        ("prospects.person", str(world.person.pk), world.assignment.pk),
        ("clients.clientcontact", str(world.contact.pk), world.assignment.pk),
    }


@pytest.mark.parametrize("role", ["agent_without_lease", "agent_other_assignment", "client_same_tenant", "supervisor"])
def test_screen_is_404_without_the_lease_same_as_a_missing_id(world: World, role: str) -> None:
    http = world.client_for(role)
    missing = http.get(reverse("calling:screen", args=["00000000-0000-0000-0000-000000000000"]))
    response = http.get(screen_url(world))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_agent_loses_the_screen_when_the_lease_expires(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    # The lease, not the idle session (issue 15 #9, tested in test_session_timeout.py), is the subject.
    settings.STAFF_SESSION_IDLE_SECONDS = settings.STAFF_SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600
    http = world.client_for("agent_with_lease")
    assert http.get(screen_url(world)).status_code == 200
    with time_machine.travel(world.lease.expires_at + dt.timedelta(seconds=1)):
        assert http.get(screen_url(world)).status_code == 404
        assert http.post(reverse("calling:call", args=[world.prospect.pk]), {"result": 1}).status_code == 404


def test_inactive_assignment_refuses_screen_notes_and_contacts_at_once(world: World) -> None:
    http = world.client_for("agent_with_lease")
    urls = [
        screen_url(world),
        reverse("calling:notes", args=[world.assignment.pk]),
        reverse("calling:contacts", args=[world.assignment.pk]),
        reverse("calling:workspace", args=[world.assignment.pk]),
    ]
    assert [http.get(u).status_code for u in urls] == [200, 200, 200, 200]
    assignment_services.assignment_set_active(assignment=world.assignment, active=False)
    assert [http.get(u).status_code for u in urls] == [404, 404, 404, 404]
    api = [
        reverse("api:assignment-call-notes", args=[world.assignment.pk]),
    ]
    assert http.get(api[0]).status_code == 404
    assert http.post(reverse("api:assignment-next", args=[world.assignment.pk])).status_code == 404


def test_flagged_person_email_and_phone_are_absent_until_verified(world: World) -> None:
    person = flag(world.person)
    http = world.client_for("agent_with_lease")
    body = http.get(screen_url(world)).content.decode()
    assert person.last_name in body
    assert person.email not in body and person.phone not in body
    assert "verify" in body.lower() or "verifi" in body.lower()

    response = http.post(reverse("calling:person-verify", args=[world.prospect.pk, person.pk]), {})
    assert response.status_code == 302
    person.refresh_from_db()
    assert timezone.now() - person.verified_at < dt.timedelta(minutes=1)
    body = http.get(screen_url(world)).content.decode()
    assert person.email in body and person.phone in body


def test_correcting_a_person_changes_the_shared_record_and_verifies(world: World) -> None:
    person = flag(world.person)
    http = world.client_for("agent_with_lease")
    response = http.post(
        reverse("calling:person-verify", args=[world.prospect.pk, person.pk]),
        {f"{person.pk}-email": "Nieuw@Bedrijf.example", f"{person.pk}-phone": "06 1111 2222"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.email, person.phone) == ("nieuw@bedrijf.example", "+31611112222")
    assert "nieuw@bedrijf.example" in response.content.decode()


def test_correcting_the_company_verifies_it(world: World) -> None:
    company = world.company
    type(company).objects.filter(pk=company.pk).update(verified_at=timezone.now() - dt.timedelta(days=400))
    http = world.client_for("agent_with_lease")
    assert "badge warn" in http.get(screen_url(world)).content.decode()
    data = {"name": "Nieuwe Naam BV", "status": "active", "city": "Zwolle", "kvk_number": company.kvk_number}
    assert http.post(reverse("calling:company", args=[world.prospect.pk]), data).status_code == 302
    company.refresh_from_db()
    assert (company.name, company.city) == ("Nieuwe Naam BV", "Zwolle")
    assert timezone.now() - company.verified_at < dt.timedelta(minutes=1)


def test_adding_a_person_links_them_to_this_assignment_and_merges_by_email(world: World) -> None:
    known = PersonFactory(client=world.acme, company=world.company, email="piet@bedrijf.example", job_title="")
    http = world.client_for("agent_with_lease")
    url = reverse("calling:person-add", args=[world.prospect.pk])
    http.post(url, {"add-last_name": "Piet", "add-email": "PIET@bedrijf.example", "add-job_title": "Inkoper"})
    known.refresh_from_db()
    assert known.job_title == "Inkoper"
    assert ProspectPerson.objects.filter(prospect=world.prospect, person=known).exists()
    http.post(url, {"add-first_name": "Anna", "add-last_name": "Nieuw", "add-phone": "0612345670"})
    added = Person.objects.get(last_name="Nieuw")
    assert added.prospects.get() == world.prospect


def test_adding_a_suppressed_person_is_refused(world: World) -> None:
    from apps.privacy.hashing import IdentifierHashes
    from apps.privacy.models import SuppressionEntry

    hashes = IdentifierHashes.of(email="weg@bedrijf.example")
    SuppressionEntry.objects.create(email_hash=hashes.email, phone_hash="", name_company_hash="", reason="erasure")
    http = world.client_for("agent_with_lease")
    response = http.post(reverse("calling:person-add", args=[world.prospect.pk]), {"add-email": "weg@bedrijf.example"})
    assert response.status_code == 400
    assert not Person.objects.filter(email="weg@bedrijf.example").exists()


def test_left_company_asks_then_deletes_the_person_everywhere_while_notes_stay(world: World) -> None:
    person = world.person
    elsewhere = ProspectFactory(assignment=world.inactive_assignment, company=world.company)
    ProspectPerson.objects.create(prospect=elsewhere, person=person)
    http = world.client_for("agent_with_lease")
    url = reverse("calling:person-left", args=[world.prospect.pk, person.pk])
    assert person.last_name in http.get(url).content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    assert http.post(url).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not ProspectPerson.objects.filter(person_id=person.pk).exists()
    assert CallNote.objects.filter(pk=world.note.pk).exists()


def test_recording_a_call_saves_the_note_and_releases_the_lease(world: World) -> None:
    http = world.client_for("agent_with_lease")
    result = world.assignment.results.get(code="appointment")
    starts = timezone.localtime() + dt.timedelta(days=3)
    response = http.post(
        reverse("calling:call", args=[world.prospect.pk]),
        {
            "result": result.pk,
            "text": "Afspraak",
            "appointment_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "appointment_kind": "video",
            "appointment_person": world.person.pk,
        },
    )
    assert response.status_code == 302
    note = CallNote.objects.get(text="Afspraak")
    assert (note.agent, note.result, note.prospect) == (world.users["agent_with_lease"], result, world.prospect)
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    world.prospect.refresh_from_db()
    assert world.prospect.status == ProspectStatus.DONE
    assert http.get(screen_url(world)).status_code == 404


def test_save_and_next_opens_the_next_prospect(world: World) -> None:
    http = world.client_for("agent_with_lease")
    result = world.assignment.results.get(code="no-answer")
    response = http.post(reverse("calling:call", args=[world.prospect.pk]), {"result": result.pk, "next": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("calling:screen", args=[world.unleased_prospect.pk])


def test_callback_result_needs_a_time(world: World) -> None:
    http = world.client_for("agent_with_lease")
    result = world.assignment.results.get(code="call-back")
    response = http.post(reverse("calling:call", args=[world.prospect.pk]), {"result": result.pk})
    assert response.status_code == 400
    assert not CallNote.objects.filter(prospect=world.prospect).exclude(pk=world.note.pk).exists()


def test_next_button_leases_and_redirects_to_the_screen(world: World) -> None:
    http = world.client_for("agent_without_lease")
    response = http.post(reverse("calling:next", args=[world.assignment.pk]))
    assert response["Location"] == screen_url(world, world.unleased_prospect)
    assert http.get(response["Location"]).status_code == 200


def test_notes_list_sorts_only_and_ignores_other_parameters(world: World) -> None:
    http = world.client_for("client_same_tenant")
    url = reverse("calling:notes", args=[world.assignment.pk])
    plain = http.get(url).content.decode()
    assert world.note.text in plain
    searched = http.get(url, {"q": "niets", "search": "niets", "text": "niets", "text__icontains": "niets"})
    assert world.note.text in searched.content.decode()
    for ordering in ("company", "-company", "result", "-result", "date", "-date", "text", "-text"):
        assert http.get(url, {"ordering": ordering}).status_code == 200


def test_progress_counts_by_status_result_and_agent(world: World) -> None:
    body = world.client_for("supervisor").get(reverse("calling:progress", args=[world.assignment.pk])).content.decode()
    assert world.users["agent_with_lease"].username in body


def test_agent_sees_the_client_contacts_beside_the_screen_and_it_is_logged(world: World) -> None:
    http = world.client_for("agent_with_lease")
    response = http.get(reverse("calling:contacts", args=[world.assignment.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert world.contact.last_name in body and world.other_contact.last_name not in body
    assert "<html" not in body  # the partial, for the call screen's side panel
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert (entry.object_type, entry.object_ids) == ("clients.clientcontact", [str(world.contact.pk)])


def test_an_agent_of_another_assignment_gets_no_contacts(world: World) -> None:
    http = world.client_for("agent_other_assignment")
    assert http.get(reverse("calling:contacts", args=[world.assignment.pk])).status_code == 404


def test_agent_reopens_their_own_callback_without_a_lease_others_cannot(world: World) -> None:
    http = world.client_for("agent_with_lease")
    result = world.assignment.results.get(code="call-back")
    later = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = http.post(reverse("calling:call", args=[world.prospect.pk]), {"result": result.pk, "callback_at": later})
    assert response.status_code == 302
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    assert http.get(screen_url(world)).status_code == 200
    assert world.client_for("agent_without_lease").get(screen_url(world)).status_code == 404


def test_a_wrong_correction_is_shown_in_the_partial_and_changes_nothing(world: World) -> None:
    http = world.client_for("agent_with_lease")
    name = world.company.name
    response = http.post(
        reverse("calling:company", args=[world.prospect.pk]),
        {"name": "Anders BV", "status": "active", "kvk_number": "123456789"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="company"' in body and "<html" not in body and 'value="Anders BV"' in body
    world.company.refresh_from_db()
    assert world.company.name == name

    response = http.post(
        reverse("calling:person-add", args=[world.prospect.pk]), {"add-email": "geen-email"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert 'id="persons"' in response.content.decode() and 'value="geen-email"' in response.content.decode()
