from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import ConsentRecord, SuppressionEntry


def is_suppressed(hashes: IdentifierHashes) -> bool:
    """Is a person with these identifiers on the suppression list? (R-IMP-5)"""
    condition = Q()
    for field, value in (
        ("email_hash", hashes.email),
        ("phone_hash", hashes.phone),
        ("name_company_hash", hashes.name_company),
    ):
        if value:
            condition |= Q(**{field: value})
    return bool(condition) and SuppressionEntry.objects.filter(condition).exists()


def consent_records_of(*, person_ids: Sequence[Any], client_id: Any = None) -> dict[Any, list[ConsentRecord]]:
    """The proofs of consent per person, oldest first. With `client_id`: only those given in
    that client's assignments (a client is not told about another client's calls, R-IMP-4)."""
    qs = ConsentRecord.objects.filter(person_id__in=person_ids).order_by("given_at", "id")
    if client_id is not None:
        qs = qs.filter(assignment__client_id=client_id)
    out: dict[Any, list[ConsentRecord]] = {}
    for record in qs:
        out.setdefault(record.person_id, []).append(record)
    return out


# --- The privacy officer's dashboard (R-DSR-2) -----------------------------------------
CLOSED_STATUSES = ("answered", "refused", "superseded")  # apps.privacy.models.CLOSED_STATUSES


def requests_for_dashboard(*, user: Any, show: str = "open") -> QuerySet[Any]:
    """Confirmed requests the officer may see: open ones by deadline (overdue first, as the
    earliest deadline comes first), or closed ones, most recently closed first. A queryset:
    the page shows it a page at a time (issue 16 #6); the id makes the order total."""
    from apps.privacy.models import DataSubjectRequest, RequestStatus

    qs = DataSubjectRequest.objects.visible_to(user).select_related("handled_by")
    if show == "closed":
        return qs.filter(status__in=CLOSED_STATUSES).order_by("-closed_at", "-id")
    return qs.filter(status=RequestStatus.OPEN).order_by("due_at", "submitted_at", "id")


def request_counts(*, user: Any) -> dict[str, int]:
    """How many requests per status; unconfirmed ones are only counted (R-DSR-2)."""
    from django.db.models import Count

    from apps.privacy.models import DataSubjectRequest

    rows = DataSubjectRequest.objects.visible_to(user).values("status").annotate(n=Count("pk")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {
        "open": counts.get("open", 0),
        "closed": sum(counts.get(s, 0) for s in CLOSED_STATUSES),
        "unconfirmed": counts.get("unconfirmed", 0),
    }
