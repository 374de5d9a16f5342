"""The agent's hot path runs prepared statements (apps.core.prepared, issue 16 #2): parsed
and planned once per connection, logged like Django's own, and switched off cleanly."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.tokens import api_token_create
from apps.assignments.models import Assignment
from apps.clients.models import Client
from apps.core.prepared import columns, from_json, from_row, prepared_cursor
from apps.prospects.models import Lease
from tests.conftest import World


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_next_prepares_its_statements_once_per_connection(world: World) -> None:
    agent = world.users["agent_with_lease"]
    _token, key = api_token_create(user=agent)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:assignment-next", args=[world.assignment.pk])
    assert api.post(url).status_code == 200
    Lease.objects.filter(agent=agent).delete()  # the next "next" leases anew: the lease statement runs
    assert api.post(url).status_code == 200
    prepared = _prepared_statements()
    needles = ("FROM accounts_apitoken t", "INSERT INTO prospects_lease", "FROM prospects_person p", "calling_pause")
    for needle in needles:
        assert sum(needle in statement for statement in prepared) == 1, needle  # once, reused after
    before = len(prepared)
    Lease.objects.filter(agent=agent).delete()
    assert api.post(url).status_code == 200
    assert len(_prepared_statements()) == before  # nothing parsed anew


def test_a_prepared_statement_is_logged_with_its_values(world: World) -> None:
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute("SELECT name FROM assignments_assignment WHERE id = %(pk)s", {"pk": world.assignment.pk})
        assert cursor.fetchone() == (world.assignment.name,)
    (logged,) = queries.captured_queries
    assert logged["sql"] is not None and str(world.assignment.pk).replace("-", "") in logged["sql"].replace("-", "")


def test_without_preparing_the_same_statements_run_on_djangos_cursor(world: World) -> None:
    options = connection.settings_dict["OPTIONS"]
    threshold = options.pop("prepare_threshold", None)
    try:
        with prepared_cursor() as cursor:
            cursor.execute("SELECT name FROM assignments_assignment WHERE id = %(pk)s", {"pk": world.assignment.pk})
            assert cursor.fetchone() == (world.assignment.name,)
            assert type(cursor.cursor).__name__ == "Cursor"  # Django's client-side cursor
    finally:
        if threshold is not None:
            options["prepare_threshold"] = threshold


def test_from_row_gives_none_for_the_empty_side_of_an_outer_join(world: World) -> None:
    with prepared_cursor() as cursor:
        cursor.execute(
            f"""SELECT {columns(("a", Assignment), ("c", Client))} FROM assignments_assignment a
                LEFT JOIN clients_client c ON c.id = a.client_id AND false WHERE a.id = %(pk)s""",  # noqa: S608
            {"pk": world.assignment.pk},
        )
        assignment, client = from_row((Assignment, Client), cursor.fetchone())
    assert assignment == world.assignment and assignment.name == world.assignment.name
    assert client is None


@pytest.mark.parametrize("value", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_bad_ids_on_the_prepared_path_are_404_not_500(world: World, value: str) -> None:
    agent = world.users["agent_with_lease"]
    _token, key = api_token_create(user=agent)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(f"/api/v1/assignments/{value}/next/")
    assert response.status_code == 404


def test_the_call_screen_gives_persons_and_notes_as_the_orm_would(world: World) -> None:
    """`from_json` (the screen's lists come as JSON): every column of every person and note
    (and its result, agent and company) equal, and of the same type, as the ORM reads it."""

    from apps.calling.selectors import call_screen
    from apps.callnotes.models import CallNote
    from apps.prospects.models import Person, Prospect
    from tests.factories import CallNoteFactory

    CallNoteFactory(prospect=world.prospect)
    prospect = Prospect.objects.select_related("company", "assignment").get(pk=world.prospect.pk)
    screen = call_screen(prospect=prospect, agent=world.users["agent_with_lease"])
    assert screen.persons and screen.notes
    for shown in screen.persons:
        person = Person.objects.get(pk=shown.id)
        assert shown.full_name == person.full_name
    for note in screen.notes:
        stored = CallNote.objects.select_related("result", "agent", "company").get(pk=note.pk)
        for ours, theirs in ((note, stored), (note.result, stored.result), (note.agent, stored.agent),
                             (note.company, stored.company)):  # fmt: skip
            for field in type(theirs)._meta.concrete_fields:
                mine, orm = getattr(ours, field.attname), getattr(theirs, field.attname)
                assert mine == orm and type(mine) is type(orm), (type(theirs).__name__, field.name, mine, orm)
    # The persons' columns the same way, before the agents' selector masks them.
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT json_build_array({columns(('p', Person))})::text FROM prospects_person p",  # noqa: S608
        )
        rows = [json.loads(row[0]) for row in cursor.fetchall()]
    assert rows
    for values in rows:
        (ours,) = from_json((Person,), values)
        theirs = Person.objects.get(pk=ours.pk)
        for field in Person._meta.concrete_fields:
            mine, orm = getattr(ours, field.attname), getattr(theirs, field.attname)
            assert mine == orm and type(mine) is type(orm), (field.name, mine, orm)
