from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.callnotes.models import CallNote
from apps.core.errors import ServiceError
from apps.prospects import services
from apps.prospects.models import Person
from tests.conftest import World


def test_correcting_a_person_normalises_and_verifies(world: World) -> None:
    person = world.person
    with time_machine.travel(timezone.now() + dt.timedelta(days=200)):
        services.person_update(person=person, actor=None, email=" New@Example.NL ", phone="0612345679")
        person.refresh_from_db()
        assert (person.email, person.phone) == ("new@example.nl", "+31612345679")
        assert abs((person.verified_at - timezone.now()).total_seconds()) < 5


def test_invalid_correction_changes_nothing(world: World) -> None:
    before = Person.objects.get(pk=world.person.pk)
    with pytest.raises(ServiceError):
        services.person_update(person=world.person, actor=None, email="broken", last_name="Nieuw")
    after = Person.objects.get(pk=world.person.pk)
    assert (after.email, after.last_name, after.verified_at) == (before.email, before.last_name, before.verified_at)


def test_company_correction_keeps_kvk_unique(world: World) -> None:
    other = world.other_prospect.company
    with pytest.raises(ServiceError):
        services.company_update(company=world.company, actor=None, kvk_number=other.kvk_number)
    company = services.company_update(company=world.company, actor=None, name="Bakker B.V.", website="www.bakker.nl")
    assert (company.name_normalised, company.website_domain) == ("bakker", "bakker.nl")


def test_deleting_a_prospect_keeps_notes_and_removes_its_own_persons(world: World) -> None:
    person = world.person
    services.prospect_delete(prospect=world.prospect, actor=None)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert CallNote.objects.filter(pk=world.note.pk).exists()
