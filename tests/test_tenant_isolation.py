"""R-NTK-1: nothing of Globex reaches Acme, and agents see no prospect without a lease —
checked on contents, not only status codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.core import access
from apps.prospects.models import Person, Prospect
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory


def api_ids(world: World, role: str) -> set[str]:
    api = APIClient()
    api.force_authenticate(world.users[role])
    response = api.get(reverse("api:assignment-list"))
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_client_api_lists_only_own_assignments(world: World) -> None:
    ids = api_ids(world, "client_same_tenant")
    assert ids == {str(world.assignment.pk), str(world.inactive_assignment.pk)}


def test_agent_api_lists_only_active_scheduled_assignments(world: World) -> None:
    assert api_ids(world, "agent_without_lease") == {str(world.assignment.pk)}
    assert api_ids(world, "agent_other_assignment") == {str(world.other_assignment.pk)}


def test_supervisor_api_lists_only_supervised_assignments(world: World) -> None:
    assert api_ids(world, "supervisor") == {str(world.assignment.pk), str(world.inactive_assignment.pk)}


def test_board_sees_no_assignment(world: World) -> None:
    assert api_ids(world, "board") == set()


@pytest.mark.parametrize("role", ["client_same_tenant", "supervisor", "agent_without_lease"])
def test_other_tenant_detail_is_the_same_404_as_a_missing_id(world: World, role: str) -> None:
    api = APIClient()
    api.force_authenticate(world.users[role])
    other = api.get(reverse("api:assignment-detail", args=[world.other_assignment.pk]))
    missing = api.get(reverse("api:assignment-detail", args=["00000000-0000-0000-0000-000000000000"]))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()

    http = world.client_for(role)
    page_other = http.get(reverse("assignments:detail", args=[world.other_assignment.pk]))
    page_missing = http.get(reverse("assignments:detail", args=["00000000-0000-0000-0000-000000000000"]))
    assert page_other.status_code == page_missing.status_code == 404
    assert page_other.content == page_missing.content


def test_client_start_page_never_names_the_other_tenant(world: World) -> None:
    body = world.client_for("client_same_tenant").get(reverse("accounts:home")).content.decode()
    assert world.assignment.name in body
    assert "Globex" not in body and world.other_assignment.name not in body


def test_supervisor_admin_lists_only_their_assignments(world: World) -> None:
    body = world.client_for("supervisor").get(reverse("admin:assignments_assignment_changelist")).content.decode()
    assert world.assignment.name in body and world.inactive_assignment.name in body
    assert world.other_assignment.name not in body


def test_supervisor_admin_prospects_and_persons_are_scoped(world: World) -> None:
    http = world.client_for("supervisor")
    prospects = http.get(reverse("admin:prospects_prospect_changelist")).context["cl"].result_list
    assert {p.pk for p in prospects} == {world.prospect.pk, world.unleased_prospect.pk}
    persons = http.get(reverse("admin:prospects_person_changelist")).context["cl"].result_list
    assert world.other_person.pk not in {p.pk for p in persons}
    other = http.get(reverse("admin:prospects_person_change", args=[world.other_person.pk]))
    assert other.status_code == 302 and other["Location"] == reverse("admin:index")


def test_agent_sees_only_the_leased_prospect(world: World) -> None:
    leased = world.users["agent_with_lease"]
    assert set(Prospect.objects.visible_to(leased)) == {world.prospect}
    assert set(Person.objects.visible_to(leased)) == {world.person}
    without = world.users["agent_without_lease"]
    assert not Prospect.objects.visible_to(without).exists()
    assert not Person.objects.visible_to(without).exists()


def test_agent_loses_the_prospect_when_the_lease_expires(world: World) -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(world.lease.expires_at + dt.timedelta(seconds=1)):
        assert not Prospect.objects.visible_to(world.users["agent_with_lease"]).exists()


def test_agent_opens_own_callback_without_a_lease(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    agent = world.users["agent_without_lease"]
    prospect = world.unleased_prospect
    prospect.status, prospect.callback_at, prospect.callback_agent = (
        "callback",
        timezone.now() + dt.timedelta(hours=1),
        agent,
    )
    prospect.save()
    assert set(Prospect.objects.visible_to(agent)) == {prospect}
    assert not Prospect.objects.visible_to(world.users["agent_with_lease"]).filter(pk=prospect.pk).exists()


def test_call_notes_and_client_contacts_follow_the_assignment(world: World) -> None:
    from apps.callnotes.models import CallNote
    from apps.clients.models import ClientContact

    acme_client = world.users["client_same_tenant"]
    assert set(CallNote.objects.visible_to(acme_client)) == {world.note}
    assert set(ClientContact.objects.visible_to(acme_client)) == {world.contact}
    agent = world.users["agent_without_lease"]
    assert set(CallNote.objects.visible_to(agent)) == {world.note}
    assert set(ClientContact.objects.visible_to(agent)) == {world.contact}
    # Policy §6: supervisors see the contacts of every client.
    assert set(ClientContact.objects.visible_to(world.users["supervisor"])) == {world.contact, world.other_contact}


def test_staff_without_confidentiality_agreement_see_nothing(world: World) -> None:
    newcomer = UserFactory(role=Role.ADMINISTRATOR, confidentiality_signed_on=None)
    assert not access.assignments_visible_to(newcomer).exists()
    http = world.client_for("anonymous")
    http.force_login(newcomer)
    response = http.get(reverse("assignments:detail", args=[world.assignment.pk]))
    assert response.status_code == 403
    assert (
        "confidentiality agreement" in response.content.decode().lower() or "geheimhouding" in response.content.decode()
    )
    api = APIClient()
    api.force_authenticate(newcomer)
    assert api.get(reverse("api:assignment-list")).status_code == 403


def test_token_login_and_token_calls_are_scoped(world: World) -> None:
    api = APIClient()
    response = api.post(reverse("api:auth-token"), {"username": "client-acme", "password": PASSWORD})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    listed = api.get(reverse("api:assignment-list")).json()["results"]
    assert {row["client"] for row in listed} == {"Acme BV"}
    assert api.get(reverse("api:assignment-detail", args=[world.other_assignment.pk])).status_code == 404


def test_wrong_password_gets_a_clear_400(world: World) -> None:
    response = APIClient().post(reverse("api:auth-token"), {"username": "client-acme", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
