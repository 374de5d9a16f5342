"""Demo data-subject requests for the privacy officer (`manage.py seed_demo`), idempotent.
No real persons: example.nl addresses."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.privacy.services import request_deadlines

DEMO_REQUESTS = [
    # (name, email, kind, confirmed this many days ago, message)
    ("Petra Prospect", "petra.prospect@example.nl", RequestKind.ACCESS, 20, "Welke gegevens hebben jullie van mij?"),
    ("Eric Erasure", "eric.erasure@example.nl", RequestKind.ERASURE, 4, "Graag mijn gegevens verwijderen."),
]


def seed_privacy_demo() -> None:
    """Two confirmed requests, one of them past its 14-day deadline (R-DSR-2)."""
    now = timezone.now()
    for name, email, kind, days_ago, message in DEMO_REQUESTS:
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
