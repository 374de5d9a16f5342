"""The call screen's differences panel in Chromium (R-IMP-3): accepting a client's value
updates the company block at once and keeps the note being typed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.assignments import services as assignment_services
from apps.imports.models import Difference
from tests.factories import PASSWORD, AssignmentFactory, LeaseFactory, ProspectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_accepts_a_difference_and_the_note_stays(page) -> None:  # type: ignore[no-untyped-def]
    # Given an agent holding a prospect whose client gave another city, to verify
    assignment = AssignmentFactory(name="Belronde")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    prospect = ProspectFactory(assignment=assignment, with_person=True)
    LeaseFactory(prospect=prospect, agent=agent)
    Difference.objects.create(
        assignment=assignment, company=prospect.company, field="city", value="Zwolle", created_at=timezone.now()
    )
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("beller")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/work/prospects/{prospect.pk}/")
    page.locator("#differences", has_text="Zwolle").wait_for()
    page.locator("#id_text").fill("Receptie zegt: verhuisd naar Zwolle.")

    # When the agent accepts it
    page.locator("#differences button[value=accept]").click()

    # Then the company shows the new city, the panel is empty, and the note is still there
    page.locator("#company", has_text="Zwolle").wait_for()
    page.locator("#differences", has_text="Niets te controleren").wait_for()
    assert page.locator("#id_text").input_value() == "Receptie zegt: verhuisd naar Zwolle."
    prospect.company.refresh_from_db()
    assert prospect.company.city == "Zwolle" and not Difference.objects.exists()
