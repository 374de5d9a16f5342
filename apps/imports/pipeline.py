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
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.imports import xlsx
from apps.imports.files import KEPT_ROWS_SUFFIX, CellIssues, read_kept_rows, read_table
from apps.imports.mapping import EXTRA, FIELDS, IGNORE
from apps.imports.models import Difference, ImportIssue, ImportJob, IssueKind
from apps.privacy.models import SuppressionEntry
from apps.prospects import normalise
from apps.prospects.models import Company, Person, Prospect, ProspectPerson
from apps.prospects.services import PersonCorrection, PersonIdentity, person_correction_share

STAGING_COLUMNS = (
    "row_number", "node", "cluster", "cluster_kvk", "name", "name_normalised", "kvk", "street", "house_number",
    "address_key", "postcode", "city", "city_key", "country", "company_phone", "website", "website_domain",
    "industry", "employees", "first_name", "tussenvoegsel", "last_name", "surname_key", "job_title", "email",
    "person_phone", "has_person", "person_key", "email_hash", "phone_hash", "name_hash", "extra", "legal_form",
)  # fmt: skip

# The staging columns the matching's plans join and filter on (their statistics, from a
# sample of 3,000 rows: default_statistics_target 10).
STAGING_MATCHED_BY = (
    "company_id, company_new, cluster, cluster_kvk, kvk, website_domain, name_normalised, postcode, address_key, "
    "city_key, has_person, person_id, person_key, email, email_hash, phone_hash, name_hash, suppressed"
)

MAX_LENGTHS = {
    "company_name": 255, "street": 200, "house_number": 20, "city": 100, "website": 255, "industry": 150,
    "first_name": 100, "tussenvoegsel": 30, "last_name": 100, "job_title": 150, "email": 254,
}  # fmt: skip

COUNTRIES = {
    "nederland": "NL", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
    "belgie": "BE", "belgië": "BE", "belgium": "BE", "duitsland": "DE", "germany": "DE", "deutschland": "DE",
    "frankrijk": "FR", "france": "FR", "luxemburg": "LU", "luxembourg": "LU",
    "verenigd koninkrijk": "GB", "united kingdom": "GB",
}  # fmt: skip

CHUNK = 5000
# pg_advisory_xact_lock(MATCH_LOCK_CLASS, 0): one import at a time matches and writes the
# shared records (two-key advisory locks; the runner's per-job locks are class 15001).
MATCH_LOCK_CLASS = 15002
# The report keeps this many remarks on the job (the page and the API); all of them are
# `ImportIssue` rows, downloadable as one list (issue 12 #8).
ROW_ERRORS_SHOWN = 10000
# The reading's progress is written in steps of this many percent (issue 16 #1). The progress
# goes to the job's row from a connection of its own (services._Heartbeat), and every write
# is a new version of that row which the import's open transaction keeps from being pruned;
# the import's rows that name the job (its prospects) check their foreign key
# against it, walking every version: a write per percent, ~25 at 100k rows, cost those checks
# ~4 µs a row (a scratch table: 40 writes made 200,000 such checks 1.2 s slower).
PROGRESS_STEP = 5
logger = logging.getLogger(__name__)
# The import's phases and SQL steps with their seconds, at DEBUG (bench/import_xlsx.py prints them).
phase_logger = logging.getLogger("apps.imports.phases")


def phase(name: str, seconds: float) -> None:
    phase_logger.debug("%s\t%.3f", name, seconds)


# json.dumps(value, ensure_ascii=False) with the encoder made once: with any argument of its
# own, json.dumps builds a new encoder per call (a fifth of a second per 100k rows).
_json_text = json.JSONEncoder(ensure_ascii=False).encode

