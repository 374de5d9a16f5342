"""Checking and reading uploaded files (R-IMP-1, R-IMP-6, R-IMP-8).

`check_file` runs before any parsing: size, extension, magic bytes, and for .xlsx the
zip container (entry count and summed uncompressed size against zip bombs, encryption,
macros, DTDs against entity expansion; the workbook found through the package's
relationships, `xlsx.Package`). Only then does `read_table` parse:

- xlsx with python-calamine for the values, plus `xlsx.scan_cells` for what calamine does
  not say (number formats, formulas, error values); the first visible sheet with data
  unless the client chose another; merged ranges filled down.
- CSV in UTF-8 (with or without BOM), Windows-1252 or UTF-16 with BOM; comma, semicolon,
  tab or pipe (`sniff_delimiter`).
- The header row is the first row (of the first HEADER_SCAN_ROWS) in which a known header is
  found; rows above it are reported. Columns without a name but with data, and cells
  beyond the header in ragged rows, are kept as "Column N".

Old .xls (BIFF) files are refused: python-calamine reads their values but says nothing
of formulas, error values (they read as empty) or number formats, so R-IMP-8 (nothing
lost silently) could not be kept; Excel and LibreOffice save them as .xlsx in one step.

Every refusal is a `FileRefused` with a message for the user.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from django.conf import settings
from django.utils.translation import gettext as _

from apps.imports import numformat, xlsx
from apps.imports.formulas import unescape_formula
from apps.imports.numformat import number_text

logger = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx, old .xls, .doc
ZIP_MAGIC = b"PK\x03\x04"
MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")


class FileRefused(Exception):
    """The file cannot be imported; `str(exc)` is the message for the user."""


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
    if suffix not in (".xlsx", ".csv", ".tsv", ".txt"):
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
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 with a byte-order mark: Excel's "Unicode text"
    if b"\x00" in head:
        raise FileRefused(_("The file is in UTF-16 or is binary. Save it as CSV in UTF-8."))
    return "csv"


def sniff_encoding(head: bytes) -> None:
    """The web request's look at a CSV's text (R-IMP-6): UTF-8 or Windows-1252 in its first
    bytes, or a clear refusal at once. The whole file is decoded by the check in the worker."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            codecs.getincrementaldecoder("utf-16")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The text encoding of the file is not recognised. Save it as CSV in UTF-8.")) from exc
        return
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
            package = xlsx.Package(archive)
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise FileRefused(_("The file is password-protected or encrypted. Save it without a password."))
            if any("vbaproject" in n.lower() for n in names):
                raise FileRefused(_("Files with macros are not accepted. Save the sheet as .xlsx without macros."))
            if not package.has("[Content_Types].xml"):
                raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet."))
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as part:
                        prolog = part.read(4096)
                    # A DTD may only appear in the prolog: refusing it rules out entity
                    # expansion (billion laughs) and external entities in every parser.
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise FileRefused(_("The .xlsx file contains XML declarations that are not allowed."))
            types = SafeET.fromstring(package.read("[Content_Types].xml", 1024 * 1024))
            for element in types:
                if any(marker in element.get("ContentType", "") for marker in MACRO_TYPES):
                    raise FileRefused(_("Files with macros are not accepted. Save the sheet as .xlsx without macros."))
            # Wherever the parts are (R-IMP-6): found as readers find them, not at a fixed path.
            if package.workbook_part() is None:
                raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet."))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, SafeET.ParseError, EOFError, OSError) as exc:
        raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet.")) from exc
    except ValueError as exc:  # defusedxml's DTD/entity refusals
        raise FileRefused(_("The .xlsx file contains XML declarations that are not allowed.")) from exc


# --- Reading ----------------------------------------------------------------------
# A cell the reader could not take as it came (R-IMP-6, R-IMP-8): {column index: (kind, detail)}.
CellIssues = dict[int, tuple[str, str]]
Row = tuple[int, list[str], CellIssues | None]
HEADER_SCAN_ROWS = 20  # the header row is looked for among this many non-blank rows


