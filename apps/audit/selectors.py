"""Reading the access log back (R-LOG-1, policy §3): who consulted a record, when, through what.

Ids only, as the log holds them. A list or a download names an object inside `object_ids`
(the GIN index `accesslog_object_ids_gin` answers `@>` and `&&`), one view in `object_id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from apps.audit.models import AccessLogEntry
from apps.retention import clock

PROSPECT_TYPE = "prospects.prospect"
PERSON_TYPE = "prospects.person"


def _naming(object_type: str, ids: Sequence[str]) -> Q:
    if not ids:
        return Q(pk__in=[])
    return Q(object_type=object_type) & (Q(object_id__in=ids) | Q(object_ids__overlap=list(ids)))


def prospect_access_history(*, prospect: Any) -> QuerySet[AccessLogEntry]:
    """Every consultation of one record of a client's database within its assignment: the
    record itself and the persons linked to it now. Entries of other assignments (another
    client's work on the same shared person) never appear here (R-NTK-1)."""
    person_ids = [str(pk) for pk in prospect.person_links.values_list("person_id", flat=True)]
    return AccessLogEntry.objects.filter(
        Q(assignment_id=prospect.assignment_id)
        & (_naming(PROSPECT_TYPE, [str(prospect.pk)]) | _naming(PERSON_TYPE, person_ids))
    ).order_by("-at", "-id")


def person_access_history(*, person_id: Any) -> QuerySet[AccessLogEntry]:
    """Every consultation of one person, in any assignment or page (the privacy officer's)."""
    return AccessLogEntry.objects.filter(_naming(PERSON_TYPE, [str(person_id)])).order_by("-at", "-id")


@dataclass(frozen=True)
class AccessRow:
    at: dt.datetime
    actor_id: int | None
    role: str
    action: str
    kind: str
    object_count: int
    via: str
    assignment_id: Any
    ip_address: str | None


def _kind(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def access_rows(entries: Sequence[AccessLogEntry], *, with_ip: bool, now: dt.datetime | None = None) -> list[AccessRow]:
    """One page of entries for display, with each user's role (one query for the page). IP
    addresses only where asked and only while within their 4 weeks (R-RET-6), even if the
    clearing rule has not run yet."""
    users = get_user_model().objects.in_bulk({e.actor_id for e in entries if e.actor_id is not None})
    ip_from = clock.ip_cutoff(now)
    return [
        AccessRow(
            at=e.at,
            actor_id=e.actor_id,
            role=users[e.actor_id].get_role_display() if e.actor_id in users else "",
            action=e.get_action_display(),
            kind=_kind(e.object_type),
            object_count=e.object_count,
            via=e.via,
            assignment_id=e.assignment_id,
            ip_address=e.ip_address if with_ip and e.at >= ip_from else None,
        )
        for e in entries
    ]
