"""Only the board manages board and privacy-officer accounts (R-SEC-1, issue 15 #10).

A *guarded* account is a board member's or a privacy officer's: together they reach the HR
files and the privacy office. A guarded change is one that makes an account guarded or
stops it being so (the board role, the privacy-officer permission), or changes a guarded
account's sign-in: username, password, email, active, the confidentiality agreement's date,
or the superuser/staff flags, group and permission rows. Such a change is refused unless
the acting user is a board member (with their confidentiality agreement). The one exception
is a user's own password.

Where it is enforced: on the model, whatever the path — a `pre_save` receiver compares the
row with the database and asks who is acting, and an `m2m_changed` receiver guards groups
and permissions. The acting user is the request's user (`AccountGuardMiddleware`; the login
page is anonymous), or the one a service names with `acting_as(...)`. The admin's forms ask
first (`refusal`), so that an administrator sees a form error instead of a 403.

Outside a request (management commands, Celery tasks, the shell) nobody is acting: whoever
runs those holds the server and its database anyway. `create_user` asks for a board member's
approval itself (apps/accounts/management/commands/create_user.py). Every guarded change that
goes through is written to the change log (auditlog, field names and roles, never a
password or an email) and emailed to every board member after the commit.

A password's hash upgraded at login (Django re-hashes with the current hasher) is not a
change. `QuerySet.update()` passes no model signal: nothing in the code updates these fields
that way (use `save()`), and the admin offers no such action.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User

logger = logging.getLogger(__name__)

# Fields whose change on a guarded account is a guarded change.
# (The confidentiality agreement too: clearing it would lock the board out of HR and of this.)
SIGN_IN_FIELDS = (
    "username",
    "password",
    "email",
    "is_active",
    "is_superuser",
    "is_staff",
    "confidentiality_signed_on",
)
# Fields that make an account guarded.
GUARD_FIELDS = ("role", "is_privacy_officer")
GUARDED_FIELDS = GUARD_FIELDS + SIGN_IN_FIELDS
# Values the change log and the email may show; the others are named only.
SHOWN_FIELDS = frozenset(
    {"role", "is_privacy_officer", "is_active", "is_superuser", "is_staff", "username", "confidentiality_signed_on"}
)

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("account_guard_request", default=None)
_acting: contextvars.ContextVar[Any] = contextvars.ContextVar("account_guard_actor", default=None)


class GuardedAccountRefused(PermissionDenied):
    """A guarded change by someone other than a board member."""


def refusal_message() -> str:
    return _(
        "Only a board member can change a board member's or a privacy officer's account (role, "
        "privacy-officer permission, password, email, username or status), or make someone one."
    )


class AccountGuardMiddleware:
    """Makes the request's user the acting user of every account change in the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextlib.contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Name the acting user of the account changes in the block (services, commands)."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> Any:
    """The acting user: the one named by `acting_as`, else the request's user (anonymous on
    the login page), else None (no request: a command, a task, the shell)."""
    actor = _acting.get()
    if actor is not None:
        return actor
    request = _request.get()
    return None if request is None else getattr(request, "user", None)


def is_guarded(*, role: str | None, is_privacy_officer: bool | None) -> bool:
    return role == Role.BOARD or bool(is_privacy_officer)


