"""An agent works through the queue in Chromium with the keyboard only (R-CALL-1…3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.assignments import services as assignment_services
from apps.callnotes.models import CallNote
from apps.prospects.models import Person, ProspectStatus
from tests.factories import PASSWORD, AssignmentFactory, ProspectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_verifies_records_and_takes_the_next_prospect_by_keyboard(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Given an agent on an active assignment whose first prospect has a person to verify
    assignment = AssignmentFactory(name="Belronde", briefing="Vraag naar de inkoper.")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    first = ProspectFactory(assignment=assignment, with_person=True)
    second = ProspectFactory(assignment=assignment, with_person=True)
    person = first.persons.get()
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))

    # When the agent logs in and asks for the next prospect
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("beller")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/work/assignments/{assignment.pk}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/work/prospects/{first.pk}/")

    # Then the flagged person's direct details are not on the page until verified
    persons = page.locator("#persons")
    assert "eerst verifiëren" in persons.inner_text()
    assert person.email not in page.content() and person.phone not in page.content()
    # V asks once whether the person really confirmed (issue 13): not a key to see the number
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.keyboard.press("v")
    page.locator("#persons", has_text=person.email).wait_for()
    assert "eerst verifiëren" not in page.locator("#persons").inner_text()
    assert asked and "bevestigd" in asked[0]
    assert "is nu door u geverifieerd" in page.locator("#persons").inner_text()

    # And a result and a note are recorded with the keyboard, then the next prospect opens
    page.keyboard.press("3")
    page.keyboard.press("t")
    page.keyboard.type("Geen interesse, stuurt zelf een mail.")
    page.screenshot(path=tmp_path / "call-screen.png", full_page=True)
    page.keyboard.press("Control+Shift+Enter")
    page.wait_for_url(f"**/work/prospects/{second.pk}/")

    note = CallNote.objects.get(prospect=first)
    assert (note.text, note.result.code, note.agent) == (
        "Geen interesse, stuurt zelf een mail.",
        "not-interested",
        agent,
    )
    first.refresh_from_db()
    person.refresh_from_db()
    assert first.status == ProspectStatus.DONE
    assert timezone.now() - person.verified_at < dt.timedelta(minutes=5)
    assert "Vraag naar de inkoper." in page.locator("main").inner_text()
