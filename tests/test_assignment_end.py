"""Assignments end on their end date (issue 13 #9, R-NTK-3): the clock rule `assignment_end`
sets an active assignment inactive once its end date has passed, which revokes its
agents at once, and notifies its supervisors in the app and by email."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from apps.assignments import services as assignment_services
from apps.assignments.models import Assignment
from apps.core.errors import ServiceError
from apps.prospects.models import Lease
from apps.retention.models import JobStatus, Notice, NoticeKind
from apps.retention.runner import run_rule
from tests.conftest import World

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
END = dt.date(2026, 12, 31)
# The last minute of the end date and the first of the day after, on the Amsterdam wall clock.
LAST_MINUTE = dt.datetime(2026, 12, 31, 23, 59, tzinfo=AMSTERDAM)
FIRST_MINUTE_AFTER = dt.datetime(2027, 1, 1, 0, 1, tzinfo=AMSTERDAM)


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    """The notice's email task runs in the test, as a worker would after the commit."""
    from leadhunter.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def ending(world: World, eager_celery: None) -> World:
    Assignment.objects.filter(pk=world.assignment.pk).update(ends_on=END)
    world.users["supervisor"].email = "supervisor@leadhunter.example"
    world.users["supervisor"].save(update_fields=["email"])
    return world


def test_assignment_runs_through_its_end_date(ending: World) -> None:
    with time_machine.travel(LAST_MINUTE, tick=False):
        run = run_rule("assignment_end", now=LAST_MINUTE)
    assert run.status == JobStatus.DONE and run.counts.get("assignments_ended", 0) == 0
    ending.assignment.refresh_from_db()
    assert ending.assignment.is_active
    assert Lease.objects.filter(assignment=ending.assignment).exists()


def test_assignment_ends_after_its_end_date_and_agents_lose_access(
    ending: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    workspace = reverse("calling:workspace", args=[ending.assignment.pk])
    screen = reverse("calling:screen", args=[ending.prospect.pk])
    with time_machine.travel(FIRST_MINUTE_AFTER, tick=False):
        agent = ending.client_for("agent_with_lease")
        with django_capture_on_commit_callbacks(execute=True):
            run = run_rule("assignment_end", now=FIRST_MINUTE_AFTER)
        assert run.status == JobStatus.DONE and run.counts["assignments_ended"] == 1
        ending.assignment.refresh_from_db()
        assert not ending.assignment.is_active
        assert not Lease.objects.filter(assignment=ending.assignment).exists()
        # R-NTK-3: the agents' pages of the assignment are gone at once.
        assert agent.get(workspace).status_code == 404
        assert agent.get(screen).status_code == 404
        # Other assignments are not touched.
        ending.other_assignment.refresh_from_db()
        assert ending.other_assignment.is_active

    notice = Notice.objects.get(kind=NoticeKind.ASSIGNMENT_ENDED)
    assert notice.recipient == ending.users["supervisor"] and notice.day == END and notice.emailed_at is not None
    # The agents get no notice; the supervisor of another assignment neither.
    assert Notice.objects.filter(kind=NoticeKind.ASSIGNMENT_ENDED).count() == 1
    assert [m.to for m in mailoutbox] == [["supervisor@leadhunter.example"]]
    # Translated: Dutch, the site's language.
    assert mailoutbox[0].subject == "Opdracht beëindigd"
    assert ending.assignment.name in mailoutbox[0].body and "31-12-2026" in mailoutbox[0].body
    page = ending.client_for("supervisor").get(reverse("retention:notices")).content.decode()
    assert "bereikte zijn einddatum" in page


def test_assignment_end_is_idempotent(ending: World, mailoutbox, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_rule("assignment_end", now=FIRST_MINUTE_AFTER)
        again = run_rule("assignment_end", now=FIRST_MINUTE_AFTER + dt.timedelta(hours=1))
    assert again.status == JobStatus.DONE and again.counts.get("assignments_ended", 0) == 0
    assert Notice.objects.filter(kind=NoticeKind.ASSIGNMENT_ENDED).count() == 1
    assert len(mailoutbox) == 1
    # The email task run twice sends nothing more.
    assert assignment_services.assignment_ended_notices_email(assignment_id=ending.assignment.pk) == 0
    # The verification notices' mailer leaves this kind alone.
    from apps.retention.services import notices_email

    assert notices_email(now=FIRST_MINUTE_AFTER) == 0


def test_dry_run_changes_nothing(ending: World) -> None:
    lines: list[str] = []
    run = run_rule("assignment_end", now=FIRST_MINUTE_AFTER, dry_run=True, report=lines.append)
    assert run.counts == {"assignments_to_end": 1}
    assert lines == [f"end assignment {ending.assignment.pk}"]
    ending.assignment.refresh_from_db()
    assert ending.assignment.is_active and not Notice.objects.exists()


def test_assignment_without_end_date_never_ends(world: World) -> None:
    run = run_rule("assignment_end", now=FIRST_MINUTE_AFTER + dt.timedelta(days=3650))
    assert run.counts.get("assignments_ended", 0) == 0
    world.assignment.refresh_from_db()
    assert world.assignment.is_active


def test_ended_assignment_cannot_be_activated_before_its_end_date_moves(ending: World) -> None:
    with time_machine.travel(FIRST_MINUTE_AFTER, tick=False):
        run_rule("assignment_end", now=FIRST_MINUTE_AFTER)
        with pytest.raises(ServiceError):
            assignment_services.assignment_set_active(assignment=ending.assignment, active=True)
        Assignment.objects.filter(pk=ending.assignment.pk).update(ends_on=dt.date(2027, 3, 31))
        assert assignment_services.assignment_set_active(assignment=ending.assignment, active=True).is_active


def test_beat_runs_the_rule_hourly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["assignments-end-on-their-end-date-hourly"]
    assert entry["task"] == "retention.assignment_end"
    assert entry["schedule"].hour == set(range(24))
