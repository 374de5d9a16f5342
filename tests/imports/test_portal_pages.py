"""The client portal pages: agreement, upload → mapping → progress → report, database, records, deletion."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.assignments.models import Assignment
from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.private_files import private_path
from apps.imports import services
from apps.imports.models import ImportJob, ImportStatus
from apps.prospects.models import Person, Prospect
from tests import factories
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db


def test_client_accepts_the_processor_agreement_with_who_when_ip_and_version(world, settings) -> None:
    assignment = factories.AssignmentFactory(client=world.acme, accepted=False, active=False)
    http = world.client_for("client_same_tenant")
    page = http.get(reverse("portal:agreement", args=[assignment.pk]))
    assert page.status_code == 200 and b"I accept" in page.content
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        http.post(reverse("portal:agreement", args=[assignment.pk]), REMOTE_ADDR="192.0.2.7")
    agreement = assignment.processor_agreement
    agreement.refresh_from_db()
    assert agreement.accepted_by == world.users["client_same_tenant"]
    assert agreement.accepted_at == dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    assert agreement.accepted_ip == "192.0.2.7" and agreement.text_version == settings.PROCESSOR_AGREEMENT_VERSION


def test_upload_mapping_progress_and_report_through_the_pages(
    world, django_capture_on_commit_callbacks, settings
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    http = world.client_for("client_same_tenant")
    data = csv_bytes([["Bakker BV", "", "1234 AB", "Utrecht", "", "Jan", "Jansen", "jan@b.nl", "7"]])
    response = http.post(
        reverse("portal:upload", args=[world.assignment.pk]), {"file": SimpleUploadedFile("db.csv", data)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:import", args=[job.pk])
    # The request only stored the file; the worker checks it (R-IMP-2), the page says so and polls.
    checking = http.get(response["Location"])
    assert b"Checking the file" in checking.content and b'hx-trigger="every 1s"' in checking.content
    job = services.import_job_check(job_id=job.pk)  # what the task queued on commit does
    partial = http.get(response["Location"], HTTP_HX_REQUEST="true")
    assert partial.status_code == 204 and partial["HX-Refresh"] == "true"  # the page reloads with the mapping
    mapping_page = http.get(response["Location"])
    assert b"Confirm and import" in mapping_page.content and b"Klantnummer" in mapping_page.content
    fields = {f"column-{i}": target for i, target in job.detected_mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("portal:import", args=[job.pk]), fields)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    partial = http.get(reverse("portal:import", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"Rows read" in partial.content  # the htmx fragment
    report = http.get(reverse("portal:import-report", args=[job.pk]))
    assert report["Content-Type"].startswith("text/csv") and b"Rows read;1" in report.content


def test_progress_partial_polls_while_running(world) -> None:
    # The running import writes its progress to the row with its heartbeat (R-JOB-1).
    job = ImportJob.objects.create(
        assignment=world.assignment,
        file_format="csv",
        status=ImportStatus.RUNNING,
        progress=42,
        created_at=timezone.now(),
    )
    body = world.client_for("client_same_tenant").get(reverse("portal:import", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in body.content and b"42%" in body.content


def test_upload_refusal_is_shown_on_the_page(world) -> None:
    http = world.client_for("client_same_tenant")
    response = http.post(
        reverse("portal:upload", args=[world.assignment.pk]), {"file": SimpleUploadedFile("db.xlsm", b"PK\x03\x04xx")}
    )
    assert response.status_code == 200 and b"macros" in response.content
    assert not ImportJob.objects.exists()


def test_database_page_lists_filters_and_logs_with_bounded_queries(world, django_assert_max_num_queries) -> None:
    for _ in range(30):
        factories.ProspectFactory(assignment=world.assignment, with_person=True)
    http = world.client_for("client_same_tenant")
    url = reverse("portal:database", args=[world.assignment.pk])
    http.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        response = http.get(url + "?status=new&ordering=-city")
    assert response.status_code == 200
    assert world.other_prospect.company.name.encode() not in response.content
    assert AccessLogEntry.objects.filter(action=AccessAction.LIST, assignment_id=world.assignment.pk).exists()


def test_client_edits_a_record_through_the_shared_services(world) -> None:
    http = world.client_for("client_same_tenant")
    prospect = world.prospect
    # Verified more than 6 months ago: the client's values replace it (R-IMP-3).
    type(prospect.company).objects.filter(pk=prospect.company_id).update(
        verified_at=timezone.now() - dt.timedelta(days=400)
    )
    person = world.person
    form = {
        "company-name": "Nieuwe Naam BV", "company-kvk_number": prospect.company.kvk_number,
        "company-postcode": "3511ab", "company-city": "Utrecht", "company-status": "active",
        f"person-{person.pk}-last_name": person.last_name, f"person-{person.pk}-email": "NIEUW@x.nl",
    }  # fmt: skip
    response = http.post(reverse("portal:prospect-edit", args=[prospect.pk]), form)
    assert response.status_code == 302
    prospect.company.refresh_from_db()
    person.refresh_from_db()
    assert prospect.company.name == "Nieuwe Naam BV" and prospect.company.postcode == "3511 AB"
    assert person.email == "nieuw@x.nl"


def test_client_deletes_a_record_and_the_whole_assignment(world) -> None:
    http = world.client_for("client_same_tenant")
    http.post(reverse("portal:prospect-delete", args=[world.unleased_prospect.pk]))
    assert not Prospect.objects.filter(pk=world.unleased_prospect.pk).exists()
    url = reverse("portal:assignment-delete", args=[world.assignment.pk])
    page = http.get(url)
    assert b"Call notes: 1" in page.content
    assert http.post(url, {"name": "wrong"}).status_code == 200
    assert Assignment.objects.filter(pk=world.assignment.pk).exists()
    person_pk = world.person.pk
    assert http.post(url, {"name": world.assignment.name}).status_code == 302
    assert not Assignment.objects.filter(pk=world.assignment.pk).exists()
    assert not Person.objects.filter(pk=person_pk).exists()
    assert Person.objects.filter(pk=world.other_person.pk).exists()


def test_download_page_is_logged_and_other_tenant_gets_404(world) -> None:
    url = reverse("portal:export", args=[world.assignment.pk, "xlsx"])
    response = world.client_for("client_same_tenant").get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD).count() == 2  # prospects and persons
    assert world.client_for("client_other_tenant").get(url).status_code == 404
    assert (
        world.client_for("client_same_tenant")
        .get(reverse("portal:export", args=[world.assignment.pk, "pdf"]))
        .status_code
        == 404
    )


def test_unconfirmed_upload_files_expire(world, tmp_path) -> None:
    import io

    job = services.import_job_create(
        assignment=world.assignment, actor=world.users["client_same_tenant"],
        upload=io.BytesIO(csv_bytes([["A"] + [""] * 8])), filename="x.csv",
    )  # fmt: skip
    job = services.import_job_check(job_id=job.pk)  # the worker's check: now awaiting the mapping
    path = private_path(job.file_path)
    assert path.exists()
    assert services.import_expire_unconfirmed(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and not job.file_path
