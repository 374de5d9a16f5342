"""A person as an agent may see them, on every path (issue 11 #2, R-CALL-3, R-RET-2).

The walk over every URL of the permission matrix is tests/test_matrix_bodies.py; these are
the paths named in the issue and the guards that make a new path fail closed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.prospects.models import Person
from apps.prospects.selectors import Audience, PersonForAgent, audience_of, person_for_agent
from apps.prospects.serializers import AudienceError, PersonForAgentOutput, PersonOutput, person_output
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _api(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def _flag(person: Person) -> Person:
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    person.refresh_from_db()
    return person


def test_agent_holding_the_lease_gets_no_contact_details_of_a_flagged_person_from_the_prospect_api(
    world: World,
) -> None:
    person = _flag(world.person)
    response = _api(world, "agent_with_lease").get(reverse("api:prospect-detail", args=[world.prospect.pk]))
    assert response.status_code == 200
    assert person.email not in response.content.decode()
    assert person.phone not in response.content.decode()
    (shown,) = response.json()["persons"]
    assert (shown["id"], shown["email"], shown["phone"], shown["verify"]) == (str(person.pk), None, None, True)


def test_the_agent_reads_the_prospect_as_the_call_screen_shows_it(world: World) -> None:
    """One agent view of a prospect: the detail API answers what "next" answers (R-CALL-1),
    without the client's extra columns, which the screen does not show either."""
    agent = _api(world, "agent_with_lease")
    detail = agent.get(reverse("api:prospect-detail", args=[world.prospect.pk])).json()
    screen = agent.post(reverse("api:assignment-next", args=[world.assignment.pk])).json()
    assert detail == screen
    assert "extra" not in detail


def test_database_holders_still_read_the_whole_record_of_a_flagged_person(world: World) -> None:
    person = _flag(world.person)
    for role in ("client_same_tenant", "supervisor", "administrator"):
        data = _api(world, role).get(reverse("api:prospect-detail", args=[world.prospect.pk])).json()
        (shown,) = data["persons"]
        assert (shown["email"], shown["phone"]) == (person.email, person.phone), role
        assert "extra" in data


def test_the_verify_api_answers_each_audience_its_own_view(world: World) -> None:
    person = world.person
    agent = _api(world, "agent_with_lease").post(reverse("api:person-verify", args=[person.pk]), {}, format="json")
    assert agent.json() == {
        "id": str(person.pk),
        "first_name": person.first_name,
        "tussenvoegsel": person.tussenvoegsel,
        "last_name": person.last_name,
        "job_title": person.job_title,
        "email": person.email,  # verified just now: no longer hidden
        "phone": person.phone,
        "verify": False,
        "restricted": False,
    }
    client = _api(world, "client_same_tenant").post(reverse("api:person-verify", args=[person.pk]), {}, format="json")
    assert set(client.json()) == {
        "id", "first_name", "tussenvoegsel", "last_name", "job_title", "email", "phone", "legal_basis",
        "verified_at", "restricted",
    }  # fmt: skip


def test_the_left_company_page_does_not_hand_the_record_to_the_template(world: World) -> None:
    person = _flag(world.person)
    response = world.client_for("agent_with_lease").get(
        reverse("calling:person-left", args=[world.prospect.pk, person.pk])
    )
    assert response.status_code == 200
    assert isinstance(response.context["person"], PersonForAgent)
    assert person.full_name in response.content.decode()


# --- The guards: a wrong path fails closed --------------------------------------------
@pytest.mark.parametrize("role", [Role.AGENT, Role.BOARD, None])
def test_anyone_not_holding_the_database_is_an_agent_audience(role: Role | None) -> None:
    class Someone:
        pass

    user = Someone()
    user.role = role  # type: ignore[attr-defined]
    assert audience_of(user) is Audience.AGENT


@pytest.mark.parametrize("role", [Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_database_holders(role: Role) -> None:
    class Someone:
        pass

    user = Someone()
    user.role = role  # type: ignore[attr-defined]
    assert audience_of(user) is Audience.DATABASE


def test_the_whole_record_cannot_be_serialized_without_stating_the_audience(world: World) -> None:
    with pytest.raises(AudienceError):
        PersonOutput(world.person).data  # noqa: B018
    with pytest.raises(AudienceError):
        PersonOutput(world.person, context={"audience": Audience.AGENT}).data  # noqa: B018


def test_the_agent_output_refuses_a_person_row(world: World) -> None:
    with pytest.raises(AudienceError):
        PersonForAgentOutput(world.person).data  # noqa: B018
    assert PersonForAgentOutput(person_for_agent(world.person)).data["email"] == world.person.email


def test_person_output_masks_for_agents_only(world: World) -> None:
    person = _flag(world.person)
    agent = person_output(world.users["agent_with_lease"], person)
    assert (agent["email"], agent["phone"], agent["verify"]) == (None, None, True)
    client = person_output(world.users["client_same_tenant"], person)
    assert (client["email"], client["phone"]) == (person.email, person.phone)


def _output_serializers() -> list[type]:
    """Every *Output serializer the project's API modules define."""
    import importlib
    import pkgutil

    from rest_framework import serializers

    import apps

    found = []
    for app in pkgutil.iter_modules(apps.__path__):
        for name in ("api", "serializers"):
            try:
                module = importlib.import_module(f"apps.{app.name}.{name}")
            except ModuleNotFoundError:
                continue
            found += [
                obj
                for obj in vars(module).values()
                if isinstance(obj, type)
                and issubclass(obj, serializers.BaseSerializer)
                and obj.__module__ == module.__name__
                and obj.__name__.endswith("Output")
            ]
    return found


# Outputs that may carry an email or phone field, and why that is safe. A new output with
# such a field fails below until it is stated here: a person's contact details leave the
# API through the two person outputs only (R-CALL-3).
CONTACT_OUTPUTS = {
    "apps.prospects.serializers.PersonForAgentOutput": "takes a PersonForAgent only: masked while flagged",
    "apps.prospects.serializers.PersonOutput": "refuses to run without a database holder's audience",
    "apps.prospects.serializers.CompanyOutput": "a company's general phone (policy §4.1), not personal",
    "apps.appointments.api.AccountManagerOutput": "the client's own account manager, to the client's database holders",
}


def test_contact_details_leave_the_api_through_the_person_outputs_only() -> None:
    outputs = _output_serializers()
    assert len(outputs) > 5  # the scan finds the project's outputs
    carrying = {
        f"{cls.__module__}.{cls.__name__}"
        for cls in outputs
        if {"email", "phone"} & set(getattr(cls, "_declared_fields", {}))
        or {"email", "phone"} & set(getattr(getattr(cls, "Meta", None), "fields", None) or ())
    }
    assert carrying == set(CONTACT_OUTPUTS)
