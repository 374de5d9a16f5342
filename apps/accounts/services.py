from __future__ import annotations

import datetime as dt
from typing import Any

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
    actor: Any = None,
) -> User:
    """Create a user with a role (SPEC §1). Nobody is a Django superuser: every right comes from the role."""
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
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user
