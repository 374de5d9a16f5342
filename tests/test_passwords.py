"""R-SEC-1 / issue 15 #6: weak passwords are refused everywhere a password is set, offline;
the demo password works only through seed_demo."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.accounts.services import user_create
from apps.core.errors import ServiceError
from tests.conftest import World

pytestmark = pytest.mark.django_db

WEAK = [
    "password123!",
    "Leadhunter2026",
    "P@ssw0rd2026!!",
    "welkom2026!!!!",
    "Summer2026!!",
    "qwertyuiop12",
    "123456789012",
    "aaaaaaaaaaaaaa",
    "2026-11-27!!!",
    "short-pw",
    "ababababababab",
]
STRONG = ["cobalt-river-lantern", "Tulp en 4 hazen zwemmen", "a-long-test-password"]


@pytest.mark.parametrize("password", WEAK)
def test_the_validators_refuse_weak_passwords(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


@pytest.mark.parametrize("password", STRONG)
def test_the_validators_accept_strong_passwords(password: str) -> None:
    validate_password(password, User(username="someone"))


def test_a_password_like_the_users_own_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_password("Janneke.deVries!", User(username="janneke.devries", first_name="Janneke"))


@pytest.mark.parametrize("password", ["password123!", "Leadhunter2026"])
def test_create_user_refuses_a_weak_password(password: str) -> None:
    with pytest.raises(CommandError):
        call_command("create_user", "newbie", "--role", "supervisor", "--password", password)
    assert not User.objects.filter(username="newbie").exists()


def test_the_service_refuses_a_weak_client_password(world: World) -> None:
    with pytest.raises(ServiceError):
        user_create(username="cl", role=Role.CLIENT, client=world.acme, password="Leadhunter2026")


@pytest.mark.parametrize("password", ["password123!", "Leadhunter2026"])
def test_the_admin_add_form_refuses_a_weak_password(world: World, password: str) -> None:
    http = world.client_for("administrator")
    response = http.post(
        reverse("admin:accounts_user_add"), {"username": "newbie", "role": Role.AGENT, "password": password}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()


def test_the_admin_password_change_refuses_a_weak_password(world: World) -> None:
    agent = world.users["agent_without_lease"]
    http = world.client_for("administrator")
    url = reverse("admin:auth_user_password_change", args=[agent.pk]).replace("auth/user", "accounts/user")
    response = http.post(url, {"password1": "Leadhunter2026", "password2": "Leadhunter2026", "usable_password": "true"})
    assert response.status_code == 200
    agent.refresh_from_db()
    assert not agent.check_password("Leadhunter2026")
    response = http.post(
        url, {"password1": "cobalt-river-lantern", "password2": "cobalt-river-lantern", "usable_password": "true"}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("cobalt-river-lantern")


def test_the_demo_password_still_works_for_the_demo_users() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert HttpClient().login(username="admin", password="demo")
