"""Downloading an assignment's database (R-EXP-1, R-EXP-2, R-IMP-7).

Sheet 1 ("database"): one row per linked person (or one row for a prospect without
persons) with the company's current data, the persons, our own status columns and the
client's extra columns under their original headers, in the client's original order (the
row each record came from in its upload). Sheet 2 ("notes"): every call note. Every cell
is computed by Postgres in one statement per table (`database_sql`, `notes_sql`); rows
stream from it, so memory stays flat however large the database (issue 16 #3):

- xlsx: xlsxwriter in constant-memory mode, every value a text cell (no formula, no
  number, leading zeros kept); a text that a spreadsheet would read as a formula carries
  Excel's own "quote prefix" style, which is not part of the value: nothing to undo on
  re-import. Column widths, a frozen header row and a filter. Rows come from a server-side
  cursor and go into the sheet one row at a time (`_write_rows`).
- CSV: a zip of `database.csv` and `notes.csv` (one table per file, so a re-upload of
  `database.csv` never reads notes as data), written by `COPY … TO STDOUT` itself (lines
  end in LF). A value that a spreadsheet would read as a formula (= + - @ tab CR) gets a
  leading apostrophe (R-EXP-2), except a plain phone number (`+31612345678`: digits
  only, no formula can hide in it); Postgres applies `escape_formula`'s own rule
  (`_SQL_ESCAPED`, `_SQL_PLAIN_PHONE`, tested against it). The escape is reversible: a
  value that already starts with apostrophes followed by a formula character gets one
  more, and the CSV reader (`files._read_csv`) takes exactly one off such a value
  (`formulas.py`), so download → upload gives back the stored value.

Our own columns (company status, prospect status, callback, last result, last called) are
recognised on re-import and left out (`mapping.OUR_EXPORT_COLUMNS`).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from apps.assignments.models import Assignment
from apps.audit.models import AccessAction
from apps.audit.services import access_log_selected
from apps.callnotes.models import REDACTION_MARKER
from apps.imports.formulas import FORMULA_STARTS, escape_formula
from apps.prospects.models import CompanyStatus, LegalForm, Person, Prospect, ProspectPerson, ProspectStatus

CHUNK = 2000
CSV_DATABASE = "database.csv"
CSV_NOTES = "notes.csv"


# A legal form in the download: the written forms the import recognises (R-IMP-7, the
# same database out), "" when unknown.
LEGAL_FORM_WRITTEN = [
    (LegalForm.EENMANSZAAK, "Eenmanszaak"),
    (LegalForm.VOF, "VOF"),
    (LegalForm.BV, "BV"),
    (LegalForm.NV, "NV"),
    (LegalForm.OTHER, gettext_lazy("Other legal form")),
]


def prospect_headers(assignment: Assignment) -> list[str]:
    # Headers the import recognises again, so a download can be uploaded back.
    return [
        _("Company name"), _("KvK number"), _("Street"), _("House number"), _("Postcode"), _("City"), _("Country"),
        _("Company phone"), _("Website"), _("Industry"), _("Number of employees"), _("Legal form"), _("Company status"),
        _("First name"), _("Tussenvoegsel"), _("Last name"), _("Job title"), _("Email"), _("Direct phone"),
        _("Prospect status"), _("Callback at"), _("Last result"), _("Last called at"),
        *assignment.extra_columns,
    ]  # fmt: skip


# --- The rows, built by the database ---------------------------------------------------
#
# Every cell of both files is computed in one SQL statement per table: labels translated
# once (their text goes in as parameters), dates formatted in the reader's time zone, the
# restricted marker, the redaction marker and (CSV) the formula escape. The CSV then comes
# straight from `COPY … TO STDOUT`, the xlsx from one server-side cursor of finished
# strings: no per-cell Python beyond writing the cell (issue 16 #3).

# `formulas.escape_formula` as Postgres regular expressions: a value that starts with a
# formula character, possibly behind apostrophes (formulas._ESCAPED), unless it is a plain
# phone number as a whole (formulas._PLAIN_PHONE).
_SQL_ESCAPED = "^'*[-=+@\t\r]"
_SQL_PLAIN_PHONE = "^[+][0-9][0-9 ]{5,19}$"


def _label(expression: str, choices: Any, name: str, params: dict[str, Any]) -> str:
    """SQL for a status code's label in the current language, translated once here."""
    whens = []
    for i, (code, label) in enumerate(choices):
        params[f"{name}_code{i}"], params[f"{name}_label{i}"] = code, str(label)
        whens.append(f"WHEN %({name}_code{i})s THEN %({name}_label{i})s")
    return f"CASE {expression} {' '.join(whens)} ELSE {expression} END"


