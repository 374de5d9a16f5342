"""Holes found in review of the foundation, each pinned by a test."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.accounts.services import user_change_role, user_create
from apps.assignments.models import Assignment, CallResult
from apps.callnotes.models import CallNote
from apps.core.access import assignment_perms_for
from apps.core.errors import ServiceError
from tests.conftest import World


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("admin:callnotes_callnote_changelist", "text__icontains=receptie"),  # R-NOTE-1: no search on note text
        ("admin:prospects_company_changelist", "call_notes__isnull=False"),  # a probe across tenants
        ("admin:prospects_person_changelist", "prospects__assignment__client__name=Globex BV"),
    ],
)
def test_admin_refuses_undeclared_url_lookups(world: World, url_name: str, query: str) -> None:
    response = world.client_for("supervisor").get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 400  # Django's DisallowedModelAdminLookup: nothing is listed


def test_admin_declared_filters_still_work(world: World) -> None:
    response = world.client_for("supervisor").get(reverse("admin:prospects_prospect_changelist") + "?status__exact=new")
    assert response.status_code == 200


def test_login_page_refuses_after_too_many_failures_whatever_the_forwarded_header(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    http = world.client_for("anonymous")
    codes = [
        http.post(
            reverse("accounts:login"),
            {"username": "admin", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_admin_login_is_throttled_too(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 2
    http = world.client_for("anonymous")
    codes = [http.post(reverse("admin:login"), {"username": "admin", "password": "x"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_token_throttle_ignores_a_spoofed_forwarded_header(world: World) -> None:
    api = APIClient()
    codes = [
        api.post(
            reverse("api:auth-token"),
            {"username": "admin", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        ).status_code
        for i in range(12)
    ]
    assert codes[-1] == 429


def test_access_log_ip_ignores_what_the_caller_claims(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    from apps.core.net import client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) == "10.0.0.5"
    settings.BEHIND_TLS_PROXY = True
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.44", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) == "192.0.2.44"  # the entry our proxy appended


def test_administrator_deletes_an_assignment_through_the_admin(world: World) -> None:
    http = world.client_for("administrator")
    url = reverse("admin:assignments_assignment_delete", args=[world.assignment.pk])
    page = http.get(url)
    assert (
        page.status_code == 200 and "perms_lacking" not in page.context_data or not page.context_data["perms_lacking"]
    )
    assert http.post(url, {"post": "yes"}).status_code == 302
    assert not Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert not CallNote.objects.filter(pk=world.note.pk).exists()


def test_renaming_to_a_taken_name_is_a_form_error(world: World) -> None:
    from apps.assignments.admin import AssignmentForm

    form = AssignmentForm(instance=world.assignment, data={"name": world.inactive_assignment.name})
    form.fields.pop("client")  # read-only on change in the admin, so not in the form
    assert not form.is_valid()
    assert "name" in form.errors


def test_scheduling_agents_before_the_agreement_is_refused_whole(world: World) -> None:
    from apps.assignments.admin import AssignmentForm
    from tests.factories import AssignmentFactory

    fresh = AssignmentFactory(client=world.acme, accepted=False, active=False)
    form = AssignmentForm(instance=fresh, data={"name": fresh.name, "agents": [world.users["agent_without_lease"].pk]})
    form.fields.pop("client")
    assert not form.is_valid()
    assert "__all__" in form.errors


def test_weak_passwords_and_case_variants_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="(?i)short|kort|common|gangbaar|numeric|numeriek"):
        user_create(username="weak", role=Role.AGENT, password="demo")
    user_create(username="agent1", role=Role.AGENT, password="a-sufficiently-long-phrase")
    with pytest.raises(ServiceError):
        user_create(username="Agent1", role=Role.AGENT, password="a-sufficiently-long-phrase")


def test_changing_role_drops_every_assignment_right(world: World) -> None:
    agent = world.users["agent_with_lease"]
    user_change_role(user=agent, role=Role.SUPERVISOR)
    assert assignment_perms_for(agent, world.assignment) == frozenset()
    assert not Assignment.objects.visible_to(agent).exists()
    assert not agent.leases.exists()


def test_used_call_result_cannot_change_meaning(world: World) -> None:
    used = world.note.result
    with pytest.raises(IntegrityError, match="R-NOTE-3"), transaction.atomic():
        CallResult.objects.filter(pk=used.pk).update(label="Something else")
    unused = world.assignment.results.exclude(pk=used.pk).first()
    CallResult.objects.filter(pk=unused.pk).update(label="Renamed before any call")


def test_agents_start_page_shows_no_database_counts(world: World) -> None:
    response = world.client_for("agent_without_lease").get(reverse("accounts:home"))
    assert world.assignment.name in response.content.decode()
    assert "prospect_count" not in response.content.decode()
    assert not hasattr(response.context["assignments"][0], "prospect_count")


def test_agents_start_page_leads_straight_to_calling(world: World) -> None:
    body = world.client_for("agent_without_lease").get(reverse("accounts:home")).content.decode()
    assert reverse("calling:workspace", args=[world.assignment.pk]) in body
