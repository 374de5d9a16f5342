"""The corpus (issue 12; R-IMP-1, R-IMP-6, R-IMP-7, R-IMP-8): real spreadsheets from other
projects' test suites and Dutch-CRM-style exports, each uploaded and imported through the
portal's pages and the worker's steps, as a client does.

`corpus/manifest.json` holds, per file, its source and licence and the expected outcome:
refused (with a part of the message), or counts (rows read and rejected, companies,
persons, row messages) and spot checks of kept values. Other work changes counts (matching,
warnings): `CORPUS_RECORD=1 pytest tests/imports/test_corpus.py` writes the observed
outcomes into the manifest, to be reviewed in the diff before committing.

Every file also passes the no-silent-loss check: the file is read again independently
(openpyxl for xlsx, the csv module for text) and every non-empty cell under the header row
is in a column the import has (no cell beyond the header), and is stored (an extra column's
value is found among the prospects' extra values, as shown), or is in a column mapped to a
field or left out by choice, or its row is in the report; every non-empty row above the
header row is in the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from apps.accounts.models import Role
from apps.imports import files, services
from apps.imports.mapping import EXTRA, FIELDS, IGNORE
from apps.imports.models import ImportJob, ImportStatus
from apps.prospects.models import Company, Person, Prospect
from tests import factories

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST_PATH = CORPUS / "manifest.json"
MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
RECORD = os.environ.get("CORPUS_RECORD") == "1"

pytestmark = pytest.mark.django_db


def test_the_corpus_is_large_enough_small_and_described() -> None:
    entries = MANIFEST["files"]
    assert len(entries) >= 60
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()} - {
        "manifest.json",
        "generate.py",
        "README.md",
    }
    assert on_disk == {e["file"] for e in entries}, "every corpus file has exactly one manifest entry"
    assert sum((CORPUS / e["file"]).stat().st_size for e in entries) < 10 * 1024 * 1024
    for entry in entries:
        assert (CORPUS / entry["file"]).stat().st_size < 200 * 1024, entry["file"]
        assert entry.get("source") and entry.get("licence"), entry["file"]
        assert "refused" in entry["expect"] or "rows_read" in entry["expect"], entry["file"]


def _outcome(job: ImportJob) -> dict[str, Any]:
    return {
        "rows_read": job.rows_read,
        "rejected": job.rows_rejected,
        "companies": job.companies_new + job.companies_matched,
        "persons": job.persons_new + job.persons_matched,
        "messages": len(job.row_errors),
        "header_row": job.layout.get("header_row"),
    }


@pytest.fixture
def portal(db) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    """A client user and an empty assignment of its client (lighter than the whole world:
    the corpus runs ninety imports)."""
    client = factories.ClientFactory()
    user = factories.UserFactory(role=Role.CLIENT, client=client)
    http = HttpClient()
    http.force_login(user)
    return factories.AssignmentFactory(client=client), http


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=[e["file"] for e in MANIFEST["files"]])
def test_corpus_file_imports_as_expected_without_silent_loss(portal, entry, django_capture_on_commit_callbacks) -> None:
    _import_and_check(CORPUS / entry["file"], entry, portal, django_capture_on_commit_callbacks)


def test_a_large_generated_file_imports_without_silent_loss(
    portal, tmp_path, django_capture_on_commit_callbacks
) -> None:
    """3,000 rows (generated, not kept in the repository): a title line above the header, number
    formats, a formula with its cached value every 500 rows, an error value every 1,000."""
    import xlsxwriter

    path = tmp_path / "groot.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Export")
    zeros, percent = workbook.add_format({"num_format": "000000"}), workbook.add_format({"num_format": "0%"})
    sheet.write_string(0, 0, "Export leads 27-11-2026")
    headers = ["Bedrijfsnaam", "KvK", "Plaats", "Achternaam", "E-mail", "Klantnummer", "Korting", "Som"]
    for c, header in enumerate(headers):
        sheet.write_string(2, c, header)
    for r in range(1, 3001):
        row = 2 + r
        sheet.write_string(row, 0, f"Bedrijf {r} BV")
        sheet.write_string(row, 1, f"{10000000 + r}")
        sheet.write_string(row, 2, "Utrecht")
        sheet.write_string(row, 3, f"Jansen{r}")
        sheet.write_string(row, 4, f"jan{r}@bedrijf{r}.nl")
        sheet.write_number(row, 5, r, zeros)
        sheet.write_number(row, 6, (r % 20) / 100, percent)
        if r % 500 == 0:
            sheet.write_formula(row, 7, f"=F{row + 1}*2", None, 2 * r)
        elif r % 1000 == 250:
            sheet.write_formula(row, 7, "=NA()", None, "#N/A")
        else:
            sheet.write_number(row, 7, 2 * r)
    workbook.close()
    entry = {
        "file": path.name,
        "expect": {"rows_read": 3000, "rejected": 3, "companies": 2997, "persons": 2997, "messages": 10,
                   "header_row": 3, "extra": {"Klantnummer": "002999", "Korting": "19%", "Som": "1000"}},
    }  # fmt: skip
    _import_and_check(path, entry, portal, django_capture_on_commit_callbacks, record=False)


def _import_and_check(path: Path, entry: dict[str, Any], portal: Any, capture: Any, record: bool = RECORD) -> None:
    django_capture_on_commit_callbacks = capture
    expect = entry["expect"]
    assignment, http = portal
    upload = http.post(
        reverse("portal:upload", args=[assignment.pk]),
        {"file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert upload.status_code in (200, 302)
    job = ImportJob.objects.filter(assignment=assignment).first()
    if upload.status_code == 200:  # refused by the request's cheap checks
        assert job is None
        message = " ".join(str(e) for e in upload.context["form"].errors["file"])
        _assert_refused(entry, message)
        return
    job = services.import_job_check(job_id=job.pk)  # the worker's check
    page = http.get(reverse("portal:import", args=[job.pk]))
    assert page.status_code == 200
    if job.status == ImportStatus.FAILED:
        assert job.error in page.content.decode()
        _assert_refused(entry, job.error)
        if "recognised" in job.error:
            # Readable but without a known header: the reader is still checked cell by cell.
            _assert_reader_keeps_everything(path, job.file_format)
        return
    assert job.status == ImportStatus.MAPPING
    _assert_reader_keeps_everything(path, job.file_format, job.layout)
    if entry.get("sheet"):
        # The client picks another sheet of the workbook on the mapping page (R-IMP-6).
        with django_capture_on_commit_callbacks(execute=False):
            chosen = http.post(reverse("portal:import", args=[job.pk]), {"sheet": entry["sheet"]})
        assert chosen.status_code == 302
        job = services.import_job_check(job_id=job.pk)
        assert job.status == ImportStatus.MAPPING and job.layout["sheet"] == entry["sheet"]
    mapping = dict(job.detected_mapping)
    for header, target in entry.get("mapping", {}).items():
        mapping[str(job.headers.index(header))] = target
    fields = {f"column-{index}": target for index, target in mapping.items()}
    with django_capture_on_commit_callbacks(execute=False):
        confirmed = http.post(reverse("portal:import", args=[job.pk]), fields)
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    job = services.import_run(job_id=job.pk)  # the worker's import
    assert http.get(reverse("portal:import", args=[job.pk])).status_code == 200
    assert http.get(reverse("portal:import-report", args=[job.pk])).status_code == 200
    if job.status == ImportStatus.FAILED:
        _assert_refused(entry, job.error)
        return
    assert job.status == ImportStatus.DONE
    outcome = _outcome(job)
    # Companies and persons reach the database as counted (no half-written import).
    prospects = Prospect.objects.filter(assignment=assignment)
    assert prospects.count() == outcome["companies"]
    assert Company.objects.filter(prospects__assignment=assignment).distinct().count() == outcome["companies"]
    assert (
        Person.objects.filter(prospect_links__prospect__assignment=assignment).distinct().count() == outcome["persons"]
    )
    _assert_nothing_lost(path, job, prospects)
    if record:
        _record(entry, outcome, job)
        return
    assert "refused" not in expect, f"expected a refusal, got {outcome}"
    assert {k: outcome[k] for k in expect if k in outcome} == {k: v for k, v in expect.items() if k in outcome}
    if "sheet" in expect:
        assert job.layout["sheet"] == expect["sheet"]
    if "headers" in expect:
        assert job.headers == expect["headers"]
    for header, value in expect.get("extra", {}).items():
        assert value in {p.get(header) for p in prospects.values_list("extra", flat=True)}, (header, value)


def _assert_refused(entry: dict[str, Any], message: str) -> None:
    assert message, "a refusal says why"
    if RECORD:
        entry["expect"] = {"refused": message}
        _save()
        return
    assert "refused" in entry["expect"], f"refused: {message}"
    assert entry["expect"]["refused"] in message


def _record(entry: dict[str, Any], outcome: dict[str, Any], job: ImportJob) -> None:
    kept = {k: v for k, v in entry["expect"].items() if k in ("extra", "headers", "sheet")}
    entry["expect"] = {**outcome, **kept}
    _save()


def _save() -> None:
    MANIFEST_PATH.write_text(json.dumps(MANIFEST, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- The independent reading -----------------------------------------------------
def _independent_rows(path: Path, job: ImportJob) -> tuple[list[tuple[int, list[Any]]], int]:
    """(row number, cells from the first column of the table) and the table's first column."""
    if job.file_format == "xlsx":
        import openpyxl
        from python_calamine import CalamineWorkbook

        calamine_sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(job.layout["sheet"])
        offset = calamine_sheet.start[1] if calamine_sheet.start else 0
        last_row, last_column = calamine_sheet.end or (0, 0)
        try:
            # Streaming, and only as far as the used range: some files style a million empty cells.
            workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
            sheet = workbook[job.layout["sheet"]]
            cells = sheet.iter_rows(
                min_row=1, max_row=last_row + 1, min_col=1, max_col=last_column + 1, values_only=True
            )
            rows = [(r, list(values)) for r, values in enumerate(cells, start=1)]
            workbook.close()
        except Exception:  # noqa: BLE001 - openpyxl cannot open every valid package (backslash paths)
            book = CalamineWorkbook.from_path(str(path))
            values = book.get_sheet_by_name(job.layout["sheet"]).to_python(skip_empty_area=False)
            rows = [(r, list(v)) for r, v in enumerate(values, start=1)]
        return rows, offset
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=job.layout["delimiter"])
    rows = []
    line = 1
    for values in reader:
        rows.append((line, values))
        line = reader.line_num + 1
    return rows, 0


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _same(value: Any, stored: set[str]) -> bool:
    text = _text(value)
    if text in stored or text.upper() in {s.upper() for s in stored}:
        return True
    if " ".join(text.split()) in stored:
        return True
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return bool(stored)  # shown in the sheet's date format: present is what we can tell
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 < value < 2958466:  # a date serial the sheet's date format showed
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
            numbers = {int(n) for n in re.findall(r"\d+", " ".join(stored))}
            if {day.day, day.month} <= numbers and (day.year in numbers or day.year % 100 in numbers):
                return True
        for shown in stored:
            number, decimals = _shown_number(shown)
            if number is not None and abs(Decimal(repr(float(value))) - number) <= max(
                Decimal(5).scaleb(-decimals - 1), abs(number) * Decimal("1e-14")
            ):
                return True
    return False


