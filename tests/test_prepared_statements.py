"""The agent's hot path runs prepared statements (apps.core.prepared, issue 16 #2): parsed
and planned once per connection, logged like Django's own, and switched off cleanly."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.tokens import api_token_create
from apps.assignments.models import Assignment
from apps.clients.models import Client
from apps.core.prepared import columns, from_row, prepared_cursor
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
