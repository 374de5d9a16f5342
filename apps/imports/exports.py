"""Downloading an assignment's database (R-EXP-1, R-EXP-2, R-IMP-7).

Sheet 1 ("database"): one row per linked person (or one row for a prospect without
persons) with the company's current data, the persons, our own status columns and the
client's extra columns under their original headers, in the client's original order (the
row each record came from in its upload). Sheet 2 ("notes"): every call note. Rows stream
from a server-side cursor, so memory stays flat however large the database:

- xlsx: xlsxwriter in constant-memory mode, every value a text cell (no formula, no
  number, leading zeros kept); a text that a spreadsheet would read as a formula carries
  Excel's own "quote prefix" style, which is not part of the value: nothing to undo on
  re-import. Column widths, a frozen header row and a filter.
- CSV: a zip of `database.csv` and `notes.csv` (one table per file, so a re-upload of
  `database.csv` never reads notes as data). A value that a spreadsheet would read as a
  formula (= + - @ tab CR) gets a leading apostrophe (R-EXP-2), except a plain phone number
  (`+31612345678`: digits only, no formula can hide in it). The escape is reversible: a
  value that already starts with apostrophes followed by a formula character gets one
  more, and the CSV reader (`files._read_csv`) takes exactly one off such a value
  (`formulas.py`), so download → upload gives back the stored value.

Our own columns (company status, prospect status, callback, last result, last called) are
recognised on re-import and left out (`mapping.OUR_EXPORT_COLUMNS`).
"""

from __future__ import annotations

import csv
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import xlsxwriter
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assignments.models import Assignment
from apps.audit.models import AccessAction
from apps.audit.services import access_log_selected
from apps.callnotes.models import CallNote, note_text_display
from apps.imports.formulas import FORMULA_STARTS, escape_formula
from apps.prospects.models import CompanyStatus, Person, Prospect, ProspectPerson, ProspectStatus

CHUNK = 2000
CSV_DATABASE = "database.csv"
CSV_NOTES = "notes.csv"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def prospect_headers(assignment: Assignment) -> list[str]:
    # Headers the import recognises again, so a download can be uploaded back.
    return [
        _("Company name"), _("KvK number"), _("Street"), _("House number"), _("Postcode"), _("City"), _("Country"),
        _("Company phone"), _("Website"), _("Industry"), _("Number of employees"), _("Company status"),
        _("First name"), _("Tussenvoegsel"), _("Last name"), _("Job title"), _("Email"), _("Direct phone"),
        _("Prospect status"), _("Callback at"), _("Last result"), _("Last called at"),
        *assignment.extra_columns,
    ]  # fmt: skip


