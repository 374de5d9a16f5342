"""Checking and reading uploaded files (R-IMP-1, R-IMP-6).

`check_file` runs before any parsing: size, extension, magic bytes, and for .xlsx the
zip container (entry count and summed uncompressed size against zip bombs, encryption,
macros, DTDs against entity expansion). Only then does `read_table` parse: xlsx with
python-calamine, CSV in UTF-8 (with or without BOM) or Windows-1252, comma or semicolon.
Every refusal is a `FileRefused` with a message for the user.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
from django.conf import settings
from django.utils.translation import gettext as _

from apps.imports.formulas import unescape_formula

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx, old .xls, .doc
ZIP_MAGIC = b"PK\x03\x04"
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")


class FileRefused(Exception):
    """The file cannot be imported; `str(exc)` is the message for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file, 1-based; values)
    lines: int = 0  # the file's lines (CSV) or used rows (xlsx): the scale of the check's progress


def check_file(name: str, head: bytes, size: int, path: Path | None = None) -> str:
    """Refuse anything but a sound .xlsx or .csv; return its format."""
    if size == 0:
        raise FileRefused(_("The file is empty."))
    if size > settings.IMPORT_MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(limit)d MB.") % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise FileRefused(_("Files with macros (.xlsm, .xlsb) are not accepted. Save the sheet as .xlsx."))
    if suffix == ".xls":
        raise FileRefused(_("The old Excel format (.xls) is not accepted. Save the sheet as .xlsx."))
    if suffix not in (".xlsx", ".csv"):
        raise FileRefused(_("Only .xlsx and .csv files can be imported."))
    if head.startswith(OLE_MAGIC):
        raise FileRefused(
            _("The file is password-protected or encrypted, or an old Excel file. Save it as .xlsx without a password.")
        )
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise FileRefused(_("This is not a real .xlsx file."))
        if path is not None:
            _check_xlsx_container(path)
        return "xlsx"
    if head.startswith(ZIP_MAGIC):
        raise FileRefused(_("This is not a CSV file but a binary one (perhaps a renamed spreadsheet)."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise FileRefused(_("The file is in UTF-16 or is binary. Save it as CSV in UTF-8."))
    return "csv"


def sniff_encoding(head: bytes) -> None:
    """The web request's look at a CSV's text (R-IMP-6): UTF-8 or Windows-1252 in its first
    bytes, or a clear refusal at once. The whole file is decoded by the check in the worker."""
    try:
        # Incremental: the head may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The text encoding of the file is not recognised. Save it as CSV in UTF-8.")) from exc


def _check_xlsx_container(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > settings.IMPORT_MAX_ZIP_ENTRIES:
                raise FileRefused(_("The .xlsx file has too many parts to be a plain spreadsheet."))
            # Summed from the directory before anything is decompressed (zip bomb guard).
            if sum(entry.file_size for entry in entries) > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
                raise FileRefused(_("The .xlsx file unpacks to more than the allowed size."))
            names = {entry.filename for entry in entries}
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise FileRefused(_("The file is password-protected or encrypted. Save it without a password."))
            if any("vbaproject" in n.lower() for n in names):
                raise FileRefused(_("Files with macros are not accepted. Save the sheet as .xlsx without macros."))
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet."))
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as part:
                        prolog = part.read(4096)
                    # A DTD may only appear in the prolog: refusing it rules out entity
                    # expansion (billion laughs) and external entities in every parser.
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise FileRefused(_("The .xlsx file contains XML declarations that are not allowed."))
            with archive.open("[Content_Types].xml") as part:
                types = SafeET.fromstring(part.read(1024 * 1024))
            for element in types:
                if any(marker in element.get("ContentType", "") for marker in MACRO_TYPES):
                    raise FileRefused(_("Files with macros are not accepted. Save the sheet as .xlsx without macros."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, SafeET.ParseError, EOFError, OSError) as exc:
        raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet.")) from exc
    except ValueError as exc:  # defusedxml's DTD/entity refusals
        raise FileRefused(_("The .xlsx file contains XML declarations that are not allowed.")) from exc


# --- Reading ----------------------------------------------------------------------
def _cell_text(value: object) -> str:
    if type(value) is str:  # the common case first: the import reads a million cells
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return str(value).strip()


def _limited(rows: Iterator[list[str]], first_row_number: int) -> Iterator[tuple[int, list[str]]]:
    """Skip blank rows, number the rest, and stop at the row and column caps."""
    count = 0
    for number, values in enumerate(rows, start=first_row_number):
        if not any(values):
            continue
        count += 1
        if count > settings.IMPORT_MAX_ROWS:
            raise FileRefused(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        yield number, values


def _headers(values: list[str]) -> list[str]:
    if len(values) > settings.IMPORT_MAX_COLUMNS:
        raise FileRefused(_("The file has more than %(limit)d columns.") % {"limit": settings.IMPORT_MAX_COLUMNS})
    while values and not values[-1]:
        values = values[:-1]
    if not values:
        raise FileRefused(_("The file has no header row."))
    seen: dict[str, int] = {}
    headers = []
    for index, header in enumerate(values):
        header = header.strip() or _("Column %(number)d") % {"number": index + 1}
        seen[header] = seen.get(header, 0) + 1
        headers.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return headers


def read_table(path: Path, file_format: str) -> Table:
    """The header row and an iterator over the data rows, each cut to the header's width."""
    if file_format == "xlsx":
        return _read_xlsx(path)
    return _read_csv(path)


def _read_xlsx(path: Path) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        # The sheet's used range answers the row cap at once (blank rows inside it count).
        if sheet.height - 1 > settings.IMPORT_MAX_ROWS:
            raise FileRefused(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        if sheet.width > settings.IMPORT_MAX_COLUMNS:
            raise FileRefused(_("The file has more than %(limit)d columns.") % {"limit": settings.IMPORT_MAX_COLUMNS})
        rows = sheet.iter_rows()
    except (CalamineError, ValueError, IndexError) as exc:
        raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet.")) from exc
    header_row: list[str] = []
    number = 0
    for number, raw in enumerate(rows, start=1):  # noqa: B007 (number is used after the loop)
        header_row = [_cell_text(v) for v in raw]
        if any(header_row):
            break
    headers = _headers(header_row)
    width = len(headers)

    def values() -> Iterator[list[str]]:
        for raw in rows:
            cells = [_cell_text(v) for v in raw[:width]]
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield cells

    return Table(headers, _limited(values(), number + 1), lines=sheet.height)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The text encoding of the file is not recognised. Save it as CSV in UTF-8.")) from exc


def _read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header_row = next(reader, [])
        # Our own formula escape is undone on every cell, headers too (R-IMP-7, formulas.py).
        headers = _headers([unescape_formula(v.strip()) for v in header_row])
    except csv.Error as exc:
        raise FileRefused(_("The header row of the CSV file cannot be read.")) from exc
    width = len(headers)

    def values() -> Iterator[list[str]]:
        try:
            for raw in reader:
                cells = [unescape_formula(v.strip()) for v in raw[:width]]
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield cells
        except csv.Error as exc:
            raise FileRefused(
                _("Line %(line)d of the CSV file cannot be read (perhaps an unbalanced quote).")
                % {"line": reader.line_num}
            ) from exc

    return Table(headers, _limited(values(), 2), lines=text.count("\n") + 1)


def scan_table(path: Path, file_format: str, progress: Callable[[int], None] | None = None) -> tuple[list[str], int]:
    """The check before anything is imported, in the worker (R-IMP-2): the whole file is read
    through once for readability and the row and column caps; returns the headers and the
    number of data rows. A file with a header row and nothing under it is refused here."""
    table = read_table(path, file_format)
    count = 0
    for number, _values in table.rows:
        count += 1
        if progress is not None and count % 5000 == 0:
            progress(min(99, number * 100 // max(table.lines, 1)))
    if count == 0:
        raise FileRefused(_("The file has no rows under its header row."))
    return table.headers, count
