"""HR files (issue 7): board members only (R-HR-1), hiring, retention with files on disk (R-RET-5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.errors import ServiceError
from apps.core.private_files import private_path
from apps.hr import services
from apps.hr.models import Applicant, ApplicantStatus, Employee, EmployeeEntry, EntryKind, HRDocument
from apps.retention.models import JobRun, JobStatus
from apps.retention.runner import run_rule
from tests.conftest import ROLES, World

AMS = ZoneInfo("Europe/Amsterdam")


def _upload(name: str = "cv.pdf", content: bytes = b"%PDF-1.4 cv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _path(document: HRDocument) -> Path:
    return private_path(document.file_path)


@pytest.fixture
def board(world: World):  # type: ignore[no-untyped-def]
    return world.users["board"]


# --- Models' constraints ---------------------------------------------------------------
def test_leaving_date_before_start_date_is_refused_by_the_database(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.create(name="X", start_date=dt.date(2024, 5, 1), leaving_date=dt.date(2024, 4, 30))


def test_rejection_date_only_with_status_rejected(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.create(name="X", status=ApplicantStatus.REJECTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.create(name="X", status=ApplicantStatus.APPLIED, rejection_date=dt.date(2024, 1, 1))
    with pytest.raises(ServiceError):
        services.applicant_create(actor=None, name="X", status=ApplicantStatus.REJECTED, rejection_date=None)


# --- Pages ---------------------------------------------------------------------------
def test_board_creates_an_employee_with_entry_and_document(world: World, board) -> None:  # type: ignore[no-untyped-def]
    http = world.client_for("board")
    response = http.post(
        reverse("hr:employee-create"),
        {"name": "Els de Vries", "email": "els@example.nl", "start_date": "2023-02-01", "payroll_details": "NL00"},
    )
    employee = Employee.objects.get(name="Els de Vries")
    assert response.status_code == 302 and response["Location"] == reverse("hr:employee", args=[employee.pk])
    http.post(
        reverse("hr:employee-entry-create", args=[employee.pk]),
        {"kind": EntryKind.PERFORMANCE, "date": "2024-01-10", "text": "Goed jaar"},
    )
    http.post(reverse("hr:employee-document-create", args=[employee.pk]), {"file": _upload("contract.pdf", b"C")})
    document = employee.documents.get()
    assert document.original_name == "contract.pdf" and document.uploaded_by == board
    assert Path(document.file_path).name != "contract.pdf"  # a random name on disk
    assert _path(document).read_bytes() == b"C"
    page = http.get(reverse("hr:employee", args=[employee.pk])).content.decode()
    assert "Goed jaar" in page and "contract.pdf" in page
    download = http.get(reverse("hr:document", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"C"
    assert 'attachment; filename="contract.pdf"' in download["Content-Disposition"]


def test_leaving_before_start_is_a_form_error(world: World) -> None:
    http = world.client_for("board")
    response = http.post(
        reverse("hr:employee-create"), {"name": "X", "start_date": "2024-02-01", "leaving_date": "2024-01-01"}
    )
    assert response.status_code == 200 and not Employee.objects.exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("board", "anonymous")])
def test_documents_are_unreachable_for_everyone_but_the_board(world: World, role: str) -> None:
    employee = Employee.objects.create(name="E", start_date=dt.date(2024, 1, 1))
    document = services.hr_document_create(upload=_upload(), employee=employee, actor=None)
    url = reverse("hr:document", args=[document.pk])
    missing = reverse("hr:document", args=["00000000-0000-0000-0000-000000000000"])
    http = world.client_for(role)
    denied, absent = http.get(url), http.get(missing)
    assert denied.status_code == absent.status_code == 404
    assert denied.content == absent.content  # the same answer as for a document that does not exist
    assert world.client_for("board").get(url).status_code == 200


def test_anonymous_is_sent_to_the_login_for_a_document(world: World) -> None:
    employee = Employee.objects.create(name="E", start_date=dt.date(2024, 1, 1))
    document = services.hr_document_create(upload=_upload(), employee=employee, actor=None)
    response = world.client_for("anonymous").get(reverse("hr:document", args=[document.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_documents_are_not_under_a_public_media_url(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    employee = Employee.objects.create(name="E", start_date=dt.date(2024, 1, 1))
    document = services.hr_document_create(upload=_upload(), employee=employee, actor=None)
    http = world.client_for("board")
    assert http.get(f"/media/{document.file_path}").status_code == 404
    assert http.get(f"{settings.MEDIA_URL}{document.file_path}").status_code == 404


def test_every_hr_view_is_access_logged(world: World, board) -> None:  # type: ignore[no-untyped-def]
    employee = Employee.objects.create(name="E", start_date=dt.date(2024, 1, 1))
    applicant = Applicant.objects.create(name="A")
    document = services.hr_document_create(upload=_upload(), applicant=applicant, actor=None)
    http = world.client_for("board")
    before = AccessLogEntry.objects.count()
    http.get(reverse("hr:employees"))
    http.get(reverse("hr:employee", args=[employee.pk]))
    http.get(reverse("hr:applicants"))
    http.get(reverse("hr:applicant", args=[applicant.pk]))
    http.get(reverse("hr:document", args=[document.pk]))
    entries = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [(e.action, e.object_type, e.actor_id) for e in entries] == [
        (AccessAction.LIST, "hr.employee", board.pk),
        (AccessAction.VIEW, "hr.employee", board.pk),
        (AccessAction.LIST, "hr.applicant", board.pk),
        (AccessAction.VIEW, "hr.applicant", board.pk),
        (AccessAction.DOWNLOAD, "hr.hrdocument", board.pk),
    ]
    assert entries[0].object_ids == [str(employee.pk)] and entries[4].object_id == str(document.pk)


def test_board_start_page_links_to_hr(world: World) -> None:
    page = world.client_for("board").get(reverse("accounts:home")).content.decode()
    assert reverse("hr:employees") in page and reverse("hr:applicants") in page
    admin_page = world.client_for("administrator").get(reverse("accounts:home")).content.decode()
    assert reverse("hr:employees") not in admin_page


def test_auditlog_keeps_no_personal_values(world: World, board) -> None:  # type: ignore[no-untyped-def]
    employee = services.employee_create(
        actor=board,
        name="Geheime Naam",
        email="geheim@example.nl",
        payroll_details="IBAN NL91",
        start_date=dt.date(2024, 1, 1),
    )
    services.employee_update(employee=employee, actor=board, name="Andere Naam")
    applicant = services.applicant_create(actor=board, name="Sol Licitant", email="sol@example.nl")
    services.interview_report_create(applicant=applicant, date=dt.date(2024, 1, 2), text="Sterk verhaal", actor=board)
    dump = " ".join(str(e.changes) + e.object_repr for e in LogEntry.objects.all())
    assert LogEntry.objects.filter(object_pk=str(employee.pk)).count() == 2
    for secret in ("Geheime", "Andere", "geheim@", "NL91", "Sol Licitant", "sol@", "Sterk verhaal"):
        assert secret not in dump


# --- Hiring --------------------------------------------------------------------------
def test_hiring_moves_documents_and_interview_reports(world: World, board) -> None:  # type: ignore[no-untyped-def]
    applicant = services.applicant_create(actor=board, name="Piet", email="piet@example.nl", phone="0612345678")
    services.applicant_update(applicant=applicant, actor=board, status=ApplicantStatus.INTERVIEWING)
    document = services.hr_document_create(upload=_upload("cv.pdf", b"CV"), applicant=applicant, actor=board)
    services.interview_report_create(applicant=applicant, date=dt.date(2024, 3, 1), text="Eerste gesprek", actor=board)
    http = world.client_for("board")
    response = http.post(reverse("hr:applicant-hire", args=[applicant.pk]), {"start_date": "2024-04-01"})
    employee = Employee.objects.get()
    assert response["Location"] == reverse("hr:employee", args=[employee.pk])
    assert (employee.name, employee.email, employee.phone, employee.start_date) == (
        "Piet",
        "piet@example.nl",
        "0612345678",
        dt.date(2024, 4, 1),
    )
    document.refresh_from_db()
    assert (document.employee_id, document.applicant_id) == (employee.pk, None)
    assert _path(document).read_bytes() == b"CV"  # the same file, now in the employee's file
    entry = EmployeeEntry.objects.get(employee=employee)
    assert (entry.kind, entry.date, entry.text) == (EntryKind.INTERVIEW, dt.date(2024, 3, 1), "Eerste gesprek")
    assert not Applicant.objects.exists()
    assert http.get(reverse("hr:document", args=[document.pk])).status_code == 200


def test_a_rejected_applicant_cannot_be_hired(world: World, board) -> None:  # type: ignore[no-untyped-def]
    applicant = services.applicant_create(
        actor=board, name="R", status=ApplicantStatus.REJECTED, rejection_date=dt.date(2024, 1, 1)
    )
    with pytest.raises(ServiceError):
        services.applicant_hire(applicant=applicant, start_date=dt.date(2024, 2, 1), actor=board)
    assert Applicant.objects.exists() and not Employee.objects.exists()


# --- Retention (R-RET-5) -------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("days_after_boundary", "deleted"), [(-1, False), (0, True), (1, True)])
def test_employee_file_deleted_five_years_after_leaving(days_after_boundary: int, deleted: bool) -> None:
    employee = Employee.objects.create(name="E", start_date=dt.date(2015, 1, 1), leaving_date=dt.date(2020, 3, 10))
    EmployeeEntry.objects.create(employee=employee, kind=EntryKind.PERFORMANCE, date=dt.date(2019, 1, 1), text="t")
    document = services.hr_document_create(upload=_upload(), employee=employee, actor=None)
    stays = Employee.objects.create(name="S", start_date=dt.date(2015, 1, 1))  # still employed
    kept = services.hr_document_create(upload=_upload(), employee=stays, actor=None)
    today = dt.date(2025, 3, 10) + dt.timedelta(days=days_after_boundary)
    with time_machine.travel(dt.datetime.combine(today, dt.time(4, 0), tzinfo=AMS), tick=False):
        run = run_rule("employee_purge")
    assert run.status == JobStatus.DONE
    assert Employee.objects.filter(pk=employee.pk).exists() is not deleted
    assert _path(document).exists() is not deleted
    assert HRDocument.objects.filter(pk=document.pk).exists() is not deleted
    assert Employee.objects.filter(pk=stays.pk).exists() and _path(kept).exists()
    assert run.counts == ({"employees_deleted": 1, "employee_documents_deleted": 1} if deleted else {})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("days_after_boundary", "deleted"), [(-1, False), (0, True), (1, True)])
def test_applicant_deleted_one_year_after_rejection(days_after_boundary: int, deleted: bool) -> None:
    applicant = Applicant.objects.create(name="A", status=ApplicantStatus.REJECTED, rejection_date=dt.date(2024, 3, 10))
    document = services.hr_document_create(upload=_upload(), applicant=applicant, actor=None)
    waiting = Applicant.objects.create(name="W", status=ApplicantStatus.APPLIED)
    kept = services.hr_document_create(upload=_upload(), applicant=waiting, actor=None)
    today = dt.date(2025, 3, 10) + dt.timedelta(days=days_after_boundary)
    with time_machine.travel(dt.datetime.combine(today, dt.time(0, 30), tzinfo=AMS), tick=False):
        run = run_rule("applicant_purge")
    assert Applicant.objects.filter(pk=applicant.pk).exists() is not deleted
    assert _path(document).exists() is not deleted
    assert Applicant.objects.filter(pk=waiting.pk).exists() and _path(kept).exists()
    assert run.counts == ({"applicants_deleted": 1, "applicant_documents_deleted": 1} if deleted else {})


@pytest.mark.django_db(transaction=True)
def test_dry_run_deletes_nothing_and_counts(db: None) -> None:
    applicant = Applicant.objects.create(name="A", status=ApplicantStatus.REJECTED, rejection_date=dt.date(2020, 1, 1))
    document = services.hr_document_create(upload=_upload(), applicant=applicant, actor=None)
    employee = Employee.objects.create(name="E", start_date=dt.date(2010, 1, 1), leaving_date=dt.date(2015, 1, 1))
    lines: list[str] = []
    runs = [run_rule(rule, dry_run=True, report=lines.append) for rule in ("applicant_purge", "employee_purge")]
    assert [r.counts for r in runs] == [{"applicants_to_delete": 1}, {"employees_to_delete": 1}]
    assert JobRun.objects.filter(dry_run=True).count() == 2 and len(lines) == 2
    assert Applicant.objects.filter(pk=applicant.pk).exists() and _path(document).exists()
    assert Employee.objects.filter(pk=employee.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_files_stay_on_disk_when_the_deletion_is_rolled_back(db: None) -> None:
    applicant = Applicant.objects.create(name="A", status=ApplicantStatus.REJECTED, rejection_date=dt.date(2020, 1, 1))
    document = services.hr_document_create(upload=_upload(), applicant=applicant, actor=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.applicants_purge(rejected_on_or_before=dt.date(2021, 1, 1), ids=[applicant.pk])
        raise RuntimeError("crash before commit")
    assert Applicant.objects.filter(pk=applicant.pk).exists() and _path(document).exists()


def test_leap_day_rejection_is_due_the_day_after_the_28th() -> None:
    from apps.hr.rules import applicant_cutoff

    # The cutoff is "today minus one year" on the Amsterdam calendar (clamped at month ends),
    # so a rejection on 29 February 2024 is kept through 28 February 2025 and due on 1 March.
    assert applicant_cutoff(dt.datetime(2025, 2, 28, 12, tzinfo=AMS)) == dt.date(2024, 2, 28)
    assert applicant_cutoff(dt.datetime(2025, 3, 1, 0, 5, tzinfo=AMS)) == dt.date(2024, 3, 1)
    # Just after midnight in Amsterdam is still the previous day in UTC: the local date counts.
    assert applicant_cutoff(dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC)) == dt.date(2024, 3, 10)


def test_employee_form_offers_staff_accounts_only(world: World) -> None:
    page = world.client_for("board").get(reverse("hr:employee-create")).content.decode()
    assert world.users["agent_with_lease"].username in page
    assert world.users["client_same_tenant"].username not in page


def test_too_large_a_document_is_refused(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("apps.hr.forms.DOCUMENT_MAX_BYTES", 3)
    employee = Employee.objects.create(name="E", start_date=dt.date(2024, 1, 1))
    response = world.client_for("board").post(
        reverse("hr:employee-document-create", args=[employee.pk]), {"file": _upload("big.pdf", b"1234")}
    )
    assert response.status_code == 200 and not HRDocument.objects.exists()


def test_list_query_count_does_not_grow(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        Employee.objects.create(name=f"E{i}", start_date=dt.date(2024, 1, 1))
        Applicant.objects.create(name=f"A{i}")
    http = world.client_for("board")
    http.get(reverse("hr:employees"))  # warm the session
    with django_assert_max_num_queries(8):
        http.get(reverse("hr:employees"))
    with django_assert_max_num_queries(8):
        http.get(reverse("hr:applicants"))


def test_seed_demo_gives_the_board_hr_files_once(db: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Employee.objects.count(), Applicant.objects.count()) == (2, 2)
    assert Employee.objects.filter(user__username="agent1").exists()


def test_hr_models_are_not_in_the_admin(world: World) -> None:
    from apps.core.admin_site import admin_site

    assert not [m for m in admin_site._registry if m._meta.app_label == "hr"]
    for role in ("administrator", "privacy_officer", "supervisor"):
        assert world.client_for(role).get("/admin/hr/employee/").status_code == 404


# --- The board deletes a file before its term ------------------------------------------------
def test_board_deletes_an_applicant_with_reports_and_files(  # type: ignore[no-untyped-def]
    world: World, board, django_capture_on_commit_callbacks
) -> None:
    applicant = services.applicant_create(actor=board, name="Weg Gaat", email="weg@example.nl")
    document = services.hr_document_create(upload=_upload(), applicant=applicant, actor=board)
    services.interview_report_create(applicant=applicant, date=dt.date(2024, 3, 1), text="Gesprek", actor=board)
    http = world.client_for("board")
    url = reverse("hr:applicant-delete", args=[applicant.pk])

    page = http.get(url)
    assert page.status_code == 200 and Applicant.objects.filter(pk=applicant.pk).exists()  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(url)

    assert response["Location"] == reverse("hr:applicants")
    assert not Applicant.objects.exists() and not HRDocument.objects.exists()
    assert not _path(document).exists()


def test_board_deletes_an_employee_file_with_entries_and_files(  # type: ignore[no-untyped-def]
    world: World, board, django_capture_on_commit_callbacks
) -> None:
    employee = services.employee_create(actor=board, name="Oud Collega", start_date=dt.date(2020, 1, 1))
    services.employee_entry_create(
        employee=employee, kind=EntryKind.CONVERSATION, date=dt.date(2021, 1, 1), text="x", actor=board
    )
    document = services.hr_document_create(upload=_upload(), employee=employee, actor=board)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("board").post(reverse("hr:employee-delete", args=[employee.pk]))
    assert response["Location"] == reverse("hr:employees")
    assert not Employee.objects.exists() and not EmployeeEntry.objects.exists()
    assert not _path(document).exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("board", "anonymous")])
def test_nobody_but_the_board_can_delete_hr_files(world: World, role: str) -> None:
    applicant = Applicant.objects.create(name="Blijft")
    assert world.client_for(role).post(reverse("hr:applicant-delete", args=[applicant.pk])).status_code == 404
    assert Applicant.objects.filter(pk=applicant.pk).exists()