def prospect_rows(assignment: Assignment) -> Iterator[list[str]]:
    """The rows of sheet 1 from one server-side cursor, whatever the size, in the client's
    original order: by upload, then the row each record and person link came from (records
    added otherwise follow, by company name)."""
    company_status = dict(CompanyStatus.choices)
    prospect_status = dict(ProspectStatus.choices)
    extra_columns = list(assignment.extra_columns)
    rows = (
        Prospect.objects.filter(assignment=assignment)
        .annotate(
            p_first=F("person_links__person__first_name"),
            p_tussenvoegsel=F("person_links__person__tussenvoegsel"),
            p_last=F("person_links__person__last_name"),
            p_title=F("person_links__person__job_title"),
            p_email=F("person_links__person__email"),
            p_phone=F("person_links__person__phone"),
            p_row=F("person_links__source_row"),
        )
        .values_list(
            "company__name", "company__kvk_number", "company__street", "company__house_number", "company__postcode",
            "company__city", "company__country", "company__phone", "company__website", "company__industry",
            "company__employees", "company__status", "p_first", "p_tussenvoegsel", "p_last", "p_title", "p_email",
            "p_phone",
            "status", "callback_at", "last_result__label", "last_called_at", "extra",
        )
        .order_by(
            "created_at", F("source_row").asc(nulls_last=True), "company__name", "id",
            F("p_row").asc(nulls_last=True), "p_last", "p_first", "p_email",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    mark_restricted = restricted_marker(assignment)
    for row in rows:
        values = mark_restricted(list(row))
        extra = values.pop() or {}
        values[11] = str(company_status.get(values[11], values[11]))
        values[18] = str(prospect_status.get(values[18], values[18]))
        yield [_text(v) for v in values] + [str(extra.get(h, "")) for h in extra_columns]


# The person columns of a sheet-1 row (first name, tussenvoegsel, last name, job title,
# email, phone), and of those the ones a restriction hides (job title, email, phone).
_PERSON_COLUMNS = slice(12, 18)
_RESTRICTED_COLUMNS = slice(15, 18)


def restricted_marker(assignment: Assignment) -> Callable[[list[Any]], list[Any]]:
    """R-DSR-5 (Art. 18): a restricted person is kept but not processed; the client sees
    the name it supplied with "restricted" in the job title, email and phone cells. The
    restricted persons of the assignment are read once (few); a row is matched by its
    person values."""
    restricted = set(
        Person.objects.filter(restricted_at__isnull=False, prospect_links__prospect__assignment=assignment)
        .values_list("first_name", "tussenvoegsel", "last_name", "job_title", "email", "phone")
        .distinct()
    )
    if not restricted:
        return lambda values: values
    marker = str(_("restricted"))

    def mark(values: list[Any]) -> list[Any]:
        if tuple(values[_PERSON_COLUMNS]) in restricted:
            values[_RESTRICTED_COLUMNS] = [marker, marker, marker]
        return values

    return mark


def note_headers() -> list[str]:
    return [_("Date and time"), _("Company name"), _("Result"), _("Agent"), _("Note")]


def note_rows(assignment: Assignment) -> Iterator[list[str]]:
    rows = (
        CallNote.objects.filter(assignment=assignment)
        .values_list("created_at", "company__name", "result__label", "agent__username", "text")
        .order_by("created_at", "id")
        .iterator(chunk_size=CHUNK)
    )
    for *row, text in rows:
        # A redaction shows as such, in the reader's language (R-NOTE-3, R-DSR-4).
        yield [_text(v) for v in row] + [_text(note_text_display(text))]


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


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: list[str], rows: Iterator[list[str]]) -> Iterator[str]:
    """One table as CSV text (semicolon-separated for Dutch Excel, UTF-8 with BOM so that
    Excel reads it right), every cell escaped against formulas."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow([escape_formula(h) for h in headers])
    for row in rows:
        yield writer.writerow([escape_formula(v) for v in row])


def csv_database_stream(assignment: Assignment) -> Iterator[str]:
    """`database.csv`: sheet 1 as CSV; uploaded again, it gives the same file (R-IMP-7)."""
    return _csv_lines(prospect_headers(assignment), prospect_rows(assignment))


def csv_notes_stream(assignment: Assignment) -> Iterator[str]:
    """`notes.csv`: sheet 2 as CSV."""
    return _csv_lines(note_headers(), note_rows(assignment))


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
        for name, lines in ((CSV_DATABASE, csv_database_stream(assignment)), (CSV_NOTES, csv_notes_stream(assignment))):
            info = zipfile.ZipInfo(name, date_time=stamp)  # dated now (open(name) would say 1980)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # as ZipFile.open(name) sets it from ZipFile(compresslevel=…)
            with archive.open(info, "w") as member:
                batch: list[str] = []
                for line in lines:
                    batch.append(line)
                    if len(batch) == CHUNK:
                        member.write("".join(batch).encode())
                        batch.clear()
                        yield sink.take()
                member.write("".join(batch).encode())
            yield sink.take()
    yield sink.take()


# Widths (in characters) of the xlsx columns: the header's length, widened by the values of
# the first rows, within these bounds.
MIN_WIDTH, MAX_WIDTH, WIDTH_SAMPLE_ROWS = 8, 50, 500


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
        for c, header in enumerate(headers):
            sheet.write_string(0, c, header, bold_quoted if header.startswith(FORMULA_STARTS) else bold)
        last = 0
        for r, row in enumerate(rows, start=1):
            last = r
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, value, quoted if value.startswith(FORMULA_STARTS) else None)
                    if r <= WIDTH_SAMPLE_ROWS and len(value) > widths[c]:
                        widths[c] = len(value)
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
