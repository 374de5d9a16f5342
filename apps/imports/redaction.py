"""An import's column names may hold a contact person (issue 11 item 10, R-DEL-1): a file
without a header row makes its first row the names, and `ImportJob.headers` keeps them for
the mapping and the report. When the person is deleted, their email, phone and full name
are cut out of the headers of the imports into the assignments that held their company,
the same way and with the same marker as the extra columns (`apps.prospects.redaction`).

A registered person redactor. Cheap for the purge: one statement finds the (import, person)
pairs whose headers match, usually none; only those are rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from apps.privacy.redactors import ErasedPerson
from apps.prospects.redaction import MARKER, person_pattern

_MATCHES = """
SELECT DISTINCT j.id, n.pattern
FROM unnest(%(companies)s::uuid[], %(patterns)s::text[]) AS n(company_id, pattern)
JOIN (SELECT DISTINCT company_id, assignment_id FROM prospects_prospect WHERE company_id = ANY(%(companies)s)) p
  ON p.company_id = n.company_id
JOIN imports_importjob j ON j.assignment_id = p.assignment_id
WHERE j.headers::text ~* n.pattern
"""

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
    companies, patterns = [], []
    for person in persons:
        if person.company_id is not None and (pattern := person_pattern(person)):
            companies.append(person.company_id)
            patterns.append(pattern)
    if not companies:
        return
    with connection.cursor() as cursor:
        cursor.execute(_MATCHES, {"companies": companies, "patterns": patterns})
        for job_id, pattern in cursor.fetchall():
            cursor.execute(_REWRITE, {"id": job_id, "pattern": pattern, "marker": MARKER})
