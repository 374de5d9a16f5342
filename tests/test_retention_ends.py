"""Every retention has an end (issue 14 #4, R-RET-5): undecided applications, leavers'
login accounts, closed data-subject requests; and the statement names the period."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.hr import services as hr_services
from apps.hr.models import Applicant, ApplicantStatus, Employee
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.retention.ledger import ledger_replay
from apps.retention.models import LedgerRecord
from apps.retention.runner import run_rule
from tests import factories
from tests.conftest import World

AMS = ZoneInfo("Europe/Amsterdam")


def test_an_application_never_decided_ends_a_year_after_its_last_change(world: World) -> None:
    board = world.users["board"]
    now = timezone.now()
    stale = hr_services.applicant_create(actor=board, name="Olle Oud", status=ApplicantStatus.INTERVIEWING)
    touched = hr_services.applicant_create(actor=board, name="Tess Recent", status=ApplicantStatus.APPLIED)
    Applicant.objects.filter(pk__in=[stale.pk, touched.pk]).update(changed_at=now - relativedelta(months=13))
    # A report written a week ago is a change: the year starts again.
    hr_services.interview_report_create(applicant=touched, date=dt.date.today(), text="tweede gesprek", actor=board)
    run = run_rule("applicant_purge", now=now)
    assert run.counts["undecided_applicants_deleted"] == 1
    assert not Applicant.objects.filter(pk=stale.pk).exists()
    assert Applicant.objects.filter(pk=touched.pk).exists()
    # Not a day early.
    fresh = hr_services.applicant_create(actor=board, name="Fem Vers", status=ApplicantStatus.APPLIED)
    Applicant.objects.filter(pk=fresh.pk).update(changed_at=now - relativedelta(months=12) + dt.timedelta(days=1))
    run_rule("applicant_purge", now=now)
    assert Applicant.objects.filter(pk=fresh.pk).exists()
    # Ledgered (R-DEL-2).
    assert LedgerRecord.objects.filter(kind="hr.applicant", object_id=stale.pk).exists()


def test_a_leavers_account_is_deactivated_at_once_and_blanked_after_the_hr_period(world: World) -> None:
    board = world.users["board"]
    user = User.objects.create(
        username="pietleaver", role=Role.AGENT, first_name="Piet", email="piet@leadhunter.example"
    )
    employee = hr_services.employee_create(actor=board, name="Piet Leaver", user=user, start_date=dt.date(2020, 1, 1))
    user.refresh_from_db()
    assert user.is_active
    hr_services.employee_update(employee=employee, actor=board, leaving_date=timezone.localdate())
    user.refresh_from_db()
    assert not user.is_active and user.first_name == "Piet"  # deactivated at once, kept during the HR period
    # Blanked with the employee file after the HR period.
    Employee.objects.filter(pk=employee.pk).update(leaving_date=timezone.localdate() - relativedelta(years=5, days=1))
    run_rule("employee_purge", now=timezone.now())
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert "piet" not in user.username and not user.has_usable_password()


def test_a_future_leaving_date_deactivates_the_account_when_it_comes(world: World) -> None:
    board = world.users["board"]
    user = User.objects.create(username="annaleaver", role=Role.AGENT)
    today = timezone.localdate()
    hr_services.employee_create(
        actor=board, name="Anna", user=user, start_date=dt.date(2020, 1, 1), leaving_date=today + dt.timedelta(days=10)
    )
    user.refresh_from_db()
    assert user.is_active
    run_rule("leaver_accounts_deactivate", now=timezone.now() + dt.timedelta(days=5))
    user.refresh_from_db()
    assert user.is_active
    run = run_rule("leaver_accounts_deactivate", now=timezone.now() + dt.timedelta(days=11))
    user.refresh_from_db()
    assert not user.is_active and run.counts["accounts_deactivated"] == 1


def test_an_early_deletion_of_a_current_employees_file_leaves_the_account(world: World) -> None:
    board = world.users["board"]
    user = User.objects.create(username="nogwerkzaam", role=Role.AGENT, first_name="Nog")
    employee = hr_services.employee_create(actor=board, name="Nog", user=user, start_date=dt.date(2020, 1, 1))
    hr_services.employee_delete(employee=employee, actor=board)
    user.refresh_from_db()
    assert user.is_active and user.username == "nogwerkzaam"


def _closed(closed_at: dt.datetime, **fields) -> DataSubjectRequest:  # type: ignore[no-untyped-def]
    dsr = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ACCESS, message="mijn gegevens")
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        status=RequestStatus.ANSWERED, closed_at=closed_at, outcome="rapport gestuurd", **fields
    )
    return DataSubjectRequest.objects.get(pk=dsr.pk)


def test_closed_requests_are_blanked_twelve_months_after_closing_and_stay_blanked(world: World) -> None:
    now = timezone.now()
    old = _closed(now - relativedelta(months=12, days=1))
    recent = _closed(now - relativedelta(months=11))
    still_open = factories.DataSubjectRequestFactory(confirmed=True)
    run = run_rule("privacy_closed_request_blank", now=now)
    assert run.counts["closed_requests_blanked"] == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.message) == ("", "", "") and old.erased_at and old.status == RequestStatus.ANSWERED
    assert "rapport" not in old.outcome
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.email and still_open.email
    # Idempotent.
    assert run_rule("privacy_closed_request_blank", now=now).counts.get("closed_requests_blanked", 0) == 0
    # A restore brings the details back; the ledger's replay blanks them again (R-DEL-2).
    DataSubjectRequest.objects.filter(pk=old.pk).update(name="Terug", email="terug@example.org", erased_at=None)
    ledger_replay()
    old.refresh_from_db()
    assert old.name == "" and old.email == "" and old.status == RequestStatus.ANSWERED


def test_the_statement_names_the_request_period(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "REQUEST_KEEP_MONTHS": 18}
    page = client.get(reverse("privacy:statement")).content.decode()
    assert "18" in page.split('id="statement-request-retention"')[1].split("</li>")[0]
