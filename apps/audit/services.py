"""Writing the access log (R-LOG-1). Ids only; one entry per consultation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.net import client_ip


def _type_of(obj_or_model: Any) -> str:
    return obj_or_model._meta.label_lower


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
    )
