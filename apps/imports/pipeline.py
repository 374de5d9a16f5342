"""The set-based import (R-IMP-3, R-IMP-4, R-IMP-5): normalise in Python, COPY into a
temporary staging table, match and write in SQL. Runs inside the caller's transaction.

The staging table is `ON COMMIT DROP` (and dropped explicitly at the end), so no staging
row outlives the import (R-DEL-1).

Matching precedence:
- companies: KvK number, else website domain, else normalised name + postcode; a domain or
  name match never joins two different KvK numbers. Rows of the file naming the same
  company (same key) become one company.
- persons: among the importing client's own records only (R-IMP-4: one record per person
  per client), normalised email, else first + last name within the matched company. Other
  clients' records are never read here, so nothing they hold is linked, filled in or
  counted; a replaced value of the client's own record goes to the other clients' records
  only through `apps.prospects.services.person_correction_share`.
- a blank shared value is filled; where both differ, a value verified within the last
  VERIFY_AFTER_MONTHS months is kept and the uploaded one stored as a `Difference` "to
  verify"; an older one is replaced. The upload verifies what it confirms (R-RET-3).
- persons on the suppression list (hashed email, phone or name + company) are skipped and
  counted (R-IMP-5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from apps.imports.files import read_table
from apps.imports.mapping import EXTRA, FIELDS
from apps.imports.models import Difference, ImportJob
from apps.privacy.models import SuppressionEntry
from apps.prospects import normalise
from apps.prospects.models import Company, Person, Prospect, ProspectPerson
from apps.prospects.services import PersonCorrection, PersonIdentity, person_correction_share

STAGING_COLUMNS = (
    "row_number", "company_key", "name", "name_normalised", "kvk", "street", "house_number", "postcode", "city",
    "country", "company_phone", "website", "website_domain", "industry", "employees", "first_name", "last_name",
    "job_title", "email", "person_phone", "has_person", "person_key", "email_hash", "phone_hash", "name_hash", "extra",
    "legal_form",
)  # fmt: skip

MAX_LENGTHS = {
    "company_name": 255, "street": 200, "house_number": 20, "city": 100, "website": 255, "industry": 150,
    "first_name": 100, "last_name": 100, "job_title": 150, "email": 254,
}  # fmt: skip

COUNTRIES = {
    "nederland": "NL", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
    "belgie": "BE", "belgië": "BE", "belgium": "BE", "duitsland": "DE", "germany": "DE", "deutschland": "DE",
    "frankrijk": "FR", "france": "FR", "luxemburg": "LU", "luxembourg": "LU",
    "verenigd koninkrijk": "GB", "united kingdom": "GB",
}  # fmt: skip

CHUNK = 5000
logger = logging.getLogger(__name__)


_COPY_ESCAPES = str.maketrans({"\x00": "", "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(number: int, row: tuple) -> str:
    """One line of COPY's text format, built by hand: much faster than a row at a time."""
    out = [str(number)]
    for value in row:
        if value is None:
            out.append("\\N")
        elif isinstance(value, bool):
            out.append("t" if value else "f")
        elif isinstance(value, str):
            out.append(value.translate(_COPY_ESCAPES))
        else:
            out.append(str(value))
    return "\t".join(out) + "\n"


def _keyed_hasher() -> Callable[[str, str], str]:
    """`apps.privacy.hashing._hash`, with the HMAC key schedule done once instead of per value."""
    base = hmac.new(settings.PRIVACY_HASH_KEY.encode(), digestmod=hashlib.sha256)

    def keyed(kind: str, value: str) -> str:
        if not value:
            return ""
        mac = base.copy()
        mac.update(f"{kind}:{value}".encode())
        return mac.hexdigest()

    return keyed


def _name_key(first_name: str, last_name: str, company_key: str) -> str:
    person = " ".join(f"{first_name} {last_name}".lower().split())
    return f"{person}|{company_key}" if person and company_key else ""


class RowRejected(Exception):
    pass


