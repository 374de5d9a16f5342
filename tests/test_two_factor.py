"""Two-factor authentication (R-SEC-1, issue 15 #7): who must use it, what an unverified
session reaches (nothing but the 2FA pages and logout), enrolment, the verify step,
recovery codes, the throttle, resets, API tokens and the demo's authenticators."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from apps.accounts import twofactor
from apps.accounts.models import Role, User
from apps.accounts.tokens import api_token_create, api_token_user
from tests.conftest import World
from tests.factories import PASSWORD, UserFactory
from tests.test_permission_matrix import FULL_MATRIX
from tests.twofactor import log_in_verified, totp_code, totp_device

ENFORCED_ROLES = ("supervisor", "administrator", "privacy_officer", "board")
# What an unverified session may still reach.
OPEN = {
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:logout",
    "accounts:session-keep-alive",
    "admin:logout",
    "set_language",
}
TWO_FACTOR_PAGES = (reverse("accounts:two-factor-setup"), reverse("accounts:two-factor-verify"))


def _unverified(user) -> HttpClient:  # type: ignore[no-untyped-def]
    http = HttpClient()
    http.force_login(user)
    return http


def _codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


@pytest.mark.parametrize(("role", "enrolled"), [(role, False) for role in ENFORCED_ROLES] + [("supervisor", True)])
def test_unverified_staff_reach_nothing_of_the_permission_matrix(world: World, role: str, enrolled: bool) -> None:
    """Every URL of the permission matrix, GET and POST, as a force-logged-in staff member
    whose session is not verified: sent to the enrolment (no device yet) or the verify
    page, 403 under /api/; never a page, a download or JSON of data."""
    user = world.users[role]
    if enrolled:
        totp_device(user)
    expected_page = reverse("accounts:two-factor-verify" if enrolled else "accounts:two-factor-setup")
    http = world.client_for(role, verified=False)  # refused requests change nothing: one client
    problems = []
    for key, row in FULL_MATRIX.items():
        if key.split("#")[0] in OPEN:
            continue
        url = row.url(world)
        for method in ("get", "post"):
            response = getattr(http, method)(url)
            if url.startswith("/api/"):
                ok = response.status_code == 403 and "tweestapsverificatie" in response.json()["detail"]
            else:
                ok = response.status_code == 302 and response["Location"].startswith(expected_page)
            if not ok:
                problems.append(f"{method.upper()} {url} ({key}): {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_next_page_is_kept_and_htmx_is_redirected(world: World) -> None:
    http = world.client_for("supervisor", verified=False)
    url = reverse("assignments:detail", args=[world.assignment.pk])
    response = http.get(url)
    setup = reverse("accounts:two-factor-setup")
    assert response["Location"] == f"{setup}?next=%2Fassignments%2F{world.assignment.pk}%2F"
    response = http.get(url, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("accounts:two-factor-setup")


def test_agents_are_not_asked_by_default_and_are_when_the_setting_is_on(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    http = world.client_for("agent_with_lease", verified=False)
    screen = reverse("calling:workspace", args=[world.assignment.pk])
    assert http.get(screen).status_code == 200
    settings.OTP_REQUIRED_FOR_AGENTS = True
    response = http.get(screen)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor-setup"))
    assert http.get(f"/api/v1/assignments/{world.assignment.pk}/next/").status_code == 403
    # Client users never have to (they may choose to).
    assert world.client_for("client_same_tenant", verified=False).get(reverse("accounts:home")).status_code == 200


def test_enrolment_scans_confirms_and_shows_recovery_codes_once(world: World) -> None:
    # Given a supervisor who has just typed their password, with no authenticator yet
    user = world.users["supervisor"]
    http = _unverified(user)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        # When they open the enrolment page
        page = http.get(reverse("accounts:two-factor-setup"))
        body = page.content.decode()
        assert 'src="data:image/svg+xml' in body
        secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', body).group(1)
        device = TOTPDevice.objects.get(user=user)
        assert not device.confirmed and secret.replace(" ", "") in device.config_url
        # A wrong code is refused and changes nothing
        wrong = http.post(reverse("accounts:two-factor-setup"), {"code": "000000"})
        assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
        assert http.get(reverse("accounts:home")).status_code == 302
        clock.shift(5)  # past django-otp's wait after a wrong code
        # The code the app computes from the secret confirms it
        import base64

        key = base64.b32decode(secret.replace(" ", ""))
        response = http.post(reverse("accounts:two-factor-setup"), {"code": totp_code(key=key), "next": "/"})
    codes = _codes(response)
    assert response.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert 'download="leadhunter-recovery-codes.txt"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # Then the session is verified (under a new session key) and every page opens
    assert http.get(reverse("accounts:home")).status_code == 200
    assert http.get(reverse("assignments:detail", args=[world.assignment.pk])).status_code == 200
    # The codes are not shown again anywhere
    assert not _codes(http.get(reverse("accounts:two-factor")))
    assert LogEntry.objects.filter(object_pk=str(user.pk), additional_data__two_factor="enrolled").exists()


def test_verify_with_a_totp_code_then_a_recovery_code_each_used_once(world: World) -> None:
    user = world.users["administrator"]
    device = totp_device(user)
    codes = twofactor._recovery_codes_replace(user)
    http = _unverified(user)
    assert http.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two-factor-verify"))
    response = http.post(reverse("accounts:two-factor-verify"), {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert http.get(reverse("accounts:home")).status_code == 200

    # A recovery code, typed in capitals and without its hyphen, works once
    second = _unverified(user)
    response = second.post(reverse("accounts:two-factor-verify"), {"code": codes[0].replace("-", "").upper()})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    assert StaticToken.objects.filter(device__user=user).count() == 9
    third = _unverified(user)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5)):
        again = third.post(reverse("accounts:two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert third.get(reverse("accounts:home")).status_code == 302
    assert LogEntry.objects.filter(
        object_pk=str(user.pk), additional_data__two_factor="verified", additional_data__method="recovery_code"
    ).exists()
    assert LogEntry.objects.filter(object_pk=str(user.pk), additional_data__two_factor="failed").exists()


def test_wrong_codes_are_throttled_per_account(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_FAILURES_PER_WINDOW = 3
    user = world.users["board"]
    device = totp_device(user)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        http = _unverified(user)
        for _ in range(3):
            assert http.post(reverse("accounts:two-factor-verify"), {"code": "123456"}).status_code == 200
            clock.shift(60)  # past the device's own doubling wait
        # The right code is refused now too, from any browser, for the rest of the window
        other = _unverified(user)
        assert other.post(reverse("accounts:two-factor-verify"), {"code": totp_code(device)}).status_code == 429
        assert other.get(reverse("accounts:home")).status_code == 302
    # A user's failures do not hold another account
    supervisor = world.users["supervisor"]
    code = totp_code(totp_device(supervisor))
    response = _unverified(supervisor).post(reverse("accounts:two-factor-verify"), {"code": code})
    assert response.status_code == 302


def test_the_device_waits_after_a_wrong_code(world: World) -> None:
    """django-otp's own back-off: right after a wrong code even the right one is refused."""
    user = world.users["supervisor"]
    device = totp_device(user)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as clock:
        http = _unverified(user)
        http.post(reverse("accounts:two-factor-verify"), {"code": "123456"})
        assert http.post(reverse("accounts:two-factor-verify"), {"code": totp_code(device)}).status_code == 200
        clock.shift(2)
        assert http.post(reverse("accounts:two-factor-verify"), {"code": totp_code(device)}).status_code == 302


