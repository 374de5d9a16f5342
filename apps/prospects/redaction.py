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
skipped before anything is built; for the others one UPDATE per batch picks, through the
company index and plain substrings, the few prospects that may hold a person, and only
those are matched with the regular expressions (see `_UPDATE`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import phonenumbers
from django.db import connection

from apps.core.sqlarrays import UUIDArray
from apps.privacy.redactors import ErasedPerson

MARKER = "[…]"
# Between the digits of a phone number, as people write them.
_SEP = r"[\s./()\-]*"


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
            [UUIDArray(company_ids)],
        )
        return {row[0] for row in cursor.fetchall()}


NEEDLE_CTE = """
needle AS (
    SELECT company_id, pattern, lower(email) AS email, digits, lower(first_word) AS first_word,
           lower(last_word) AS last_word
    FROM unnest(%(companies)s::uuid[], %(patterns)s::text[], %(emails)s::text[], %(digits)s::text[],
                %(first_words)s::text[], %(last_words)s::text[])
         AS t(company_id, pattern, email, digits, first_word, last_word)
)"""
# `t` (text: lower-cased, digits: its digits only) may hold `n`'s person: plain substrings.
MAY_HOLD = """((n.email <> '' AND strpos(t.text, n.email) > 0)
       OR (n.digits <> '' AND strpos(t.digits, n.digits) > 0)
       OR (n.last_word <> '' AND strpos(t.text, n.last_word) > 0 AND strpos(t.text, n.first_word) > 0))"""


# Per prospect: the cells with every match replaced; a cell left with markers and
# punctuation only is emptied; renamed column names made unique.
#
# Regular expressions are costly here (PostgreSQL caches only a few compiled ones, and a
# batch brings a pattern per person), so prospects are first picked by plain substrings
# every match must contain: the email, the phone's significant digits among the text's
# digits, or the first and last word of the name. Only those few rows see a pattern.
_UPDATE = (
    "WITH"  # noqa: S608 (constant SQL fragments; values as parameters)
    + NEEDLE_CTE
    + """, txt AS MATERIALIZED (
    -- Once per prospect, not per prospect and person.
    SELECT p.id, p.company_id, lower(p.extra::text) AS text, regexp_replace(p.extra::text, '[^0-9]+', '', 'g') AS digits
    FROM prospects_prospect p
    WHERE p.company_id = ANY(%(companies)s::uuid[]) AND p.extra <> '{}'::jsonb
), candidate AS (
    SELECT t.id, n.pattern
    FROM txt t JOIN needle n ON n.company_id = t.company_id
    WHERE """
    + MAY_HOLD
    + """
), hit AS (
    SELECT id, string_agg(DISTINCT pattern, '|') AS pattern FROM candidate GROUP BY id
), cell AS (
    SELECT hit.id, e.key AS old_key, e.value AS old,
           regexp_replace(e.key, hit.pattern, %(marker)s, 'gi') AS key,
           CASE WHEN jsonb_typeof(e.value) = 'string'
                THEN regexp_replace(e.value #>> '{}', hit.pattern, %(marker)s, 'gi') END AS text
    FROM hit JOIN prospects_prospect p ON p.id = hit.id, jsonb_each(p.extra) AS e
), named AS (
    SELECT id, old_key, old, text,
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
  -- A candidate without a real match (a substring only) is not written.
  AND EXISTS (SELECT 1 FROM named WHERE named.id = p.id
              AND (named.key <> named.old_key OR (named.text IS NOT NULL AND named.text <> named.old #>> '{}')))
"""
)


def _needles(person: ErasedPerson) -> tuple[str, str, str, str]:
    """(email, significant phone digits, first word of the first name, last word of the last
    name): plain substrings, at least one of which every match of the person contains."""
    digits = ""
    if person.phone:
        try:
            digits = phonenumbers.national_significant_number(phonenumbers.parse(person.phone, None))
        except phonenumbers.NumberParseException:
            digits = ""
    first, last = person.first_name.split(), person.last_name.split()
    named = bool(first and last)
    return person.email.strip(), digits, first[0] if named else "", last[-1] if named else ""


