"""Download → upload is the identity (R-IMP-7, R-EXP-1, R-EXP-2; issue 12 #2, #10).

Through the real path: the client's upload over the API, the check and the import run by
Celery (eager, on commit, as in production), calls recorded by an agent, the download over
the API; then the download uploaded into a fresh assignment and downloaded again, for the
CSV (a zip of database.csv + notes.csv) and for the xlsx.

What "equal" means: a fresh assignment has not been called yet, so the first download and
the second agree on everything of the client's (companies, persons, extra columns, headers,
order) while our status columns and the notes are those of each assignment; from the second
cycle on, the downloads are equal byte for byte (CSV) and cell for cell (xlsx).
If the reader or the export's person columns change (other issues), adjust `UPLOAD` and
the expectations in `test_the_first_download_reads_as_the_client_wrote_it` only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.assignments.models import Outcome
from apps.assignments.services import assignment_schedule_agent
from apps.calling.queue import prospect_lease_next
from apps.calling.services import call_note_create
from apps.imports.formulas import unescape_formula
from apps.imports.models import ImportStatus
from tests import factories
from tests.imports.helpers import csv_download, xlsx_bytes

pytestmark = pytest.mark.django_db

# The client's own file: rows out of alphabetical order (the download keeps it), persons of
# one company on several rows, values a spreadsheet would run as formulas, a leading zero, a
# client's own leading apostrophe, a phone number in national notation.
UPLOAD_HEADERS = [
    "Bedrijfsnaam", "KvK", "Straat", "Huisnummer", "Postcode", "Plaats", "Website", "Rechtsvorm", "Voornaam",
    "Achternaam", "Functie", "E-mail", "Telefoon contactpersoon", "Klantnummer", "Opmerking", "Actie",
]  # fmt: skip
UPLOAD = [
    ["Zeta BV", "12345678", "Laan", "1", "1234 AB", "Utrecht", "www.zeta.nl", "B.V.", "Wim", "Weg", "Inkoper",
     "wim@zeta.nl", "06 12345678", "00123", "=1+1", "-10% korting"],
    ["Alpha BV", "23456789", "", "", "2345 CD", "Delft", "", "", "", "", "", "",
     "", "00456", "@home", "+cmd|' /C calc'!A0"],
    ["Zeta BV", "12345678", "Laan", "1", "1234 AB", "Utrecht", "www.zeta.nl", "B.V.", "Jan", "Jansen", "Directeur",
     "jan@zeta.nl", "", "00123", "=1+1", "-10% korting"],
    ["Midden BV", "34567890", "Markt", "12a", "3456 EF", "Zwolle", "", "Stichting", "", "Aap", "",
     "", "+31 20 123 4567", "", "'=mijn eigen apostrof", ""],
]  # fmt: skip
STATUS_HEADERS = ("Prospect status", "Callback at", "Last result", "Last called at")


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _upload(world, capture, assignment, name: str, data: bytes) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Upload, check and import as the client does: POST the file, confirm the detected mapping."""
    api = _api(world.users["client_same_tenant"])
    with capture(execute=True):
        started = api.post(
            f"/api/v1/assignments/{assignment.pk}/imports/",
            {"file": SimpleUploadedFile(name, data)},
            format="multipart",
        )
    assert started.status_code == 202, started.content
    job_id = started.json()["id"]
    with capture(execute=True):
        assert api.post(f"/api/v1/imports/{job_id}/confirm/", {}, format="json").status_code == 202
    job = api.get(f"/api/v1/imports/{job_id}/").json()
    assert job["status"] == ImportStatus.DONE, job
    assert job["rows_rejected"] == 0, job["row_errors"]
    return job


