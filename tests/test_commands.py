from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role, User
from apps.assignments.models import Assignment
from apps.callnotes.models import CallNote
from apps.core.access import AssignmentPerm, assignment_perms_for
from apps.prospects.models import Person, Prospect


def table_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (User, Assignment, Prospect, Person, CallNote))


def test_seed_demo_builds_spec_world_and_is_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = table_counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert table_counts() == first

    users = {u.username: u for u in User.objects.all()}
    assert {"admin", "privacy", "supervisor", "agent1", "agent2", "board", "client-acme", "client-globex"} <= set(users)
    assert users["privacy"].is_privacy_officer and users["board"].role == Role.BOARD
    for client in ("Acme BV", "Globex BV"):
        assignments = Assignment.objects.filter(client__name=client)
        assert {a.is_active for a in assignments} == {True, False}
        for assignment in assignments:
            assert assignment.processor_agreement.is_accepted
            assert assignment.prospects.count() >= 50
            assert CallNote.objects.filter(assignment=assignment).exists()
    acme_active = Assignment.objects.get(client__name="Acme BV", is_active=True)
    for agent in ("agent1", "agent2"):
        assert AssignmentPerm.WORK in assignment_perms_for(users[agent], acme_active)
    for assignment in Assignment.objects.filter(client__name="Acme BV"):
        assert AssignmentPerm.SUPERVISE in assignment_perms_for(users["supervisor"], assignment)

    # Every demo user can log in with the documented password, and the staff who must use
    # two-factor authentication with a code of the documented demo key (R-SEC-1).
    import base64

    from apps.core.demo import DEMO_TOTP_SECRET
    from tests.twofactor import totp_code

    for username in ("admin", "client-acme", "agent1", "board"):
        http = HttpClient()
        assert http.login(username=username, password="demo")
        if username in ("admin", "board"):
            code = totp_code(key=base64.b32decode(DEMO_TOTP_SECRET))
            assert http.post(reverse("accounts:two-factor-verify"), {"code": code}).status_code == 302
        assert http.get(reverse("accounts:home")).status_code == 200


def test_create_user_with_role_and_client(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command(
        "create_user",
        "new-client",
        "--role",
        "client",
        "--client",
        "Acme BV",
        "--password",
        "cobalt-river-lantern",
        stdout=open("/dev/null", "w"),
    )
    user = User.objects.get(username="new-client")
    assert user.role == Role.CLIENT and user.client.name == "Acme BV" and user.check_password("cobalt-river-lantern")
    with pytest.raises(CommandError, match="No client named"):
        call_command(
            "create_user", "ghost", "--role", "client", "--client", "Nobody BV", "--password", "cobalt-river-lantern"
        )
    with translation.override("en"), pytest.raises(CommandError, match="privacy-officer"):
        call_command("create_user", "po", "--role", "agent", "--privacy-officer", "--password", "cobalt-river-lantern")
