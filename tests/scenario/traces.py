"""Finding a person's values in text: a pg_dump of the database, a page, a download.

Values are looked up as *tokens*, not one `in` per value: the scenario checks hundreds of
deleted or flagged persons against megabytes of dump after every step, and a set lookup
per value keeps that to milliseconds.

- emails: every email-shaped token of the text, lower-cased, in a set;
- phones: every run of digits that may be written with spaces, dashes, dots or slashes
  between them ("06-1111 0001", "+31 6 11110001", "0611110001"), reduced to its digits and
  joined into one blob; a phone is found when its national digits (0611110001) or its
  international digits (31611110001) occur in the blob, whatever notation the text used;
- names and job titles: plain substrings (the scenario's own names are unique words).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db import connection

EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
# A phone-like run: digits with at most one separator (not a tab or newline: those part
# the columns and rows of a dump) between any two of them.
PHONE_RUN = re.compile(r"(?:\+|\b)\d(?:[ \-./]?\d){7,14}")


def phone_digit_forms(e164: str) -> tuple[str, ...]:
    """The digit strings a number is found by: national (0611110001) and international
    without the plus (31611110001)."""
    if not e164:
        return ()
    try:
        number = phonenumbers.parse(e164, "NL")
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", e164)
        return (digits,) if digits else ()
    national = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    international = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return tuple(dict.fromkeys(f for f in (national, international) if f))


def phone_notations(e164: str) -> list[str]:
    """The ways people write the number (for building test data and for messages)."""
    number = phonenumbers.parse(e164, "NL")
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return [e164, national, national.replace(" ", ""), national.replace(" ", "-"),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)]  # fmt: skip


@dataclass
class Tokens:
    """The searchable form of one text."""

    text: str
    emails: set[str] = field(default_factory=set)
    phone_blob: str = ""

    @classmethod
    def of(cls, text: str) -> Tokens:
        lowered = text.lower()
        emails = {m.rstrip(".") for m in EMAIL.findall(lowered)}
        blob = "|".join(re.sub(r"\D", "", m) for m in PHONE_RUN.findall(text))
        return cls(text=text, emails=emails, phone_blob=f"|{blob}|")

    def has_email(self, email: str) -> bool:
        return bool(email) and email.lower() in self.emails

    def has_phone(self, e164: str) -> bool:
        return any(form in self.phone_blob for form in phone_digit_forms(e164))

    def has_text(self, value: str) -> bool:
        return bool(value) and value in self.text


@dataclass(frozen=True)
class PersonValues:
    """What identifies a person in text. Names are searched only for the scenario's own
    persons (`names_searchable`): the demo's names come from short lists that many other,
    living persons share, so for them email and phone are the identifiers."""

    label: str
    email: str
    phone: str
    first_name: str = ""
    last_name: str = ""
    names_searchable: bool = False

    def found_in(self, tokens: Tokens, *, excused: Iterable[str] = ()) -> list[str]:
        """The values of this person that occur in `tokens`, except those in `excused`."""
        excused = set(excused)
        hits = []
        if self.email and self.email not in excused and tokens.has_email(self.email):
            hits.append(f"email {self.email}")
        if self.phone and self.phone not in excused and tokens.has_phone(self.phone):
            hits.append(f"phone {self.phone} (any notation)")
        if self.names_searchable:
            for name in (self.first_name, self.last_name):
                if name and name not in excused and tokens.has_text(name):
                    hits.append(f"name {name!r}")
        return hits


# --- The database as text ------------------------------------------------------------
NOTE_TABLE = "public.callnotes_callnote"


def call_note_text_may_name_a_deleted_person(table: str, column: str) -> bool:
    """THE exception of invariant (a), kept narrow on purpose: the free text of a call note
    may still name a person who was deleted (SPEC R-CALL-2, R-DEL-1: "outside free-text
    call notes"). Nothing else of a note, and no other table or column, may. Once notes
    can be redacted (issue 11 #7), an erased person's name is not expected even here; the
    scenario does not depend on that (its notes name persons only by name)."""
    return (table, column) == (NOTE_TABLE, "text")


REQUEST_TABLE = "public.privacy_datasubjectrequest"


def request_row_may_name_its_requester(table: str, *, erased: bool) -> bool:
    """The second, narrower exception of invariant (a): a data-subject request is the
    privacy office's record of what a person asked (R-DSR-2), kept on its own terms, so a
    person who filed one and was later deleted for another reason (left the company, the
    purge, a client's delete) may still be named in it. Not an erased person: the erasure
    blanks their requests (R-DSR-4), and a restore must not bring those details back."""
    return table == REQUEST_TABLE and not erased


def pg_dump_text() -> str:
    """A plain SQL dump (data only, every schema: the erasure ledger included) of the test
    database, as text."""
    s = connection.settings_dict
    command = [settings.PG_DUMP, "--data-only", "--no-owner"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            command += [option, str(s[key])]
    return subprocess.run([*command, s["NAME"]], check=True, capture_output=True, text=True).stdout  # noqa: S603


def without_excepted_columns(dump: str) -> str:
    """The dump with the columns of `call_note_text_may_name_a_deleted_person` blanked in
    every COPY row (the rest of those rows is still searched)."""
    out: list[str] = []
    blank: set[int] = set()
    in_copy = False
    for line in dump.split("\n"):
        if in_copy:
            if line == "\\.":
                in_copy = False
            elif blank:
                cells = line.split("\t")
                line = "\t".join("" if i in blank else c for i, c in enumerate(cells))
        elif line.startswith("COPY "):
            match = re.match(r"COPY (\S+) \((.*)\) FROM stdin;", line)
            if match:
                in_copy = True
                table, columns = match.group(1), [c.strip().strip('"') for c in match.group(2).split(",")]
                blank = {i for i, c in enumerate(columns) if call_note_text_may_name_a_deleted_person(table, c)}
        out.append(line)
    return "\n".join(out)


def decoded_sessions_text() -> str:
    """django_session rows decoded: the store is signed base64, so a plain dump would not
    show what a view kept in a session (issue 11 #11: the privacy officer's typed search
    terms). Appended to the dump for invariant (a)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    parts = []
    for data in Session.objects.values_list("session_data", flat=True):
        # SessionStore.decode answers {} for a row it cannot read (nothing readable in it).
        parts.append(json.dumps(SessionStore().decode(data), ensure_ascii=False, default=str))
    return "\n".join(parts)


SESSIONS_MARK = "\n-- django_session, decoded --\n"


def database_tokens() -> Tokens:
    return Tokens.of(without_excepted_columns(pg_dump_text()) + SESSIONS_MARK + decoded_sessions_text())


def where_in_dump(text: str, hit: str) -> list[str]:
    """The tables (COPY sections) of a dump in which a hit ("email x", "phone +31…",
    "name 'x'") occurs: for the failure message only, so it may take its time."""
    kind, _, value = hit.partition(" ")
    value = value.split(" (")[0].strip("'")
    if kind == "phone":
        forms = phone_digit_forms(value)
        positions = [
            m.start() for m in PHONE_RUN.finditer(text) if any(f in re.sub(r"\D", "", m.group(0)) for f in forms)
        ]
    else:
        haystack, needle = (text.lower(), value.lower()) if kind == "email" else (text, value)
        positions, at = [], haystack.find(needle)
        while at != -1 and len(positions) < 20:
            positions.append(at)
            at = haystack.find(needle, at + 1)
    tables = []
    sessions_at = text.find(SESSIONS_MARK)
    for position in positions:
        if 0 <= sessions_at < position:
            table = "django_session (decoded)"
        else:
            copy = text.rfind("\nCOPY ", 0, position)
            table = text[copy + 6 : text.find(" ", copy + 6)] if copy != -1 else "?"
        if table not in tables:
            tables.append(table)
    return tables
