"""Only the board manages board and privacy-officer accounts (R-SEC-1, issue 15 #10): the
issue's finding was that an administrator could make a supervisor a board member, grant the
privacy-officer permission or set a board member's password in the admin, leaving one
change-log row and telling nobody."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from apps.accounts import guards
from apps.accounts.board import BoardAction, guarded_account_update
from apps.accounts.models import Role, User
from tests import factories
from tests.conftest import World
from tests.test_admin_users import change_form

PASSWORD = "cobalt-river-lantern-42"  # noqa: S105


@pytest.fixture
def board(world: World) -> list[User]:
    """Two board members with email addresses (the notice goes to each)."""
    first = world.users["board"]
    first.email = "board@leadhunter.example"
    first.save(update_fields=["email"])  # outside a request: nobody acting (the test's setup)
    second = factories.UserFactory(username="board2", role=Role.BOARD)
    second.email = "board2@leadhunter.example"
    second.save(update_fields=["email"])
    return [first, second]


def _as(world: World, role: str):  # type: ignore[no-untyped-def]
    return world.client_for(role)


def _notices() -> list:
    with translation.override(settings.LANGUAGE_CODE):  # the board's notices go out in Dutch
        subject = gettext("Leadhunter: a board or privacy-officer account was changed")
    return [m for m in mail.outbox if m.subject == subject]


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    """The page (Dutch first) shows the refusal."""
    with translation.override(settings.LANGUAGE_CODE):
        return escape(guards.refusal_message()) in response.content.decode()


# --- The admin, as an administrator: refused, nothing changed, nobody told ----------------


@pytest.mark.parametrize("actor", ["administrator", "privacy_officer"])
@pytest.mark.parametrize(
    ("target", "overrides"),
    [
        ("supervisor", {"role": Role.BOARD}),  # giving the board role
        ("administrator", {"is_privacy_officer": "on"}),  # granting the privacy-officer permission
        ("board", {"email": "attacker@example.com"}),  # a board member's email (then a reset)
        ("board", {"is_active": ""}),  # deactivating a board member
        ("board", {"username": "renamed-board"}),
        ("board", {"confidentiality_signed_on": ""}),  # locking the board out of HR and of this
        ("privacy_officer", {"is_privacy_officer": ""}),  # taking the permission away
    ],
)
def test_an_administrator_cannot_make_or_change_a_guarded_account_in_the_admin(
    world: World, board: list[User], django_capture_on_commit_callbacks, actor: str, target: str, overrides: dict
) -> None:  # type: ignore[no-untyped-def]
    user = world.users[target]  # one's own account included: only the password is one's own
    http = _as(world, actor)  # logging in sets last_login: not what is compared
    before = User.objects.filter(pk=user.pk).values().get()
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("admin:accounts_user_change", args=[user.pk]), change_form(user, **overrides))
    assert response.status_code == 200
    assert _refused(response)
    assert User.objects.filter(pk=user.pk).values().get() == before
    assert _notices() == []


def test_an_administrator_cannot_set_a_board_members_password(world: World, board: list[User]) -> None:
    target = world.users["board"]
    before = User.objects.get(pk=target.pk).password
    response = _as(world, "administrator").post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    assert User.objects.get(pk=target.pk).password == before
    # A privacy officer's password neither.
    officer = world.users["privacy_officer"]
    response = _as(world, "administrator").get(reverse("admin:auth_user_password_change", args=[officer.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "fields",
    [{"role": Role.BOARD}, {"role": Role.ADMINISTRATOR, "is_privacy_officer": "on"}],
)
def test_an_administrator_cannot_create_a_guarded_account(world: World, fields: dict) -> None:
    response = _as(world, "administrator").post(
        reverse("admin:accounts_user_add"), {"username": "newcomer", "password": PASSWORD, **fields}
    )
    assert response.status_code == 200
    assert _refused(response)
    assert not User.objects.filter(username="newcomer").exists()


def test_ordinary_accounts_stay_the_administrators_business(
    world: World, board: list[User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    admin = _as(world, "administrator")
    agent = world.users["agent_without_lease"]
    with django_capture_on_commit_callbacks(execute=True):
        created = admin.post(
            reverse("admin:accounts_user_add"), {"username": "newcomer", "role": Role.AGENT, "password": PASSWORD}
        )
        changed = admin.post(
            reverse("admin:accounts_user_change", args=[agent.pk]),
            change_form(agent, email="agent@leadhunter.example"),
        )
        password = admin.post(
            reverse("admin:auth_user_password_change", args=[agent.pk]),
            {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
        )
    assert (created.status_code, changed.status_code, password.status_code) == (302, 302, 302)
    agent.refresh_from_db()
    assert agent.email == "agent@leadhunter.example" and agent.check_password(PASSWORD)
    assert _notices() == []


# --- The model: every path, whatever the form -------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda w: setattr(w.users["supervisor"], "role", Role.BOARD) or w.users["supervisor"],
        lambda w: setattr(w.users["administrator"], "is_privacy_officer", True) or w.users["administrator"],
        lambda w: w.users["board"].set_password(PASSWORD) or w.users["board"],
        lambda w: setattr(w.users["privacy_officer"], "email", "x@example.com") or w.users["privacy_officer"],
        lambda w: setattr(w.users["board"], "is_active", False) or w.users["board"],
        lambda w: setattr(w.users["board"], "is_superuser", True) or w.users["board"],
    ],
)
def test_the_model_refuses_a_guarded_change_by_anyone_but_the_board(world: World, change) -> None:  # type: ignore[no-untyped-def]
    before = {row["id"]: row for row in User.objects.values()}
    user = change(world)
    with guards.acting_as(world.users["administrator"]), pytest.raises(guards.GuardedAccountRefused):
        user.save()
    assert User.objects.filter(pk=user.pk).values().get() == before[user.pk]


def test_groups_and_permissions_of_a_guarded_account_are_the_boards(world: World) -> None:
    group = Group.objects.create(name="anything")
    with (
        guards.acting_as(world.users["administrator"]),
        pytest.raises(guards.GuardedAccountRefused),
        transaction.atomic(),
    ):
        world.users["privacy_officer"].groups.add(group)
    assert not world.users["privacy_officer"].groups.exists()
    with guards.acting_as(world.users["administrator"]):
        world.users["agent_without_lease"].groups.add(group)  # an ordinary account: fine


def test_a_user_sets_their_own_password(world: World, board: list[User]) -> None:
    officer = world.users["privacy_officer"]
    with guards.acting_as(officer):
        officer.set_password(PASSWORD)
        officer.save()
        officer.email = "mine@example.com"
        with pytest.raises(guards.GuardedAccountRefused):
            officer.save()  # the email is not theirs alone to change


def test_a_hash_upgrade_at_login_is_no_change(
    world: World, board: list[User], settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
    member = board[0]
    User.objects.filter(pk=member.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha1"))
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("anonymous").post(
            reverse("accounts:login"), {"username": member.username, "password": PASSWORD}
        )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).password.startswith("md5$")  # upgraded, not refused
    assert _notices() == []


# --- The board: allowed, and every board member is told -----------------------------------


@pytest.mark.parametrize(
    ("target", "action", "value", "check"),
    [
        ("supervisor", BoardAction.SET_ROLE, Role.BOARD, lambda u: u.role == Role.BOARD),
        ("administrator", BoardAction.GRANT_PRIVACY_OFFICER, "", lambda u: u.is_privacy_officer),
        ("privacy_officer", BoardAction.REVOKE_PRIVACY_OFFICER, "", lambda u: not u.is_privacy_officer),
        ("board", BoardAction.SET_PASSWORD, PASSWORD, lambda u: u.check_password(PASSWORD)),
        (
            "privacy_officer",
            BoardAction.SET_EMAIL,
            "po@leadhunter.example",
            lambda u: u.email == "po@leadhunter.example",
        ),
        ("privacy_officer", BoardAction.DEACTIVATE, "", lambda u: not u.is_active),
    ],
)
def test_the_board_manages_guarded_accounts_and_every_member_is_told(
    world: World, board: list[User], django_capture_on_commit_callbacks, target, action, value, check
) -> None:  # type: ignore[no-untyped-def]
    user = world.users[target]
    form = {"username": user.username, "action": action, "role": value if action == BoardAction.SET_ROLE else ""}
    form |= {"email": value} if action == BoardAction.SET_EMAIL else {}
    form |= {"password": value} if action == BoardAction.SET_PASSWORD else {}
    acting = world.client_for("board")
    with django_capture_on_commit_callbacks(execute=True):
        response = acting.post(reverse("accounts:board-accounts"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert check(User.objects.get(pk=user.pk))
    notices = _notices()
    assert sorted(m.to[0] for m in notices) == ["board2@leadhunter.example", "board@leadhunter.example"]
    body = notices[0].body
    assert user.username in body and "board" in body  # the account and who did it
    assert PASSWORD not in body and "po@leadhunter.example" not in body
    assert "Leadhunter" in notices[0].subject and "bestuurder" in notices[0].subject  # Dutch, the default
    entry = LogEntry.objects.filter(
        object_pk=str(user.pk), additional_data__has_key="guarded_account_change", actor_id=board[0].pk
    ).get()
    assert PASSWORD not in str(entry.changes) and "po@leadhunter.example" not in str(entry.changes)


def test_the_board_service_refuses_anyone_else(world: World) -> None:
    for role in ("administrator", "privacy_officer", "supervisor"):
        with pytest.raises(guards.GuardedAccountRefused.__mro__[1]):  # PermissionDenied
            guarded_account_update(
                actor=world.users[role], user=world.users["supervisor"], action=BoardAction.SET_ROLE, value=Role.BOARD
            )
    assert User.objects.get(pk=world.users["supervisor"].pk).role == Role.SUPERVISOR


def test_a_board_member_without_the_agreement_cannot(world: World) -> None:
    member = world.users["board"]
    User.objects.filter(pk=member.pk).update(confidentiality_signed_on=None)
    member.refresh_from_db()
    with guards.acting_as(member), pytest.raises(guards.GuardedAccountRefused):
        world.users["supervisor"].role = Role.BOARD
        world.users["supervisor"].save()


# --- create_user ---------------------------------------------------------------------------


def test_create_user_needs_a_board_members_approval_for_a_guarded_account(
    world: World, board: list[User], monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for member in board:
        member.set_password(PASSWORD)
        member.save()  # outside a request: the test's setup
    args = ["create_user", "newboard", "--role", "board", "--password", "another-long-passphrase-7"]
    with pytest.raises(CommandError, match="--approved-by"):
        call_command(*args)
    monkeypatch.setenv("LEADHUNTER_APPROVER_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="password is wrong"):
        call_command(*args, "--approved-by", board[0].username)
    with pytest.raises(CommandError, match="not an active board member"):
        call_command(*args, "--approved-by", world.users["administrator"].username)
    assert not User.objects.filter(username="newboard").exists()
    monkeypatch.setenv("LEADHUNTER_APPROVER_PASSWORD", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(*args, "--approved-by", board[0].username, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.get(username="newboard").role == Role.BOARD
    assert len(_notices()) == 2  # the two board members with an email (the new one has none)


def test_the_first_board_member_needs_nobody(db: None) -> None:
    call_command(
        "create_user",
        "founder",
        "--role",
        "board",
        "--password",
        "another-long-passphrase-7",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert User.objects.get(username="founder").role == Role.BOARD
