"""The client's own extra columns may hold a contact person's name, email or phone: a column
"Contactpersoon 2", or a remark such as "graag mailen naar jan@x.nl of bellen 06-12345678".
When that person is deleted, every copy goes (R-DEL-1, issue 11 item 10): a registered
person redactor (`apps.privacy.redactors`), run by `persons_delete`.

What is matched, within the prospects of the person's company only, in every text cell and
every column name (a file without a header row makes its first row the names):
- the email address, case-insensitively, wherever it occurs (also inside a longer address:
  no copy of it may remain);
- the phone number by its digits, in any common notation: 06-12345678, 06 1234 5678,
  +31 6 12345678, +31 (0)6-…, 0031612345678, (020) 123 45 67, 020-1234567, 06.12.34.56.78
  (separators: spaces, dots, dashes, slashes, brackets); not inside a longer run of digits;
- the full name as whole words, case and spacing ignored: "first last", "last, first"
  and "last first".
Each occurrence becomes MARKER. A cell left with nothing but markers and punctuation was
only the person: it is emptied (its column stays, so the download keeps its shape). A
renamed column that collides with another gets " (2)", " (3)", ….

MARKER is "[…]": stored data is language-neutral (the client downloads it as it is, in any
language), so no translated word such as "[verwijderd]"; brackets and an ellipsis read as
"something was left out" in Dutch and English alike.

Cost (the purge, SPEC §7): companies without any prospect holding extra columns are
skipped before anything is built; for the others one UPDATE per batch selects, through the
company index, only prospects whose extra columns match (the pattern over the jsonb text).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import phonenumbers
from django.db import connection

from apps.privacy.redactors import ErasedPerson

MARKER = "[…]"
# Between the digits of a phone number, as people write them.
_SEP = r"[\s./()\-]*"
# Persons of one company per statement: keeps each regular expression small.
_PER_STATEMENT = 25


def _escape(text: str) -> str:
    """A literal for a PostgreSQL ARE: a backslash before every non-alphanumeric character
    (in an ARE, backslash + alphanumeric would be an escape, so those stay bare)."""
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in text)


def _phone_pattern(value: str) -> str:
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return ""
    country = str(number.country_code)
    significant = phonenumbers.national_significant_number(number)
    national = "".join(filter(str.isdigit, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)))
    if not significant:
        return ""

    def spread(digits: str) -> str:
        return _SEP.join(digits)

    international = rf"(?:\+|00){_SEP}{spread(country)}{_SEP}(?:\(0\){_SEP})?{spread(significant)}"
    alternatives = [international] + ([spread(national)] if national else [])
    # Not inside a longer number; an opening bracket before the area code goes with it.
    return rf"(?<![0-9+])\(?(?:{'|'.join(alternatives)})(?![0-9])"


def _name_patterns(person: ErasedPerson) -> list[str]:
    first, last = person.first_name.split(), person.last_name.split()
    if not first or not last:
        return []
    words = r"\s+".join

    def whole(pattern: str) -> str:
        return rf"(?<![[:alnum:]]){pattern}(?![[:alnum:]])"

    first_p, last_p = words(map(_escape, first)), words(map(_escape, last))
    return [whole(rf"{first_p}\s+{last_p}"), whole(rf"{last_p}\s*,\s*{first_p}"), whole(rf"{last_p}\s+{first_p}")]


def person_pattern(person: ErasedPerson) -> str:
    """One case-insensitive PostgreSQL regular expression matching the person's email,
    phone and full name in free text ("" when there is nothing to match)."""
    parts = []
    if person.email.strip():
        parts.append(_escape(person.email.strip()))
    if phone := _phone_pattern(person.phone):
        parts.append(phone)
    parts += _name_patterns(person)
    return "|".join(f"(?:{p})" for p in parts)


def _companies_with_extra_columns(company_ids: list) -> set:
    """Of these companies, those with a prospect holding any extra column: most uploads
    have none, and then nothing below needs computing (the purge's batches, SPEC §7)."""
    if not company_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT company_id FROM prospects_prospect WHERE company_id = ANY(%s) AND extra <> '{}'::jsonb",
            [company_ids],
        )
        return {row[0] for row in cursor.fetchall()}


# Per prospect: the cells with every match replaced; a cell left with markers and
# punctuation only is emptied; renamed column names made unique.
_UPDATE = """
WITH needle AS (
    SELECT company_id, pattern FROM unnest(%(companies)s::uuid[], %(patterns)s::text[]) AS t(company_id, pattern)
), hit AS (
    SELECT p.id, n.pattern
    FROM prospects_prospect p JOIN needle n ON n.company_id = p.company_id
    WHERE p.extra <> '{}'::jsonb AND p.extra::text ~* n.pattern
), cell AS (
    SELECT hit.id, e.value AS old,
           regexp_replace(e.key, hit.pattern, %(marker)s, 'gi') AS key,
           CASE WHEN jsonb_typeof(e.value) = 'string'
                THEN regexp_replace(e.value #>> '{}', hit.pattern, %(marker)s, 'gi') END AS text
    FROM hit, jsonb_each((SELECT extra FROM prospects_prospect WHERE id = hit.id)) AS e
), named AS (
    SELECT id, old, text,
           CASE WHEN count(*) OVER (PARTITION BY id, key) = 1 THEN key
                ELSE key || CASE WHEN row_number() OVER (PARTITION BY id, key ORDER BY key) = 1 THEN ''
                                 ELSE ' (' || row_number() OVER (PARTITION BY id, key ORDER BY key) || ')' END
           END AS key
    FROM cell
)
UPDATE prospects_prospect p
SET extra = (
    SELECT jsonb_object_agg(
        named.key,
        CASE WHEN named.text IS NULL THEN named.old
             WHEN named.text = named.old #>> '{}' THEN named.old
             WHEN btrim(regexp_replace(replace(named.text, %(marker)s, ''), '[[:space:][:punct:]–—]', '', 'g')) = ''
                  THEN '""'::jsonb
             ELSE to_jsonb(named.text) END)
    FROM named WHERE named.id = p.id
)
FROM hit
WHERE p.id = hit.id
"""


def redact_extra_columns(persons: Sequence[ErasedPerson]) -> None:
    with_extra = _companies_with_extra_columns(list({p.company_id for p in persons if p.company_id is not None}))
    per_company: dict = defaultdict(list)
    for person in persons:
        if person.company_id in with_extra and (pattern := person_pattern(person)):
            per_company[person.company_id].append(pattern)
    # Statement k takes the k-th group of each company's patterns: one pattern per company
    # and statement (UPDATE … FROM applies one joined row per prospect).
    rounds = max((len(p) for p in per_company.values()), default=0)
    for start in range(0, rounds, _PER_STATEMENT):
        companies, patterns = [], []
        for company_id, company_patterns in per_company.items():
            group = company_patterns[start : start + _PER_STATEMENT]
            if group:
                companies.append(company_id)
                patterns.append("|".join(group))
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE, {"companies": companies, "patterns": patterns, "marker": MARKER})
