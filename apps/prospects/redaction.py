"""The client's own extra columns may hold a contact person's name, email or phone (a
column "Contactpersoon 2", say). When that person is deleted, the value goes too (R-DEL-1):
a registered person redactor (`apps.privacy.redactors`), run by `persons_delete`.

Matching is by value, within the prospects of the person's company only: a cell whose
whole text equals the person's email, full name ("first last" or "last, first") or phone
number (compared by digits: +31…, 0031… or 06…), case and extra spaces ignored, is
emptied; its column stays, so the client's download keeps its shape. A name inside a
longer text is not touched: like a call note's free text (R-CALL-2), that is
beyond what can be matched safely.
"""

from __future__ import annotations

from collections.abc import Sequence

import phonenumbers
from django.db import connection

from apps.privacy.redactors import ErasedPerson


def _phone_digits(value: str) -> list[str]:
    if not value:
        return []
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return []
    international = "".join(
        filter(str.isdigit, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    )
    national = "".join(filter(str.isdigit, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)))
    # +31 6…, 0031 6… and 06…: the same number as people write it.
    return [d for d in {international, "00" + international, national} if d]


def _variants(person: ErasedPerson) -> tuple[list[str], list[str]]:
    """(texts, phone digit strings) that identify the person in a cell."""
    first, last = " ".join(person.first_name.split()), " ".join(person.last_name.split())
    texts = {person.email.strip().lower()}
    if first and last:
        texts |= {f"{first} {last}".lower(), f"{last}, {first}".lower(), f"{last} {first}".lower()}
    return [t for t in texts if t], _phone_digits(person.phone)


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


def redact_extra_columns(persons: Sequence[ErasedPerson]) -> None:
    with_extra = _companies_with_extra_columns(list({p.company_id for p in persons if p.company_id is not None}))
    companies, texts, digits = [], [], []
    for person in persons:
        if person.company_id not in with_extra:
            continue
        person_texts, person_digits = _variants(person)
        for text in person_texts:
            companies.append(person.company_id), texts.append(text), digits.append("")
        for number in person_digits:
            companies.append(person.company_id), texts.append(""), digits.append(number)
    if not companies:
        return
    # One statement for the batch: the prospects of the affected companies whose extra
    # columns hold one of the values get those cells emptied.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH needle AS (
                SELECT company_id,
                       array_remove(array_agg(text), '') AS texts,
                       array_remove(array_agg(digits), '') AS digits
                FROM unnest(%s::uuid[], %s::text[], %s::text[]) AS t(company_id, text, digits)
                GROUP BY company_id
            ), hit AS (
                SELECT p.id, n.texts, n.digits
                FROM prospects_prospect p JOIN needle n ON n.company_id = p.company_id
                WHERE p.extra <> '{}'::jsonb
            )
            UPDATE prospects_prospect p
            SET extra = (
                SELECT jsonb_object_agg(
                    e.key,
                    CASE WHEN jsonb_typeof(e.value) = 'string'
                              AND (regexp_replace(lower(btrim(e.value #>> '{}')), '\\s+', ' ', 'g') = ANY(hit.texts)
                                   OR (regexp_replace(e.value #>> '{}', '\\D', '', 'g') <> ''
                                       AND regexp_replace(e.value #>> '{}', '\\D', '', 'g') = ANY(hit.digits)))
                         THEN '""'::jsonb ELSE e.value END)
                FROM jsonb_each(p.extra) AS e
            )
            FROM hit
            WHERE p.id = hit.id
              AND EXISTS (
                SELECT 1 FROM jsonb_each_text(p.extra) AS c
                WHERE regexp_replace(lower(btrim(c.value)), '\\s+', ' ', 'g') = ANY(hit.texts)
                   OR (regexp_replace(c.value, '\\D', '', 'g') <> ''
                       AND regexp_replace(c.value, '\\D', '', 'g') = ANY(hit.digits))
              )
            """,
            [companies, texts, digits],
        )