def needle_columns(persons: Sequence[ErasedPerson], *, companies: set | None = None) -> dict[str, list]:
    """The persons (of these companies, if given) as parallel arrays for the `needle` CTE
    of `_UPDATE` (also used by `apps.imports.redaction`): company, pattern and needles."""
    columns: dict[str, list] = defaultdict(list)
    for person in persons:
        if person.company_id is None or (companies is not None and person.company_id not in companies):
            continue
        if not (pattern := person_pattern(person)):
            continue
        email, digits, first_word, last_word = _needles(person)
        for name, value in (
            ("companies", person.company_id),
            ("patterns", pattern),
            ("emails", email),
            ("digits", digits),
            ("first_words", first_word),
            ("last_words", last_word),
        ):
            columns[name].append(value)
    return columns


def _rough_digits(phone: str) -> str:
    """Digits every notation of `phone` holds: the last 7 digits of an E.164 number with at
    least 7 digits after a 3-digit country code (a suffix of its significant number, the
    needle `_needles` takes); else the significant number itself (parsed: rare)."""
    if not phone:
        return ""
    digits = phone[1:] if phone.startswith("+") else ""
    if digits.isdigit() and len(digits) - 3 >= 7:
        return digits[-7:]
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return ""


def persons_that_may_hold(persons: Sequence[ErasedPerson], text_cte: str, params: dict) -> list[ErasedPerson]:
    """Of `persons`, those whose email, phone digits or first and last word occur in a text
    of their company: `text_cte` is a query of (company_id, text (lower-cased), digits) over
    `%(companies)s`. A looser `MAY_HOLD` (a suffix of the phone's digits; no pattern, no
    phone parsing), so that the costly patterns (`needle_columns`) are built for these few
    only: every person `MAY_HOLD` picks is among them (issue 16 #5, the purge at 1M)."""
    columns: dict[str, list] = defaultdict(list)
    for i, person in enumerate(persons):
        if person.company_id is None:
            continue
        first, last = person.first_name.split(), person.last_name.split()
        named = bool(first and last)
        for name, value in (
            ("companies", person.company_id),
            ("indexes", i),
            ("emails", person.email.strip()),
            ("digits", _rough_digits(person.phone)),
            ("first_words", first[0] if named else ""),
            ("last_words", last[-1] if named else ""),
        ):
            columns[name].append(value)
    if not columns:
        return []
    columns["companies"] = UUIDArray(columns["companies"])
    with connection.cursor() as cursor:
        # Usually no text at all (no extra columns, no such import): then no needle is sent.
        cursor.execute(f"SELECT EXISTS ({text_cte})", {**params, "companies": columns["companies"]})  # noqa: S608
        if not cursor.fetchone()[0]:
            return []
        cursor.execute(
            f"""WITH needle AS (
                    SELECT company_id, i, lower(email) AS email, digits, lower(first_word) AS first_word,
                           lower(last_word) AS last_word
                    FROM unnest(%(companies)s::uuid[], %(indexes)s::int[], %(emails)s::text[], %(digits)s::text[],
                                %(first_words)s::text[], %(last_words)s::text[])
                         AS t(company_id, i, email, digits, first_word, last_word)
                ), t AS MATERIALIZED ({text_cte})
                SELECT DISTINCT n.i FROM t JOIN needle n ON n.company_id = t.company_id WHERE {MAY_HOLD}""",  # noqa: S608
            {**params, **columns},
        )
        return [persons[row[0]] for row in cursor.fetchall()]


# The texts of `_UPDATE`'s `txt`, for `persons_that_may_hold`.
_EXTRA_TEXTS = """
    SELECT p.company_id, lower(p.extra::text) AS text, regexp_replace(p.extra::text, '[^0-9]+', '', 'g') AS digits
    FROM prospects_prospect p
    WHERE p.company_id = ANY(%(companies)s::uuid[]) AND p.extra <> '{}'::jsonb"""


def redact_extra_columns(persons: Sequence[ErasedPerson]) -> None:
    with_extra = _companies_with_extra_columns(list({p.company_id for p in persons if p.company_id is not None}))
    if not with_extra:
        return
    persons = persons_that_may_hold([p for p in persons if p.company_id in with_extra], _EXTRA_TEXTS, {})
    columns = needle_columns(persons, companies=with_extra)
    if not columns:
        return
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE, {**columns, "marker": MARKER})
