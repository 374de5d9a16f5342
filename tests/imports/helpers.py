"""Building upload files and running imports in tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import xlsxwriter

from apps.core.errors import ServiceError
from apps.imports import services
from apps.imports.models import ImportJob, ImportStatus

HEADERS = ["Bedrijfsnaam", "KvK", "Postcode", "Plaats", "Website", "Voornaam", "Achternaam", "E-mail", "Klantnummer"]


def csv_bytes(
    rows: list[list[str]], headers: list[str] = HEADERS, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    lines = [delimiter.join(headers)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return out.getvalue()


def upload(assignment: Any, actor: Any, data: bytes, filename: str = "database.csv") -> ImportJob:
    """Upload and check, as the request and then the worker do (R-IMP-2); a file refused by
    either raises ServiceError with the message the client sees (the checked job keeps it)."""
    job = services.import_job_create(assignment=assignment, actor=actor, upload=io.BytesIO(data), filename=filename)
    job = services.import_job_check(job_id=job.pk)
    if job.status == ImportStatus.FAILED:
        raise ServiceError(job.error)
    return job


def run_import(assignment: Any, actor: Any, data: bytes, filename: str = "database.csv", mapping=None) -> ImportJob:
    job = upload(assignment, actor, data, filename)
    services.import_job_confirm(job=job, actor=actor, mapping=mapping)
    return services.import_run(job_id=job.pk)


def csv_download(content: bytes) -> dict[str, str]:
    """The CSV download (a zip of database.csv and notes.csv) as {name: text}."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