def _local_time(expression: str) -> str:
    """SQL for a date and time as the download shows it: the local time of the current time
    zone, to the minute (YYYY-MM-DD HH:MM)."""
    return f"to_char({expression} AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI')"


def _rows_sql(inner: str, columns: list[tuple[str, bool]], order: str, *, csv: bool) -> str:
    """The outer SELECT over `inner` (computed once per row: OFFSET 0 keeps Postgres from
    repeating its expressions inside the escape): each column as text, '' as NULL (an
    unquoted empty CSV field, a cell not written in the xlsx), and for the CSV the formula
    escape on every column that holds text of the client's (R-EXP-2)."""
    outer = []
    for column, client_text in columns:
        if csv and client_text:
            column = (
                f"CASE WHEN {column} ~ %(formula)s AND {column} !~ %(phone)s THEN '''' || {column} ELSE {column} END"
            )
        outer.append(f"NULLIF({column}, '')")
    return f"SELECT {', '.join(outer)} FROM ({inner} OFFSET 0) AS s ORDER BY {order}"  # noqa: S608 (our own SQL)


def _params(assignment: Assignment) -> dict[str, Any]:
    return {
        "assignment": assignment.pk,
        "tz": timezone.get_current_timezone_name(),
        "formula": _SQL_ESCAPED,
        "phone": _SQL_PLAIN_PHONE,
    }


def database_sql(assignment: Assignment, *, csv: bool) -> tuple[str, dict[str, Any]]:
    """Sheet 1 (`database.csv`): one row per linked person (or one row for a prospect
    without persons) of this assignment only, with the company's current data, the person,
    our own status columns and the client's extra columns, in the client's original order:
    by upload, then the row each record and person link came from (records added otherwise
    follow, by company name).

    R-DSR-5 (Art. 18): a restricted person is kept but not processed; the client sees the
    name it supplied with "restricted" in the job title, email and phone cells. A row is
    matched by its person values against the assignment's restricted persons (few: one
    hashed look-up per row)."""
    params = _params(assignment)
    params["restricted"] = str(_("restricted"))
    company_status = _label("c.status", CompanyStatus.choices, "cs", params)
    prospect_status = _label("pr.status", ProspectStatus.choices, "ps", params)
    # The legal form as the Dutch write it, which the import reads back to the same code
    # (`normalise.legal_form`); "other" as its label, read back as "other" (issue 12/14 #8).
    legal_form = _label("c.legal_form", LEGAL_FORM_WRITTEN, "lf", params)
    extras = []
    for i, header in enumerate(assignment.extra_columns):
        # The client's own columns, kept as JSON strings.
        params[f"x{i}"] = header
        extras.append(f"pr.extra ->> %(x{i})s AS x{i}")
    masked = "CASE WHEN m.restricted THEN %(restricted)s ELSE {} END"
    inner = f"""
        SELECT c.name AS c0, c.kvk_number AS c1, c.street AS c2, c.house_number AS c3, c.postcode AS c4,
               c.city AS c5, c.country AS c6, c.phone AS c7, c.website AS c8, c.industry AS c9,
               c.employees::text AS c10, {legal_form} AS c11, {company_status} AS c12,
               p.first_name AS c13, p.tussenvoegsel AS c14, p.last_name AS c15,
               {masked.format("p.job_title")} AS c16, {masked.format("p.email")} AS c17,
               {masked.format("p.phone")} AS c18,
               {prospect_status} AS c19, {_local_time("pr.callback_at")} AS c20, r.label AS c21,
               {_local_time("pr.last_called_at")} AS c22,
               {"".join(f"{e}, " for e in extras)}
               pr.created_at AS k1, pr.source_row AS k2, pr.id AS k3, pp.source_row AS k4,
               p.last_name AS k5, p.first_name AS k6, p.email AS k7
        FROM prospects_prospect pr
        JOIN prospects_company c ON c.id = pr.company_id
        LEFT JOIN prospects_prospectperson pp ON pp.prospect_id = pr.id
        LEFT JOIN prospects_person p ON p.id = pp.person_id
        LEFT JOIN assignments_callresult r ON r.id = pr.last_result_id
        CROSS JOIN LATERAL (
            SELECT (p.first_name, p.tussenvoegsel, p.last_name, p.job_title, p.email, p.phone) IN (
                SELECT rp.first_name, rp.tussenvoegsel, rp.last_name, rp.job_title, rp.email, rp.phone
                FROM prospects_person rp
                JOIN prospects_prospectperson rl ON rl.person_id = rp.id
                JOIN prospects_prospect rpr ON rpr.id = rl.prospect_id
                WHERE rp.restricted_at IS NOT NULL AND rpr.assignment_id = %(assignment)s
            ) AS restricted
        ) AS m
        WHERE pr.assignment_id = %(assignment)s"""  # noqa: S608 (our own SQL, values as parameters)
    columns = [(f"s.c{i}", i not in (10, 11, 12, 19, 20, 22)) for i in range(23)]
    columns += [(f"s.x{i}", True) for i in range(len(extras))]
    order = "s.k1, s.k2 NULLS LAST, s.c0, s.k3, s.k4 NULLS LAST, s.k5, s.k6, s.k7"
    return _rows_sql(inner, columns, order, csv=csv), params


