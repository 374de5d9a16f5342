"""PostgreSQL briefly away (issue 15 item 3, R-JOB-1): every page and endpoint answers a
clear 503 with Retry-After within seconds, never a 500, and leaves nothing half-done."""

from __future__ import annotations

import io
import time

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client as HttpClient
from django.urls import reverse

from apps.accounts.tokens import api_token_create
from apps.core.outage import is_outage
from apps.imports import services as import_services
from apps.imports.models import ImportJob
from tests.conftest import World, build_world
from tests.imports.helpers import csv_bytes
from tests.outage import database_away

pytestmark = pytest.mark.django_db(transaction=True)

DUTCH = "De dienst is even niet bereikbaar"


def _assert_503(response, *, json: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.content[:300]
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    if json:
        assert response["Content-Type"] == "application/json"
        assert DUTCH in response.json()["detail"]
    else:
        assert DUTCH in response.content.decode()


@pytest.fixture
def committed_world() -> World:
    return build_world()


def test_pages_and_api_answer_503_while_the_database_is_away(committed_world: World) -> None:
    world = committed_world
    anonymous = HttpClient(raise_request_exception=False)
    client = HttpClient(raise_request_exception=False)
    client.force_login(world.users["client_same_tenant"])
    agent = HttpClient(raise_request_exception=False)
    agent.force_login(world.users["agent_with_lease"])
    _token, token = api_token_create(user=world.users["client_same_tenant"])
    portal = reverse("portal:assignment", args=[world.assignment.pk])
    call_screen = f"/work/prospects/{world.prospect.pk}/"

    started = time.monotonic()
    with database_away():
        # Login: the page itself needs no database; the POST does.
        _assert_503(anonymous.post(reverse("accounts:login"), {"username": "client-acme", "password": "x"}))
        _assert_503(anonymous.post("/admin/login/", {"username": "admin", "password": "x"}))
        # A logged-in page: the session and the user live in the database (a middleware meets it).
        _assert_503(client.get(portal))
        _assert_503(agent.get(call_screen))
        # The API, by token and by session, answers JSON.
        _assert_503(anonymous.get("/api/v1/assignments/", HTTP_AUTHORIZATION=f"Token {token}"), json=True)
        _assert_503(client.get("/api/v1/assignments/"), json=True)
        _assert_503(anonymous.post("/api/v1/auth/token/", {"username": "client-acme", "password": "x"}), json=True)
        # The public request form and its API.
        form = {"name": "Jan Jansen", "email": "jan@example.org", "kind": "access"}
        _assert_503(anonymous.post(reverse("privacy:request"), form))
        _assert_503(anonymous.post("/api/v1/privacy/requests/", form, content_type="application/json"), json=True)
        # An upload while the database is away stores nothing.
        upload = io.BytesIO(csv_bytes([["Acme", "12345678", "1234 AB", "Goes", "", "Jan", "Jansen", "", "1"]]))
        upload.name = "db.csv"
        _assert_503(client.post(reverse("portal:upload", args=[world.assignment.pk]), {"file": upload}))
    assert time.monotonic() - started < 20  # 11 requests, each within seconds

    # Back: everything works again.
    assert client.get(portal).status_code == 200


def test_the_503_page_is_english_for_who_chose_english(committed_world: World, settings) -> None:  # type: ignore[no-untyped-def]
    http = HttpClient(raise_request_exception=False)
    http.force_login(committed_world.users["client_same_tenant"])
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_away():
        response = http.get(reverse("accounts:home"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_an_upload_whose_job_row_cannot_be_written_leaves_no_file(
    committed_world: World, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The database goes away after the file was stored and checked, before its job row."""
    world = committed_world
    # The request only checks the file (the worker reads it through): lose the database
    # right after that check, before the job row is written.
    real_check = import_services.check_file
    away = database_away()

    def check_then_lose_the_database(*args, **kwargs):  # type: ignore[no-untyped-def]
        file_format = real_check(*args, **kwargs)
        away.__enter__()
        return file_format

    monkeypatch.setattr(import_services, "check_file", check_then_lose_the_database)
    data = csv_bytes([["Acme", "12345678", "1234 AB", "Goes", "", "Jan", "Jansen", "", "1"]])
    try:
        with pytest.raises(OperationalError) as raised:
            import_services.import_job_create(
                assignment=world.assignment,
                actor=world.users["client_same_tenant"],
                upload=io.BytesIO(data),
                filename="db.csv",
            )
    finally:
        away.__exit__(None, None, None)
    assert is_outage(raised.value)
    assert not ImportJob.objects.exists()
    stored = [p for p in (settings.MEDIA_ROOT / "imports").rglob("*") if p.is_file()]
    assert stored == []


def test_only_connection_failures_count_as_an_outage(db) -> None:  # type: ignore[no-untyped-def]
    """A wrong query is a bug (500, seen), not an outage."""
    with pytest.raises(Exception) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT 1/0")
    assert not is_outage(raised.value)
    with database_away(), pytest.raises(OperationalError) as refused, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert is_outage(refused.value)


def test_the_database_connect_timeout_is_short(settings) -> None:  # type: ignore[no-untyped-def]
    assert 1 <= connection.settings_dict["OPTIONS"]["connect_timeout"] <= 5


def test_a_connection_the_server_ends_answers_503_then_reconnects(committed_world: World) -> None:
    """What a PostgreSQL restart does to the open (persistent, CONN_MAX_AGE) connection: the
    server ends it (57P01, admin shutdown). Here another session ends ours for real."""
    http = HttpClient(raise_request_exception=False)
    http.force_login(committed_world.users["client_same_tenant"])
    home = reverse("accounts:home")
    assert http.get(home).status_code == 200
    backend_pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        other.close()

    _assert_503(http.get(home))
    # At the end of a real request Django drops a connection that failed (the test client
    # leaves that to the test); the next request connects afresh.
    connection.close()
    assert http.get(home).status_code == 200
