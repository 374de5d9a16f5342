"""The parts of an .xlsx package that python-calamine does not give us (R-IMP-6, R-IMP-7, R-IMP-8).

- Where the parts are: the workbook is found through the package relationships
  (`_rels/.rels`, type `…/officeDocument`) and `[Content_Types].xml`, not at a fixed path;
  part names are matched without regard to case or to backslashes (files written by some
  Windows programs, e.g. a Chinese attendance system, use `xl\\workbook.xml`), and parts
  may sit at the zip's root or under any folder. python-calamine reads such files too.
- The sheets, with their visibility, and the number format of each cell style.
- `scan_cells`: one pass over the sheet's XML, by regular expression, that picks out only
  the cells calamine cannot describe: formulas (with or without a cached value), error
  values (`#DIV/0!`, `#N/A`: calamine gives them as empty) and cells whose style has a
  number format worth applying. Other cells cost nothing in Python, so the fast path
  (calamine for the values) stays fast; the pass is skipped when the sheet has no formula,
  no error and no such style.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET

from apps.imports.numformat import BUILTIN, PLAIN_CODES

OFFICE_DOCUMENT = "/officeDocument"
MAIN_TYPES = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml")
MAX_XML = 16 * 1024 * 1024  # workbook, relationships and styles parts are small


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Package:
    """Part names looked up as a reader does: `/`-rooted or not, any case, `\\` or `/`."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {self.key(info.filename): info.filename for info in archive.infolist()}

    @staticmethod
    def key(name: str) -> str:
        return name.replace("\\", "/").lstrip("/").lower()

    def has(self, name: str) -> bool:
        return self.key(name) in self.names

    def read(self, name: str, limit: int = MAX_XML) -> bytes:
        with self.archive.open(self.names[self.key(name)]) as part:
            return part.read(limit)

    def open(self, name: str):  # type: ignore[no-untyped-def]
        return self.archive.open(self.names[self.key(name)])

    def xml(self, name: str):  # type: ignore[no-untyped-def]
        return SafeET.fromstring(self.read(name))

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """{id: (type, target part name)} of a part ("" for the package itself)."""
        folder, base = posixpath.split(part.replace("\\", "/").lstrip("/"))
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels):
            return {}
        out = {}
        for element in self.xml(rels):
            if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                continue
            target = (element.get("Target") or "").replace("\\", "/")
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
            out[element.get("Id", "")] = (element.get("Type", ""), resolved)
        return out

    def workbook_part(self) -> str | None:
        """The workbook's part name: from the package relationships, else the content types."""
        for rel_type, target in self.relationships("").values():
            if rel_type.endswith(OFFICE_DOCUMENT) and self.has(target):
                return target
        if self.has("[Content_Types].xml"):
            for element in self.xml("[Content_Types].xml"):
                if _local(element.tag) == "Override" and element.get("ContentType", "").endswith(MAIN_TYPES):
                    name = element.get("PartName", "")
                    if self.has(name):
                        return name.replace("\\", "/").lstrip("/")
        return "xl/workbook.xml" if self.has("xl/workbook.xml") else None


@dataclass
class SheetInfo:
    name: str
    part: str | None
    visible: bool


@dataclass
class Workbook:
    sheets: list[SheetInfo]
    formats: list[str]  # number format code per cell style (cellXfs index)
    date1904: bool = False
    package: Package | None = field(default=None, repr=False)


def read_workbook(package: Package) -> Workbook:
    part = package.workbook_part()
    if part is None:
        raise ValueError("no workbook part")
    rels = package.relationships(part)
    root = package.xml(part)
    sheets: list[SheetInfo] = []
    date1904 = False
    for element in root.iter():
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904", "") in ("1", "true")
        elif name == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            target = rels.get(rid, ("", ""))[1]
            sheets.append(
                SheetInfo(
                    element.get("name", ""),
                    target if target and package.has(target) else None,
                    element.get("state", "visible") == "visible",
                )
            )
    styles = next((t for rel_type, t in rels.values() if rel_type.endswith("/styles")), None)
    return Workbook(sheets, _formats(package, styles) if styles and package.has(styles) else [], date1904, package)


def _formats(package: Package, part: str) -> list[str]:
    root = package.xml(part)
    custom: dict[int, str] = {}
    codes: list[str] = []
    for element in root:
        if _local(element.tag) == "numFmts":
            for fmt in element:
                try:
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
    for element in root:
        if _local(element.tag) == "cellXfs":
            for xf in element:
                try:
                    fmt_id = int(xf.get("numFmtId", "0") or 0)
                except ValueError:
                    fmt_id = 0
                codes.append(custom.get(fmt_id, BUILTIN.get(fmt_id, "General")))
    return codes


# --- The light pass over a sheet's cells -------------------------------------------
FORMULA = "formula"  # a formula whose cached value was used
FORMULA_EMPTY = "formula_empty"  # a formula without a cached value
ERROR = "error"  # an error value such as #DIV/0!


@dataclass
class CellNote:
    kind: str | None = None  # FORMULA, FORMULA_EMPTY, ERROR or None
    code: str = ""  # the number format to apply ("" for none)
    error: str = ""  # the error value shown (#DIV/0!)


_CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_CHUNK = 4 * 1024 * 1024


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number - 1


