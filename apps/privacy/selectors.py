from __future__ import annotations

from typing import Any

from django.db.models import Q

from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry


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


# --- The privacy officer's dashboard (R-DSR-2) -----------------------------------------
CLOSED_STATUSES = ("answered", "refused")


def requests_for_dashboard(*, user: Any, show: str = "open") -> list[Any]:
    """Confirmed requests the officer may see: open ones by deadline (overdue first, as the
    earliest deadline comes first), or closed ones, most recently closed first."""
    from apps.privacy.models import DataSubjectRequest, RequestStatus

    qs = DataSubjectRequest.objects.visible_to(user).select_related("handled_by")
    if show == "closed":
        return list(qs.filter(status__in=CLOSED_STATUSES).order_by("-closed_at")[:500])
    return list(qs.filter(status=RequestStatus.OPEN).order_by("due_at", "submitted_at"))


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
