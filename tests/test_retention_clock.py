"""The clock arithmetic (R-RET-2, R-RET-3): calendar months on the Amsterdam wall clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from apps.prospects import services
from apps.prospects.models import Person
from apps.retention import clock
from apps.retention.selectors import due_for_verification
from tests import factories
from tests.conftest import World

AMS = ZoneInfo("Europe/Amsterdam")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("verified", "now", "flagged"),
    [
        # 6 months ± 1 day
        (at(2026, 1, 15, 12), at(2026, 7, 14, 12), False),
        (at(2026, 1, 15, 12), at(2026, 7, 15, 11, 59), False),
        (at(2026, 1, 15, 12), at(2026, 7, 15, 12), True),
        (at(2026, 1, 15, 12), at(2026, 7, 16, 12), True),
        # Verified in winter time, due in summer time at the same wall-clock time (UTC
        # arithmetic would say an hour later).
        (at(2026, 3, 28, 12), at(2026, 9, 28, 11, 59), False),
        (at(2026, 3, 28, 12), at(2026, 9, 28, 12), True),
        # Verified on the night of the spring change, due across the autumn change.
        (at(2026, 3, 29, 3, 30), at(2026, 9, 29, 3, 29), False),
        (at(2026, 3, 29, 3, 30), at(2026, 9, 29, 3, 30), True),
        (at(2026, 5, 25, 12), at(2026, 11, 25, 11, 59), False),
        (at(2026, 5, 25, 12), at(2026, 11, 25, 12), True),
        # A leap day: 29 February plus six months is 29 August.
        (at(2024, 2, 29, 12), at(2024, 8, 28, 12), False),
        (at(2024, 2, 29, 12), at(2024, 8, 29, 12), True),
    ],
)
def test_verification_flag_boundaries(verified: dt.datetime, now: dt.datetime, flagged: bool) -> None:
    person = factories.PersonFactory.build(verified_at=verified)
    company = factories.CompanyFactory.build(verified_at=verified)
    assert person.needs_verification(now) is flagged
    assert company.needs_verification(now) is flagged


@pytest.mark.parametrize(
    ("verified", "now", "deleted"),
    [
        (at(2025, 6, 10, 9), at(2026, 6, 9, 9), False),
        (at(2025, 6, 10, 9), at(2026, 6, 11, 9), True),
        # Across the autumn change: verified in summer time, due in winter time.
        (at(2025, 10, 24, 12), at(2026, 10, 24, 11, 59), False),
        (at(2025, 10, 24, 12), at(2026, 10, 24, 12), True),
        # A leap day: 29 February 2024 plus twelve months is due on 1 March 2025, not before.
        (at(2024, 2, 29, 12), at(2025, 2, 28, 12), False),
        (at(2024, 2, 29, 12), at(2025, 3, 1, 12), True),
    ],
)
def test_purge_cutoff_boundaries(verified: dt.datetime, now: dt.datetime, deleted: bool) -> None:
    assert (verified <= clock.purge_cutoff(now)) is deleted


def test_selector_and_property_agree_at_month_ends(db: None) -> None:
    # 31 August minus six months clamps to 28 February: both say "due" from the same moment.
    company = factories.CompanyFactory()
    person = factories.PersonFactory(company=company, verified_at=at(2025, 8, 31, 12))
    for now in (at(2026, 2, 28, 11, 59), at(2026, 2, 28, 12), at(2026, 3, 1, 12)):
        in_selector = due_for_verification(Person.objects.filter(pk=person.pk), now).exists()
        assert in_selector is person.needs_verification(now)


def test_flag_shows_past_six_months_without_any_job(world: World) -> None:
    person = world.person
    Person.objects.filter(pk=person.pk).update(verified_at=at(2026, 1, 1, 12))
    person.refresh_from_db()
    assert person.needs_verification(at(2026, 7, 2, 12))


def test_viewing_does_not_reset_the_clock_but_verifying_does(world: World) -> None:
    old = at(2025, 1, 1, 12)
    Person.objects.filter(pk=world.person.pk).update(verified_at=old)
    with time_machine.travel(at(2026, 11, 1, 12), tick=False):
        for role, url in (
            ("administrator", reverse("admin:prospects_person_change", args=[world.person.pk])),
            ("supervisor", reverse("admin:prospects_person_change", args=[world.person.pk])),
            ("client_same_tenant", reverse("assignments:detail", args=[world.assignment.pk])),
        ):
            assert world.client_for(role).get(url).status_code == 200
        person = Person.objects.get(pk=world.person.pk)
        assert person.verified_at == old
        assert person.needs_verification()

        services.person_verify(person=person, actor=world.users["agent_with_lease"])
        person.refresh_from_db()
        assert person.verified_at == at(2026, 11, 1, 12)
        assert not person.needs_verification()
        company = services.company_update(company=world.company, actor=None, city="Zwolle")
        assert not company.needs_verification()