_PLAIN_EMAIL = re.compile(r"[a-z0-9._%+-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}")
_PHONE_PUNCTUATION = str.maketrans("", "", " -().")
_NL_NATIONAL = re.compile(r"0[1-9][0-9]{8}")
_NL_LOST_ZERO = re.compile(r"[1-9][0-9]{8}")  # a spreadsheet number that lost its leading 0
_NL_INTERNATIONAL = re.compile(r"(?:\+|00)31[1-9][0-9]{8}")


def _phone(value: str, field: str) -> str:
    """E.164, as normalise.phone gives it; the common Dutch forms take a fast path (the
    import reads 100,000 rows in seconds), everything else goes to `phonenumbers`."""
    if not value:
        return ""
    digits = value.translate(_PHONE_PUNCTUATION)
    if _NL_NATIONAL.fullmatch(digits):
        return "+31" + digits[1:]
    if _NL_LOST_ZERO.fullmatch(digits):
        return "+31" + digits
    if _NL_INTERNATIONAL.fullmatch(digits):
        return "+31" + digits[-9:]
    try:
        return normalise.phone(value)
    except ValueError as exc:
        raise RowRejected(_("%(column)s: not a phone number.") % {"column": FIELDS[field]}) from exc


def _prepare(
    values: dict[str, str], extra: dict[str, str], hasher: Callable[[str, str], str]
) -> tuple[tuple, str | None]:
    """One row, normalised, as a staging tuple; plus a warning. RowRejected carries the reason.

    Reasons name the column and the problem, never the value (R-DEL-1).
    """
    for field, limit in MAX_LENGTHS.items():
        if len(values.get(field, "")) > limit:
            raise RowRejected(
                _("%(column)s: longer than %(limit)d characters.") % {"column": FIELDS[field], "limit": limit}
            )
    name = values.get("company_name", "")
    if not name:
        raise RowRejected(_("Company name is empty."))
    name_key_company = normalise.company_name(name)
    name_normalised = name_key_company or name.lower()
    try:
        kvk = normalise.kvk(values.get("kvk_number", ""))
    except ValueError as exc:
        raise RowRejected(_("KvK number: not 8 digits.")) from exc
    country = values.get("country", "")
    if country:
        country = COUNTRIES.get(country.lower(), country.upper())
        if len(country) != 2 or not country.isalpha():
            raise RowRejected(_("Country: use a two-letter country code such as NL."))
    try:
        postcode = normalise.postcode(values.get("postcode", ""), country or "NL")
    except ValueError as exc:
        raise RowRejected(_("Postcode: not a Dutch postcode (1234 AB).")) from exc
    company_phone = _phone(values.get("company_phone", ""), "company_phone")
    person_phone = _phone(values.get("person_phone", ""), "person_phone")
    website = values.get("website", "")
    try:
        domain = normalise.website_domain(website)
    except ValueError as exc:
        raise RowRejected(_("Website: not a web address.")) from exc
    employees_text = values.get("employees", "").replace(".", "").replace(" ", "")
    employees = None
    if employees_text:
        if not employees_text.isdigit() or len(employees_text) > 9:
            raise RowRejected(_("Number of employees: not a whole number."))
        employees = int(employees_text)
    email = values.get("email", "").strip().lower()
    if email and not _PLAIN_EMAIL.fullmatch(email):  # the common form is surely valid; others get the full check
        try:
            email = normalise.email(email)
        except ValueError as exc:
            raise RowRejected(_("Email: not an email address.")) from exc
    first_name, last_name = values.get("first_name", ""), values.get("last_name", "")
    job_title = values.get("job_title", "")
    has_person = bool(last_name or email)
    warning = None
    if not has_person and (first_name or job_title or person_phone):
        warning = _("Contact person left out: a last name or an email address is needed. The company was imported.")
    if kvk:
        company_key = f"k:{kvk}"
    elif domain:
        company_key = f"d:{domain}"
    else:
        company_key = f"n:{name_normalised}|{postcode}"
    hashes = ("", "", "")
    # Rows naming the same person become one person: same email, else same name at the same company.
    person_key = None
    if has_person:
        person_key = f"e:{email}" if email else f"n:{company_key}|{first_name.lower()}|{last_name.lower()}"
        hashes = (
            hasher("email", email),
            hasher("phone", person_phone),
            # hashing.name_key(first_name, last_name, name), without normalising the name twice
            hasher("name_company", _name_key(first_name, last_name, name_key_company)),
        )
    row = (
        company_key, name, name_normalised, kvk, values.get("street", ""), values.get("house_number", ""), postcode,
        values.get("city", ""), country, company_phone, website, domain, values.get("industry", ""), employees,
        first_name if has_person else "", last_name if has_person else "", job_title if has_person else "",
        email, person_phone if has_person else "", has_person, person_key, *hashes,
        json.dumps(extra, ensure_ascii=False), normalise.legal_form(values.get("legal_form", "")),
    )  # fmt: skip
    return row, warning