def notes_sql(assignment: Assignment, *, csv: bool) -> tuple[str, dict[str, Any]]:
    """Sheet 2 (`notes.csv`): every call note of this assignment, oldest first. A redaction
    shows as such, in the reader's language (R-NOTE-3, R-DSR-4)."""
    params = _params(assignment)
    params["marker"], params["removed"] = REDACTION_MARKER, gettext("[removed at the data subject's request]")
    inner = f"""
        SELECT {_local_time("n.created_at")} AS c0, c.name AS c1, r.label AS c2, u.username AS c3,
               replace(n.text, %(marker)s, %(removed)s) AS c4, n.created_at AS k1, n.id AS k2
        FROM callnotes_callnote n
        JOIN prospects_company c ON c.id = n.company_id
        JOIN assignments_callresult r ON r.id = n.result_id
        JOIN {get_user_model()._meta.db_table} u ON u.id = n.agent_id
        WHERE n.assignment_id = %(assignment)s"""  # noqa: S608 (our own SQL, values as parameters)
    columns = [("s.c0", False), ("s.c1", True), ("s.c2", True), ("s.c3", True), ("s.c4", True)]
    return _rows_sql(inner, columns, "s.k1, s.k2", csv=csv), params


def _fetch_rows(sql: str, params: dict[str, Any]) -> Iterator[list[str]]:
    """Rows of finished strings (None for empty) from one server-side cursor."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def prospect_rows(assignment: Assignment) -> Iterator[list[str]]:
    """The rows of sheet 1 as the xlsx shows them: every cell a string, None when empty."""
    return _fetch_rows(*database_sql(assignment, csv=False))


def note_headers() -> list[str]:
    return [_("Date and time"), _("Company name"), _("Result"), _("Agent"), _("Note")]


def note_rows(assignment: Assignment) -> Iterator[list[str]]:
    return _fetch_rows(*notes_sql(assignment, csv=False))


def export_log(*, assignment: Assignment, actor: Any, request: HttpRequest | None = None) -> None:
    """Who downloaded what (R-LOG-1, Art. 19): one bulk entry with every prospect and one
    with every person the file holds, in one INSERT … SELECT: the ids never travel
    through Python."""
    access_log_selected(
        actor=actor,
        action=AccessAction.DOWNLOAD,
        shown={
            Prospect: Prospect.objects.filter(assignment=assignment).values_list("pk", flat=True),
            # From the links alone: the person table itself is not needed for their ids.
            Person: ProspectPerson.objects.filter(prospect__assignment=assignment)
            .values_list("person_id", flat=True)
            .distinct(),
        },
        assignment_id=assignment.pk,
        request=request,
    )


def _csv_header(headers: list[str]) -> bytes:
    """The header line (semicolon-separated for Dutch Excel, UTF-8 with BOM so that Excel
    reads it right), escaped against formulas like every cell; lines end in LF as
    Postgres writes the rows."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerow([escape_formula(h) for h in headers])
    return ("\ufeff" + out.getvalue()).encode()


