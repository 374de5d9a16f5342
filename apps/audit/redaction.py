"""Redacting the change log of deleted persons (R-DEL-1).

Personal fields are masked when django-auditlog writes an entry, but an entry still
holds the other fields' values, and `serialized_data`/`additional_data` could hold more.
When a person is deleted every entry about them is redacted completely: the entry stays
(who changed or deleted record <id>, when) and every value becomes the mask.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from apps.audit.masking import MASK
from apps.core.sqlarrays import TextArray


def log_entries_redact(*, model: type, object_ids: Sequence[uuid.UUID | str]) -> int:
    """Redact every auditlog entry of these objects; return how many entries were touched.

    One set-based UPDATE: the changes keep their field names, every value becomes the
    mask; the representation becomes the model's id-only text. Running it twice changes
    nothing the second time.
    """
    if not object_ids:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    label = str(model._meta.verbose_name).capitalize()
    table = LogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS e SET
              object_repr = %(label)s || ' ' || left(e.object_pk, 8),
              changes = (
                SELECT coalesce(jsonb_object_agg(k, jsonb_build_array(%(mask)s, %(mask)s)), '{{}}'::jsonb)
                FROM jsonb_object_keys(coalesce(e.changes, '{{}}'::jsonb)) AS k
              ),
              changes_text = '',
              serialized_data = NULL,
              additional_data = NULL
            WHERE e.content_type_id = %(ct)s AND e.object_pk = ANY(%(ids)s)
              AND (e.serialized_data IS NOT NULL OR e.additional_data IS NOT NULL OR e.changes_text <> ''
                   OR e.object_repr <> %(label)s || ' ' || left(e.object_pk, 8)
                   OR EXISTS (SELECT 1 FROM jsonb_each(coalesce(e.changes, '{{}}'::jsonb)) AS c(k, v)
                              WHERE v <> jsonb_build_array(%(mask)s, %(mask)s)))
            """,  # noqa: S608 (table name from the model, values as parameters)
            {"label": label, "mask": MASK, "ct": content_type.pk, "ids": TextArray(str(pk) for pk in object_ids)},
        )
        return cursor.rowcount