def run_pipeline(*, job: ImportJob, path: Path, now: dt.datetime, progress: Callable[[int], None]) -> dict[str, Any]:
    table = read_table(path, job.file_format)
    columns = {int(index): target for index, target in job.mapping.items()}
    fields = [(i, t) for i, t in sorted(columns.items()) if t in FIELDS]
    extras = [(i, table.headers[i]) for i, t in sorted(columns.items()) if t == EXTRA]
    errors: list[list[Any]] = []
    rows_read = rejected = 0
    hasher = _keyed_hasher()
    progress(5)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_staging")
        cursor.execute(
            """CREATE TEMP TABLE import_staging (
                row_number int, company_key text, name text, name_normalised text, kvk text, street text,
                house_number text, postcode text, city text, country text, company_phone text, website text,
                website_domain text, industry text, employees int, first_name text, last_name text, job_title text,
                email text, person_phone text, has_person bool, email_hash text, phone_hash text, name_hash text,
                extra jsonb, company_id uuid, company_new bool NOT NULL DEFAULT false, person_id uuid,
                person_key text, person_new bool NOT NULL DEFAULT false, suppressed bool NOT NULL DEFAULT false,
                legal_form text NOT NULL DEFAULT ''
            ) ON COMMIT DROP"""
        )
        lines: list[str] = []
        with cursor.copy(f"COPY import_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            for number, cells in table.rows:
                rows_read += 1
                values = {t: cells[i] for i, t in fields}
                extra = {h: cells[i] for i, h in extras if cells[i]}
                try:
                    row, warning = _prepare(values, extra, hasher)
                except RowRejected as exc:
                    rejected += 1
                    errors.append([number, str(exc)])
                    continue
                if warning:
                    errors.append([number, warning])
                lines.append(_copy_line(number, row))
                if len(lines) == CHUNK:
                    copy.write("".join(lines))
                    lines.clear()
                    progress(min(60, 5 + rows_read * 55 // max(settings.IMPORT_MAX_ROWS // 2, 1)))
            copy.write("".join(lines))
        progress(60)
        logger.debug("import rows read and copied: %d", rows_read)
        counts = _match_and_write(cursor, job=job, now=now, progress=progress)
        cursor.execute("DROP TABLE IF EXISTS import_staging")
    _add_extra_columns(job, [h for _i, h in extras])
    return {
        "rows_read": rows_read,
        "rows_rejected": rejected,
        "row_errors": errors[:10000],
        **counts,
    }


def _add_extra_columns(job: ImportJob, headers: list[str]) -> None:
    assignment = job.assignment
    current = list(assignment.extra_columns or [])
    added = [h for h in headers if h not in current]
    if added:
        assignment.extra_columns = current + added
        assignment.save(update_fields=["extra_columns"])


def _legal_forms_write(run: Callable[[str], int], company_table: str) -> int:
    """Issue 14 #8: the legal form the file gives fills a blank one, or replaces the stored
    one where the upload's values were taken (the company's `verified_at` is now this
    import's: R-IMP-3's rule for every company field)."""
    return run(f"""UPDATE {company_table} c SET legal_form = s.legal_form
                   FROM (SELECT DISTINCT ON (company_id) company_id, legal_form FROM import_staging
                         WHERE legal_form <> '' ORDER BY company_id, row_number) s
                   WHERE c.id = s.company_id AND c.legal_form <> s.legal_form
                     AND (c.legal_form = '' OR c.verified_at = %(now)s)""")  # noqa: S608


def _restricted_persons_skip(run: Callable[[str], int], person_table: str) -> int:
    """R-DSR-5 (Art. 18): a row matched to a restricted person leaves that record as it is:
    not updated, no difference, not linked again, no new record made of the row. It is
    counted with the persons skipped."""
    return run(f"""UPDATE import_staging s SET suppressed = true, person_id = NULL
                   FROM {person_table} m WHERE s.person_id = m.id AND m.restricted_at IS NOT NULL""")  # noqa: S608


def _match_and_write(cursor: Any, *, job: ImportJob, now: dt.datetime, progress: Callable[[int], None]) -> dict:
    company = Company._meta.db_table
    person = Person._meta.db_table
    prospect = Prospect._meta.db_table
    link = ProspectPerson._meta.db_table
    # Quoted: the list lives in the erasure ledger's schema (R-DEL-2), "erasure_ledger"."suppression".
    suppression = connection.ops.quote_name(SuppressionEntry._meta.db_table)
    difference = Difference._meta.db_table
    cutoff = now - relativedelta(months=settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"])
    p = {
        "now": now,
        "cutoff": cutoff,
        "assignment": job.assignment_id,
        "job": job.pk,
        "client": job.assignment.client_id,
        # New persons get the model's default legal basis (an upload never sets one; the
        # column's CHECK constraint holds the six GDPR bases).
        "legal_basis": str(Person._meta.get_field("legal_basis").default),
    }

    def run(sql: str) -> int:
        started = time.perf_counter()
        cursor.execute(sql, p)
        logger.debug("import step %.2fs: %s", time.perf_counter() - started, " ".join(sql.split())[:90])
        return cursor.rowcount

    # Every row of one company key goes with the company its first matched row found.
    propagate = """
        UPDATE import_staging s SET company_id = t.company_id
        FROM (SELECT DISTINCT ON (company_key) company_key, company_id FROM import_staging
              WHERE company_id IS NOT NULL ORDER BY company_key, row_number) t
        WHERE s.company_key = t.company_key AND s.company_id IS DISTINCT FROM t.company_id"""
    cursor.execute("CREATE INDEX ON import_staging (company_key)")
    cursor.execute("ANALYZE import_staging")  # a temp table has no statistics until told
    # --- Companies (R-IMP-3) ---------------------------------------------------------
    if run(f"""UPDATE import_staging s SET company_id = c.id FROM {company} c
               WHERE s.kvk <> '' AND c.kvk_number = s.kvk"""):  # noqa: S608
        run(propagate)
    matched = run(f"""UPDATE import_staging s SET company_id = m.id
            FROM (SELECT DISTINCT ON (c.website_domain) c.website_domain, c.id, c.kvk_number FROM {company} c
                  WHERE c.website_domain <> '' AND c.website_domain IN (
                      SELECT website_domain FROM import_staging WHERE company_id IS NULL AND website_domain <> '')
                  ORDER BY c.website_domain, c.created_at, c.id) m
            WHERE s.company_id IS NULL AND s.website_domain = m.website_domain
              AND (s.kvk = '' OR m.kvk_number = '')""")  # noqa: S608
    if matched:
        run(propagate)
    matched = run(f"""UPDATE import_staging s SET company_id = m.id
            FROM (SELECT DISTINCT ON (c.name_normalised, c.postcode) c.name_normalised, c.postcode, c.id, c.kvk_number
                  FROM {company} c
                  WHERE (c.name_normalised, c.postcode) IN (
                      SELECT name_normalised, postcode FROM import_staging WHERE company_id IS NULL AND postcode <> '')
                  ORDER BY c.name_normalised, c.postcode, c.created_at, c.id) m
            WHERE s.company_id IS NULL AND s.postcode <> '' AND s.name_normalised = m.name_normalised
              AND s.postcode = m.postcode AND (s.kvk = '' OR m.kvk_number = '')""")  # noqa: S608
    if matched:
        run(propagate)
    # New ids derived from the key (not gen_random_uuid(), which a nested loop would
    # evaluate once per row): every row of one key gets the same new company.
    run("""UPDATE import_staging SET company_id = md5(%(job)s::text || company_key)::uuid, company_new = true
           WHERE company_id IS NULL""")
    progress(70)

    # Differences first (before the values change), then fill / replace, then the new ones.
    company_first = """(SELECT DISTINCT ON (company_id) * FROM import_staging WHERE NOT company_new
                        ORDER BY company_id, row_number)"""
    run(f"""INSERT INTO {difference} (assignment_id, import_job_id, company_id, person_id, field, value, created_at)
            SELECT %(assignment)s, %(job)s, c.id, NULL, v.field, left(v.new_value, 255), %(now)s
            FROM {company_first} s JOIN {company} c ON c.id = s.company_id
            CROSS JOIN LATERAL (VALUES
                ('name', c.name_normalised, s.name_normalised, s.name),
                ('street', c.street, s.street, s.street),
                ('house_number', c.house_number, s.house_number, s.house_number),
                ('postcode', c.postcode, s.postcode, s.postcode),
                ('city', lower(c.city), lower(s.city), s.city),
                ('phone', c.phone, s.company_phone, s.company_phone),
                ('website', c.website_domain, s.website_domain, s.website),
                ('industry', lower(c.industry), lower(s.industry), s.industry),
                ('employees', coalesce(c.employees::text, ''), coalesce(s.employees::text, ''),
                 coalesce(s.employees::text, ''))
            ) AS v(field, old_key, new_key, new_value)
            WHERE c.verified_at >= %(cutoff)s AND v.old_key <> '' AND v.new_key <> ''
              AND v.old_key <> v.new_key""")  # noqa: S608

    def pick(shared: str, uploaded: str, same: str | None = None) -> str:
        same_test = f"OR {same}" if same else ""
        return f"""CASE WHEN {uploaded} = '' {same_test} THEN {shared} WHEN {shared} = '' THEN {uploaded}
                   WHEN c.verified_at >= %(cutoff)s THEN {shared} ELSE {uploaded} END"""

    name_same = "s.name_normalised = c.name_normalised"
    web_same = "s.website_domain = c.website_domain"
    run(f"""UPDATE {company} c SET
              name = {pick("c.name", "s.name", name_same)},
              name_normalised = {pick("c.name_normalised", "s.name_normalised", name_same)},
              kvk_number = CASE WHEN c.kvk_number = '' THEN s.kvk ELSE c.kvk_number END,
              street = {pick("c.street", "s.street")},
              house_number = {pick("c.house_number", "s.house_number")},
              postcode = {pick("c.postcode", "s.postcode")},
              city = {pick("c.city", "s.city")},
              country = CASE WHEN s.country = '' THEN c.country WHEN c.verified_at >= %(cutoff)s THEN c.country
                             ELSE s.country END,
              phone = {pick("c.phone", "s.company_phone")},
              website = {pick("c.website", "s.website", web_same)},
              website_domain = {pick("c.website_domain", "s.website_domain", web_same)},
              industry = {pick("c.industry", "s.industry")},
              employees = CASE WHEN s.employees IS NULL THEN c.employees WHEN c.employees IS NULL THEN s.employees
                               WHEN c.verified_at >= %(cutoff)s THEN c.employees ELSE s.employees END,
              verified_at = CASE WHEN s.kept_difference THEN c.verified_at ELSE %(now)s END,
              updated_at = %(now)s
            FROM (SELECT f.*, d.company_id IS NOT NULL AS kept_difference FROM {company_first} f
                  LEFT JOIN (SELECT DISTINCT company_id FROM {difference} WHERE import_job_id = %(job)s) d
                  ON d.company_id = f.company_id) s
            WHERE c.id = s.company_id""")  # noqa: S608
    run(f"""INSERT INTO {company} (id, name, name_normalised, kvk_number, street, house_number, postcode, city,
                                  country, phone, website, website_domain, industry, employees, status, verified_at,
                                  created_at, updated_at)
            SELECT DISTINCT ON (company_id) company_id, name, name_normalised, kvk, street, house_number, postcode,
                   city, coalesce(nullif(country, ''), 'NL'), company_phone, website, website_domain, industry,
                   employees, 'active', %(now)s, %(now)s, %(now)s
            FROM import_staging WHERE company_new ORDER BY company_id, row_number""")  # noqa: S608
    _legal_forms_write(run, company)
    progress(80)

    # --- Persons (R-IMP-4, R-IMP-5) --------------------------------------------------
    cursor.execute("ANALYZE import_staging")
    run(f"""UPDATE import_staging s SET suppressed = true WHERE s.has_person AND (
              (s.email_hash <> '' AND EXISTS (SELECT 1 FROM {suppression} e WHERE e.email_hash = s.email_hash))
           OR (s.phone_hash <> '' AND EXISTS (SELECT 1 FROM {suppression} e WHERE e.phone_hash = s.phone_hash))
           OR (s.name_hash <> '' AND EXISTS (SELECT 1 FROM {suppression} e WHERE e.name_company_hash = s.name_hash)))
        """)  # noqa: S608
    run(f"""UPDATE import_staging s SET person_id = m.id
            FROM (SELECT DISTINCT ON (email) email, id FROM {person}
                  WHERE client_id = %(client)s AND email <> ''
                    AND email IN (SELECT email FROM import_staging WHERE email <> '')
                  ORDER BY email, created_at, id) m
            WHERE s.has_person AND NOT s.suppressed AND s.email <> '' AND s.email = m.email""")  # noqa: S608
    run(f"""UPDATE import_staging s SET person_id = m.id
            FROM {person} m
            WHERE s.has_person AND NOT s.suppressed AND s.person_id IS NULL AND s.last_name <> ''
              AND NOT s.company_new AND m.company_id = s.company_id AND m.client_id = %(client)s
              AND lower(m.last_name) = lower(s.last_name) AND lower(m.first_name) = lower(s.first_name)
              AND m.id = (SELECT m2.id FROM {person} m2 WHERE m2.company_id = s.company_id
                          AND m2.client_id = %(client)s
                          AND lower(m2.last_name) = lower(s.last_name) AND lower(m2.first_name) = lower(s.first_name)
                          ORDER BY m2.created_at, m2.id LIMIT 1)""")  # noqa: S608
    run("""UPDATE import_staging s SET person_id = t.person_id
           FROM (SELECT DISTINCT ON (person_key) person_key, person_id FROM import_staging
                 WHERE person_id IS NOT NULL ORDER BY person_key, row_number) t
           WHERE NOT s.suppressed AND s.person_key = t.person_key AND s.person_id IS DISTINCT FROM t.person_id""")
    _restricted_persons_skip(run, person)
    run("""UPDATE import_staging SET person_id = md5(%(job)s::text || person_key)::uuid, person_new = true
           WHERE person_key IS NOT NULL AND person_id IS NULL AND NOT suppressed""")
    person_first = """(SELECT DISTINCT ON (person_id) * FROM import_staging WHERE person_id IS NOT NULL
                       AND NOT person_new ORDER BY person_id, row_number)"""
    run(f"""INSERT INTO {difference} (assignment_id, import_job_id, company_id, person_id, field, value, created_at)
            SELECT %(assignment)s, %(job)s, NULL, c.id, v.field, left(v.new_value, 255), %(now)s
            FROM {person_first} s JOIN {person} c ON c.id = s.person_id
            CROSS JOIN LATERAL (VALUES
                ('first_name', lower(c.first_name), lower(s.first_name), s.first_name),
                ('last_name', lower(c.last_name), lower(s.last_name), s.last_name),
                ('job_title', lower(c.job_title), lower(s.job_title), s.job_title),
                ('email', c.email, s.email, s.email),
                ('phone', c.phone, s.person_phone, s.person_phone),
                ('company', c.company_id::text, s.company_id::text, s.name)
            ) AS v(field, old_key, new_key, new_value)
            WHERE c.verified_at >= %(cutoff)s AND v.old_key <> '' AND v.new_key <> ''
              AND v.old_key <> v.new_key""")  # noqa: S608
    # The values the update below replaces (an older, non-blank value by another): the
    # client's own corrections, offered to other clients' records under R-IMP-4's rule.
    cursor.execute(
        f"""SELECT c.id, c.client_id, c.company_id, c.first_name, c.last_name, v.field, v.old, v.new
            FROM {person_first} s JOIN {person} c ON c.id = s.person_id
            CROSS JOIN LATERAL (VALUES
                ('first_name', c.first_name, s.first_name), ('last_name', c.last_name, s.last_name),
                ('job_title', c.job_title, s.job_title), ('email', c.email, s.email),
                ('phone', c.phone, s.person_phone)
            ) AS v(field, old, new)
            WHERE c.verified_at < %(cutoff)s AND v.old <> '' AND v.new <> '' AND lower(v.old) <> lower(v.new)""",  # noqa: S608
        p,
    )
    corrections = [
        PersonCorrection(PersonIdentity(pk, client, company_id, first, last), field, old, new)
        for pk, client, company_id, first, last, field, old, new in cursor.fetchall()
    ]
    run(f"""UPDATE {person} c SET
              first_name = {pick("c.first_name", "s.first_name")},
              last_name = {pick("c.last_name", "s.last_name")},
              job_title = {pick("c.job_title", "s.job_title")},
              email = {pick("c.email", "s.email")},
              phone = {pick("c.phone", "s.person_phone")},
              company_id = CASE WHEN c.verified_at >= %(cutoff)s THEN c.company_id ELSE s.company_id END,
              verified_at = CASE WHEN s.kept_difference THEN c.verified_at ELSE %(now)s END
            FROM (SELECT f.*, d.person_id IS NOT NULL AS kept_difference FROM {person_first} f
                  LEFT JOIN (SELECT DISTINCT person_id FROM {difference} WHERE import_job_id = %(job)s) d
                  ON d.person_id = f.person_id) s
            WHERE c.id = s.person_id""")  # noqa: S608
    person_correction_share(corrections=corrections, now=now)
    run(f"""INSERT INTO {person} (id, client_id, company_id, first_name, last_name, job_title, email, phone,
                                 legal_basis, source, verified_at, created_at)
            SELECT DISTINCT ON (person_id) person_id, %(client)s, company_id, first_name, last_name, job_title, email,
                   person_phone, %(legal_basis)s, 'upload', %(now)s, %(now)s
            FROM import_staging WHERE person_new ORDER BY person_id, row_number""")  # noqa: S608
    progress(90)

    # --- Prospects and links ---------------------------------------------------------
    run(f"""INSERT INTO {prospect} (id, assignment_id, company_id, extra, status, created_at)
            SELECT gen_random_uuid(), %(assignment)s, company_id, extra, 'new', %(now)s
            FROM (SELECT DISTINCT ON (company_id) company_id, extra FROM import_staging
                  ORDER BY company_id, row_number) t
            ON CONFLICT (assignment_id, company_id) DO UPDATE SET extra = {prospect}.extra || EXCLUDED.extra
        """)  # noqa: S608
    run(f"""INSERT INTO {link} (prospect_id, person_id, created_at)
            SELECT DISTINCT p.id, s.person_id, %(now)s::timestamptz
            FROM import_staging s JOIN {prospect} p ON p.assignment_id = %(assignment)s AND p.company_id = s.company_id
            WHERE s.person_id IS NOT NULL AND NOT s.suppressed
            ON CONFLICT (prospect_id, person_id) DO NOTHING""")  # noqa: S608
    cursor.execute(
        f"""SELECT count(DISTINCT company_id) FILTER (WHERE company_new),
                  count(DISTINCT company_id) FILTER (WHERE NOT company_new),
                  count(DISTINCT person_id) FILTER (WHERE person_new),
                  count(DISTINCT person_id) FILTER (WHERE NOT person_new),
                  (SELECT count(DISTINCT person_id) FROM {difference} WHERE import_job_id = %(job)s),
                  count(*) FILTER (WHERE suppressed)
           FROM import_staging""",  # noqa: S608
        p,
    )
    companies_new, companies_matched, persons_new, persons_matched, conflicting, suppressed = cursor.fetchone()
    progress(99)
    return {
        "companies_new": companies_new,
        "companies_matched": companies_matched,
        "persons_new": persons_new,
        "persons_matched": persons_matched,
        "persons_conflicting": conflicting,
        "persons_suppressed": suppressed,
    }
