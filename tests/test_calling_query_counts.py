"""SPEC §7: the agent's screen, "next" and the notes list run a fixed number of queries,
whatever the number of persons, notes and prospects."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.prospects.models import ProspectPerson
from tests.conftest import World
from tests.factories import CallNoteFactory, PersonFactory, ProspectFactory


def grow(world: World, size: int) -> None:
    for _ in range(size):
        ProspectPerson.objects.create(
            prospect=world.prospect, person=PersonFactory(company=world.company, client=world.acme)
        )
        CallNoteFactory(prospect=world.prospect)
        ProspectFactory(assignment=world.assignment)


@pytest.mark.parametrize("size", [1, 8])
def test_call_screen_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    grow(world, size)
    http = world.client_for("agent_with_lease")
    # session, user, prospect (access, with the lease's end), persons, notes, results,
    # the client's company differences to verify, the client's contacts (account manager,
    # R-APPT-1), the agent's figures of today, access log (prospect, persons, contacts: one insert)
    with django_assert_num_queries(10):
        assert http.get(reverse("calling:screen", args=[world.prospect.pk])).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_next_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    grow(world, size)
    api = APIClient()
    api.force_authenticate(world.users["agent_with_lease"])
    # assignment (access), the agent's pause ended (issue 13 #4: one UPDATE, the API has no
    # session to tell), savepoint, expire, held lease with company, release, lease, persons,
    # notes, results, company differences, client's contacts, figures of today, access log
    # (one insert)
    with django_assert_num_queries(14):
        assert api.post(reverse("api:assignment-next", args=[world.assignment.pk])).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_notes_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    grow(world, size)
    api = APIClient()
    api.force_authenticate(world.users["supervisor"])
    # assignment (access), count, page of notes with company/result/agent, access log
    with django_assert_num_queries(4):
        assert api.get(reverse("api:assignment-call-notes", args=[world.assignment.pk])).status_code == 200
