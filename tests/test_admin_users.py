from __future__ import annotations

from django.urls import reverse

from apps.accounts.models import Role, User
from tests.conftest import World


def change_form(user: User, **overrides: object) -> dict[str, object]:
    data = {
        "username": user.username,
        "role": user.role,
        "client": user.client_id or "",
        "is_privacy_officer": "on" if user.is_privacy_officer else "",
        "confidentiality_signed_on": user.confidentiality_signed_on or "",
        "is_active": "on",
        "first_name": "",
        "last_name": "",
        "email": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != "" or k in {"client"}}


def test_an_impossible_role_combination_is_a_clear_form_error(world: World) -> None:
    agent = world.users["agent_without_lease"]
    http = world.client_for("administrator")
    response = http.post(
        reverse("admin:accounts_user_change", args=[agent.pk]), change_form(agent, client=world.acme.pk)
    )
    assert response.status_code == 200
    assert "horen bij precies één opdrachtgever" in response.content.decode()  # Dutch, the default
    agent.refresh_from_db()
    assert agent.client_id is None


def test_changing_the_role_moves_the_admin_login_with_it(world: World) -> None:
    agent = world.users["agent_without_lease"]
    http = world.client_for("administrator")
    response = http.post(
        reverse("admin:accounts_user_change", args=[agent.pk]), change_form(agent, role=Role.SUPERVISOR)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert (agent.role, agent.is_staff) == (Role.SUPERVISOR, True)


def test_api_docs_use_no_third_party_cdn(world: World) -> None:
    body = world.client_for("client_same_tenant").get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in body
    assert "cdn." not in body and "jsdelivr" not in body and "unpkg" not in body
