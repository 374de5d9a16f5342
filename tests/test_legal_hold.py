"""Legal holds (R-HOLD-1, issue 14 #2): every clock rule of the beat schedule keeps held
records and says so in its run record; holds are listed, end with a notice, and the next
run then applies the ordinary periods."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.errors import ServiceError
from apps.hr.models import Applicant, ApplicantStatus, Employee
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus
from apps.privacy.sole_traders import BLANKED_NAME
from apps.prospects.models import Company, LegalForm, Person, ProspectPerson
from apps.retention.holds import HOLD_PATHS, legal_hold_place
from apps.retention.models import HoldKind, LegalHold
from apps.retention.runner import RULES, run_rule
from tests import factories
from tests.conftest import World

AMS = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 20, 5, 0, tzinfo=AMS)
OLD = NOW - relativedelta(months=13)


def beat_rules() -> list[str]:
    """Every clock rule the beat schedule runs (task "retention.<rule>")."""
    names = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        prefix, _dot, rule = entry["task"].partition(".")
        assert prefix == "retention" and rule in RULES, f"{entry['task']} is not a clock rule"
        names.append(rule)
    return names


def test_every_rule_declares_what_it_deletes_and_holds_reach_it() -> None:
    for name in beat_rules():
        deletes = RULES[name].deletes
        assert deletes is not None, f"rule {name}: declare retention_rule(deletes=...) (R-HOLD-1)"
        for label in deletes:
            assert label in HOLD_PATHS, f"rule {name} deletes {label}, which no legal hold reaches"


def _person(world: World, *, assignment=None, company=None, verified_at=OLD) -> Person:  # type: ignore[no-untyped-def]
    kwargs = {"assignment": assignment or world.assignment}
    if company is not None:
        kwargs["company"] = company
    prospect = factories.ProspectFactory(**kwargs)
    person = factories.PersonFactory(
        client=prospect.assignment.client, company=prospect.company, verified_at=verified_at
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    return person


def _hold(kind: str, object_id, ends_on: dt.date) -> LegalHold:  # type: ignore[no-untyped-def]
    return LegalHold.objects.create(
        kind=kind,
        object_id=object_id,
        reason="proceedings 2026/123",
        ends_on=ends_on,
        created_at=NOW - dt.timedelta(days=30),
    )


@pytest.fixture
def held_world(world: World, settings, tmp_path):  # type: ignore[no-untyped-def]
    """One record of each held kind, each due for deletion or blanking, plus one unheld
    person due (proof that the purge ran)."""
    settings.BACKUP_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=world.users["privacy_officer"].pk).update(email="privacy@leadhunter.example")
    ends_on = (NOW + dt.timedelta(days=60)).date()
    held_person = _person(world)
    held_company = factories.CompanyFactory(legal_form=LegalForm.EENMANSZAAK, phone="+31101234567")
    Company.objects.filter(pk=held_company.pk).update(verified_at=OLD)
    at_held_company = _person(world, company=held_company)
    held_assignment = factories.AssignmentFactory(client=world.acme)
    in_held_assignment = _person(world, assignment=held_assignment)
    unheld = _person(world)
    leaver = User.objects.create(username="vertrokken", role=Role.AGENT, email="vertrokken@leadhunter.example")
    employee = Employee.objects.create(
        name="Vera Vertrokken",
        user=leaver,
        start_date=dt.date(2015, 1, 1),
        leaving_date=(NOW - relativedelta(years=6)).date(),
    )
    rejected = Applicant.objects.create(
        name="Rob Afgewezen", status=ApplicantStatus.REJECTED, rejection_date=(NOW - relativedelta(years=2)).date()
    )
    undecided = Applicant.objects.create(name="Ulla Onbeslist", status=ApplicantStatus.APPLIED)
    Applicant.objects.filter(pk=undecided.pk).update(changed_at=NOW - relativedelta(years=2))
    closed = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ACCESS, name="Hanna Hold")
    RequestRecord.objects.create(request=closed, person=held_person, linked_at=OLD)
    DataSubjectRequest.objects.filter(pk=closed.pk).update(
        status=RequestStatus.ANSWERED, closed_at=OLD, outcome="report sent"
    )
    holds = [
        _hold(HoldKind.PERSON, held_person.pk, ends_on),
        _hold(HoldKind.COMPANY, held_company.pk, ends_on),
        _hold(HoldKind.ASSIGNMENT, held_assignment.pk, ends_on),
        _hold(HoldKind.EMPLOYEE, employee.pk, ends_on),
        _hold(HoldKind.APPLICANT, rejected.pk, ends_on),
        _hold(HoldKind.APPLICANT, undecided.pk, ends_on),
    ]
    return {
        "persons": [held_person, at_held_company, in_held_assignment],
        "unheld": unheld,
        "company": held_company,
        "employee": employee,
        "leaver": leaver,
        "applicants": [rejected, undecided],
        "request": closed,
        "holds": holds,
        "ends_on": ends_on,
    }


def test_every_beat_rule_keeps_held_records_and_says_so(held_world) -> None:  # type: ignore[no-untyped-def]
    runs = {name: run_rule(name, now=NOW) for name in beat_rules()}
    assert all(run.status == "done" for run in runs.values()), {n: r.error for n, r in runs.items() if r.error}
    # The unheld person went: the purge did run.
    assert not Person.objects.filter(pk=held_world["unheld"].pk).exists()
    # Every held record is there, unchanged.
    assert Person.objects.filter(pk__in=[p.pk for p in held_world["persons"]]).count() == 3
    company = Company.objects.get(pk=held_world["company"].pk)
    assert company.name != BLANKED_NAME and company.phone == "+31101234567"
    assert Employee.objects.filter(pk=held_world["employee"].pk).exists()
    leaver = User.objects.get(pk=held_world["leaver"].pk)
    assert leaver.username == "vertrokken" and leaver.email and not leaver.is_active  # deactivated, not blanked
    assert Applicant.objects.filter(pk__in=[a.pk for a in held_world["applicants"]]).count() == 2
    closed = DataSubjectRequest.objects.get(pk=held_world["request"].pk)
    assert closed.name == "Hanna Hold" and closed.erased_at is None
    # The run records say what they kept.
    for name, at_least in (
        ("person_purge", 3),
        ("employee_purge", 1),
        ("applicant_purge", 2),
        ("privacy_closed_request_blank", 1),
        ("sole_trader_company_blank", 1),
    ):
        assert runs[name].counts.get("held_skipped", 0) >= at_least, (name, runs[name].counts)


def test_a_hold_ends_with_a_notice_and_the_next_run_applies_the_periods(held_world) -> None:  # type: ignore[no-untyped-def]
    after = NOW + dt.timedelta(days=61)
    mail.outbox.clear()
    run = run_rule("legal_hold_expiry", now=after)
    assert run.counts["holds_ended"] == 6
    assert LegalHold.objects.filter(ended_at__isnull=True).count() == 0
    notices = [m for m in mail.outbox if "hold" in m.subject.lower() or "bewaar" in m.subject.lower()]
    assert len(notices) == 1 and str(held_world["employee"].pk) in notices[0].body
    assert "Vera" not in notices[0].body  # ids, no names
    # Idempotent: a second run ends and mails nothing.
    mail.outbox.clear()
    assert run_rule("legal_hold_expiry", now=after).counts.get("holds_ended", 0) == 0 and not mail.outbox
    for name in ("person_purge", "employee_purge", "applicant_purge", "privacy_closed_request_blank"):
        run_rule(name, now=after)
    assert not Person.objects.filter(pk__in=[p.pk for p in held_world["persons"]]).exists()
    assert not Employee.objects.filter(pk=held_world["employee"].pk).exists()
    leaver = User.objects.get(pk=held_world["leaver"].pk)
    assert leaver.username.startswith("former-employee-") and not leaver.email and not leaver.first_name
    assert not Applicant.objects.filter(pk__in=[a.pk for a in held_world["applicants"]]).exists()
    closed = DataSubjectRequest.objects.get(pk=held_world["request"].pk)
    assert closed.erased_at and closed.name == "" and closed.email == ""


def test_a_dry_run_counts_the_held_records_too(held_world) -> None:  # type: ignore[no-untyped-def]
    run = run_rule("person_purge", now=NOW, dry_run=True)
    assert run.counts["held_skipped"] == 3 and run.counts["persons_to_delete"] == 1


def test_placing_a_hold_checks_the_record_reason_and_date(world: World) -> None:
    officer = world.users["privacy_officer"]
    today = timezone.localdate()
    with pytest.raises(ServiceError) as refused:
        legal_hold_place(kind="person", object_id=world.company.pk, reason="x", ends_on=today, actor=officer)
    assert "object_id" in refused.value.message_dict
    with pytest.raises(ServiceError) as refused:
        legal_hold_place(
            kind="person", object_id=world.person.pk, reason=" ", ends_on=today - dt.timedelta(days=1), actor=officer
        )
    assert {"reason", "ends_on"} <= set(refused.value.message_dict)
    hold = legal_hold_place(kind="company", object_id=world.company.pk, reason="claim", ends_on=today, actor=officer)
    assert hold.created_by == officer and hold.ended_at is None
    from django.http import Http404

    with pytest.raises(Http404):  # only privacy officers
        legal_hold_place(
            kind="company", object_id=world.company.pk, reason="x", ends_on=today, actor=world.users["administrator"]
        )


def test_the_holds_page_places_lists_and_ends_holds(world: World) -> None:
    officer = world.client_for("privacy_officer")
    url = reverse("privacy_holds:list")
    page = officer.get(url + f"?kind=person&object_id={world.person.pk}")
    assert page.status_code == 200 and str(world.person.pk) in page.content.decode()
    ends_on = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = officer.post(
        url, {"kind": "person", "object_id": str(world.person.pk), "reason": "Rechtszaak X", "ends_on": ends_on}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(object_id=world.person.pk)
    assert "Rechtszaak X" in officer.get(url).content.decode()
    bad = officer.post(url, {"kind": "person", "object_id": "not-a-uuid", "reason": "", "ends_on": "x"})
    assert bad.status_code == 400 and not LegalHold.objects.exclude(pk=hold.pk).exists()
    assert officer.post(reverse("privacy_holds:end", args=[hold.pk])).status_code == 302
    hold.refresh_from_db()
    assert hold.ended_at is not None
    for role in ("administrator", "board", "supervisor", "client_same_tenant", "agent_with_lease"):
        assert world.client_for(role).get(url).status_code == 404