def _cell_text(value: object) -> str:
    if type(value) is str:  # the common case first: the import reads a million cells
        return value.strip()
    if type(value) is float:
        return number_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return str(value).strip()


def _limited(rows: Iterator[Row]) -> Iterator[Row]:
    """Skip blank rows and stop at the row cap."""
    count = 0
    limit = settings.IMPORT_MAX_ROWS
    for row in rows:
        if not any(row[1]) and not row[2]:
            continue
        count += 1
        if count > limit:
            raise FileRefused(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        yield row


def column_name(index: int) -> str:
    return _("Column %(number)d") % {"number": index + 1}


def _headers(values: list[str], width: int = 0) -> list[str]:
    """The header row's names, widened to `width` columns: a column without a name (in the
    middle, or with data under it beyond the last name) is called "Column N" (R-IMP-8)."""
    while values and not values[-1]:
        values = values[:-1]
    values = values + [""] * (width - len(values))
    if len(values) > settings.IMPORT_MAX_COLUMNS:
        raise FileRefused(_("The file has more than %(limit)d columns.") % {"limit": settings.IMPORT_MAX_COLUMNS})
    if not values:
        raise FileRefused(_("The file has no header row."))
    seen: dict[str, int] = {}
    headers = []
    for index, header in enumerate(values):
        header = " ".join(header.split()) or column_name(index)
        seen[header] = seen.get(header, 0) + 1
        headers.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return headers


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[Row]  # (row number in the file, 1-based; values, one per header; cell issues or None)
    lines: int = 0  # the file's lines (CSV) or rows (xlsx): the scale of the check's progress
    layout: dict[str, Any] = field(default_factory=dict)  # how it was read: sheet, header row, width, …
    above_header: list[int] = field(default_factory=list)  # rows with text above the header row


def _recognised_count(values: list[str]) -> int:
    from apps.imports.mapping import FIELDS, detect

    return sum(1 for target in detect(values).values() if target in FIELDS)


def _split_header(
    raw: Iterator[Row], header_row: int | None, keep_blank: bool = False
) -> tuple[Row, list[Row], Iterator[Row]]:
    """The header row and the rows above it: the given one, else the first row within the first
    HEADER_SCAN_ROWS non-blank rows where a known header is found (a title line or an export
    date above the header is common), else the first non-blank row.

    The rows under the header come out as they do when the header row is given (the check
    finds it, the import is told it): a row without values but with a cell issue (an error
    value: the row is rejected and said) and, with `keep_blank` (a sheet with merged ranges,
    which fill rows without values), every row without values stays among them."""
    buffered: list[Row] = []
    values_seen = 0
    for row in raw:
        if header_row is not None:
            if row[0] == header_row:
                return row, [r for r in buffered if any(r[1])], raw
            buffered.append(row)
            continue
        if any(row[1]):
            values_seen += 1
        elif not (keep_blank or row[2]) or not values_seen:
            continue  # nothing to keep: before any value, or blank for good
        buffered.append(row)
        if values_seen >= HEADER_SCAN_ROWS:
            break
    if header_row is not None or not values_seen:
        raise FileRefused(_("The file has no header row."))
    with_values = [i for i, row in enumerate(buffered) if any(row[1])]
    chosen = next((i for i in with_values if _recognised_count(buffered[i][1])), with_values[0])
    rest = buffered[chosen + 1 :]

    def remaining() -> Iterator[Row]:
        yield from rest
        yield from raw

    return buffered[chosen], [r for r in buffered[:chosen] if any(r[1])], remaining()


def read_table(path: Path, file_format: str, layout: dict[str, Any] | None = None) -> Table:
    """The header row and an iterator over the data rows, each as wide as the headers.

    `layout` is what the check found (`scan_table`): the sheet, the header row and the width
    of the table; without it the same is found again (the first visible sheet with data, the
    header row by its known headers, the header's width)."""
    layout = dict(layout or {})
    raw, lines, merges = (_xlsx_rows if file_format == "xlsx" else _csv_rows)(path, layout)
    header, above, rest = _split_header(raw, layout.get("header_row"), keep_blank=bool(merges))
    layout["header_row"] = header[0]
    headers = _headers(header[1], int(layout.get("width") or 0))
    width = len(headers)
    # A range merged over data rows: its value fills the range's first column downwards (a
    # range starting in the header or above is a title, not data).
    fills = {first: (last, column) for first, last, column in merges if first > header[0]}

    def rows() -> Iterator[Row]:
        filling: dict[int, tuple[str, int]] = {}
        for number, cells, issues in rest:
            if filling:
                for column, (value, until) in list(filling.items()):
                    if number > until:
                        del filling[column]
                    elif column < len(cells) and not cells[column]:
                        cells[column] = value
            if number in fills:
                for first, last, column in merges:
                    if first == number and column < len(cells) and cells[column]:
                        filling[column] = (cells[column], last)
            if len(cells) > width:
                if any(cells[width:]):
                    # Beyond the table the check measured: never silently (R-IMP-8).
                    issues = dict(issues or {})
                    issues[width] = ("beyond", "")
                cells = cells[:width]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, cells, issues

    return Table(headers, _limited(rows()), lines=lines, layout=layout, above_header=[r[0] for r in above])


Merge = tuple[int, int, int]  # first and last row (1-based), column


def _xlsx_rows(path: Path, layout: dict[str, Any]) -> tuple[Iterator[Row], int, list[Merge]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        metadata = [m for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        visible = [m.name for m in metadata if str(m.visible).endswith(".Visible")]
        sheet = None
        if layout.get("sheet") in [m.name for m in metadata]:
            sheet = workbook.get_sheet_by_name(layout["sheet"])
        else:
            with_data = []
            for name in visible:
                candidate = workbook.get_sheet_by_name(name)
                if candidate.start is not None and any(
                    any(v != "" for v in row) for row in candidate.to_python(nrows=HEADER_SCAN_ROWS * 5)
                ):
                    with_data.append(name)
                    sheet = sheet or candidate
            layout["sheets"] = with_data
        if sheet is None:
            raise FileRefused(_("The file has no sheet with data."))
        layout["sheet"] = sheet.name
        # The sheet's used range answers the row cap at once (blank rows inside it count).
        if sheet.height - 1 > settings.IMPORT_MAX_ROWS:
            raise FileRefused(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        if sheet.width > settings.IMPORT_MAX_COLUMNS:
            raise FileRefused(_("The file has more than %(limit)d columns.") % {"limit": settings.IMPORT_MAX_COLUMNS})
        values = sheet.iter_rows()
        first_column = sheet.start[1]
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise FileRefused(_("This .xlsx file is damaged or not a spreadsheet.")) from exc
    notes = _cell_notes(path, sheet.name)
    by_row: dict[int, list[tuple[int, xlsx.CellNote]]] = {}
    for (r, c), note in notes.items():
        if c >= first_column:
            by_row.setdefault(r, []).append((c - first_column, note))
    # Merged ranges spanning rows (1-based first and last row, column): filled down by read_table.
    merges = [(r0 + 1, r1 + 1, c0 - first_column) for (r0, c0), (r1, _c1) in merged if r1 > r0 and c0 >= first_column]

    def rows() -> Iterator[Row]:
        for index, raw in enumerate(values):
            # The common cell, a text, without a call: a million cells per 100,000 rows.
            cells = [v.strip() if type(v) is str else _cell_text(v) for v in raw]
            issues: CellIssues | None = None
            for column, note in by_row.get(index, ()):
                if column >= len(cells):
                    continue
                if note.code:
                    text = numformat.formatted(raw[column], note.code)
                    if text is not None:
                        cells[column] = text
                if note.kind == xlsx.FORMULA:
                    issues = issues or {}
                    issues[column] = (note.kind, "")
                elif note.kind in (xlsx.ERROR, xlsx.FORMULA_EMPTY):
                    cells[column] = ""
                    issues = issues or {}
                    issues[column] = (note.kind, note.error)
            yield index + 1, cells, issues

    return rows(), sheet.height + first_column, merges


def _cell_notes(path: Path, sheet_name: str) -> dict[tuple[int, int], xlsx.CellNote]:
    """Formulas, error values and number formats of the sheet's cells (xlsx.scan_cells);
    none when the package cannot be read that way (calamine read it, so its values stand)."""
    try:
        with zipfile.ZipFile(path) as archive:
            package = xlsx.Package(archive)
            book = xlsx.read_workbook(package)
            part = next((s.part for s in book.sheets if s.name == sheet_name), None)
            if part is None or not xlsx.sheet_has_specials(package, part, book.formats):
                return {}
            try:
                return xlsx.scan_cells(package, part, book.formats)
            except xlsx.CellsWithoutReference:
                return xlsx.scan_cells_counted(package, part, book.formats)
    except (zipfile.BadZipFile, KeyError, ValueError, SafeET.ParseError, OSError):
        logger.warning("xlsx: cell styles and formulas not read", exc_info=True)
        return {}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" (tab-separated UTF-16 with a byte-order mark).
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The text encoding of the file is not recognised. Save it as CSV in UTF-8.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The text encoding of the file is not recognised. Save it as CSV in UTF-8.")) from exc


DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon, tab or pipe: the one that splits the first lines into the most
    consistent number of columns (a title line above the header does not decide it)."""
    lines = [line for line in text[: 64 * 1024].splitlines()[: HEADER_SCAN_ROWS * 2] if line.strip()][:HEADER_SCAN_ROWS]
    best, best_score = ",", (0, 0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        common = max(set(multi), key=lambda w: (multi.count(w), w))
        score = (len(multi), multi.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path, layout: dict[str, Any]) -> tuple[Iterator[Row], int, list[Merge]]:
    text = _decode(path.read_bytes())
    delimiter = layout.get("delimiter") or sniff_delimiter(text)
    layout["delimiter"] = delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[Row]:
        line = 1
        try:
            for raw in reader:
                # Our own formula escape is undone on every cell, headers too (R-IMP-7, formulas.py).
                yield line, [unescape_formula(v.strip()) for v in raw], None
                line = reader.line_num + 1
        except csv.Error as exc:
            raise FileRefused(
                _("Line %(line)d of the CSV file cannot be read (perhaps an unbalanced quote).")
                % {"line": reader.line_num}
            ) from exc

    return rows(), text.count("\n") + 1, []


# The rows the check read, kept for the import next to the uploaded file (`scan_table`'s `keep`).
KEPT_ROWS_SUFFIX = ".rows"
_KEPT_CHUNK = 5000


class _KeptRows:
    """The rows as `read_table` gave them, written while the check reads the file, so that
    the import does not parse the file a second time (issue 16 #1): JSON lines, a chunk of
    rows a line, after one line with the table's headers, layout and rows above the header.
    The same personal data as the file itself, beside it in the private folder, readable by
    the server's user only, and deleted with it (`services.import_file_delete`, R-DEL-1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.out = open(self.part, "w", encoding="utf-8")  # noqa: SIM115 (closed by finish / discard)
        self.part.chmod(0o600)
        self.chunk: list[Any] = []

    def add(self, row: Row) -> None:
        number, cells, issues = row
        self.chunk.append([number, cells, [[c, k, d] for c, (k, d) in issues.items()] if issues else None])
        if len(self.chunk) == _KEPT_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.chunk:
            self.out.write(json.dumps(self.chunk, ensure_ascii=False, separators=(",", ":")) + "\n")
            self.chunk.clear()

    def finish(self, table: Table) -> None:
        self._flush()
        self.out.close()
        meta = {"headers": table.headers, "layout": table.layout, "lines": table.lines, "above": table.above_header}
        done = self.path.with_name(self.path.name + ".done")
        with open(done, "w", encoding="utf-8") as out, open(self.part, encoding="utf-8") as rows:
            done.chmod(0o600)
            out.write(json.dumps(meta, ensure_ascii=False) + "\n")
            while block := rows.read(1 << 20):
                out.write(block)
        os.replace(done, self.path)
        self.part.unlink(missing_ok=True)

    def discard(self) -> None:
        self.out.close()
        self.part.unlink(missing_ok=True)
        self.path.with_name(self.path.name + ".done").unlink(missing_ok=True)


def read_kept_rows(path: Path, layout: dict[str, Any]) -> Table | None:
    """The table the check kept (`scan_table`'s `keep`), read a chunk at a time; None when
    there is none, or it was read with another layout than the import's (then the import
    reads the file itself)."""
    try:
        source = open(path, encoding="utf-8")  # noqa: SIM115 (closed when the rows are read through)
    except FileNotFoundError:
        return None
    meta = json.loads(source.readline() or "{}")
    if not meta or meta.get("layout") != layout:
        source.close()
        return None

    def rows() -> Iterator[Row]:
        with source:
            for line in source:
                for number, cells, issues in json.loads(line):
                    yield number, cells, {c: (k, d) for c, k, d in issues} if issues else None

    return Table(meta["headers"], rows(), lines=meta["lines"], layout=layout, above_header=meta["above"])


def scan_table(
    path: Path,
    file_format: str,
    progress: Callable[[int], None] | None = None,
    layout: dict[str, Any] | None = None,
    keep: Path | None = None,
) -> tuple[list[str], int, dict[str, Any]]:
    """The check before anything is imported, in the worker (R-IMP-2): the whole file is read
    through once for readability and the row and column caps; returns the headers (widened
    to the widest data row: cells beyond the last named column are kept as "Column N",
    R-IMP-8), the number of data rows and the layout the import reads the file by. A file
    with a header row and nothing under it is refused here.

    With `keep`, the rows read are written there for the import (`read_kept_rows`), unless
    the table had to be widened (a ragged file: the import reads it again at its width)."""
    layout = {k: v for k, v in (layout or {}).items() if k in ("sheet", "sheets")}
    table = read_table(path, file_format, layout)
    kept = None
    if keep is not None:
        try:
            kept = _KeptRows(keep)
        except OSError:  # a full disk or a missing folder fails the keeping, not the check
            logger.warning("import check: the rows read are not kept", exc_info=True)
    try:
        count = 0
        widest = 0
        width = len(table.headers)
        for row in table.rows:
            count += 1
            if kept is not None:
                try:
                    kept.add(row)
                except OSError:  # a full disk fails the keeping, not the check
                    logger.warning("import check: the rows read are not kept", exc_info=True)
                    kept.discard()
                    kept = None
            issues = row[2]
            if issues and width in issues:  # cells beyond the header: measure the row again
                widest = max(widest, width + 1)
            if progress is not None and count % 5000 == 0:
                progress(min(99, row[0] * 100 // max(table.lines, 1)))
        if count == 0:
            raise FileRefused(_("The file has a header row but no rows under it: nothing to import."))
        headers = table.headers
        if widest:
            headers = _widest(path, file_format, table.layout)
        table.layout["width"] = len(headers)
        if kept is not None:
            try:
                kept.discard() if widest else kept.finish(table)
            except OSError:
                logger.warning("import check: the rows read are not kept", exc_info=True)
                kept.discard()
            kept = None
    finally:
        if kept is not None:
            kept.discard()
    return headers, count, table.layout


def _widest(path: Path, file_format: str, layout: dict[str, Any]) -> list[str]:
    """Headers as wide as the widest row with data (a second pass, only for ragged files)."""
    raw, _lines, _merges = (_xlsx_rows if file_format == "xlsx" else _csv_rows)(path, dict(layout))
    header_row = layout["header_row"]
    names: list[str] = []
    widest = 0
    for number, cells, _issues in raw:
        if number == header_row:
            names = cells
        elif number > header_row:
            last = max((i for i, v in enumerate(cells) if v), default=-1)
            widest = max(widest, last + 1)
    return _headers(names, widest)
