"""Writing the access log (R-LOG-1). Ids only; one entry per consultation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone

from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.net import client_ip
from apps.core.prepared import prepared_cursor


def _type_of(obj_or_model: Any) -> str:
    return obj_or_model._meta.label_lower


def _via(request: HttpRequest | None) -> str:
    """Through what the data was consulted: the URL name of the page or endpoint."""
    match = getattr(request, "resolver_match", None)
    return (match.view_name or "")[:100] if match is not None else ""


def access_log_record(
    *,
    actor: Any,
    action: AccessAction,
    obj: models.Model,
    assignment_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Log that `actor` consulted one object (a prospect opened, a contact viewed, ...)."""
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=_type_of(obj),
        object_id=str(obj.pk),
        assignment_id=assignment_id,
        ip_address=client_ip(request),
        via=_via(request),
    )


def access_log_bulk(
    *,
    actor: Any,
    action: AccessAction,
    model: type[models.Model],
    object_ids: Iterable[Any],
    assignment_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> AccessLogEntry | None:
    """Log a list or an export as one entry holding every id shown (the bulk path).

    Nothing is written for an empty list: nobody saw anything.
    """
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return None
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=_type_of(model),
        object_ids=ids,
        object_count=len(ids),
        assignment_id=assignment_id,
        ip_address=client_ip(request),
        via=_via(request),
    )


def access_log_search(
    *,
    actor: Any,
    action: AccessAction,
    model: type[models.Model],
    object_ids: Iterable[Any],
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Log a look-up (e.g. "is this person on the suppression list?") as one entry, with
    the ids it found, also when it found none: that somebody looked is itself recorded.
    What was looked for is never logged."""
    ids = [str(pk) for pk in object_ids]
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=_type_of(model),
        object_ids=ids,
        object_count=len(ids),
        ip_address=client_ip(request),
        via=_via(request),
    )


def access_log_shown(
    *,
    actor: Any,
    action: AccessAction,
    shown: dict[type[models.Model], Iterable[Any]],
    assignment_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> list[AccessLogEntry]:
    """Log everything one page, response or download showed, per kind of object (e.g. the
    prospects and the persons of a database page), in one INSERT (R-LOG-1).

    A page showing one object of a kind gets an entry naming it (`object_id`), a list one
    entry holding every id (`object_ids`); kinds with nothing shown get no entry.
    """
    at, actor_id, ip, via = timezone.now(), getattr(actor, "pk", None), client_ip(request), _via(request)
    entries = []
    for model, object_ids in shown.items():
        ids = list(dict.fromkeys(str(pk) for pk in object_ids))  # each id once, in the order shown
        if not ids:
            continue
        one = action == AccessAction.VIEW and len(ids) == 1
        entries.append(
            AccessLogEntry(
                at=at,
                actor_id=actor_id,
                action=action,
                object_type=_type_of(model),
                object_id=ids[0] if one else "",
                object_ids=[] if one else ids,
                object_count=len(ids),
                assignment_id=assignment_id,
                ip_address=ip,
                via=via,
            )
        )
    if not entries:
        return []
    # A prepared INSERT of the entries (apps.core.prepared): every screen of every agent
    # writes one, and its planning cost more than its running. Ids back in the order given,
    # as the ORM's bulk_create relies on too.
    with prepared_cursor() as cursor:
        cursor.execute(
            _INSERT_SQL.format(rows=", ".join([_ROW] * len(entries))),
            [getattr(entry, column) for entry in entries for column in _COLUMNS],
        )
        for entry, (pk,) in zip(entries, cursor.fetchall(), strict=True):
            entry.pk = pk
            entry._state.adding = False
    return entries


_COLUMNS = (
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "object_ids",
    "object_count",
    "assignment_id",
    "ip_address",
    "via",
)
_ROW = f"({', '.join(['%s'] * len(_COLUMNS))})"
_INSERT_SQL = f"INSERT INTO audit_accesslogentry ({', '.join(_COLUMNS)}) VALUES {{rows}} RETURNING id"  # noqa: S608 (column names)


def access_log_selected(
    *,
    actor: Any,
    action: AccessAction,
    shown: dict[type[models.Model], models.QuerySet],
    assignment_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> int:
    """`access_log_shown` for sets too large to pass through Python (a download of 100,000
    prospects and their persons): one INSERT … SELECT per call, the ids gathered by the
    database from `shown`'s querysets of primary keys (`values_list("pk", flat=True)`).
    Kinds with nothing selected get no entry. Returns the number of entries written."""
    table = AccessLogEntry._meta.db_table
    head = [timezone.now(), getattr(actor, "pk", None), action.value]
    tail = [assignment_id, client_ip(request), _via(request)]
    parts, params = [], []
    for model, queryset in shown.items():
        sql, query_params = queryset.query.sql_with_params()
        parts.append(
            f"""SELECT %s::timestamptz, %s::bigint, %s, %s, '', ids, cardinality(ids), %s::uuid, %s::inet, %s
                FROM (SELECT ARRAY(SELECT s.pk::text FROM ({sql}) AS s(pk)) AS ids) AS selected
                WHERE cardinality(ids) > 0"""  # noqa: S608 (Django-built SQL with its params)
        )
        params += [*head, _type_of(model), *tail, *query_params]
    if not parts:
        return 0
    columns = "at, actor_id, action, object_type, object_id, object_ids, object_count, assignment_id, ip_address, via"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {' UNION ALL '.join(parts)}", params)  # noqa: S608
        return cursor.rowcount
