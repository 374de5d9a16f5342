from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.assignments.services import assignment_delete
from apps.clients.models import Client


@transaction.atomic
def client_delete(*, client: Client, actor: Any = None) -> None:
    """A client leaves: each assignment goes the way R-EXP-3 says, then the client with its
    contacts and users. Shared company records stay."""
    for assignment in client.assignments.all():
        assignment_delete(assignment=assignment, actor=actor)
    client.delete()
