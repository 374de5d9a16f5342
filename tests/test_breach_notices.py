"""Issue 14 item 6: a breach records when and how each affected client was told (the
processor agreement promises it "without undue delay"), with a clock and reminders of its
own; a breach a subprocessor reported to us is recorded as such."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import ServiceError
from apps.registers import services
from apps.registers.models import Breach, BreachClientNotice, BreachSource, Subprocessor
from apps.retention.runner import run_rule
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

DISCOVERED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def officer(world: World) -> User:
    user = world.users["privacy_officer"]
    User.objects.filter(pk=user.pk).update(email="privacy@leadhunter.example")
    return user


def _breach(clients, **data) -> Breach:  # type: ignore[no-untyped-def]
    values = {"summary": "Laptop lost", "description": "A laptop was left on the train.", "discovered_at": DISCOVERED}
    return services.breach_create(
        actor=None, now=DISCOVERED + dt.timedelta(hours=1), clients=clients, **{**values, **data}
    )


def test_each_affected_client_gets_a_notice_row_kept_in_step(world: World) -> None:
    globex = ClientFactory(name="Initech BV")
    breach = _breach([world.acme, globex])
    assert set(breach.client_notices.values_list("client__name", flat=True)) == {"Acme BV", "Initech BV"}
    notice = breach.client_notices.get(client=world.acme)
    services.breach_client_informed(
        notice=notice,
        actor=None,
        now=DISCOVERED + dt.timedelta(hours=3),
        informed_at=DISCOVERED + dt.timedelta(hours=2),
        channel="phone",
        informed_whom="Privacy team",
    )
    # Both taken off the list: the one told stays on record, the other goes.
    services.breach_update(breach=breach, actor=None, now=DISCOVERED + dt.timedelta(hours=4), clients=[])
    assert list(breach.client_notices.values_list("client__name", flat=True)) == ["Acme BV"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "email"}, "Enter when the client was informed."),
        ({"informed_at": DISCOVERED + dt.timedelta(hours=2)}, "Choose how the client was informed."),
        ({"informed_at": DISCOVERED - dt.timedelta(hours=2), "channel": "email"}, "before the breach was discovered"),
        ({"informed_at": DISCOVERED + dt.timedelta(days=9), "channel": "email"}, "cannot lie in the future"),
    ],
)
def test_a_notice_needs_when_and_how(world: World, data: dict, message: str) -> None:
    breach = _breach([world.acme])
    notice = breach.client_notices.get()
    with pytest.raises(ServiceError) as refused, translation_en():
        services.breach_client_informed(notice=notice, actor=None, now=DISCOVERED + dt.timedelta(days=1), **data)
    assert message in str(refused.value)
    notice.refresh_from_db()
    assert notice.informed_at is None


def translation_en():  # type: ignore[no-untyped-def]
    from django.utils import translation

    return translation.override("en")


def test_the_database_refuses_a_notice_informed_without_how(world: World) -> None:
    notice = _breach([world.acme]).client_notices.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        BreachClientNotice.objects.filter(pk=notice.pk).update(informed_at=DISCOVERED)


def test_the_clock_reminds_once_when_due_soon_and_once_when_overdue(world: World, officer: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.BREACH_CLIENT_INFORM_HOURS = 24
    globex = ClientFactory(name="Initech BV")
    _breach([world.acme, globex])
    # 20 h after the discovery: within the last quarter (6 h) of the 24 hours.
    run_rule("breach_client_notice_reminder", now=DISCOVERED + dt.timedelta(hours=20))
    run_rule("breach_client_notice_reminder", now=DISCOVERED + dt.timedelta(hours=21))
    assert len(mail.outbox) == 1 and "Acme BV" in mail.outbox[0].body and "Initech BV" in mail.outbox[0].body
    # Acme is told; Globex is not, and the term passes.
    notice = BreachClientNotice.objects.get(client=world.acme)
    services.breach_client_informed(
        notice=notice,
        actor=officer,
        now=DISCOVERED + dt.timedelta(hours=22),
        informed_at=DISCOVERED + dt.timedelta(hours=22),
        channel="email",
    )
    run_rule("breach_client_notice_reminder", now=DISCOVERED + dt.timedelta(hours=25))
    run_rule("breach_client_notice_reminder", now=DISCOVERED + dt.timedelta(hours=30))
    assert len(mail.outbox) == 2
    assert "Initech BV" in mail.outbox[1].body and "Acme BV" not in mail.outbox[1].body
    assert mail.outbox[1].to == ["privacy@leadhunter.example"]


def test_the_officer_records_how_a_client_was_informed_on_the_breach_page(world: World, officer: User) -> None:
    http = world.client_for("privacy_officer")
    with time_machine.travel(DISCOVERED + dt.timedelta(hours=1), tick=False):
        breach = _breach([world.acme])
        notice = breach.client_notices.get()
        page = http.get(reverse("registers:breach", args=[breach.pk])).content.decode()
        assert "Acme BV" in page and "nog 23 u 0 min" in page  # 23 h left of 24
        url = reverse("registers:breach-client-notice", args=[breach.pk, notice.pk])
        assert http.post(url, {}).status_code == 200  # errors shown, nothing written
        response = http.post(
            url,
            {
                "informed_at": "2026-11-02 10:30",
                "channel": "email",
                "informed_whom": "Functionaris gegevensbescherming",
            },
        )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.channel == "email" and notice.recorded_by == officer and notice.informed_at is not None
    # Another breach's notice is not reachable through this breach.
    other = _breach([world.acme], summary="Other")
    assert http.get(reverse("registers:breach-client-notice", args=[other.pk, notice.pk])).status_code == 404


def test_a_breach_reported_by_a_subprocessor_is_recorded_as_such(world: World) -> None:
    host = Subprocessor.objects.create(name="Hosting BV", service="hosting", country="NL")
    with pytest.raises(ServiceError), translation_en():
        _breach([], source=BreachSource.SUBPROCESSOR)  # which one, and when?
    breach = _breach([], source=BreachSource.SUBPROCESSOR, subprocessor=host, subprocessor_reported_at=DISCOVERED)
    assert breach.subprocessor == host and breach.source == "subprocessor"
    assert list(host.breaches_reported.all()) == [breach]
    with pytest.raises(IntegrityError), transaction.atomic():
        Breach.objects.filter(pk=breach.pk).update(subprocessor=None)
    # Our own finding carries no subprocessor, whatever the form sent.
    own = _breach([], source=BreachSource.OWN, subprocessor=host, subprocessor_reported_at=DISCOVERED)
    assert own.subprocessor is None and own.subprocessor_reported_at is None
    assert timezone.is_aware(breach.subprocessor_reported_at)