def _shown_number(shown: str) -> tuple[Decimal | None, int]:
    text = shown.replace("€", "").replace("$", "").strip()
    scale = 1
    if text.endswith("%"):
        text, scale = text[:-1], 100
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, 0
    decimals = max(0, -number.as_tuple().exponent) if isinstance(number.as_tuple().exponent, int) else 0
    return number / scale, decimals + (2 if scale == 100 else 0)


def _assert_reader_keeps_everything(path: Path, file_format: str, layout: dict | None = None) -> None:
    """Our reader against the independent one, cell by cell: every non-empty cell under the
    header comes out in its row and column, shown as the sheet shows it, or with an issue
    (formula, error value); every non-empty row above the header is listed as such."""
    kept = None
    if layout is None:
        with tempfile.TemporaryDirectory() as folder:
            keep = Path(folder) / "upload.rows"
            _headers, _count, layout = files.scan_table(path, file_format, keep=keep)
            kept = files.read_kept_rows(keep, layout)
            kept = kept and (kept.headers, kept.above_header, list(kept.rows))
    table = files.read_table(path, file_format, layout)
    read = list(table.rows)
    ours = {number: (cells, issues or {}) for number, cells, issues in read}
    if kept is not None:
        # The rows the check kept for the import are the rows the import would read (issue 16 #1).
        assert kept == (table.headers, table.above_header, read)
    probe = ImportJob(file_format=file_format, layout=table.layout)
    rows, offset = _independent_rows(path, probe)
    header_row = table.layout["header_row"]
    lost = []
    for number, values in rows:
        cells = [(c, v) for c, v in enumerate(values) if _text(v)]
        if not cells or number == header_row:
            continue
        if number < header_row:
            if number not in table.above_header:
                lost.append((number, "above the header, not listed"))
            continue
        for column, value in cells:
            index = column - offset
            if not 0 <= index < len(table.headers):
                lost.append((number, f"column {column + 1} beyond the header"))
                continue
            got, issues = ours.get(number, ([], {}))
            if index in issues:
                continue
            if not got or not _same(value, {got[index]}):
                lost.append((number, f"{table.headers[index]}: {value!r} read as {got[index] if got else None!r}"))
    assert not lost, f"cells the reader lost or changed: {lost[:10]}"


def _assert_nothing_lost(path: Path, job: ImportJob, prospects: Any) -> None:
    rows, offset = _independent_rows(path, job)
    header_row = job.layout["header_row"]
    reported = {number for number, _reason in job.row_errors}
    stored: dict[str, set[str]] = defaultdict(set)
    for extra in prospects.values_list("extra", flat=True):
        for header, value in (extra or {}).items():
            stored[header].add(value)
    lost = []
    for number, values in rows:
        cells = [(c, v) for c, v in enumerate(values) if _text(v)]
        if not cells or number == header_row:
            continue
        if number < header_row:
            if number not in reported:
                lost.append((number, "above the header, not reported"))
            continue
        for column, value in cells:
            index = column - offset
            if not 0 <= index < len(job.headers):
                lost.append((number, f"column {column + 1} beyond the header"))
                continue
            if number in reported:
                continue
            target = job.mapping[str(index)]
            if target == IGNORE or target in FIELDS:
                continue
            assert target == EXTRA
            if not _same(value, stored[job.headers[index]]):
                lost.append((number, f"{job.headers[index]}: {value!r} not stored"))
    assert not lost, f"cells lost silently: {lost[:10]}"
