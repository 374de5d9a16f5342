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
    url = reverse("calling:screen", args=[world.prospect.pk])
    assert http.get(url).status_code == 200  # the session and the user are now in the cache
    # Issue 16 #2: the session and the user from the cache (none), the agent's right to the
    # prospect (one statement: lease or own callback, the assignment's guardian row, active),
    # the screen's reads in one (persons through the agents' selector, notes, results,
    # company differences, the client's contacts, the figures of today), the access log
    # (prospect, persons, contacts: one insert).
    with django_assert_num_queries(3):
        assert http.get(url).status_code == 200


def test_call_screen_with_a_cold_cache_reads_the_session_and_user(world: World, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    http = world.client_for("agent_with_lease")
    url = reverse("calling:screen", args=[world.prospect.pk])
    from django.core.cache import cache

    cache.key_prefix = f"{cache.key_prefix}-cold"  # nothing cached under this prefix
    # the session and the user from the database, then as above
    with django_assert_num_queries(5):
        assert http.get(url).status_code == 200
    with django_assert_num_queries(3):
        assert http.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_next_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    grow(world, size)
    api = APIClient()
    api.force_authenticate(world.users["agent_with_lease"])
    # assignment (access: one statement); the transaction of the pause's end, the lease, the
    # reads and the log (one commit; a savepoint in the test's transaction): in one statement
    # the agent's pause ended (issue 13 #4: the API has no session to tell), expired leases
    # tidied and the held lease read with its prospect and company (here one is held;
    # otherwise the new lease brings them; a lost race skips the insert and reads again,
    # with no savepoint); the screen's reads in one; the access log (one insert); the
    # transaction's end.
    with django_assert_num_queries(6):
        assert api.post(reverse("api:assignment-next", args=[world.assignment.pk])).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_notes_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    grow(world, size)
    api = APIClient()
    api.force_authenticate(world.users["supervisor"])
    # assignment (access), count, page of notes with company/result/agent, access log
    with django_assert_num_queries(4):
        assert api.get(reverse("api:assignment-call-notes", args=[world.assignment.pk])).status_code == 200