def test_new_recovery_codes_need_a_current_code_and_end_the_old_ones(world: World) -> None:
    user = world.users["supervisor"]
    old = twofactor._recovery_codes_replace(user)
    http = log_in_verified(user)
    response = http.post(reverse("accounts:two-factor-recovery-codes"), {"code": "000000"})
    assert response.status_code == 302
    assert sorted(t.token for t in StaticToken.objects.filter(device__user=user)) == sorted(
        c.replace("-", "") for c in old
    )
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5)):
        response = http.post(reverse("accounts:two-factor-recovery-codes"), {"code": totp_code(totp_device(user))})
    new = _codes(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(device__user=user, token=old[0].replace("-", "")).exists()


def test_administrator_resets_a_supervisor_whose_sessions_lose_verification(world: World) -> None:
    supervisor = world.users["supervisor"]
    supervisor_http = world.client_for("supervisor")
    twofactor._recovery_codes_replace(supervisor)
    _token, key = api_token_create(user=supervisor)
    assert supervisor_http.get(reverse("accounts:home")).status_code == 200

    admin = world.client_for("administrator")
    listing = admin.get(reverse("accounts:two-factor-users"), {"q": "supervisor"}).content.decode()
    assert reverse("accounts:two-factor-reset", args=[supervisor.pk]) in listing
    response = admin.post(reverse("accounts:two-factor-reset", args=[supervisor.pk]))
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert not StaticDevice.objects.filter(user=supervisor).exists()
    assert api_token_user(key=key) is None
    # The supervisor's session is no longer verified: at once back to the enrolment
    response = supervisor_http.get(reverse("accounts:home"))
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))
    entry = LogEntry.objects.get(object_pk=str(supervisor.pk), additional_data__two_factor="reset")
    assert entry.actor_id == world.users["administrator"].pk


