"""Downloading an assignment's database (R-EXP-1, R-EXP-2).

Sheet 1: one row per linked person (or one row for a prospect without persons) with the
company's current data, status, last result and the client's extra columns under their
original headers. Sheet 2: every call note of the assignment. Rows stream from a
server-side cursor; the CSV is generated row by row and the xlsx is written by xlsxwriter
in constant-memory mode, so memory stays flat however large the database.

Every value is written as text: no formulas, leading zeros kept; a value that a
spreadsheet would read as a formula (= + - @ tab CR) is escaped (R-EXP-2).
"""

from __future__ import annotations

import csv
import tempfile
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
from apps.prospects.models import CompanyStatus, Person, Prospect, ProspectPerson, ProspectStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def escape_formula(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (R-EXP-2)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


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
        _("First name"), _("Last name"), _("Job title"), _("Email"), _("Direct phone"),
        _("Prospect status"), _("Callback at"), _("Last result"), _("Last called at"),
        *assignment.extra_columns,
    ]  # fmt: skip


def prospect_rows(assignment: Assignment) -> Iterator[list[str]]:
    """The rows of sheet 1 from one server-side cursor, whatever the size."""
    company_status = dict(CompanyStatus.choices)
    prospect_status = dict(ProspectStatus.choices)
    extra_columns = list(assignment.extra_columns)
    rows = (
        Prospect.objects.filter(assignment=assignment)
        .annotate(
            p_first=F("person_links__person__first_name"),
            p_last=F("person_links__person__last_name"),
            p_title=F("person_links__person__job_title"),
            p_email=F("person_links__person__email"),
            p_phone=F("person_links__person__phone"),
        )
        .values_list(
            "company__name", "company__kvk_number", "company__street", "company__house_number", "company__postcode",
            "company__city", "company__country", "company__phone", "company__website", "company__industry",
            "company__employees", "company__status", "p_first", "p_last", "p_title", "p_email", "p_phone",
            "status", "callback_at", "last_result__label", "last_called_at", "extra",
        )
        .order_by("company__name", "id", "p_last", "p_first")
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    mark_restricted = restricted_marker(assignment)
    for row in rows:
        values = mark_restricted(list(row))
        extra = values.pop() or {}
        values[11] = str(company_status.get(values[11], values[11]))
        values[17] = str(prospect_status.get(values[17], values[17]))
        yield [_text(v) for v in values] + [str(extra.get(h, "")) for h in extra_columns]


# The person columns of a sheet-1 row (first name, last name, job title, email, phone).
_PERSON_COLUMNS = slice(12, 17)


def restricted_marker(assignment: Assignment) -> Callable[[list[Any]], list[Any]]:
    """R-DSR-5 (Art. 18): a restricted person is kept but not processed; the client sees
    the name it supplied with "restricted" in the job title, email and phone cells. The
    restricted persons of the assignment are read once (few); a row is matched by its
    person values."""
    restricted = set(
        Person.objects.filter(restricted_at__isnull=False, prospect_links__prospect__assignment=assignment)
        .values_list("first_name", "last_name", "job_title", "email", "phone")
        .distinct()
    )
    if not restricted:
        return lambda values: values
    marker = str(_("restricted"))

    def mark(values: list[Any]) -> list[Any]:
        if tuple(values[_PERSON_COLUMNS]) in restricted:
            values[14:17] = [marker, marker, marker]
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


def csv_stream(assignment: Assignment) -> Iterator[str]:
    """The database as CSV (sheet 1; semicolon-separated for Dutch Excel), then the notes
    after a blank line under their own header. UTF-8 with BOM so that Excel reads it right."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow([escape_formula(h) for h in prospect_headers(assignment)])
    for row in prospect_rows(assignment):
        yield writer.writerow([escape_formula(v) for v in row])
    yield "\r\n"
    yield writer.writerow(note_headers())
    for row in note_rows(assignment):
        yield writer.writerow([escape_formula(v) for v in row])


def xlsx_file(assignment: Assignment) -> Any:
    """The database as an .xlsx in a temporary file (deleted when closed), written in
    constant-memory mode, every cell a string."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    # Excel's own "text, typed with an apostrophe": shown as is, never run as a formula.
    quoted = workbook.add_format({"quote_prefix": True})
    bold = workbook.add_format({"bold": True})

    def write(sheet: Any, headers: list[str], rows: Iterator[list[str]]) -> None:
        for c, header in enumerate(headers):
            sheet.write_string(0, c, header, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, value, quoted if value.startswith(FORMULA_STARTS) else None)

    write(workbook.add_worksheet(_("Database")[:31]), prospect_headers(assignment), prospect_rows(assignment))
    write(workbook.add_worksheet(_("Call notes")[:31]), note_headers(), note_rows(assignment))
    workbook.close()
    out.seek(0)
    return out


def export_filename(assignment: Assignment, extension: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in assignment.name)[:60] or "database"
    return f"{safe}-{timezone.localdate():%Y%m%d}.{extension}"