def _csv_bytes(headers: list[str], sql: str, params: dict[str, Any]) -> Iterator[bytes]:
    """One table as CSV bytes: the header, then the rows exactly as `COPY … TO STDOUT`
    writes them (quoted where needed, '' for NULL), in blocks of about 64 KB."""
    yield _csv_header(headers)
    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT csv, DELIMITER ';')"
    # psycopg's own cursor: Django's debug wrapper passes no parameters to `copy`.
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql, params) as copy:
        block: list[bytes] = []
        size = 0
        for data in copy:
            block.append(bytes(data))
            size += len(data)
            if size >= 1 << 16:
                yield b"".join(block)
                block.clear()
                size = 0
        yield b"".join(block)


def csv_database_stream(assignment: Assignment) -> Iterator[str]:
    """`database.csv`: sheet 1 as CSV; uploaded again, it gives the same file (R-IMP-7)."""
    return (part.decode() for part in _csv_bytes(prospect_headers(assignment), *database_sql(assignment, csv=True)))


def csv_notes_stream(assignment: Assignment) -> Iterator[str]:
    """`notes.csv`: sheet 2 as CSV."""
    return (part.decode() for part in _csv_bytes(note_headers(), *notes_sql(assignment, csv=True)))


class _Sink:
    """A write-only stream that hands its bytes to the generator: zipfile writes an
    unseekable stream with data descriptors, so the archive streams in constant memory."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def csv_zip_stream(assignment: Assignment) -> Iterator[bytes]:
    """The CSV download: a zip of `database.csv` and `notes.csv`, streamed (R-EXP-1)."""
    sink = _Sink()
    # The fastest deflate level: the download must not get slower than the plain CSV was by
    # much (SPEC §7); text still shrinks several times.
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(sink, "w") as archive:
        tables = (
            (CSV_DATABASE, _csv_bytes(prospect_headers(assignment), *database_sql(assignment, csv=True))),
            (CSV_NOTES, _csv_bytes(note_headers(), *notes_sql(assignment, csv=True))),
        )
        for name, blocks in tables:
            info = zipfile.ZipInfo(name, date_time=stamp)  # dated now (open(name) would say 1980)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # as ZipFile.open(name) sets it from ZipFile(compresslevel=…)
            with archive.open(info, "w") as member:
                for block in blocks:
                    member.write(block)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


# Widths (in characters) of the xlsx columns: the header's length, widened by the values of
# the first rows, within these bounds.
MIN_WIDTH, MAX_WIDTH, WIDTH_SAMPLE_ROWS = 8, 50, 500


# What xlsxwriter does to a string cell in constant-memory mode (`Worksheet._write_string`,
# `_write_cell`, `XMLwriter._xml_inline_string`, xlsxwriter 3.3), done here once per row
# instead of through four calls per cell (a quarter of the download's time went there):
# strings over Excel's 32,767 UTF-16 units are cut; `_xHHHH_` is escaped as `_x005F_xHHHH_`,
# control characters become `_xHHHH_`, leading or trailing white space is preserved, and
# & < > are escaped. Text that needs none of it (nearly all) is written as it is.
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPE_OF_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_SPACE_AT_ENDS = re.compile(r"^\s|\s$")
XLSX_MAX_STRING = 32767


def _xml_text(value: str) -> str:
    """The <t> element of an inline string cell, as xlsxwriter writes it (always escaped,
    even text that looks like xlsxwriter's rich-string markup)."""
    if len(value) > XLSX_MAX_STRING // 2 and len(value.encode("utf-16-le", "surrogatepass")) > 2 * XLSX_MAX_STRING:
        # Cut without splitting a character above U+FFFF (two UTF-16 units).
        value = value.encode("utf-16-le", "surrogatepass")[: 2 * XLSX_MAX_STRING]
        value = value.decode("utf-16-le", "ignore")
    if not _NEEDS_CARE.search(value):
        return f"<t>{value}</t>"
    value = _ESCAPE_OF_ESCAPE.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _SPACE_AT_ENDS.search(value) else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>{value}</t>"


def _write_rows(
    sheet: Any, first: int, rows: Iterable[list[str]], styles: list[Any], quoted: Any, widths: list[int]
) -> int:
    """Write rows of strings (empty or None: no cell) from row `first` on, straight into the
    constant-memory worksheet's row file, each row in one write, as xlsxwriter would write
    them cell by cell, in `styles` (one per column, or None); a text a spreadsheet would
    read as a formula in a column without one gets the "quote prefix" style `quoted` (a
    style, not part of the value). Widens `widths` by the values of the first rows.
    Returns the last row written (0 when none)."""
    assert sheet.constant_memory and not sheet.table, "rows go straight to the file in constant-memory mode"
    letters = [xl_col_to_name(c) for c in range(len(widths))]
    given = [f' s="{style._get_xf_index()}"' if style else "" for style in styles]
    quoted_style = ""  # its index assigned when first used, as xlsxwriter does
    write = sheet.fh.write
    care, long = _NEEDS_CARE.search, XLSX_MAX_STRING // 2  # the common case checked here, inline
    last = None
    for r, row in enumerate(rows, start=first):
        n = r + 1
        cells = []
        for c, value in enumerate(row):
            if value:
                style = given[c]
                if not style and value.startswith(FORMULA_STARTS):
                    style = quoted_style = quoted_style or f' s="{quoted._get_xf_index()}"'
                text = _xml_text(value) if care(value) or len(value) > long else f"<t>{value}</t>"
                cells.append(f'<c r="{letters[c]}{n}"{style} t="inlineStr"><is>{text}</is></c>')
                if r <= WIDTH_SAMPLE_ROWS and len(value) > widths[c]:
                    widths[c] = len(value)
        if cells:
            write(f'<row r="{n}">{"".join(cells)}</row>')
            last = r
    if last is not None:
        # The sheet's dimensions, as writing the cells one by one would have set them; the
        # next row xlsxwriter would write comes after these.
        sheet._check_dimensions(first, 0)
        sheet._check_dimensions(last, len(widths) - 1)
        sheet.previous_row = last + 1
    return last or 0


def xlsx_file(assignment: Assignment) -> Any:
    """The database as an .xlsx in a temporary file (deleted when closed), written in
    constant-memory mode, every cell a string; column widths, a frozen header row, a filter."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    # Excel's own "text, typed with an apostrophe": shown as is, never run as a formula; the
    # apostrophe is a style, not part of the value.
    quoted = workbook.add_format({"quote_prefix": True})
    bold = workbook.add_format({"bold": True})
    bold_quoted = workbook.add_format({"bold": True, "quote_prefix": True})

    def write(sheet: Any, headers: list[str], rows: Iterator[list[str]]) -> None:
        widths = [len(h) + 2 for h in headers]
        header_styles = [bold_quoted if h.startswith(FORMULA_STARTS) else bold for h in headers]
        last = _write_rows(sheet, 0, [headers], header_styles, quoted, widths)
        last = _write_rows(sheet, 1, rows, [None] * len(headers), quoted, widths) or last
        # Column settings and the filter are written when the workbook closes: the widths
        # can come from the rows just written.
        for c, width in enumerate(widths):
            sheet.set_column(c, c, max(MIN_WIDTH, min(MAX_WIDTH, width + 1)))
        sheet.freeze_panes(1, 0)
        if headers:
            sheet.autofilter(0, 0, last, len(headers) - 1)

    write(workbook.add_worksheet(_("Database")[:31]), prospect_headers(assignment), prospect_rows(assignment))
    write(workbook.add_worksheet(_("Call notes")[:31]), note_headers(), note_rows(assignment))
    write(workbook.add_worksheet(_("Appointments")[:31]), *appointments_sheet(assignment))
    workbook.close()
    out.seek(0)
    return out


def appointments_sheet(assignment: Assignment) -> tuple[list[str], Iterator[list[str]]]:
    """The third sheet: the assignment's appointments (R-APPT-1), written like the others."""
    from apps.appointments.selectors import appointment_headers, appointment_rows

    return appointment_headers(), appointment_rows(assignment)


def export_filename(assignment: Assignment, extension: str) -> str:
    """The file's name; the CSV download is a zip (database.csv + notes.csv)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in assignment.name)[:60] or "database"
    return f"{safe}-{timezone.localdate():%Y%m%d}.{'zip' if extension == 'csv' else extension}"
