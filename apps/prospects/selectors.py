"""Reads of person records across clients, for the data subject's own rights only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import connection


def person_records_of_same_persons(person_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The given records and every other client's record of the same real person (R-IMP-4
    keeps one record per person per client): the same non-blank email, or the same full
    name (first and last, without case, both non-blank) at the same company.

    For the data subject's rights only (erasure, withdrawn consent, the identity link of a
    request), where leaving one client's copy behind would break the promise "deleted";
    never for passing values between clients (that is `person_correction_share`'s narrower
    rule, where a bare identifier never relates two records)."""
    if not person_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT o.id FROM prospects_person p JOIN prospects_person o ON o.email = p.email
               WHERE p.id = ANY(%s) AND p.email <> ''
               UNION
               SELECT o.id FROM prospects_person p JOIN prospects_person o
                 ON o.company_id = p.company_id AND lower(o.last_name) = lower(p.last_name)
                AND lower(o.first_name) = lower(p.first_name)
               WHERE p.id = ANY(%s) AND p.first_name <> '' AND p.last_name <> ''""",
            [list(person_ids), list(person_ids)],
        )
        found = {row[0] for row in cursor.fetchall()}
    return sorted(found | set(person_ids))
