"""R-SEC-1 / issue 15 #8: API tokens end with a password change, deactivation and their
lifetime; stored hashed; each user sees and revokes only their own."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.tokens import api_token_create
from tests.conftest import World
from tests.factories import PASSWORD


def _token(username: str) -> str:
    response = APIClient().post(reverse("api:auth-token"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def _status(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(reverse("api:assignment-list")).status_code


def test_the_key_is_stored_hashed(world: World) -> None:
    key = _token("client-acme")
    assert _status(key) == 200
    stored = ApiToken.objects.get(user=world.users["client_same_tenant"])
    assert key not in (stored.key_hash, stored.prefix) and stored.prefix == key[:8]


def test_a_password_change_ends_the_token(world: World) -> None:
    key = _token("client-acme")
    user = world.users["client_same_tenant"]
    user.set_password("cobalt-river-lantern")
    user.save()
    assert _status(key) == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_deactivation_ends_the_token_for_good(world: World) -> None:
    key = _token("client-acme")
    user = world.users["client_same_tenant"]
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert _status(key) == 401


def test_the_token_ends_after_its_lifetime(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_TOKEN_LIFETIME_DAYS = 30
    key = _token("client-acme")
    with time_machine.travel(timezone.now() + dt.timedelta(days=29), tick=False):
        assert _status(key) == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, seconds=1), tick=False):
        assert _status(key) == 401


def test_a_user_sees_and_revokes_only_their_own_tokens(world: World) -> None:
    own, _key = api_token_create(user=world.users["client_same_tenant"])
    other, other_key = api_token_create(user=world.users["client_other_tenant"])
    http = world.client_for("client_same_tenant")
    page = http.get(reverse("accounts:tokens")).content.decode()
    assert own.prefix in page and other.prefix not in page
    assert http.post(reverse("accounts:token-revoke", args=[other.pk])).status_code == 404
    assert _status(other_key) == 200
    assert http.post(reverse("accounts:token-revoke", args=[own.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=own.pk).exists()


def test_a_revoked_token_no_longer_works(world: World) -> None:
    key = _token("client-acme")
    token = ApiToken.objects.get(user=world.users["client_same_tenant"])
    world.client_for("client_same_tenant").post(reverse("accounts:token-revoke", args=[token.pk]))
    assert _status(key) == 401


@pytest.mark.parametrize("header", ["Token nonsense", "Token " + "0" * 64, "Token"])
def test_a_bad_token_is_401_not_500(world: World, header: str) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(reverse("api:assignment-list")).status_code == 401
