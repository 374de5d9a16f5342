"""The upload request does only the cheap checks; the worker reads the file through
(R-IMP-2, R-IMP-6), and no stored file outlives or lacks its job (R-DEL-1, R-JOB-1)."""

from __future__ import annotations

import datetime as dt
import io
import os
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.private_files import private_path
from apps.imports import files, services
from apps.imports.models import ImportJob, ImportStatus
from apps.retention.runner import run_rule
from tests.imports.helpers import csv_bytes


def _api_upload(world, data: bytes, name: str):  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(world.users["client_same_tenant"])
    return api.post(
        f"/api/v1/assignments/{world.assignment.pk}/imports/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_a_49_mb_csv_of_blank_lines_is_a_clear_error_of_its_job(world) -> None:  # type: ignore[no-untyped-def]
    data = b"\r\n" * (49 * 1024 * 1024 // 2)
    started = time.monotonic()
    response = _api_upload(world, data, "blank.csv")
    elapsed = time.monotonic() - started
    assert response.status_code == 202 and response.json()["status"] == "checking"
    job = ImportJob.objects.get(pk=response.json()["id"])
    path = private_path(job.file_path)
    assert path.stat().st_size == len(data)
    print(f"49 MB blank-line CSV: request answered in {elapsed:.2f} s")  # noqa: T201 (measured for the report)

    job = services.import_job_check(job_id=job.pk)  # the worker's part
    assert job.status == ImportStatus.FAILED and "no header row" in job.error
    assert job.file_path == "" and not path.exists()
    detail = APIClient()
    detail.force_authenticate(world.users["client_same_tenant"])
    shown = detail.get(f"/api/v1/imports/{job.pk}/").json()
    assert shown["status"] == "failed" and "no header row" in shown["error"]


def test_a_header_without_rows_is_refused_by_the_check(world) -> None:  # type: ignore[no-untyped-def]
    job = services.import_job_create(
        assignment=world.assignment,
        actor=world.users["client_same_tenant"],
        upload=io.BytesIO(csv_bytes([]) + b"\r\n" * 1000),
        filename="db.csv",
    )
    job = services.import_job_check(job_id=job.pk)
    assert job.status == ImportStatus.FAILED and "no rows" in job.error and job.file_path == ""


def test_the_check_counts_rows_and_detects_the_mapping_with_progress(world) -> None:  # type: ignore[no-untyped-def]
    rows = [[f"Bedrijf {i}", "", "", "Utrecht", "", "", f"Naam{i}", "", ""] for i in range(12000)]
    response = _api_upload(world, csv_bytes(rows), "db.csv")
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportStatus.CHECKING and job.headers == []  # nothing parsed in the request
    api = APIClient()
    api.force_authenticate(world.users["client_same_tenant"])
    early = api.post(f"/api/v1/imports/{job.pk}/confirm/", {}, format="json")
    assert early.status_code == 400 and "still being checked" in str(early.json())
    seen: list[int] = []
    headers, count, _layout = files.scan_table(private_path(job.file_path), "csv", progress=seen.append)
    assert count == 12000 and headers[0] == "Bedrijfsnaam"
    assert seen and seen == sorted(seen) and 0 < seen[-1] < 100
    job = services.import_job_check(job_id=job.pk)
    assert job.status == ImportStatus.MAPPING and job.rows_read == 12000
    assert job.detected_mapping["0"] == "company_name" and job.attempts == 0


def test_files_no_job_names_are_deleted_by_the_watchdog(world) -> None:  # type: ignore[no-untyped-def]
    """A web process killed while streaming leaves a ".part" file with no row: the watchdog
    deletes it once it is older than the stale period; files of jobs stay."""
    job = services.import_job_create(
        assignment=world.assignment,
        actor=world.users["client_same_tenant"],
        upload=io.BytesIO(csv_bytes([["A"] + [""] * 8])),
        filename="db.csv",
    )
    orphan = private_path("imports/abandoned.part")
    orphan.write_bytes(b"half an upload")
    hour_ago = time.time() - 3600
    os.utime(orphan, (hour_ago, hour_ago))
    os.utime(private_path(job.file_path), (hour_ago, hour_ago))
    fresh = private_path("imports/streaming-now.part")
    fresh.write_bytes(b"still arriving")

    # A run "now": the orphan is older than the stale period, the one still streaming is not.
    now = timezone.now()
    assert dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES) < dt.timedelta(hours=1)
    run = run_rule("import_watchdog", now=now)
    assert run.counts.get("orphan_files_deleted") == 1
    assert not orphan.exists() and fresh.exists() and private_path(job.file_path).exists()


def _checked_job(world, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    job = services.import_job_create(
        assignment=world.assignment,
        actor=world.users["client_same_tenant"],
        upload=io.BytesIO(csv_bytes(rows)),
        filename="db.csv",
    )
    return services.import_job_check(job_id=job.pk)


def test_the_import_reads_the_rows_the_check_kept_and_both_files_go(world) -> None:  # type: ignore[no-untyped-def]
    """The sheet is parsed once (issue 16 #1): the check keeps the rows it read beside the
    upload, the import reads those, and both files are deleted once it has run (R-DEL-1)."""
    job = _checked_job(world, [["Kept Rows BV", "", "", "Utrecht", "", "", "Jansen", "", ""]])
    upload = private_path(job.file_path)
    kept = private_path(job.file_path + files.KEPT_ROWS_SUFFIX)
    assert kept.exists() and kept.stat().st_mode & 0o777 == 0o600
    assert not list(upload.parent.glob("*.part")) and not list(upload.parent.glob("*.done"))
    # The upload itself is no longer what the import reads: a file that now says otherwise
    # changes nothing.
    upload.write_bytes(csv_bytes([["Changed File BV", "", "", "Zwolle", "", "", "Pietersen", "", ""]]))
    job = services.import_job_confirm(job=job, actor=world.users["client_same_tenant"])
    job = services.import_run(job_id=job.pk)
    assert job.status == ImportStatus.DONE and job.companies_new == 1
    names = set(world.assignment.prospects.values_list("company__name", flat=True))
    assert "Kept Rows BV" in names and "Changed File BV" not in names
    assert not upload.exists() and not kept.exists()


def test_kept_rows_read_with_another_layout_are_not_used(world) -> None:  # type: ignore[no-untyped-def]
    job = _checked_job(world, [["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", ""]])
    kept = private_path(job.file_path + files.KEPT_ROWS_SUFFIX)
    assert files.read_kept_rows(kept, job.layout) is not None
    assert files.read_kept_rows(kept, {**job.layout, "header_row": 2}) is None
    assert files.read_kept_rows(kept.with_name("none.rows"), job.layout) is None


def test_a_ragged_file_keeps_no_rows_and_is_read_again(world) -> None:  # type: ignore[no-untyped-def]
    """Cells beyond the header widen the table after the rows were read: the import reads
    the file again at the wider width instead (R-IMP-8: no cell lost)."""
    job = _checked_job(world, [["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", "", "extra"]])
    assert job.status == ImportStatus.MAPPING and len(job.headers) == 10
    assert not private_path(job.file_path + files.KEPT_ROWS_SUFFIX).exists()


def test_a_failed_or_refused_job_leaves_no_kept_rows(world, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    job = _checked_job(world, [["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", ""]])
    upload = private_path(job.file_path)
    kept = private_path(job.file_path + files.KEPT_ROWS_SUFFIX)
    with django_capture_on_commit_callbacks(execute=True):
        services._fail_and_delete(job, "stopped")
    assert not upload.exists() and not kept.exists()

    refused = _checked_job(world, [])  # a header and no rows: refused by the check
    assert refused.status == ImportStatus.FAILED and refused.file_path == ""
    assert not [p for p in upload.parent.iterdir() if ".rows" in p.name]


def test_the_watchdog_keeps_the_kept_rows_of_a_job_and_deletes_orphaned_ones(world) -> None:  # type: ignore[no-untyped-def]
    job = _checked_job(world, [["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", ""]])
    kept = private_path(job.file_path + files.KEPT_ROWS_SUFFIX)
    orphan = private_path("imports/crashed-check.rows.part")
    orphan.write_text("[]\n")
    hour_ago = time.time() - 3600
    for path in (kept, orphan, private_path(job.file_path)):
        os.utime(path, (hour_ago, hour_ago))
    run = run_rule("import_watchdog", now=timezone.now())
    assert run.counts.get("orphan_files_deleted") == 1
    assert kept.exists() and not orphan.exists()


def test_rows_that_cannot_be_kept_fail_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Keeping the rows is a saving, not a condition: a folder that cannot be written leaves
    the check's answer as it is, and nothing half-written behind."""
    path = tmp_path / "db.csv"
    path.write_bytes(csv_bytes([["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", ""]]))
    keep = tmp_path / "missing-folder" / "db.csv.rows"
    assert files.scan_table(path, "csv", keep=keep) == files.scan_table(path, "csv")
    assert not keep.parent.exists()


def _kept_and_read(path, tmp_path):  # type: ignore[no-untyped-def]
    keep = tmp_path / "kept.rows"
    _headers, count, layout = files.scan_table(path, "xlsx", keep=keep)
    kept = files.read_kept_rows(keep, layout)
    assert kept is not None
    return count, list(kept.rows), list(files.read_table(path, "xlsx", layout).rows)


def test_a_row_holding_only_an_error_value_is_kept_and_rejected_with_its_reason(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Found in review: the check, which finds the header itself, skipped rows without values
    near the top, so the kept rows lost a row the import used to reject and report (R-IMP-8)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Bedrijfsnaam", "Plaats", "Achternaam"])
    sheet.append(["Bakker BV", "Utrecht", "Jansen"])
    sheet["C3"] = "#N/A"  # an error value, alone in its row
    sheet.append(["Visser BV", "Zwolle", "de Boer"])
    path = tmp_path / "errors.xlsx"
    book.save(path)
    count, kept, read = _kept_and_read(path, tmp_path)
    assert kept == read and count == 3
    assert [(n, issues) for n, _cells, issues in kept if issues] == [(3, {2: ("error", "#N/A")})]


def test_a_row_filled_by_a_merged_cell_near_the_top_is_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Bedrijfsnaam", "Plaats", "Achternaam"])
    sheet.append(["Bakker BV", "Utrecht", "Jansen"])
    sheet.append([None, None, None])
    sheet.append(["Visser BV", "Zwolle", "de Boer"])
    sheet.merge_cells("A2:A3")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    count, kept, read = _kept_and_read(path, tmp_path)
    assert kept == read and count == 3
    assert [cells[0] for _n, cells, _i in kept] == ["Bakker BV", "Bakker BV", "Visser BV"]


def test_a_check_whose_job_moved_on_keeps_no_rows(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The upload expired (and was deleted) while its check ran: the rows the check read are
    not left behind without a job naming them (R-DEL-1)."""
    job = services.import_job_create(
        assignment=world.assignment,
        actor=world.users["client_same_tenant"],
        upload=io.BytesIO(csv_bytes([["Bakker BV", "", "", "Utrecht", "", "", "Jansen", "", ""]])),
        filename="db.csv",
    )
    kept = private_path(job.file_path + files.KEPT_ROWS_SUFFIX)
    scan = files.scan_table

    def scan_then_expire(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = scan(*args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED)
        return result

    monkeypatch.setattr(services, "scan_table", scan_then_expire)
    services.import_job_check(job_id=job.pk)
    assert not kept.exists()