def test_only_the_board_resets_board_and_privacy_officer_accounts(world: World) -> None:
    officer, board = world.users["privacy_officer"], world.users["board"]
    totp_device(officer)
    admin = world.client_for("administrator")
    assert admin.post(reverse("accounts:two-factor-reset", args=[officer.pk])).status_code == 404
    assert admin.post(reverse("accounts:two-factor-reset", args=[board.pk])).status_code == 404
    listing = admin.get(reverse("accounts:two-factor-users")).content.decode()
    assert reverse("accounts:two-factor-reset", args=[officer.pk]) not in listing
    assert TOTPDevice.objects.filter(user=officer).exists()
    # The board resets the privacy officer, but not an agent (administrators do that)
    board_http = world.client_for("board")
    assert board_http.post(reverse("accounts:two-factor-reset", args=[officer.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    agent = world.users["agent_with_lease"]
    assert board_http.post(reverse("accounts:two-factor-reset", args=[agent.pk])).status_code == 404
    # Supervisors reset nobody
    assert world.client_for("supervisor").get(reverse("accounts:two-factor-users")).status_code == 404


def test_token_endpoint_asks_staff_for_a_code(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    supervisor = world.users["supervisor"]
    device = totp_device(supervisor)
    api = APIClient()
    url = reverse("api:auth-token")
    response = api.post(url, {"username": supervisor.username, "password": PASSWORD})
    assert response.status_code == 400 and "otp_code" in response.json()
    credentials = {"username": supervisor.username, "password": PASSWORD}
    assert api.post(url, {**credentials, "otp_code": "000000"}).status_code == 400
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5)):
        response = api.post(url, {**credentials, "otp_code": totp_code(device)})
    assert response.status_code == 200
    token = response.json()["token"]
    assert APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(reverse("api:assignment-list")).status_code == 200
    # A client user without 2FA needs no code
    client_user = world.users["client_same_tenant"]
    assert api.post(url, {"username": client_user.username, "password": PASSWORD}).status_code == 200


def test_an_agents_token_made_without_a_code_ends_when_agents_must_use_2fa(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    agent = world.users["agent_with_lease"]
    _token, key = api_token_create(user=agent)
    assert api_token_user(key=key) == agent
    settings.OTP_REQUIRED_FOR_AGENTS = True
    assert api_token_user(key=key) is None


def test_api_with_an_unverified_session_is_refused(world: World) -> None:
    http = world.client_for("administrator", verified=False)
    response = http.get(reverse("api:assignment-list"))
    assert response.status_code == 403 and world.assignment.name not in response.content.decode()


def test_a_client_user_may_choose_2fa_and_is_then_asked_at_every_login(world: World) -> None:
    user = world.users["client_same_tenant"]
    http = log_in_verified(user)
    assert http.get(reverse("accounts:two-factor")).status_code == 200
    http.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=user)
    assert http.post(reverse("accounts:two-factor-setup"), {"code": totp_code(device)}).status_code == 200
    # The next login must be verified
    later = _unverified(user)
    assert later.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert later.session.get(twofactor.PENDING_SESSION_KEY) is True
    # And they may turn it off again, with a code
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=35)):
        assert http.post(reverse("accounts:two-factor-disable"), {"code": totp_code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _unverified(user).get(reverse("accounts:home")).status_code == 200


def test_roles_that_require_2fa_cannot_turn_it_off(world: World) -> None:
    http = world.client_for("administrator")
    device = totp_device(world.users["administrator"])
    assert http.post(reverse("accounts:two-factor-disable"), {"code": totp_code(device)}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_verified_session_names_its_device_and_a_new_staff_member_must_enrol(db) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(role=Role.SUPERVISOR)
    http = log_in_verified(user)
    assert http.session[DEVICE_ID_SESSION_KEY] == totp_device(user).persistent_id
    newcomer = UserFactory(role=Role.BOARD)
    response = _unverified(newcomer).get(reverse("hr:employees"))
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_demo_staff_have_the_documented_authenticator(db) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from apps.core.demo import DEMO_TOTP_SECRET

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in ("admin", "privacy", "supervisor", "board"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert twofactor.totp_secret_text(device).replace(" ", "") == DEMO_TOTP_SECRET
    assert not TOTPDevice.objects.filter(user__username__in=["agent1", "client-acme"]).exists()


def test_the_board_is_told_when_a_guarded_accounts_second_factor_is_reset(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A reset of a board or privacy-officer account's 2FA is a change to such an account:
    every board member hears of it, as of the other changes (SPEC §9, issue 15 #10)."""
    officer, board = world.users["privacy_officer"], world.users["board"]
    User.objects.filter(pk=board.pk).update(email="bestuur@leadhunter.example")
    totp_device(officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("board").post(reverse("accounts:two-factor-reset", args=[officer.pk]))
    assert response.status_code == 302
    (notice,) = [m for m in mail.outbox if "bestuur@leadhunter.example" in m.to]
    assert officer.username in notice.body
    assert "two-factor" in notice.body.lower() or "tweestaps" in notice.body.lower()
    # An ordinary account's reset is the administrators' business: the board is not mailed.
    supervisor = world.users["supervisor"]
    totp_device(supervisor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("administrator").post(reverse("accounts:two-factor-reset", args=[supervisor.pk]))
    assert not [m for m in mail.outbox if "bestuur@leadhunter.example" in m.to]
