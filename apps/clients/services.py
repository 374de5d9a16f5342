from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from apps.assignments.services import assignment_delete
from apps.clients.models import Client, ClientContact


@transaction.atomic
def client_delete(*, client: Client, actor: Any = None) -> None:
    """A client leaves: each assignment goes the way R-EXP-3 says, then the client with its
    contacts, users and person records. Shared company records stay. Ledgered (R-DEL-2), so
    that a restore does not bring the client's contacts back."""
    from apps.prospects.services import DeletionReason, persons_delete
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    for assignment in client.assignments.all():
        assignment_delete(assignment=assignment, actor=actor)
    # The client's person records linked nowhere any more: through the single deletion
    # path (R-DEL-1); Person.client is PROTECT so that nothing else can remove them.
    persons_delete(
        person_ids=list(client.persons.values_list("pk", flat=True)), reason=DeletionReason.CLIENT_DELETE, actor=actor
    )
    ledger_write(model=Client, object_ids=[client.pk], action=LedgerAction.DELETE, reason="client_delete", actor=actor)
    client.delete()


@transaction.atomic
def client_contacts_delete(*, contact_ids: Sequence[Any], actor: Any = None, reason: str = "deleted") -> int:
    """Delete client contacts (an erasure request, an administrator in the admin): the one
    deletion path of client contacts, ledgered in the same transaction (R-DEL-2) so that a
    restore does not bring them back. The auditlog keeps the deletion with the personal
    fields masked. Ids already gone are skipped; returns how many were deleted."""
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    contacts = ClientContact.objects.filter(pk__in=list(contact_ids))
    ids = list(contacts.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    ledger_write(model=ClientContact, object_ids=ids, action=LedgerAction.DELETE, reason=reason, actor=actor)
    ClientContact.objects.filter(pk__in=ids).delete()
    return len(ids)