_COPY_ESCAPES = str.maketrans({"\x00": "", "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_COPY_SPECIAL = ("\x00", "\\", "\n", "\r")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):  # a str subclass too (it is never in `plain` below)
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _copy_line(number: int, row: tuple) -> str:
    """One line of COPY's text format, built by hand: much faster than a row at a time.
    The texts of the common row (no tab, backslash, line break or NUL) go as they are,
    checked once together; only a row with such a character is escaped value by value."""
    texts = [v if type(v) is str else _copy_text(v) for v in row]
    plain = "".join([v for v in row if type(v) is str])
    if "\t" in plain or any(c in plain for c in _COPY_SPECIAL):
        texts = [_copy_text(v) for v in row]
    return f"{number}\t" + "\t".join(texts) + "\n"


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


class ValueDropped(Exception):
    """One optional value cannot be used: the row comes in without it (R-IMP-8)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_PLAIN_EMAIL = re.compile(r"[a-z0-9._%+-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}")
_PHONE_PUNCTUATION = str.maketrans("", "", " -().\u00a0")
_NL_NATIONAL = re.compile(r"0([1-9][0-9]{8})")
_NL_LOST_ZERO = re.compile(r"[1-9][0-9]{8}")  # a spreadsheet number that lost its leading 0
_NL_INTERNATIONAL = re.compile(r"(?:\+|00)31([1-9][0-9]{8})")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*")
_RANGE = re.compile(r"[0-9.,]+\s*(?:-|–|—|tot|to|/)\s*[0-9.,]+|[<>≥≤+]\s*[0-9.,]+|[0-9.,]+\s*\+")


def _dutch_number_validator() -> Callable[[str], bool]:
    """`phonenumbers.is_valid_number` for a Dutch national significant number (nine digits),
    from the library's own metadata, compiled once: the import checks 100,000 numbers in well
    under a second this way (the library takes ~60 µs a number). Numbers it does not accept
    go to the library itself, so it can only be faster, never more lenient. The library's
    `_number_type_helper`'s test: the general description (its lengths and pattern), then
    each kind (its lengths and pattern). Valid is "some kind matches", so the order of the
    kinds does not change the answer: the common ones (fixed line, mobile) are tried first."""
    from phonenumbers.phonemetadata import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("NL")
    general = re.compile(metadata.general_desc.national_number_pattern)
    kinds = [
        (re.compile(desc.national_number_pattern), frozenset(desc.possible_length or ()))
        for desc in (
            metadata.fixed_line,
            metadata.mobile,
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
        )  # fmt: skip
        if desc is not None and desc.national_number_pattern
    ]

    general_lengths = frozenset(metadata.general_desc.possible_length or ())

    def valid(nsn: str) -> bool:
        if general_lengths and len(nsn) not in general_lengths:
            return False
        return general.fullmatch(nsn) is not None and any(
            pattern.fullmatch(nsn) is not None and (not lengths or len(nsn) in lengths) for pattern, lengths in kinds
        )

    return valid


_dutch_valid = _dutch_number_validator()


def _phone(value: str, field: str) -> str:
    """E.164, as normalise.phone gives it, of a valid number (`phonenumbers.is_valid_number`:
    "12345" is none); the common Dutch forms take a fast path, the rest goes to the library."""
    if not value:
        return ""
    digits = value.translate(_PHONE_PUNCTUATION)
    match = _NL_NATIONAL.fullmatch(digits) or _NL_INTERNATIONAL.fullmatch(digits)
    nsn = match.group(1) if match else digits if _NL_LOST_ZERO.fullmatch(digits) else ""
    if nsn:
        # A Dutch national significant number of nine digits (a spreadsheet number that lost
        # its 0 read as the Dutch number it was): the library parses each of these forms to
        # exactly these digits, and its verdict is `_dutch_valid`'s, invalid ones included
        # (tests/imports/test_fast_paths.py holds the two side by side).
        if _dutch_valid(nsn):
            return "+31" + nsn
        raise ValueDropped(field, _("not a valid phone number"))
    try:
        return normalise.phone(value)
    except ValueError as exc:
        raise ValueDropped(field, _("not a valid phone number")) from exc


def _employees(value: str) -> int | None:
    """A whole number: "1200", "1.200" and "1,200" (a thousands separator) are 1200; a range
    ("10-50"), "100+" or a fraction is no number of employees and is left out with a warning."""
    text = value.replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.isdigit() and len(text) <= 9:
        return int(text)
    if _THOUSANDS.fullmatch(text) and len(text) <= 11:  # up to 999,999,999
        return int(text.replace(".", "").replace(",", ""))
    if _RANGE.fullmatch(value.strip()):
        raise ValueDropped("employees", _("a range, not one number"))
    raise ValueDropped("employees", _("not a whole number"))


def _collapse(value: str) -> str:
    return " ".join(value.split()) if "  " in value or "\n" in value or "\t" in value else value


def _prepare(
    values: dict[str, str], extra: dict[str, str], hasher: Callable[[str, str], str]
) -> tuple[tuple, list[ValueDropped], str | None, list[tuple[str, str]]]:
    """One row, normalised, as a staging tuple (without its node); the values left out
    (R-IMP-8: the row stays, the value goes, each reported with its column); a remark about
    the row; and its company's matching keys (kind, key) for the clustering of the file.

    A row is rejected (RowRejected) only when its company cannot be identified: no name, or
    one too long to be a name. Reasons name the column and the problem, never the value (R-DEL-1).
    """
    dropped: list[ValueDropped] = []

    def keep(field: str, check: Callable[[str], Any], default: Any = "") -> Any:
        value = values.get(field, "")
        if not value:
            return default
        try:
            return check(value)
        except ValueDropped as exc:
            dropped.append(exc)
        except ValueError:
            dropped.append(ValueDropped(field, str(_INVALID.get(field, _("not a valid value")))))
        return default

    name = values.get("company_name", "")
    if not name:
        raise RowRejected(_("Company name is empty."))
    if len(name) > MAX_LENGTHS["company_name"]:
        raise RowRejected(_("Company name: longer than %(limit)d characters.") % {"limit": MAX_LENGTHS["company_name"]})
    for field, limit in MAX_LENGTHS.items():
        if field != "company_name" and len(values.get(field, "")) > limit:
            dropped.append(ValueDropped(field, _("longer than %(limit)d characters") % {"limit": limit}))
            values[field] = ""
    name_key_company = normalise.company_name(name)
    name_normalised = name_key_company or name.lower()
    kvk = keep("kvk_number", _kvk)
    country = keep("country", _country)
    postcode = keep("postcode", lambda v: normalise.postcode(v, country or "NL"))
    company_phone = keep("company_phone", lambda v: _phone(v, "company_phone"))
    person_phone = keep("person_phone", lambda v: _phone(v, "person_phone"))
    domain = keep("website", _domain)
    website = values.get("website", "") if domain else ""
    employees = keep("employees", _employees, None)
    email = keep("email", _email)
    first_name = _collapse(values.get("first_name", ""))
    tussenvoegsel = _collapse(values.get("tussenvoegsel", ""))
    last_name = _collapse(values.get("last_name", ""))
    job_title = values.get("job_title", "")
    has_person = bool(last_name or email)
    warning = None
    if not has_person and (first_name or tussenvoegsel or job_title or person_phone or values.get("email")):
        warning = _("Contact person left out: a last name or an email address is needed. The company was imported.")
    street, house_number, city = values.get("street", ""), values.get("house_number", ""), values.get("city", "")
    address_key = _NOT_ALNUM.sub("", f"{street}{house_number}".lower()) if street else ""
    city_key = _NOT_ALNUM.sub("", city.lower())
    # The keys by which rows of one company find each other and the shared record (R-IMP-3,
    # issue 12 #1): every key the row has. The name alone only when it has no other.
    keys: list[tuple[str, str]] = []
    if kvk:
        keys.append(("kvk", f"k:{kvk}"))
    if domain:
        keys.append(("domain", f"d:{domain}"))
    if postcode:
        keys.append(("name_postcode", f"p:{name_normalised}|{postcode}"))
    if address_key and city_key:
        keys.append(("name_address", f"a:{name_normalised}|{city_key}|{address_key}"))
    if not keys:
        keys.append(("name", f"n:{name_normalised}"))
    surname = " ".join(f"{tussenvoegsel} {last_name}".lower().split())
    hashes = ("", "", "")
    # Rows naming the same person become one person: same email, else (set in SQL, once the
    # rows' companies are known) the same name at the same company.
    person_key = None
    if has_person:
        person_key = f"e:{email}" if email else None
        hashes = (
            hasher("email", email),
            hasher("phone", person_phone),
            # hashing.name_key(first_name, last_name, name), the tussenvoegsel with the last
            # name as a file with one column for both has it, without normalising the name twice
            hasher("name_company", _name_key(first_name, surname, name_key_company)),
        )
    row = (
        name, name_normalised, kvk, street, house_number, address_key, postcode, city, city_key, country,
        company_phone, website, domain, values.get("industry", ""), employees,
        first_name if has_person else "", tussenvoegsel if has_person else "", last_name if has_person else "",
        surname if has_person else "", job_title if has_person else "", email,
        person_phone if has_person else "", has_person, person_key, *hashes,
        _json_text(extra) if extra else "{}", normalise.legal_form(values.get("legal_form", "")),
    )  # fmt: skip
    return row, dropped, warning, keys


def _kvk(value: str) -> str:
    """Eight digits; seven lost their leading zero; fewer are an error (`normalise.kvk`)."""
    try:
        return normalise.kvk(value)
    except ValueError as exc:
        raise ValueDropped("kvk_number", _("not a KvK number (8 digits)")) from exc


def _country(value: str) -> str:
    if not value:
        return ""
    country = COUNTRIES.get(value.lower(), value.upper())
    if len(country) != 2 or not country.isalpha():
        raise ValueDropped("country", _("use a two-letter country code such as NL"))
    return country


_PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+")


def _domain(website: str) -> str:
    # A bare host name ("www.Bakker.nl", most files) is its own domain: what
    # `normalise.website_domain` makes of it without taking it apart as a URL.
    domain = (
        website.lower().removeprefix("www.") if _PLAIN_HOST.fullmatch(website) else normalise.website_domain(website)
    )
    if website and ("." not in domain or " " in domain):
        raise ValueDropped("website", _("not a web address"))
    return domain


def _email(value: str) -> str:
    email = value.strip().lower()
    if email and not _PLAIN_EMAIL.fullmatch(email):  # the common form is surely valid; others get the full check
        try:
            email = normalise.email(email)
        except ValueError as exc:
            raise ValueDropped("email", _("not an email address")) from exc
    return email


_INVALID = {
    "kvk_number": gettext_lazy("not a KvK number (8 digits)"),
    "postcode": gettext_lazy("not a Dutch postcode (1234 AB)"),
    "website": gettext_lazy("not a web address"),
}


class _Clusters:
    """The companies of one file (issue 12 #1): rows that share any key (KvK, website domain,
    name + postcode, name + street + city; the name alone for rows without another key) are one
    company, but two KvK numbers never go into one. Union-find over the rows as they are read;
    `merged` counts the joins per key, which the report gives as "rows merged, and why"."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.kvk: list[str] = []
        self.by_key: dict[str, int] = {}
        self.merged: Counter[str] = Counter()

    def add(self, keys: list[tuple[str, str]], kvk: str) -> int:
        node = len(self.parent)
        self.parent.append(node)
        self.kvk.append(kvk)
        for kind, key in keys:
            other = self.by_key.setdefault(key, node)
            if other != node and self._union(node, other):
                self.merged[kind] += 1
        return node

    def root(self, node: int) -> int:
        parent = self.parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def _union(self, a: int, b: int) -> bool:
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return False
        ka, kb = self.kvk[ra], self.kvk[rb]
        if ka and kb and ka != kb:
            return False
        if rb < ra:  # the root is the company's first row
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.kvk[ra] = ka or kb
        return True

    def moved(self) -> Iterator[tuple[int, int]]:
        """(node, root) of every row that is not its company's first."""
        for node in range(len(self.parent)):
            root = self.root(node)
            if root != node:
                yield node, root


def _surname(alias: str) -> str:
    """A person's surname as matched, in SQL: tussenvoegsel and last name, lower case ("van der berg")."""
    return f"lower(concat_ws(' ', nullif({alias}.tussenvoegsel, ''), {alias}.last_name))"


def _column_label(index: int, field: str) -> str:
    """Our field and the file's column letter, "Number of employees (column E)"; never the
    file's header text (which may hold a name, and is redacted on `ImportJob.headers`)."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return _("%(field)s (column %(letter)s)") % {"field": FIELDS[field], "letter": letters}


def _cell_issues(issues: CellIssues, headers: list[str], used: set[int]) -> tuple[list[str], str | None]:
    """Warnings, and the reason to reject the row, for cells the reader could not take as they
    came (R-IMP-6, R-IMP-8): a formula's cached value is used with a warning; a formula
    without one, or an error value, rejects the row. Columns left out are not reported."""
    warnings: list[str] = []
    reasons: list[str] = []
    for index, (kind, detail) in sorted(issues.items()):
        if kind == "beyond":
            warnings.append(_("Cells beyond the last column were not imported."))
            continue
        if index not in used:
            continue
        column = headers[index]
        if kind == xlsx.FORMULA:
            warnings.append(_("%(column)s: a formula; its calculated value was imported.") % {"column": column})
        elif kind == xlsx.FORMULA_EMPTY:
            reasons.append(_("%(column)s: a formula without a calculated value.") % {"column": column})
        elif kind == xlsx.ERROR:
            reasons.append(
                _("%(column)s: an error value (%(error)s) instead of a value.") % {"column": column, "error": detail}
            )
    return warnings, " ".join(reasons) or None


def _extra_not_kept(first_row: int) -> str:
    return _("Own columns: this company's values from row %(row)d were kept; this row's were not imported.") % {
        "row": first_row
    }


def _extra_not_kept_rows(cursor: Any) -> list[tuple[int, int | None, str, str]]:
    """One prospect per company: its own columns come from the company's first row. A later
    row of the same company (merged by any key) with other values in those columns is
    reported, not dropped silently (R-IMP-8)."""
    cursor.execute(
        """SELECT s.row_number, f.row_number
           FROM import_staging s
           JOIN (SELECT DISTINCT ON (company_id) company_id, row_number, extra FROM import_staging
                 WHERE company_id IS NOT NULL ORDER BY company_id, row_number) f ON f.company_id = s.company_id
           WHERE s.row_number <> f.row_number AND s.extra <> '{}'::jsonb AND s.extra IS DISTINCT FROM f.extra
           ORDER BY s.row_number"""
    )
    return [(number, None, IssueKind.WARNING, _extra_not_kept(first)) for number, first in cursor.fetchall()]


def run_pipeline(*, job: ImportJob, path: Path, now: dt.datetime, progress: Callable[[int], None]) -> dict[str, Any]:
    started = time.perf_counter()
    # The rows the check read and kept, else the file read again (a ragged file, or a job
    # checked before the check kept its rows).
    table = read_kept_rows(path.with_name(path.name + KEPT_ROWS_SUFFIX), job.layout) or read_table(
        path, job.file_format, job.layout
    )
    phase("open the sheet", time.perf_counter() - started)
    columns = {int(index): target for index, target in job.mapping.items()}
    fields = [(i, t) for i, t in sorted(columns.items()) if t in FIELDS]
    field_column = {t: i for i, t in fields}
    labels = {t: _column_label(i, t) for i, t in fields}
    extras = [(i, table.headers[i]) for i, t in sorted(columns.items()) if t == EXTRA]
    used = {i for i, t in columns.items() if t != IGNORE}
    # (row, column, kind, reason); rows above the header row are said, not silently skipped.
    issues: list[tuple[int, int | None, str, str]] = [
        (number, None, IssueKind.WARNING, _("Above the header row: not imported.")) for number in table.above_header
    ]
    rows_read = rejected = dropped_count = 0
    hasher = _keyed_hasher()
    clusters = _Clusters()
    progress(shown := 5)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_staging")
        cursor.execute(
            """CREATE TEMP TABLE import_staging (
                row_number int, node int, cluster int, cluster_kvk text NOT NULL DEFAULT '', name text,
                name_normalised text, kvk text, street text, house_number text, address_key text, postcode text,
                city text, city_key text, country text, company_phone text, website text, website_domain text,
                industry text, employees int, first_name text, tussenvoegsel text, last_name text, surname_key text,
                job_title text, email text, person_phone text, has_person bool, email_hash text, phone_hash text,
                name_hash text, extra jsonb, company_id uuid, company_new bool NOT NULL DEFAULT false,
                company_match text, person_id uuid, person_key text,
                suppressed bool NOT NULL DEFAULT false, legal_form text NOT NULL DEFAULT ''
            ) ON COMMIT DROP"""
        )
        lines: list[str] = []
        read_seconds = copy_seconds = 0.0
        rows = iter(table.rows)
        loop_started = time.perf_counter()
        with cursor.copy(f"COPY import_staging ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            while True:
                mark = time.perf_counter()
                item = next(rows, None)
                read_seconds += time.perf_counter() - mark
                if item is None:
                    break
                number, cells, cell_issues = item
                rows_read += 1
                if cell_issues:  # formulas and error values (R-IMP-6)
                    cell_warnings, reason = _cell_issues(cell_issues, table.headers, used)
                    if reason:
                        rejected += 1
                        issues.append((number, None, IssueKind.ERROR, reason))
                        continue
                    issues.extend((number, None, IssueKind.WARNING, w) for w in cell_warnings)
                values = {t: cells[i] for i, t in fields}
                extra = {h: cells[i] for i, h in extras if cells[i]}
                try:
                    row, dropped, warning, keys = _prepare(values, extra, hasher)
                except RowRejected as exc:
                    rejected += 1
                    issues.append((number, None, IssueKind.ERROR, str(exc)))
                    continue
                for value in dropped:
                    dropped_count += 1
                    issues.append(
                        (
                            number,
                            field_column.get(value.field),
                            IssueKind.WARNING,
                            _("%(column)s: %(problem)s; the value was left out.")
                            % {"column": labels.get(value.field, FIELDS.get(value.field, "")), "problem": value},
                        )
                    )
                if warning:
                    issues.append((number, None, IssueKind.WARNING, warning))
                node = clusters.add(keys, row[2])
                # Each row starts as its own company (cluster = node) with its own KvK number.
                lines.append(_copy_line(number, (node, node, row[2], *row)))
                if len(lines) == CHUNK:
                    mark = time.perf_counter()
                    copy.write("".join(lines))
                    copy_seconds += time.perf_counter() - mark
                    lines.clear()
                    # In steps of PROGRESS_STEP percent: each write is a new version of the job's
                    # row, which the rows below that name the job check their key against.
                    percent = min(60, 5 + rows_read * 55 // max(settings.IMPORT_MAX_ROWS // 2, 1))
                    if percent // PROGRESS_STEP != shown // PROGRESS_STEP:
                        shown = percent
                        progress(percent)
            mark = time.perf_counter()
            copy.write("".join(lines))
        copy_seconds += time.perf_counter() - mark
        loop_seconds = time.perf_counter() - loop_started
        phase("read the rows (calamine, cell texts)", read_seconds)
        phase("normalise, check and cluster the rows", loop_seconds - read_seconds - copy_seconds)
        phase("staging COPY", copy_seconds)
        progress(60)
        mark = time.perf_counter()
        merged = _cluster(cursor, clusters)
        phase("cluster the file's companies (SQL)", time.perf_counter() - mark)
        counts = _match_and_write(cursor, job=job, now=now, progress=progress, merged=merged)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # the caller's transaction as it was
        mark = time.perf_counter()
        issues.extend(_extra_not_kept_rows(cursor))
        cursor.execute("DROP TABLE IF EXISTS import_staging")
        _issues_write(cursor, job, issues)
        phase("remarks written (COPY)", time.perf_counter() - mark)
    _add_extra_columns(job, [h for _i, h in extras])
    counts["merges"]["file"] = dict(clusters.merged)
    return {
        "rows_read": rows_read,
        "rows_rejected": rejected,
        "row_errors": [[number, reason] for number, _column, _kind, reason in issues[:ROW_ERRORS_SHOWN]],
        "issues_total": len(issues),
        "values_dropped": dropped_count,
        **counts,
    }


def _cluster(cursor: Any, clusters: _Clusters) -> bool:
    """Every row gets its company's first row as `cluster` (the file's own merging). Returns
    whether any company of the file has more than one row."""
    moved = 0
    cursor.execute("CREATE TEMP TABLE import_cluster (node int PRIMARY KEY, root int) ON COMMIT DROP")
    with cursor.copy("COPY import_cluster (node, root) FROM STDIN") as copy:
        batch: list[str] = []
        for node, root in clusters.moved():
            moved += 1
            batch.append(f"{node}\t{root}\n")
            if len(batch) == CHUNK:
                copy.write("".join(batch))
                batch.clear()
        copy.write("".join(batch))
    if moved:
        cursor.execute("UPDATE import_staging s SET cluster = m.root FROM import_cluster m WHERE s.node = m.node")
    cursor.execute("DROP TABLE import_cluster")
    # A row with nothing but the name joins the file's company of that name when the file
    # has exactly one (with a postcode, a website, …); with several, the name alone cannot say.
    name_only = "s.kvk = '' AND s.website_domain = '' AND s.postcode = '' AND (s.address_key = '' OR s.city_key = '')"
    only_one = f"""(SELECT s.name_normalised, min(s.cluster) AS cluster FROM import_staging s WHERE NOT ({name_only})
                    GROUP BY s.name_normalised HAVING count(DISTINCT s.cluster) = 1)"""  # noqa: S608
    cursor.execute(
        f"""SELECT count(DISTINCT s.cluster) FROM import_staging s JOIN {only_one} t
            ON t.name_normalised = s.name_normalised WHERE {name_only}"""  # noqa: S608
    )
    if joined := cursor.fetchone()[0]:
        clusters.merged["name"] += joined
        moved += joined
        cursor.execute(
            f"""UPDATE import_staging s SET cluster = t.cluster FROM {only_one} t
                WHERE t.name_normalised = s.name_normalised AND {name_only}"""  # noqa: S608
        )
    # Rows of a company without a KvK number of their own carry their company's (one at most).
    cursor.execute(
        """UPDATE import_staging s SET cluster_kvk = t.kvk
           FROM (SELECT cluster, max(kvk) AS kvk FROM import_staging GROUP BY cluster HAVING max(kvk) <> '') t
           WHERE s.kvk = '' AND s.cluster = t.cluster"""
    )
    return moved > 0


def _issues_write(cursor: Any, job: ImportJob, issues: list[tuple[int, int | None, str, str]]) -> None:
    """All remarks, however many, for the report's download (issue 12 #8); COPY, in the
    import's transaction (a failed import leaves none)."""
    ImportIssue.objects.filter(job=job).delete()  # a run after a lost one starts afresh
    table = ImportIssue._meta.db_table
    with cursor.copy(f'COPY {table} (job_id, row_number, "column", kind, reason) FROM STDIN') as copy:  # noqa: S608
        for start in range(0, len(issues), CHUNK):
            copy.write(
                "".join(
                    _copy_line(job.pk, (number, column, str(kind), reason[:300]))
                    for number, column, kind, reason in issues[start : start + CHUNK]
                )
            )


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


def _match_and_write(
    cursor: Any, *, job: ImportJob, now: dt.datetime, progress: Callable[[int], None], merged: bool
) -> dict:
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
        phase("sql: " + " ".join(sql.split())[:70], time.perf_counter() - started)
        return cursor.rowcount

    # The matching and writing of shared records is one at a time across imports (a
    # transaction-level advisory lock, released at commit): two imports at once would both
    # miss the company the other is creating and make it twice, or collide on its KvK number.
    # Reading the file and staging it above run in parallel.
    cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [MATCH_LOCK_CLASS])
    # The foreign keys of the rows written below are checked at the end of each statement
    # that writes them (issue 16 #1), while those rows and the rows they name are still in
    # memory, not all together at COMMIT, when ~a million queued checks re-read them from
    # disk. The same checks, sooner: a wrong key still fails the import, which rolls back.
    # Measured back to back at 100,000 rows: 13–20 s (statements and commit) against 18–29 s.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # The sorts and hashes below over the file's rows in memory, not in batches on disk
    # (the default 4 MB spills at ~20,000 rows); until the import's transaction ends.
    cursor.execute("SET LOCAL work_mem = '64MB'")

    # Every row of one company (cluster) goes with the company its first matched row found;
    # nothing to do where every company of the file has one row.
    def propagate() -> None:
        if merged:
            run("""UPDATE import_staging s SET company_id = t.company_id, company_match = t.company_match
                   FROM (SELECT DISTINCT ON (cluster) cluster, company_id, company_match FROM import_staging
                         WHERE company_id IS NOT NULL ORDER BY cluster, row_number) t
                   WHERE s.cluster = t.cluster AND s.company_id IS DISTINCT FROM t.company_id""")

    if merged:
        cursor.execute("CREATE INDEX ON import_staging (cluster)")
    # A temp table has no statistics until told; only the columns the plans below join and
    # filter on, from a small sample (all ~40 columns of 100,000 rows at the default
    # target took 0.75 s, twice).
    cursor.execute("SET LOCAL default_statistics_target = 10")
    cursor.execute(f"ANALYZE import_staging ({STAGING_MATCHED_BY})")
    # --- Companies (R-IMP-3, issue 12 #1): every key a row has, strongest first; a weaker key
    # never joins two different KvK numbers (the company's, from any of its rows).
    # Probing the shared table's indexes, row by row, is what a file small next to it needs
    # (10,000 rows against 1,000,000 companies: 0.05 s a key instead of 0.25 s a key for
    # reading the whole table); the planner sees that with the cost of an SSD's random read.
    cursor.execute("SET LOCAL random_page_cost = 1.1")
    if run(f"""UPDATE import_staging s SET company_id = c.id, company_match = 'kvk' FROM {company} c
               WHERE s.kvk <> '' AND c.kvk_number = s.kvk"""):  # noqa: S608
        propagate()
    if run(f"""UPDATE import_staging s SET company_id = m.id, company_match = 'domain'
            FROM (SELECT DISTINCT ON (c.website_domain) c.website_domain, c.id, c.kvk_number FROM {company} c
                  WHERE c.website_domain <> '' AND c.website_domain IN (
                      SELECT website_domain FROM import_staging WHERE company_id IS NULL AND website_domain <> '')
                  ORDER BY c.website_domain, c.created_at, c.id) m
            WHERE s.company_id IS NULL AND s.website_domain = m.website_domain
              AND (s.cluster_kvk = '' OR m.kvk_number = '')"""):  # noqa: S608
        propagate()
    if run(f"""UPDATE import_staging s SET company_id = m.id, company_match = 'name_postcode'
            FROM (SELECT DISTINCT ON (c.name_normalised, c.postcode) c.name_normalised, c.postcode, c.id, c.kvk_number
                  FROM {company} c
                  WHERE (c.name_normalised, c.postcode) IN (
                      SELECT name_normalised, postcode FROM import_staging WHERE company_id IS NULL AND postcode <> '')
                  ORDER BY c.name_normalised, c.postcode, c.created_at, c.id) m
            WHERE s.company_id IS NULL AND s.postcode <> '' AND s.name_normalised = m.name_normalised
              AND s.postcode = m.postcode AND (s.cluster_kvk = '' OR m.kvk_number = '')"""):  # noqa: S608
        propagate()
    # Name + street + city: the address spelled either way ("Hoofdstraat 1" or street and
    # number apart) and without case or punctuation; a differing postcode is another branch.
    if run(f"""UPDATE import_staging s SET company_id = m.id, company_match = 'name_address'
            FROM (SELECT DISTINCT ON (c.name_normalised, k.city_key, k.address_key)
                         c.name_normalised, k.city_key, k.address_key, c.id, c.kvk_number, c.postcode
                  FROM {company} c
                  CROSS JOIN LATERAL (SELECT regexp_replace(lower(c.city), '[^a-z0-9]+', '', 'g') AS city_key,
                      regexp_replace(lower(c.street || c.house_number), '[^a-z0-9]+', '', 'g') AS address_key) k
                  WHERE c.street <> '' AND c.name_normalised IN (
                      SELECT name_normalised FROM import_staging
                      WHERE company_id IS NULL AND address_key <> '' AND city_key <> '')
                  ORDER BY c.name_normalised, k.city_key, k.address_key, c.created_at, c.id) m
            WHERE s.company_id IS NULL AND s.address_key <> '' AND s.name_normalised = m.name_normalised
              AND s.city_key = m.city_key AND s.address_key = m.address_key
              AND (s.cluster_kvk = '' OR m.kvk_number = '')
              AND (s.postcode = '' OR m.postcode = '' OR s.postcode = m.postcode)"""):  # noqa: S608
        propagate()
    # The name alone, only among the companies already in this assignment (never a second
    # record of the client's own company; too weak a key for the shared records), unless a
    # KvK number, postcode, website or city says it is another.
    if run(f"""UPDATE import_staging s SET company_id = m.id, company_match = 'name'
            FROM (SELECT DISTINCT ON (u.node) u.node, c.id
                  FROM import_staging u JOIN {company} c ON c.name_normalised = u.name_normalised
                  JOIN {prospect} pr ON pr.company_id = c.id AND pr.assignment_id = %(assignment)s
                  WHERE u.company_id IS NULL
                    AND (u.cluster_kvk = '' OR c.kvk_number = '')
                    AND (u.postcode = '' OR c.postcode = '' OR u.postcode = c.postcode)
                    AND (u.website_domain = '' OR c.website_domain = '' OR u.website_domain = c.website_domain)
                    AND (u.city_key = '' OR c.city = ''
                         OR u.city_key = regexp_replace(lower(c.city), '[^a-z0-9]+', '', 'g'))
                  ORDER BY u.node, pr.created_at, c.id) m
            WHERE s.node = m.node"""):  # noqa: S608
        propagate()
    # New ids derived from the cluster (not gen_random_uuid(), which a nested loop would
    # evaluate once per row): every row of one company gets the same new company.
    run("""UPDATE import_staging SET company_id = md5(%(job)s::text || cluster::text)::uuid, company_new = true
           WHERE company_id IS NULL""")
    progress(70)

    # One line per company: its first row, its blanks filled from its other rows in file
    # order (the rows of one company may each have a part: the website on one, the postcode
    # on another); a street with its number and a website with its domain come as a pair.
    run("""CREATE TEMP TABLE import_company ON COMMIT DROP AS
           SELECT DISTINCT ON (company_id) company_id, company_new, row_number, name, name_normalised, kvk, street,
                  house_number, postcode, city, country, company_phone, website, website_domain, industry, employees
           FROM import_staging ORDER BY company_id, row_number""")
    first_filled = "(array_agg({0} ORDER BY row_number) FILTER (WHERE {1} <> ''))[1]"
    parts = {
        "kvk": "kvk", "street": "street", "house_number": "street", "postcode": "postcode", "city": "city",
        "country": "country", "company_phone": "company_phone", "website": "website_domain",
        "website_domain": "website_domain", "industry": "industry",
    }  # fmt: skip
    fills = ", ".join(f"{c} = CASE WHEN f.{k} = '' THEN coalesce(a.{c}, '') ELSE f.{c} END" for c, k in parts.items())
    run(f"""UPDATE import_company f SET
              {fills},
              employees = coalesce(f.employees, a.employees)
            FROM (SELECT company_id, {", ".join(f"{first_filled.format(c, k)} AS {c}" for c, k in parts.items())},
                         (array_agg(employees ORDER BY row_number) FILTER (WHERE employees IS NOT NULL))[1] AS employees
                  FROM import_staging WHERE company_id IN (
                      SELECT company_id FROM import_staging GROUP BY company_id HAVING count(*) > 1)
                  GROUP BY company_id) a
            WHERE f.company_id = a.company_id""")  # noqa: S608
    # Differences first (before the values change), then fill / replace, then the new ones.
    company_first = "(SELECT * FROM import_company WHERE NOT company_new)"
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

    def surname_pick(shared: str, uploaded: str) -> str:
        """The last name and its tussenvoegsel go as one: kept when the file has no last name
        or the same surname either way, else as `pick` (a blank is filled, an old one replaced)."""
        return f"""CASE WHEN s.last_name = '' OR s.surname_key = {_surname("c")} THEN {shared}
                   WHEN c.last_name = '' THEN {uploaded}
                   WHEN c.verified_at >= %(cutoff)s THEN {shared} ELSE {uploaded} END"""

    name_same = "s.name_normalised = c.name_normalised"
    web_same = "s.website_domain = c.website_domain"
    company_values = {
        "name": pick("c.name", "s.name", name_same),
        "name_normalised": pick("c.name_normalised", "s.name_normalised", name_same),
        "kvk_number": "CASE WHEN c.kvk_number = '' THEN s.kvk ELSE c.kvk_number END",
        "street": pick("c.street", "s.street"),
        "house_number": pick("c.house_number", "s.house_number"),
        "postcode": pick("c.postcode", "s.postcode"),
        "city": pick("c.city", "s.city"),
        "country": """CASE WHEN s.country = '' THEN c.country WHEN c.verified_at >= %(cutoff)s THEN c.country
                      ELSE s.country END""",
        "phone": pick("c.phone", "s.company_phone"),
        "website": pick("c.website", "s.website", web_same),
        "website_domain": pick("c.website_domain", "s.website_domain", web_same),
        "industry": pick("c.industry", "s.industry"),
        "employees": """CASE WHEN s.employees IS NULL THEN c.employees WHEN c.employees IS NULL THEN s.employees
                        WHEN c.verified_at >= %(cutoff)s THEN c.employees ELSE s.employees END""",
        "verified_at": "CASE WHEN s.kept_difference THEN c.verified_at ELSE %(now)s END",
    }
    # Only the companies this changes: one whose values all stay and whose verification
    # stays (a recently verified company with differences kept) is not written again.
    run(f"""UPDATE {company} c SET
              {", ".join(f"{column} = {value}" for column, value in company_values.items())},
              updated_at = %(now)s
            FROM (SELECT f.*, d.company_id IS NOT NULL AS kept_difference FROM {company_first} f
                  LEFT JOIN (SELECT DISTINCT company_id FROM {difference} WHERE import_job_id = %(job)s) d
                  ON d.company_id = f.company_id) s
            WHERE c.id = s.company_id
              AND ({", ".join(f"c.{column}" for column in company_values)})
                  IS DISTINCT FROM ({", ".join(company_values.values())})""")  # noqa: S608
    # The differences and the update above read the file's matched companies by their key,
    # as the matching did; not the half of the shared table verified recently (a hash of
    # 500,000 companies for 50,000 lookups).
    cursor.execute("SET LOCAL random_page_cost TO DEFAULT")
    run(f"""INSERT INTO {company} (id, name, name_normalised, kvk_number, street, house_number, postcode, city,
                                  country, phone, website, website_domain, industry, employees, status, verified_at,
                                  created_at, updated_at)
            SELECT company_id, name, name_normalised, kvk, street, house_number, postcode,
                   city, coalesce(nullif(country, ''), 'NL'), company_phone, website, website_domain, industry,
                   employees, 'active', %(now)s, %(now)s, %(now)s
            FROM import_company WHERE company_new""")  # noqa: S608
    cursor.execute("DROP TABLE import_company")
    _legal_forms_write(run, company)
    progress(80)

    # --- Persons (R-IMP-4, R-IMP-5) --------------------------------------------------
    cursor.execute(f"ANALYZE import_staging ({STAGING_MATCHED_BY})")
    # As joins (the list is small next to a file): three hash joins, not three probes a row.
    run(f"""UPDATE import_staging s SET suppressed = true
            FROM (SELECT u.row_number FROM import_staging u JOIN {suppression} e ON e.email_hash = u.email_hash
                  WHERE u.email_hash <> ''
                  UNION SELECT u.row_number FROM import_staging u JOIN {suppression} e ON e.phone_hash = u.phone_hash
                  WHERE u.phone_hash <> ''
                  UNION SELECT u.row_number FROM import_staging u
                  JOIN {suppression} e ON e.name_company_hash = u.name_hash WHERE u.name_hash <> '') m
            WHERE s.has_person AND s.row_number = m.row_number""")  # noqa: S608
    # Rows naming one person without an email: the same name at the same company (of the file).
    run("""UPDATE import_staging SET person_key = 'n:' || cluster || '|' || lower(first_name) || '|' || surname_key
           WHERE has_person AND person_key IS NULL""")
    run(f"""UPDATE import_staging s SET person_id = m.id
            FROM (SELECT DISTINCT ON (email) email, id FROM {person}
                  WHERE client_id = %(client)s AND email <> ''
                    AND email IN (SELECT email FROM import_staging WHERE email <> '')
                  ORDER BY email, created_at, id) m
            WHERE s.has_person AND NOT s.suppressed AND s.email <> '' AND s.email = m.email""")  # noqa: S608
    # By name within the company: first name, and the last name with its tussenvoegsel
    # ("van der Berg" in one column matches "van der" + "Berg" in two).
    run(f"""UPDATE import_staging s SET person_id = m.id
            FROM {person} m
            WHERE s.has_person AND NOT s.suppressed AND s.person_id IS NULL AND s.last_name <> ''
              AND NOT s.company_new AND m.company_id = s.company_id AND m.client_id = %(client)s
              AND {_surname("m")} = s.surname_key AND lower(m.first_name) = lower(s.first_name)
              AND m.id = (SELECT m2.id FROM {person} m2 WHERE m2.company_id = s.company_id
                          AND m2.client_id = %(client)s
                          AND {_surname("m2")} = s.surname_key AND lower(m2.first_name) = lower(s.first_name)
                          ORDER BY m2.created_at, m2.id LIMIT 1)""")  # noqa: S608
    run("""UPDATE import_staging s SET person_id = t.person_id
           FROM (SELECT DISTINCT ON (person_key) person_key, person_id FROM import_staging
                 WHERE person_id IS NOT NULL ORDER BY person_key, row_number) t
           WHERE NOT s.suppressed AND s.person_key = t.person_key AND s.person_id IS DISTINCT FROM t.person_id""")
    _restricted_persons_skip(run, person)
    # A row naming a person and matched to none makes a new one, its id derived from the
    # person's key (every row naming that person gets the same); `person_id` stays NULL on
    # those rows rather than being written into each of them.
    new_person = "(person_id IS NULL AND person_key IS NOT NULL AND NOT suppressed)"
    new_person_id = "md5(%(job)s::text || person_key)::uuid"
    person_first = """(SELECT DISTINCT ON (person_id) * FROM import_staging WHERE person_id IS NOT NULL
                       ORDER BY person_id, row_number)"""
    run(f"""INSERT INTO {difference} (assignment_id, import_job_id, company_id, person_id, field, value, created_at)
            SELECT %(assignment)s, %(job)s, NULL, c.id, v.field, left(v.new_value, 255), %(now)s
            FROM {person_first} s JOIN {person} c ON c.id = s.person_id
            CROSS JOIN LATERAL (VALUES
                ('first_name', lower(c.first_name), lower(s.first_name), s.first_name),
                ('last_name', {_surname("c")}, s.surname_key, concat_ws(' ', nullif(s.tussenvoegsel, ''), s.last_name)),
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
        f"""SELECT c.id, c.client_id, c.company_id, c.first_name,
                   concat_ws(' ', nullif(c.tussenvoegsel, ''), c.last_name), v.field, v.old, v.new
            FROM {person_first} s JOIN {person} c ON c.id = s.person_id
            CROSS JOIN LATERAL (VALUES
                -- a last name goes on only where neither side has a tussenvoegsel: never "de de Vries"
                ('first_name', c.first_name, s.first_name),
                ('last_name', CASE WHEN c.tussenvoegsel = '' AND s.tussenvoegsel = '' THEN c.last_name ELSE '' END,
                 s.last_name),
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
              -- the last name and its tussenvoegsel as one: the same surname either way stays as it is
              tussenvoegsel = {surname_pick("c.tussenvoegsel", "s.tussenvoegsel")},
              last_name = {surname_pick("c.last_name", "s.last_name")},
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
    run(f"""INSERT INTO {person} (id, client_id, company_id, first_name, tussenvoegsel, last_name, job_title, email,
                                 phone, legal_basis, source, verified_at, created_at)
            SELECT DISTINCT ON (person_key) {new_person_id}, %(client)s, company_id, first_name, tussenvoegsel,
                   last_name, job_title, email, person_phone, %(legal_basis)s, 'upload', %(now)s, %(now)s
            FROM import_staging WHERE {new_person} ORDER BY person_key, row_number""")  # noqa: S608
    progress(90)

    # --- Prospects and links ---------------------------------------------------------
    # Rows naming a company already in the assignment: its record is completed, never doubled.
    run(f"""SELECT count(*) FROM import_staging s
            WHERE EXISTS (SELECT 1 FROM {prospect} pr
                          WHERE pr.assignment_id = %(assignment)s AND pr.company_id = s.company_id)""")  # noqa: S608
    in_assignment = cursor.fetchone()[0]
    run("""SELECT company_match, count(*) FROM import_staging WHERE NOT company_new GROUP BY company_match""")
    existing = {kind: count for kind, count in cursor.fetchall() if kind}
    # The record's first row: the download keeps the client's order (R-IMP-7); the upload
    # that last brought a record is the database page's filter by import.
    run(f"""INSERT INTO {prospect} (id, assignment_id, company_id, extra, status, created_at, import_job_id,
                                   source_row)
            SELECT gen_random_uuid(), %(assignment)s, company_id, extra, 'new', %(now)s, %(job)s, row_number
            FROM (SELECT DISTINCT ON (company_id) company_id, extra, row_number FROM import_staging
                  ORDER BY company_id, row_number) t
            ON CONFLICT (assignment_id, company_id) DO UPDATE SET extra = {prospect}.extra || EXCLUDED.extra,
                import_job_id = EXCLUDED.import_job_id
        """)  # noqa: S608
    run(f"""INSERT INTO {link} (prospect_id, person_id, created_at, source_row)
            SELECT p.id, coalesce(s.person_id, {new_person_id}), %(now)s::timestamptz, min(s.row_number)
            FROM import_staging s JOIN {prospect} p ON p.assignment_id = %(assignment)s AND p.company_id = s.company_id
            WHERE s.person_key IS NOT NULL AND NOT s.suppressed
            GROUP BY p.id, 2
            ON CONFLICT (prospect_id, person_id) DO NOTHING""")  # noqa: S608
    cursor.execute(
        f"""SELECT count(DISTINCT company_id) FILTER (WHERE company_new),
                  count(DISTINCT company_id) FILTER (WHERE NOT company_new),
                  count(DISTINCT person_key) FILTER (WHERE {new_person}),
                  count(DISTINCT person_id),
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
        "merges": {"existing": existing, "assignment": in_assignment},
    }
