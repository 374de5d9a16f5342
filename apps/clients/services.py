from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.assignments.services import assignment_delete
from apps.clients.models import Client


@transaction.atomic
def client_delete(*, client: Client, actor: Any = None) -> None:
    """A client leaves: each assignment goes the way R-EXP-3 says, then the client with its
    contacts, users and person records. Shared company records stay."""
    from apps.prospects.services import DeletionReason, persons_delete

    for assignment in client.assignments.all():
        assignment_delete(assignment=assignment, actor=actor)
    # The client's person records linked nowhere any more: through the single deletion
    # path (R-DEL-1); Person.client is PROTECT so that nothing else can remove them.
    persons_delete(
        person_ids=list(client.persons.values_list("pk", flat=True)), reason=DeletionReason.CLIENT_DELETE, actor=actor
    )
    client.delete()