def scan_cells(package: Package, part: str, formats: list[str]) -> dict[tuple[int, int], CellNote]:
    """{(row, column), 0-based: note} for the cells calamine cannot describe alone.

    Searched by the attribute or element that makes a cell interesting (a style with a number
    format, `t="e"`, a first child `<f>`), then read back from that cell's start tag: the
    regular expressions start with literal text, so the 99 % of cells without any of these
    cost no Python at all."""
    interesting = sorted(i for i, code in enumerate(formats) if code not in PLAIN_CODES)
    patterns = [re.compile(rb'\st="e"'), re.compile(rb"<(?:\w{1,16}:)?f[\s>/]")]
    if interesting:
        patterns.append(re.compile(rb'\ss="(?:' + b"|".join(str(i).encode() for i in interesting) + rb')"'))
    notes: dict[tuple[int, int], CellNote] = {}
    with package.open(part) as stream:
        tail = b""
        while True:
            chunk = stream.read(_CHUNK)
            data = tail + chunk
            if not chunk:
                cut = len(data)
            else:
                # Whole cells only: cut after the last closed row.
                cut = data.rfind(b"row>")  # the end of </row> (or </x:row>)
                cut = cut + 4 if cut >= 0 else 0
                if cut == 0:
                    tail = data
                    continue
            _scan(patterns, data[:cut], formats, notes)
            tail = data[cut:]
            if not chunk:
                break
    return notes


_CELL_TAG = re.compile(rb"<(?:\w{1,16}:)?c\s")


def _scan(patterns: list[re.Pattern[bytes]], data: bytes, formats: list[str], notes: dict) -> None:
    # The start tag holding the attribute; for <f>, the tag before it (a cell's first child).
    starts = {data.rfind(b"<", 0, match.start() + (data[match.start()] != 60)) for pattern in patterns
              for match in pattern.finditer(data)}  # fmt: skip
    for start in sorted(starts):
        if start < 0 or not _CELL_TAG.match(data, start):
            continue  # a row's style, or an <f> outside a cell
        end = data.find(b">", start)
        tag = data[start:end]
        attrs = dict(_ATTR.findall(tag))
        ref = _CELL_REF.fullmatch(attrs.get(b"r", b""))
        if ref is None:
            raise CellsWithoutReference
        key = (int(ref.group(2)) - 1, _column(ref.group(1)))
        if key in notes:
            continue
        note = CellNote()
        try:
            code = formats[int(attrs.get(b"s", b"0") or 0)]
        except (ValueError, IndexError):
            code = "General"
        note.code = "" if code in PLAIN_CODES else code
        if not tag.endswith(b"/"):  # not self-closing: look inside
            close = _CELL_END.search(data, end)
            inner = data[end + 1 : close.start() if close else len(data)]
            value = re.search(rb"<(?:\w+:)?v>([^<]*)<", inner)
            if attrs.get(b"t") == b"e":
                note.kind = ERROR
                note.error = value.group(1).decode(errors="replace")[:20] if value else "#?"
            elif re.match(rb"\s*<(?:\w+:)?f\b", inner):
                has_value = value is not None and (value.group(1) != b"" or attrs.get(b"t") == b"str")
                note.kind = FORMULA if has_value else FORMULA_EMPTY
        elif attrs.get(b"t") == b"e":
            note.kind, note.error = ERROR, "#?"
        if note.kind or note.code:
            notes[key] = note


class CellsWithoutReference(Exception):
    """A writer that leaves out the cells' `r` attributes: positions must be counted."""


def scan_cells_counted(package: Package, part: str, formats: list[str]) -> dict[tuple[int, int], CellNote]:
    """The slow, exact pass for sheets whose cells carry no reference: every element parsed."""
    notes: dict[tuple[int, int], CellNote] = {}
    row = -1
    column = -1
    with package.open(part) as stream:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    r = element.get("r")
                    row = int(r) - 1 if r and r.isdigit() else row + 1
                    column = -1
                elif name == "c":
                    ref = _CELL_REF.fullmatch((element.get("r") or "").encode())
                    column = _column(ref.group(1)) if ref else column + 1
                continue
            if name != "c":
                if name == "row":
                    element.clear()
                continue
            note = CellNote()
            try:
                code = formats[int(element.get("s", "0") or 0)]
            except (ValueError, IndexError):
                code = "General"
            note.code = "" if code in PLAIN_CODES else code
            children = {_local(child.tag): child for child in element}
            if element.get("t") == "e":
                note.kind = ERROR
                note.error = ((children["v"].text or "") if "v" in children else "#?")[:20]
            elif "f" in children:
                has_value = "v" in children and (children["v"].text or element.get("t") == "str")
                note.kind = FORMULA if has_value else FORMULA_EMPTY
            if note.kind or note.code:
                notes[(row, column)] = note
    return notes


def sheet_has_specials(package: Package, part: str, formats: list[str]) -> bool:
    """Whether the pass is needed at all: any styled-with-a-format cell, formula or error."""
    if any(code not in PLAIN_CODES for code in formats):
        return True
    with package.open(part) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            # Literal searches (memchr-fast): a regular expression here cost seconds per 100k rows.
            if any(marker in data for marker in _SPECIAL_MARKERS):
                return True
            tail = data[-32:]
    return False


# A formula element (with or without a namespace prefix) or an error cell.
_SPECIAL_MARKERS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b' t="e"')
