"""Issue 15 #9: idle and maximum session times, staff stricter than client users, with a
warning script that is a static file."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.twofactor import two_factor_required
from tests.conftest import World
from tests.factories import PASSWORD
from tests.twofactor import verify_session

START = timezone.now()


def _login(username: str) -> HttpClient:
    http = HttpClient()
    assert http.post(reverse("accounts:login"), {"username": username, "password": PASSWORD}).status_code == 302
    user = User.objects.get(username=username)
    if two_factor_required(user):  # R-SEC-1: then the second step, as after a good code
        verify_session(http, user)
    return http


def _home(http: HttpClient) -> int:
    return http.get(reverse("accounts:home")).status_code


@pytest.fixture(autouse=True)
def _times(settings):  # type: ignore[no-untyped-def]
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    settings.STAFF_SESSION_MAX_AGE_SECONDS = 10 * 3600
    settings.CLIENT_SESSION_IDLE_SECONDS = 2 * 3600
    settings.SESSION_COOKIE_AGE = 12 * 3600


def test_a_staff_session_ends_after_the_idle_time(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        http = _login("admin")
        clock.shift(dt.timedelta(minutes=29))
        assert _home(http) == 200
        clock.shift(dt.timedelta(minutes=29))  # activity restarted the idle time
        assert _home(http) == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        response = http.get(reverse("accounts:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert _home(http) == 302  # logged out for good, not only redirected once


def test_a_staff_session_ends_at_its_maximum_age_however_active(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        http = _login("admin")
        for _ in range(20):  # 20 × 29 min = 9 h 40 min of steady work
            clock.shift(dt.timedelta(minutes=29))
            assert _home(http) == 200
        clock.shift(dt.timedelta(minutes=21))
        assert _home(http) == 302


def test_a_client_user_may_idle_longer(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        http = _login("client-acme")
        clock.shift(dt.timedelta(minutes=90))
        assert _home(http) == 200
        clock.shift(dt.timedelta(hours=2, seconds=1))
        assert _home(http) == 302


def test_the_keep_alive_counts_as_activity(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        http = _login("admin")
        clock.shift(dt.timedelta(minutes=28))
        assert http.post(reverse("accounts:session-keep-alive")).status_code == 204
        clock.shift(dt.timedelta(minutes=28))
        assert _home(http) == 200


def test_an_htmx_request_of_an_ended_session_is_sent_to_the_login_page(world: World) -> None:
    with time_machine.travel(START, tick=False) as clock:
        http = _login("admin")
        clock.shift(dt.timedelta(minutes=31))
        response = http.get(reverse("accounts:home"), HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_the_page_carries_the_warning_settings_and_a_static_script_only(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_IDLE_WARNING_SECONDS = 300
    page = _login("admin").get(reverse("accounts:home")).content.decode()
    assert 'data-idle-seconds="1800"' in page and 'data-idle-warning-seconds="300"' in page
    assert "js/session-timeout.js" in page
    assert "<script>" not in page  # nothing inline (CSP)
    admin_page = _login("admin").get(reverse("admin:index")).content.decode()
    assert "js/session-timeout.js" in admin_page and 'data-idle-seconds="1800"' in admin_page
