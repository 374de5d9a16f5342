"""Demo data-subject requests for the privacy officer (`manage.py seed_demo`), idempotent.
No real persons: example.nl addresses."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.privacy.selectors import is_suppressed
from apps.privacy.services import request_deadlines

DEMO_REQUESTS = [
    # (name, email, kind, confirmed this many days ago, message)
    ("Petra Prospect", "petra.prospect@example.nl", RequestKind.ACCESS, 20, "Welke gegevens hebben jullie van mij?"),
    ("Eric Erasure", "eric.erasure@example.nl", RequestKind.ERASURE, 4, "Graag mijn gegevens verwijderen."),
]


def _demo_contact_person(name: str, email: str) -> None:
    """Make the requester a contact person in Acme's active assignment, so that the officer
    has somebody to find, report on and erase."""
    from apps.assignments.models import Assignment
    from apps.prospects.models import Person, ProspectPerson

    first_name, last_name = name.split(" ", 1)
    if Person.objects.filter(email=email).exists():
        return
    assignment = Assignment.objects.filter(client__name="Acme BV", is_active=True).order_by("created_at").first()
    if assignment is None:
        return
    prospect = assignment.prospects.select_related("company").order_by("created_at", "id").first()
    if prospect is None:
        return
    person = Person.objects.create(
        client_id=assignment.client_id,
        company=prospect.company,
        first_name=first_name,
        last_name=last_name,
        job_title="Inkoper",
        email=email,
        verified_at=timezone.now(),
        source="Demo",
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)


def seed_privacy_demo() -> None:
    """Two confirmed requests, one of them past its 14-day deadline (R-DSR-2), each of a
    contact person in Acme's database."""
    now = timezone.now()
    for name, email, kind, days_ago, message in DEMO_REQUESTS:
        # Erased in an earlier demo session: the suppression list holds them, and the demo
        # respects it like every import does.
        if is_suppressed(IdentifierHashes.of(email=email)):
            continue
        _demo_contact_person(name, email)
        if DataSubjectRequest.objects.filter(email=email).exists():
            continue
        confirmed = now - dt.timedelta(days=days_ago)
        due, legal_due = request_deadlines(confirmed)
        DataSubjectRequest.objects.create(
            kind=kind,
            status=RequestStatus.OPEN,
            name=name,
            email=email,
            message=message,
            submitted_at=confirmed - dt.timedelta(hours=1),
            confirm_before=confirmed + dt.timedelta(hours=47),
            confirmed_at=confirmed,
            due_at=due,
            legal_due_at=legal_due,
        )
