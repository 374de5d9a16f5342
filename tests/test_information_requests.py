"""Results that ask for an email address (issue 13 #1): "send information" asks on the call
screen (and in the API) to which address, prefilled with the person's known one; stored with
the call as the person's personal data: listed for the client, in the API, gone with the
person (erasure, left company, purge), hidden while the person is restricted, never shown to
another tenant. Another address than the one on record becomes a difference to verify."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appointments.models import InformationRequest
from apps.assignments.models import Asks
from apps.callnotes.models import CallNote
from apps.imports.models import Difference
from apps.prospects.models import Lease, Person
from apps.prospects.services import DeletionReason, person_delete, person_delete_plan
from tests.conftest import World
from tests.factories import CallNoteFactory


def _post(world: World, **overrides: object):  # type: ignore[no-untyped-def]
    data = {
        "result": world.assignment.results.get(code="interested").pk,
        "text": "Stuur de brochure.",
        "information_person": world.person.pk,
        "information_email": world.person.email,
    } | overrides
    return world.client_for("agent_with_lease").post(reverse("calling:call", args=[world.prospect.pk]), data)


def _request_for(world: World, person: Person | None = None, email: str = "info@example.nl") -> InformationRequest:
    """A stored request, as a call through the screen leaves it."""
    note = CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"])
    return InformationRequest.objects.create(
        assignment=world.assignment,
        note=note,
        prospect=world.prospect,
        company=world.prospect.company,
        person=person or world.person,
        email=email,
        agent=world.users["agent_with_lease"],
        created_at=timezone.now(),
    )


def test_send_information_is_configured_per_result_and_is_a_default() -> None:
    from apps.assignments.services import DEFAULT_ASKS

    assert DEFAULT_ASKS["interested"] == Asks.EMAIL
    assert Asks.EMAIL in Asks.values


def test_the_call_screen_asks_for_the_address_prefilled_with_the_known_one(world: World) -> None:
    response = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk]))
    page = response.content.decode()
    assert 'id="information-fields"' in page and 'data-for="email"' in page
    field = re.search(r'<input type="email"[^>]*id="id_information_email"[^>]*>', page).group(0)
    assert f'value="{world.person.email}"' in field
    assert 'data-asks="email"' in page


def test_a_flagged_persons_address_is_not_prefilled(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(verified_at=timezone.now() - timezone.timedelta(days=400))
    page = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk])).content
    assert world.person.email.encode() not in page


def test_the_known_address_is_stored_with_the_call(world: World) -> None:
    response = _post(world)
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    assert (request.person, request.email, request.prospect, request.note.text) == (
        world.person,
        world.person.email,
        world.prospect,
        "Stuur de brochure.",
    )
    assert not Lease.objects.filter(pk=world.lease.pk).exists()
    assert not Difference.objects.filter(person=world.person).exists()  # nothing differs


def test_another_address_is_a_difference_to_verify_not_a_silent_overwrite(world: World) -> None:
    response = _post(world, information_email="  Nieuw.Adres@Voorbeeld.NL ")
    assert response.status_code == 302
    assert InformationRequest.objects.get().email == "nieuw.adres@voorbeeld.nl"
    world.person.refresh_from_db()
    assert world.person.email != "nieuw.adres@voorbeeld.nl"  # the record is unchanged
    difference = Difference.objects.get(person=world.person)
    assert (difference.field, difference.value, difference.assignment_id) == (
        "email",
        "nieuw.adres@voorbeeld.nl",
        world.assignment.pk,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"information_email": ""}, "Geef het e-mailadres"),
        ({"information_email": "geen-adres"}, "is geen e-mailadres"),
        ({"information_person": ""}, "Kies de contactpersoon"),
    ],
)
def test_a_missing_or_bad_address_is_refused_clearly_and_writes_nothing(world: World, overrides, message) -> None:  # type: ignore[no-untyped-def]
    response = _post(world, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InformationRequest.objects.exists()
    assert not CallNote.objects.filter(text="Stuur de brochure.").exists()


def test_another_tenants_person_or_a_restricted_person_cannot_be_chosen(world: World) -> None:
    assert _post(world, information_person=world.other_person.pk).status_code == 400
    Person.objects.filter(pk=world.person.pk).update(restricted_at=timezone.now())
    assert _post(world).status_code == 400
    assert not InformationRequest.objects.exists()


def test_an_address_with_a_result_that_does_not_ask_for_one_is_refused(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.users["agent_with_lease"])
    url = reverse("api:prospect-calls", args=[world.prospect.pk])
    response = api.post(
        url,
        {"result": "not-interested", "information": {"person": str(world.person.pk), "email": "a@b.nl"}},
        format="json",
    )
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def test_the_api_records_the_address_and_lists_it_for_the_client(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.users["agent_with_lease"])
    response = api.post(
        reverse("api:prospect-calls", args=[world.prospect.pk]),
        {"result": "interested", "information": {"person": str(world.person.pk), "email": "brochure@acme.example"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    client = APIClient()
    client.force_authenticate(world.users["client_same_tenant"])
    rows = client.get(reverse("api:assignment-information-requests", args=[world.assignment.pk])).json()["results"]
    assert [(r["email"], r["person"]["id"], r["restricted"]) for r in rows] == [
        ("brochure@acme.example", str(world.person.pk), False)
    ]


def test_the_client_sees_the_addresses_on_the_appointments_page(world: World) -> None:
    _request_for(world, email="stuur@acme.example")
    page = world.client_for("client_same_tenant").get(reverse("appointments:list", args=[world.assignment.pk]))
    assert page.status_code == 200
    assert "stuur@acme.example" in page.content.decode()


def test_another_tenant_sees_nothing_of_it(world: World) -> None:
    _request_for(world, email="stuur@acme.example")
    other = world.client_for("client_other_tenant")
    assert other.get(reverse("appointments:list", args=[world.assignment.pk])).status_code == 404
    own = other.get(reverse("appointments:list", args=[world.other_assignment.pk])).content.decode()
    assert "stuur@acme.example" not in own
    assert not InformationRequest.objects.visible_to(world.users["client_other_tenant"]).exists()
    assert not InformationRequest.objects.visible_to(world.users["supervisor_other_assignment"]).exists()
    assert not InformationRequest.objects.visible_to(world.users["agent_with_lease"]).exists()
    api = APIClient()
    api.force_authenticate(world.users["client_other_tenant"])
    assert api.get(reverse("api:assignment-information-requests", args=[world.assignment.pk])).status_code == 404
    rows = api.get(reverse("api:assignment-information-requests", args=[world.other_assignment.pk])).json()
    assert rows["results"] == []


def test_a_restricted_persons_address_is_masked_for_the_client(world: World) -> None:
    _request_for(world, email="stuur@acme.example")
    Person.objects.filter(pk=world.person.pk).update(restricted_at=timezone.now())
    page = world.client_for("client_same_tenant").get(reverse("appointments:list", args=[world.assignment.pk]))
    content = page.content.decode()
    assert "stuur@acme.example" not in content and "beperkt" in content
    api = APIClient()
    api.force_authenticate(world.users["client_same_tenant"])
    (row,) = api.get(reverse("api:assignment-information-requests", args=[world.assignment.pk])).json()["results"]
    assert (row["email"], row["person"], row["restricted"]) == (None, None, True)


@pytest.mark.parametrize("reason", [DeletionReason.ERASURE, DeletionReason.LEFT_COMPANY, DeletionReason.PURGE])
def test_an_erased_persons_address_is_gone(world: World, reason) -> None:  # type: ignore[no-untyped-def]
    request = _request_for(world, email="stuur@acme.example")
    assert any(s.table == InformationRequest._meta.db_table for s in person_delete_plan().steps)
    person_delete(person=world.person, reason=reason)
    assert not InformationRequest.objects.filter(pk=request.pk).exists()
    assert CallNote.objects.filter(pk=request.note_id).exists()  # the note stays (R-NOTE-3)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appointments_informationrequest WHERE email = %s", ["stuur@acme.example"])
        assert cursor.fetchone()[0] == 0


def test_the_clock_rule_deletes_addresses_after_12_months_unless_held(world: World) -> None:
    from dateutil.relativedelta import relativedelta

    from apps.retention.models import HoldKind, LegalHold
    from apps.retention.runner import run_rule

    old = _request_for(world, email="oud@acme.example")
    held = _request_for(world, person=world.unleased_prospect.persons.get(), email="vast@acme.example")
    young = _request_for(world, email="nieuw@acme.example")
    now = timezone.now()
    InformationRequest.objects.filter(pk__in=[old.pk, held.pk]).update(created_at=now - relativedelta(months=13))
    LegalHold.objects.create(
        kind=HoldKind.PERSON,
        object_id=held.person_id,
        reason="proceedings",
        ends_on=(now + timezone.timedelta(days=30)).date(),
        created_at=now,
    )
    run = run_rule("information_request_expiry", now=now)
    assert run.counts.get("information_requests_deleted") == 1 and run.counts.get("held_skipped") == 1
    assert set(InformationRequest.objects.values_list("pk", flat=True)) == {held.pk, young.pk}
    assert CallNote.objects.filter(pk=old.note_id).exists()
    run_rule("information_request_expiry", now=now)  # twice: the same state
    assert InformationRequest.objects.count() == 2