def may_manage_guarded(actor: Any) -> bool:
    """A board member, active, with the confidentiality agreement on record."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.BOARD
        and actor.has_confidentiality_agreement
    )


def refusal(*, actor: Any, user_pk: Any, old: dict | None, new: dict, changed: set[str]) -> str | None:
    """Why this change may not be made by `actor`, or None. `old` is None for a new account."""
    guarded = is_guarded(role=new.get("role"), is_privacy_officer=new.get("is_privacy_officer")) or (
        old is not None and is_guarded(role=old.get("role"), is_privacy_officer=old.get("is_privacy_officer"))
    )
    if not changed or not guarded or actor is None or may_manage_guarded(actor):
        return None
    if changed == {"password"} and user_pk is not None and getattr(actor, "pk", None) == user_pk:
        return None  # one's own password
    return refusal_message()


def _old_values(pk: Any) -> dict | None:
    return User.objects.filter(pk=pk).values(*GUARDED_FIELDS).first()


def _is_rehash(instance: User, old: dict | None, changed: set[str]) -> bool:
    """Django's hash upgrade at login: the same password in the current hasher's hash (set
    by `check_password`'s setter, which leaves no raw password on the instance)."""
    if changed != {"password"} or old is None or instance._password is not None:  # type: ignore[attr-defined]
        return False
    try:
        hasher = identify_hasher(old["password"])
    except ValueError:
        return False
    return hasher.algorithm != get_hasher().algorithm or hasher.must_update(old["password"])


@dataclass(frozen=True)
class GuardedChange:
    created: bool
    fields: tuple[str, ...]
    old: dict
    new: dict
    actor_id: Any


def account_pre_save(sender: type, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if raw:
        return
    fields = GUARDED_FIELDS if update_fields is None else tuple(f for f in GUARDED_FIELDS if f in update_fields)
    if not fields:
        return
    old = None if instance._state.adding or instance.pk is None else _old_values(instance.pk)
    new = {f: getattr(instance, f) for f in GUARDED_FIELDS}
    if old is None:
        changed = (
            set(GUARD_FIELDS)
            if is_guarded(role=instance.role, is_privacy_officer=instance.is_privacy_officer)
            else set()
        )
    else:
        changed = {f for f in fields if old[f] != new[f]}
    if not changed or _is_rehash(instance, old, changed):
        return
    actor = current_actor()
    message = refusal(actor=actor, user_pk=instance.pk, old=old, new=new, changed=changed)
    if message:
        raise GuardedAccountRefused(message)
    was = old or {}
    if is_guarded(role=new["role"], is_privacy_officer=new["is_privacy_officer"]) or is_guarded(
        role=was.get("role"), is_privacy_officer=was.get("is_privacy_officer")
    ):
        instance._guarded_change = GuardedChange(  # type: ignore[attr-defined]
            created=old is None,
            fields=tuple(sorted(changed)),
            old={f: was.get(f) for f in changed if f in SHOWN_FIELDS},
            new={f: new[f] for f in changed if f in SHOWN_FIELDS},
            actor_id=getattr(actor, "pk", None),
        )


def account_post_save(sender: type, instance: User, **kwargs: Any) -> None:
    change = instance.__dict__.pop("_guarded_change", None)
    if change is not None:
        guarded_change_record(user=instance, change=change)
        transaction.on_commit(partial(board_notify, user_id=instance.pk, change=change))


def account_m2m_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    """Groups and permissions of a guarded account are sign-in rights too."""
    if action not in ("pre_add", "pre_remove", "pre_clear") or not isinstance(instance, User):
        return
    values = {f: getattr(instance, f) for f in GUARDED_FIELDS}
    actor = current_actor()
    if refusal(actor=actor, user_pk=instance.pk, old=values, new=values, changed={"groups_or_permissions"}):
        raise GuardedAccountRefused(refusal_message())
    if is_guarded(role=instance.role, is_privacy_officer=instance.is_privacy_officer):
        change = GuardedChange(False, ("groups_or_permissions",), {}, {}, getattr(actor, "pk", None))
        guarded_change_record(user=instance, change=change)
        transaction.on_commit(partial(board_notify, user_id=instance.pk, change=change))


def guarded_change_record(*, user: User, change: GuardedChange) -> None:
    """The change log's row of a guarded change: which fields, the roles and flags before and
    after, who (auditlog's actor), never a password or an email."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.CREATE if change.created else LogEntry.Action.UPDATE,
        changes={f: [str(change.old.get(f, "")), str(change.new.get(f, "***"))] for f in change.fields},
        actor_id=change.actor_id,
        additional_data={"guarded_account_change": list(change.fields)},
    )


# Not a field: the board hears of a reset of a guarded account's second factor too.
TWO_FACTOR_RESET = "two_factor_reset"


def _field_label(name: str) -> str:
    if name == "groups_or_permissions":
        return _("groups and permissions")
    if name == TWO_FACTOR_RESET:
        return _("two-factor authentication (reset: the authenticator and recovery codes were removed)")
    return str(User._meta.get_field(name).verbose_name)


def board_notify(*, user_id: Any, change: GuardedChange) -> int:
    """Email every active board member (in the site's language) that a guarded account was
    changed: which account, which fields, by whom, when. Each mail on its own; a failure is
    logged by ids. Returns how many were sent."""
    user = User.objects.filter(pk=user_id).first()
    actor = User.objects.filter(pk=change.actor_id).first() if change.actor_id else None
    board = User.objects.filter(role=Role.BOARD, is_active=True).exclude(email="").order_by("pk")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "account": user.username if user else str(user_id),
            "created": change.created,
            "fields": [_field_label(f) for f in change.fields],
            "actor": actor.username if actor else _("nobody signed in (a server command)"),
            "at": timezone.localtime(),
            "site": settings.SITE_URL,
        }
        subject = _("Leadhunter: a board or privacy-officer account was changed")
        body = render_to_string("accounts/email/guarded_change.txt", context)
    for member in board:
        try:
            send_mail(subject, body, None, [member.email])
            sent += 1
        except OSError:
            logger.exception("guarded-account notice to board member %s about user %s not sent", member.pk, user_id)
    return sent


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_save, pre_save

    pre_save.connect(account_pre_save, sender=User, dispatch_uid="accounts.guards.pre_save")
    post_save.connect(account_post_save, sender=User, dispatch_uid="accounts.guards.post_save")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(account_m2m_changed, sender=through, dispatch_uid=f"accounts.guards.m2m.{through.__name__}")
