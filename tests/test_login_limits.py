"""R-SEC-1 / issue 15 #5: failed logins are limited per account as well as per address,
with a short back-off, a known browser that is not held, and one notice per window."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts import throttle
from apps.accounts.models import Role
from apps.core.net import ip_bucket
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim():  # type: ignore[no-untyped-def]
    user = UserFactory(role=Role.SUPERVISOR, username="victim")
    user.email = "victim@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture(autouse=True)
def _limits(settings):  # type: ignore[no-untyped-def]
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 100  # the address limit out of the way
    settings.LOGIN_ACCOUNT_FREE_FAILURES = 5
    settings.LOGIN_ACCOUNT_BACKOFF_BASE = 60
    settings.LOGIN_ACCOUNT_BACKOFF_CAP = 300


def _post(http: HttpClient, url: str, username: str, password: str, ip: str) -> int:
    return http.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_rotating_addresses_meet_the_account_limit(victim, url_name: str) -> None:  # type: ignore[no-untyped-def]
    http = HttpClient()
    url = reverse(url_name)
    codes = [_post(http, url, "victim", "wrong", f"127.0.0.{i + 1}") for i in range(8)]
    assert codes == [200] * 5 + [429] * 3  # the fifth failure starts the wait ...
    assert _post(http, url, "victim", PASSWORD, "127.0.0.99") == 429  # ... during which even the right password waits


def test_token_endpoint_meets_the_account_limit(victim) -> None:  # type: ignore[no-untyped-def]
    codes = [
        APIClient()
        .post(reverse("api:auth-token"), {"username": "victim", "password": "wrong"}, REMOTE_ADDR=f"127.0.0.{i + 1}")
        .status_code
        for i in range(8)
    ]
    assert codes == [400] * 5 + [429] * 3


def test_the_account_limit_is_shared_between_the_doors(victim) -> None:  # type: ignore[no-untyped-def]
    for i in range(6):
        _post(HttpClient(), reverse("accounts:login"), "VICTIM ", "wrong", f"127.0.1.{i}")
    assert _post(HttpClient(), reverse("admin:login"), "victim", "wrong", "127.0.2.1") == 429
    response = APIClient().post(reverse("api:auth-token"), {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429


def test_a_browser_that_logged_in_before_is_not_held(victim) -> None:  # type: ignore[no-untyped-def]
    own = HttpClient()
    assert own.post(reverse("accounts:login"), {"username": "victim", "password": PASSWORD}).status_code == 302
    assert throttle.KNOWN_DEVICE_COOKIE in own.cookies
    own.post(reverse("accounts:logout"))
    attacker = HttpClient()
    for i in range(8):
        _post(attacker, reverse("accounts:login"), "victim", "wrong", f"127.0.3.{i}")
    assert _post(attacker, reverse("accounts:login"), "victim", PASSWORD, "127.0.3.50") == 429
    # The real user's browser still gets in.
    assert own.post(reverse("accounts:login"), {"username": "victim", "password": PASSWORD}).status_code == 302


def test_a_forged_known_device_cookie_does_not_help(victim) -> None:  # type: ignore[no-untyped-def]
    attacker = HttpClient()
    attacker.cookies[throttle.KNOWN_DEVICE_COOKIE] = "forged"
    for i in range(7):
        _post(attacker, reverse("accounts:login"), "victim", "wrong", f"127.0.4.{i}")
    assert _post(attacker, reverse("accounts:login"), "victim", PASSWORD, "127.0.4.50") == 429


def test_the_user_is_told_once_per_window(victim) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):
        _post(HttpClient(), reverse("accounts:login"), "victim", "wrong", f"127.0.5.{i}")
    assert mail.outbox == []
    for i in range(6):
        _post(HttpClient(), reverse("accounts:login"), "victim", "wrong", f"127.0.6.{i}")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["victim@example.org"]
    assert "wrong" not in mail.outbox[0].body


def test_an_unknown_name_is_limited_alike_and_mails_nobody(victim) -> None:  # type: ignore[no-untyped-def]
    codes = [_post(HttpClient(), reverse("accounts:login"), "nobody", "wrong", f"127.0.7.{i}") for i in range(8)]
    assert codes == [200] * 5 + [429] * 3
    assert mail.outbox == []


def test_the_back_off_grows_and_is_capped(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ACCOUNT_BACKOFF_BASE = 2
    assert [throttle.backoff_seconds(n) for n in (1, 4, 5, 6, 7, 8, 20)] == [0, 0, 2, 4, 8, 16, 300]


def test_ipv6_addresses_count_by_their_64(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    codes = [
        _post(HttpClient(), reverse("accounts:login"), f"user-{i}", "wrong", f"2001:db8:1:2::{i + 1:x}")
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert ip_bucket("2001:db8:1:2::7") == ip_bucket("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    # Another /64 is another caller.
    assert _post(HttpClient(), reverse("accounts:login"), "user-x", "wrong", "2001:db8:1:3::1") == 200
