"""Writes on assignments. Supervisors and agents are guardian permissions on the
assignment (R-NTK-4); these functions are the only place that grants or revokes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import Role, User
from apps.assignments.models import Asks, Assignment, CallResult, Outcome, ProcessorAgreement
from apps.clients.models import Client
from apps.core.access import AGENT_PERMS, SUPERVISOR_PERMS
from apps.core.errors import ServiceError

# The results a new assignment starts with; supervisors adapt the list per assignment.
DEFAULT_RESULTS: list[tuple[str, Any, Outcome]] = [
    ("appointment", gettext_lazy("Appointment made"), Outcome.DONE),
    ("interested", gettext_lazy("Interested, send information"), Outcome.DONE),
    ("not-interested", gettext_lazy("Not interested"), Outcome.DONE),
    ("no-answer", gettext_lazy("No answer"), Outcome.RETRY),
    ("call-back", gettext_lazy("Call back later"), Outcome.CALLBACK),
    ("wrong-number", gettext_lazy("Wrong number"), Outcome.DONE),
]

# Results that ask for more than a note (R-APPT-1): "appointment made" records a structured appointment.
DEFAULT_ASKS: dict[str, Asks] = {"appointment": Asks.APPOINTMENT}


@transaction.atomic
def assignment_create(
    *,
    client: Client,
    name: str,
    description: str = "",
    briefing: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    actor: Any = None,
) -> Assignment:
    """A new, inactive assignment with its (not yet accepted) processor agreement and the default results."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("The end date lies before the start date."))
    if Assignment.objects.filter(client=client, name=name).exists():
        raise ServiceError(_("This client already has an assignment with that name."))
    assignment = Assignment.objects.create(
        client=client, name=name, description=description, briefing=briefing, starts_on=starts_on, ends_on=ends_on
    )
    ProcessorAgreement.objects.create(assignment=assignment, text_version=settings.PROCESSOR_AGREEMENT_VERSION)
    CallResult.objects.bulk_create(
        CallResult(
            assignment=assignment,
            code=code,
            label=str(label),
            outcome=outcome,
            position=i,
            asks=DEFAULT_ASKS.get(code, Asks.NOTHING),
        )
        for i, (code, label, outcome) in enumerate(DEFAULT_RESULTS)
    )
    return assignment


@transaction.atomic
def processor_agreement_accept(
    *, assignment: Assignment, actor: User, ip_address: str | None, now: dt.datetime | None = None
) -> ProcessorAgreement:
    """A client user accepts the processor agreement of their own assignment (policy §5)."""
    agreement = ProcessorAgreement.objects.select_for_update().get(assignment=assignment)
    if actor.role != Role.CLIENT or actor.client_id != assignment.client_id:
        raise ServiceError(_("Only a user of the client can accept its processor agreement."))
    if agreement.is_accepted:
        raise ServiceError(_("The processor agreement has already been accepted."))
    agreement.accepted_by = actor
    agreement.accepted_at = now or timezone.now()
    agreement.accepted_ip = ip_address
    agreement.text_version = settings.PROCESSOR_AGREEMENT_VERSION
    agreement.save(update_fields=["accepted_by", "accepted_at", "accepted_ip", "text_version"])
    return agreement


def _require_accepted_agreement(assignment: Assignment) -> None:
    if not ProcessorAgreement.objects.filter(assignment=assignment, accepted_at__isnull=False).exists():
        raise ServiceError(_("The client has not yet accepted the processor agreement of this assignment."))


@transaction.atomic
def assignment_set_active(*, assignment: Assignment, active: bool, actor: Any = None) -> Assignment:
    """Activate (only with an accepted processor agreement) or deactivate an assignment.

    Deactivating ends every lease at once, so agents lose the prospects they hold
    (R-NTK-3); the access layer already refuses agents on inactive assignments.
    """
    from apps.prospects.models import Lease

    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if active:
        _require_accepted_agreement(assignment)
    else:
        Lease.objects.filter(assignment=assignment).delete()
    if assignment.is_active != active:
        assignment.is_active = active
        assignment.save(update_fields=["is_active"])
    return assignment


@transaction.atomic
def assignment_add_supervisor(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    if user.role != Role.SUPERVISOR:
        raise ServiceError(_("Only supervisors can supervise an assignment."))
    for perm in SUPERVISOR_PERMS:
        assign_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_remove_supervisor(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    for perm in SUPERVISOR_PERMS:
        remove_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_schedule_agent(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    """Schedule an agent: only once the processor agreement is accepted (policy §5)."""
    if user.role != Role.AGENT:
        raise ServiceError(_("Only call agents can be scheduled on an assignment."))
    _require_accepted_agreement(assignment)
    for perm in AGENT_PERMS:
        assign_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_unschedule_agent(*, assignment: Assignment, user: User, actor: Any = None) -> None:
    """Take an agent off an assignment; the prospect they hold is released at once, and
    their callbacks go back to the queue for any agent of the assignment when due."""
    from apps.prospects.models import Lease, Prospect, ProspectStatus

    Lease.objects.filter(assignment=assignment, agent=user).delete()
    Prospect.objects.filter(assignment=assignment, status=ProspectStatus.CALLBACK, callback_agent=user).update(
        callback_agent=None
    )
    for perm in AGENT_PERMS:
        remove_perm(perm.value, user, assignment)


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: Any = None) -> None:
    """Delete an assignment with its prospects, notes and extra columns, and the persons
    linked to no other assignment (R-EXP-3). Shared companies stay.

    Call notes may only be deleted this way: the database trigger of R-NOTE-3 lets the
    deletes through only for the assignment announced here.
    """
    from django.db import connection

    from apps.prospects.models import Person, ProspectPerson
    from apps.prospects.services import DeletionReason, persons_delete

    person_ids = list(
        ProspectPerson.objects.filter(prospect__assignment=assignment).values_list("person_id", flat=True).distinct()
    )
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    # R-DEL-2: a restore must not bring the assignment, its records or its notes back.
    ledger_write(
        model=Assignment, object_ids=[assignment.pk], action=LedgerAction.DELETE, reason="client_delete", actor=actor
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('leadhunter.deleting_assignment', %s, true)", [str(assignment.pk)])
    assignment.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('leadhunter.deleting_assignment', '', true)")
    # Persons whose last link just went: nobody holds them any more. One batch through the
    # single deletion path (R-DEL-1).
    orphans = Person.objects.filter(pk__in=person_ids, prospect_links__isnull=True).values_list("pk", flat=True)
    persons_delete(person_ids=list(orphans), reason=DeletionReason.CLIENT_DELETE, actor=actor)
