from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import ADMIN_SITE_ROLES, Role, User
from apps.clients.models import Client
from apps.core.errors import ServiceError


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role | str,
    password: str | None,
    client: Client | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_privacy_officer: bool = False,
    confidentiality_signed_on: dt.date | None = None,
    check_password_strength: bool = True,
    actor: Any = None,
) -> User:
    """Create a user with a role (SPEC §1). Nobody is a Django superuser: every right comes from the role.

    The password must pass AUTH_PASSWORD_VALIDATORS; only the demo data (`seed_demo`, with
    its documented password) turns that off.
    """
    role = Role(role)
    if role == Role.CLIENT and client is None:
        raise ServiceError(_("A client user needs a client."))
    if role != Role.CLIENT and client is not None:
        raise ServiceError(_("Only client users belong to a client."))
    if is_privacy_officer and role not in (Role.ADMINISTRATOR, Role.BOARD):
        raise ServiceError(_("The privacy-officer permission is for administrators and board members."))
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("The username %(username)s is taken.") % {"username": username})
    user = User(
        username=username,
        role=role,
        client=client,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_privacy_officer=is_privacy_officer,
        confidentiality_signed_on=confidentiality_signed_on,
        is_staff=role in ADMIN_SITE_ROLES,
        is_superuser=False,
    )
    if password:
        if check_password_strength:
            try:
                validate_password(password, user)
            except ValidationError as error:  # a business refusal, shown as it is (no traceback)
                raise ServiceError(error.messages) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def user_change_role(*, user: User, role: Role | str, client: Client | None = None, actor: Any = None) -> User:
    """Give a user another role. Everything the old role held on assignments goes: its
    guardian rows and its leases, so nothing carries over to the new role (R-NTK-4); an
    agent's callbacks go back to their assignments' queues."""
    from apps.assignments.models import AssignmentUserObjectPermission
    from apps.prospects.models import Lease, Prospect

    role = Role(role)
    if role == Role.CLIENT and client is None:
        raise ServiceError(_("A client user needs a client."))
    AssignmentUserObjectPermission.objects.filter(user=user).delete()
    Lease.objects.filter(agent=user).delete()
    Prospect.objects.filter(callback_agent=user).update(callback_agent=None)
    user.role = role
    user.client = client if role == Role.CLIENT else None
    if role not in (Role.ADMINISTRATOR, Role.BOARD):
        user.is_privacy_officer = False
    user.is_staff = role in ADMIN_SITE_ROLES
    user.save(update_fields=["role", "client", "is_privacy_officer", "is_staff"])
    return user