def _download(world, assignment, file_format: str) -> bytes:  # type: ignore[no-untyped-def]
    response = _api(world.users["client_same_tenant"]).get(
        f"/api/v1/assignments/{assignment.pk}/export/?format={file_format}"
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx_sheets(content: bytes) -> list[list[list[str]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [[["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)] for sheet in workbook]


def _without_status(rows: list[list[str]]) -> list[list[str]]:
    """The client's part of sheet 1: everything but our status columns of the assignment."""
    keep = [i for i, header in enumerate(rows[0]) if header not in STATUS_HEADERS]
    return [[row[i] for i in keep] for row in rows]


def _fresh(world):  # type: ignore[no-untyped-def]
    return factories.AssignmentFactory(client=world.acme)


@pytest.fixture
def called(world, django_capture_on_commit_callbacks, settings):  # type: ignore[no-untyped-def]
    """The client's file imported into an assignment whose agent called two of its records."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assignment = _fresh(world)
    _upload(world, django_capture_on_commit_callbacks, assignment, "klant.xlsx", xlsx_bytes(UPLOAD, UPLOAD_HEADERS))
    agent = world.users["agent_with_lease"]
    assignment_schedule_agent(assignment=assignment, user=agent)
    results = {r.outcome: r for r in assignment.results.all()}
    first = prospect_lease_next(assignment=assignment, agent=agent)
    call_note_create(prospect=first, actor=agent, result=results[Outcome.DONE], text="=SOM(A1) gesproken; klaar.")
    second = prospect_lease_next(assignment=assignment, agent=agent)
    call_note_create(
        prospect=second,
        actor=agent,
        result=results[Outcome.CALLBACK],
        text="Terugbellen,\nna de zomer",
        callback_at=timezone.now() + dt.timedelta(days=3),
    )
    return assignment


def test_the_first_download_reads_as_the_client_wrote_it(world, called) -> None:  # type: ignore[no-untyped-def]
    files = csv_download(_download(world, called, "csv"))
    assert sorted(files) == ["database.csv", "notes.csv"]
    rows = _csv_rows(files["database.csv"])
    header = rows[0]
    named = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    # The client's order, rows and persons alike (not alphabetical).
    assert [(r["Company name"], r["Last name"]) for r in named] == [
        ("Zeta BV", "Weg"), ("Zeta BV", "Jansen"), ("Alpha BV", ""), ("Midden BV", "Aap"),
    ]  # fmt: skip
    zeta, alpha, midden = named[0], named[2], named[3]
    # Formula-like text escaped; a plain phone number shown as it is (R-EXP-2).
    assert (zeta["Opmerking"], zeta["Actie"]) == ("'=1+1", "'-10% korting")
    assert (alpha["Opmerking"], alpha["Actie"]) == ("'@home", "'+cmd|' /C calc'!A0")
    assert midden["Opmerking"] == "''=mijn eigen apostrof"  # the client's own apostrophe kept, escaped once more
    assert zeta["Direct phone"] == "+31612345678" and midden["Direct phone"] == "+31201234567"
    assert zeta["Klantnummer"] == "00123" and zeta["KvK number"] == "12345678"
    # The legal form comes back in a form the import reads as the same (issue 14 #8).
    assert (zeta["Legal form"], alpha["Legal form"], midden["Legal form"]) == ("BV", "", "Other legal form")
    # Our status columns say what happened; the notes are in their own file.
    assert {r["Prospect status"] for r in named} == {"Done", "Callback", "New"}
    assert sum(bool(r["Callback at"]) for r in named) >= 1 and sum(bool(r["Last result"]) for r in named) >= 2
    notes = _csv_rows(files["notes.csv"])
    assert len(notes) == 3 and notes[1][4] == "'=SOM(A1) gesproken; klaar." and "na de zomer" in notes[2][4]
    assert "gesproken" not in files["database.csv"]

    sheets = _xlsx_sheets(_download(world, called, "xlsx"))
    # The same table, without the CSV's apostrophes…
    assert _without_status(sheets[0]) == _without_status([[unescape_formula(v) for v in row] for row in rows])
    workbook = openpyxl.load_workbook(io.BytesIO(_download(world, called, "xlsx")))
    database = workbook.worksheets[0]
    cell = next(c for c in database[2] if c.value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix  # …but as Excel's quoted text, never a formula
    assert (
        database.freeze_panes == "A2"
        and database.auto_filter.ref == f"A1:{database.cell(1, len(rows[0])).column_letter}5"
    )
    assert database.column_dimensions["A"].width >= len("Company name")


def test_csv_download_uploaded_again_gives_the_same_download(world, called, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    first = csv_download(_download(world, called, "csv"))
    again = _fresh(world)
    job = _upload(world, django_capture_on_commit_callbacks, again, "database.csv", first["database.csv"].encode())
    # Our own columns are recognised and left out; nothing comes back as the client's column.
    headers = job["headers"]
    left_out = {headers[int(i)] for i, target in job["detected_mapping"].items() if target == "ignore"}
    assert left_out == {"Company status", *STATUS_HEADERS}
    again.refresh_from_db()
    assert again.extra_columns == ["Klantnummer", "Opmerking", "Actie"]
    second = csv_download(_download(world, again, "csv"))
    assert _without_status(_csv_rows(second["database.csv"])) == _without_status(_csv_rows(first["database.csv"]))
    assert _csv_rows(second["notes.csv"]) == [_csv_rows(first["notes.csv"])[0]]  # not called here yet

    # And from here on, byte for byte: each cycle gives the same files.
    third_assignment = _fresh(world)
    _upload(
        world, django_capture_on_commit_callbacks, third_assignment, "database.csv", second["database.csv"].encode()
    )
    third = csv_download(_download(world, third_assignment, "csv"))
    assert third == second
    third_assignment.refresh_from_db()
    assert third_assignment.extra_columns == ["Klantnummer", "Opmerking", "Actie"]  # no doubling


def test_xlsx_download_uploaded_again_gives_the_same_download(
    world, called, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    first = _download(world, called, "xlsx")
    again = _fresh(world)
    _upload(world, django_capture_on_commit_callbacks, again, "database.xlsx", first)
    second = _download(world, again, "xlsx")
    first_sheets, second_sheets = _xlsx_sheets(first), _xlsx_sheets(second)
    assert _without_status(second_sheets[0]) == _without_status(first_sheets[0])
    assert second_sheets[1] == [first_sheets[1][0]]
    third_assignment = _fresh(world)
    _upload(world, django_capture_on_commit_callbacks, third_assignment, "database.xlsx", second)
    assert _xlsx_sheets(_download(world, third_assignment, "xlsx")) == second_sheets
    third_assignment.refresh_from_db()
    assert third_assignment.extra_columns == ["Klantnummer", "Opmerking", "Actie"]
    # The values are stored as the client gave them: no apostrophe of ours in the database.
    zeta = third_assignment.prospects.get(company__kvk_number="12345678")
    assert zeta.extra == {"Klantnummer": "00123", "Opmerking": "=1+1", "Actie": "-10% korting"}


def test_csv_of_the_database_uploaded_keeps_stored_values(world, called, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Our CSV escape is undone on the way in, the client's own apostrophe is not."""
    again = _fresh(world)
    content = csv_download(_download(world, called, "csv"))["database.csv"].encode()
    _upload(world, django_capture_on_commit_callbacks, again, "database.csv", content)
    stored = {p.company.name: p.extra for p in again.prospects.select_related("company")}
    assert stored["Zeta BV"] == {"Klantnummer": "00123", "Opmerking": "=1+1", "Actie": "-10% korting"}
    assert stored["Alpha BV"] == {"Klantnummer": "00456", "Opmerking": "@home", "Actie": "+cmd|' /C calc'!A0"}
    assert stored["Midden BV"] == {"Opmerking": "'=mijn eigen apostrof"}
