"""The API of imports, download and records; the round trip; tenant isolation (R-NTK-1, R-EXP-*)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AccessAction, AccessLogEntry
from apps.imports import services
from apps.imports.models import ImportStatus
from apps.prospects.models import Person, Prospect
from apps.prospects.services import DeletionReason, company_update, person_delete, person_update
from tests.imports.helpers import HEADERS, csv_bytes, csv_download, xlsx_bytes

pytestmark = pytest.mark.django_db


def _api(world, role: str = "client_same_tenant") -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def _upload_via_api(world, data: bytes, name: str = "db.xlsx", role: str = "client_same_tenant"):  # type: ignore[no-untyped-def]
    return _api(world, role).post(
        f"/api/v1/assignments/{world.assignment.pk}/imports/",
        {"file": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def _sheet(content: bytes) -> tuple[list, list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    first, second, _appointments = workbook.worksheets  # the third: appointments (R-APPT-1)
    return [list(r) for r in first.iter_rows(values_only=True)], [list(r) for r in second.iter_rows(values_only=True)]


def test_round_trip_upload_correct_delete_download(world, django_capture_on_commit_callbacks, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    headers = [*HEADERS[:-1], "Klantnummer"]
    data = xlsx_bytes(
        [
            ["Bakker BV", "01234567", "1234 AB", "Utrecht", "", "Jan", "Jansen", "jan@bakker.nl", "00123"],
            ["Bakker BV", "01234567", "1234 AB", "Utrecht", "", "Piet", "Weg", "piet@bakker.nl", "00123"],
            ["Evil BV", "", "2345 CD", "Delft", "", "", "", "", '=WEBSERVICE("http://x")'],
        ],
        headers=headers,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the check, queued on commit (eager here)
        started = _upload_via_api(world, data)
    assert started.status_code == 202, started.content
    assert started.json()["status"] == "checking"  # the request only stored the file (R-IMP-2)
    job_id = started.json()["id"]
    detail = _api(world).get(f"/api/v1/imports/{job_id}/").json()
    assert detail["status"] == "mapping" and detail["detected_mapping"]["0"] == "company_name"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = _api(world).post(f"/api/v1/imports/{job_id}/confirm/", {}, format="json")
    assert confirmed.status_code == 202
    report = _api(world).get(f"/api/v1/imports/{job_id}/").json()
    assert report["status"] == "done", report
    assert (report["companies_new"], report["persons_new"], report["progress"]) == (2, 2, 100)

    # A correction made through the shared services (as an agent would), and a deletion.
    bakker = Prospect.objects.get(assignment=world.assignment, company__kvk_number="01234567")
    company_update(company=bakker.company, actor=world.users["agent_with_lease"], city="Amersfoort")
    jan = bakker.persons.get(last_name="Jansen")
    person_update(person=jan, actor=world.users["agent_with_lease"], job_title="Directeur")
    person_delete(person=bakker.persons.get(last_name="Weg"), reason=DeletionReason.LEFT_COMPANY)

    response = _api(world).get(f"/api/v1/assignments/{world.assignment.pk}/export/?format=xlsx")
    assert response.status_code == 200
    rows, notes = _sheet(b"".join(response.streaming_content))
    header = rows[0]
    assert "Klantnummer" in header
    by_company = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    bakker_rows = [r for r in by_company if r[header[0]] == "Bakker BV"]
    assert len(bakker_rows) == 1  # the deleted person is gone
    assert bakker_rows[0][header[5]] == "Amersfoort"
    assert "Directeur" in bakker_rows[0].values() and "Weg" not in str(rows)
    assert bakker_rows[0]["Klantnummer"] == "00123" and bakker_rows[0][header[1]] == "01234567"
    evil = next(r for r in by_company if r[header[0]] == "Evil BV")
    assert evil["Klantnummer"] == '=WEBSERVICE("http://x")'  # a string cell, not a formula
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            b"".join(
                _api(world).get(f"/api/v1/assignments/{world.assignment.pk}/export/?format=xlsx").streaming_content
            )
        )
    )
    for sheet in workbook.worksheets:  # every value a string cell: no formula, no number (R-EXP-2)
        for row in sheet.iter_rows():
            assert all(cell.data_type == "s" for cell in row if cell.value is not None)
    assert notes[0][0] and len(notes) >= 1

    entries = AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD, actor_id=world.users["client_same_tenant"].pk)
    assert entries.filter(object_type="prospects.prospect").first().object_count == world.assignment.prospects.count()


def test_csv_download_escapes_formulas_and_keeps_leading_zeros(world) -> None:
    world.assignment.extra_columns = ["Opmerking"]
    world.assignment.save()
    Prospect.objects.filter(pk=world.prospect.pk).update(extra={"Opmerking": "+cmd|' /C calc'!A0"})
    world.company.kvk_number = "00012345"
    world.company.save()
    response = _api(world).get(f"/api/v1/assignments/{world.assignment.pk}/export/?format=csv")
    assert response.status_code == 200
    files = csv_download(b"".join(response.streaming_content))
    assert sorted(files) == ["database.csv", "notes.csv"]
    text = files["database.csv"]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "'+cmd|' /C calc'!A0" in rows[1] or "'+cmd|' /C calc'!A0" in rows[2]
    assert "00012345" in text
    assert world.note.text in files["notes.csv"] and world.note.text not in text  # the notes apart
    assert world.other_prospect.company.name not in "".join(files.values())


def test_download_of_inactive_assignment(world) -> None:
    response = _api(world).get(f"/api/v1/assignments/{world.inactive_assignment.pk}/export/?format=csv")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/assignments/{other_assignment}/export/?format=xlsx"),
        ("get", "/api/v1/assignments/{other_assignment}/prospects/"),
        ("post", "/api/v1/assignments/{other_assignment}/imports/"),
        ("get", "/api/v1/prospects/{other_prospect}/"),
        ("patch", "/api/v1/prospects/{other_prospect}/"),
        ("delete", "/api/v1/prospects/{other_prospect}/"),
        ("get", "/api/v1/imports/{other_import}/"),
        ("post", "/api/v1/imports/{other_import}/confirm/"),
    ],
)
def test_other_tenant_gets_404_on_every_endpoint(world, method: str, path: str) -> None:
    globex_user = world.users["client_other_tenant"]
    other_import = services.import_job_create(
        assignment=world.other_assignment, actor=globex_user, upload=io.BytesIO(csv_bytes([["A"] + [""] * 8])),
        filename="x.csv",
    )  # fmt: skip
    url = path.format(
        other_assignment=world.other_assignment.pk, other_prospect=world.other_prospect.pk, other_import=other_import.pk
    )
    response = getattr(_api(world), method)(url, {}, format="json")
    assert response.status_code == 404
    assert Prospect.objects.filter(pk=world.other_prospect.pk).exists()


def test_prospect_list_filters_sorts_and_logs(world, django_assert_max_num_queries) -> None:
    api = _api(world)
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/assignments/{world.assignment.pk}/prospects/?status=new&ordering=-company")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert str(world.prospect.pk) in ids and str(world.other_prospect.pk) not in ids
    assert AccessLogEntry.objects.filter(action=AccessAction.LIST, object_type="prospects.prospect").exists()


def test_agent_reads_leased_prospect_but_cannot_change_it(world) -> None:
    agent = _api(world, "agent_with_lease")
    assert agent.get(f"/api/v1/prospects/{world.prospect.pk}/").status_code == 200
    assert agent.patch(f"/api/v1/prospects/{world.prospect.pk}/", {"extra": {}}, format="json").status_code == 403
    assert agent.delete(f"/api/v1/prospects/{world.prospect.pk}/").status_code == 403
    assert _api(world, "agent_without_lease").get(f"/api/v1/prospects/{world.prospect.pk}/").status_code == 404
    assert agent.get(f"/api/v1/assignments/{world.assignment.pk}/export/?format=csv").status_code == 404


def test_client_patches_and_deletes_a_record(world) -> None:
    api = _api(world)
    person = world.person
    # Verified more than 6 months ago: the client's value replaces it (R-IMP-3).
    type(world.company).objects.filter(pk=world.company.pk).update(verified_at=timezone.now() - dt.timedelta(days=400))
    response = api.patch(
        f"/api/v1/prospects/{world.prospect.pk}/",
        {"company": {"city": "Zwolle"}, "persons": [{"id": str(person.pk), "job_title": "Inkoper"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["company"]["city"] == "Zwolle"
    person.refresh_from_db()
    assert person.job_title == "Inkoper"
    bad = api.patch(
        f"/api/v1/prospects/{world.prospect.pk}/", {"persons": [{"id": str(world.other_person.pk)}]}, format="json"
    )
    assert bad.status_code == 400
    assert api.delete(f"/api/v1/prospects/{world.unleased_prospect.pk}/").status_code == 204
    assert not Prospect.objects.filter(pk=world.unleased_prospect.pk).exists()


def test_bad_upload_via_api_is_400_with_message(world) -> None:
    response = _upload_via_api(world, b"", "empty.csv")
    assert response.status_code == 400 and "empty" in str(response.json()).lower()


def test_confirm_with_a_changed_mapping(world, django_capture_on_commit_callbacks, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    data = csv_bytes([["Bakker", "Utrecht"]], headers=["Naam", "Plaats"])
    with django_capture_on_commit_callbacks(execute=True):
        job_id = _upload_via_api(world, data, "db.csv").json()["id"]
    bad = _api(world).post(f"/api/v1/imports/{job_id}/confirm/", {}, format="json")
    assert bad.status_code == 400 and "company name" in str(bad.json()).lower()
    with django_capture_on_commit_callbacks(execute=True):
        ok = _api(world).post(
            f"/api/v1/imports/{job_id}/confirm/", {"mapping": {"0": "company_name", "1": "city"}}, format="json"
        )
    assert ok.status_code == 202
    job = services.ImportJob.objects.get(pk=job_id)
    assert job.status == ImportStatus.DONE and Person.objects.count() >= 0
