"""An import's column names may hold a contact person (issue 11 item 10, R-DEL-1): a file
without a header row makes its first row the names, and `ImportJob.headers` keeps them for
the mapping and the report. When the person is deleted, their email, phone and full name
are cut out of the headers of the imports into the assignments that held their company,
the same way and with the same marker as the extra columns (`apps.prospects.redaction`).

A registered person redactor. Cheap for the purge: one statement finds the (import, person)
pairs whose headers match, by plain substrings before any regular expression, usually
none; only those are rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from apps.privacy.redactors import ErasedPerson
from apps.prospects.redaction import MARKER, MAY_HOLD, NEEDLE_CTE, needle_columns, persons_that_may_hold

# The headers of the imports into the assignments holding these companies.
_HEADERS = """
    SELECT DISTINCT p.company_id, lower(j.headers::text) AS text,
           regexp_replace(j.headers::text, '[^0-9]+', '', 'g') AS digits
    FROM (SELECT DISTINCT company_id, assignment_id FROM prospects_prospect
          WHERE company_id = ANY(%(companies)s::uuid[])) p
    JOIN imports_importjob j ON j.assignment_id = p.assignment_id
    WHERE j.headers <> '[]'::jsonb"""

# The (import, person) pairs to rewrite: imports into the assignments holding the person's
# company whose headers hold the person (plain substrings first, then the pattern).
_MATCHES = (
    "WITH"  # noqa: S608 (constant SQL fragments; values as parameters)
    + NEEDLE_CTE
    + """, t AS MATERIALIZED (
    SELECT DISTINCT j.id, p.company_id, lower(j.headers::text) AS text,
           regexp_replace(j.headers::text, '[^0-9]+', '', 'g') AS digits
    FROM (SELECT DISTINCT company_id, assignment_id FROM prospects_prospect
          WHERE company_id = ANY(%(companies)s::uuid[])) p
    JOIN imports_importjob j ON j.assignment_id = p.assignment_id
    WHERE j.headers <> '[]'::jsonb
)
SELECT DISTINCT t.id, n.pattern
FROM t JOIN needle n ON n.company_id = t.company_id
WHERE """
    + MAY_HOLD
    + """ AND t.text ~* n.pattern
"""
)

_REWRITE = """
UPDATE imports_importjob SET headers = (
    SELECT coalesce(jsonb_agg(
        CASE WHEN jsonb_typeof(h) = 'string' THEN to_jsonb(regexp_replace(h #>> '{}', %(pattern)s, %(marker)s, 'gi'))
             ELSE h END ORDER BY position), '[]'::jsonb)
    FROM jsonb_array_elements(headers) WITH ORDINALITY AS a(h, position)
)
WHERE id = %(id)s
"""


def redact_import_headers(persons: Sequence[ErasedPerson]) -> None:
    # Patterns only for the persons whose plain substrings occur in such headers: usually none.
    columns = needle_columns(persons_that_may_hold(persons, _HEADERS, {}))
    if not columns:
        return
    with connection.cursor() as cursor:
        cursor.execute(_MATCHES, columns)
        for job_id, pattern in cursor.fetchall():
            cursor.execute(_REWRITE, {"id": job_id, "pattern": pattern, "marker": MARKER})
