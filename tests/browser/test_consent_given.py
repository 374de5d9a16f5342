"""An agent records on the call screen, with the keyboard, that the person gave consent by
phone (issue 11 #8, R-CON-1): G, a confirmation dialog, and the outcome in the persons block
while the note being typed stays."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.accounts.models import Role
from apps.assignments import services as assignment_services
from apps.clients.models import LegalBasis
from apps.privacy.models import ConsentRecord
from apps.prospects.models import Person
from tests.factories import PASSWORD, AssignmentFactory, ProspectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_presses_g_and_the_consent_is_recorded_and_confirmed_by_email(page) -> None:  # type: ignore[no-untyped-def]
    # Given an agent on the call screen of a prospect with one (recently verified) person
    assignment = AssignmentFactory(name="Toestemming")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    prospect = ProspectFactory(assignment=assignment, with_person=True)
    person = prospect.persons.get()

    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("beller")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/work/assignments/{assignment.pk}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/work/prospects/{prospect.pk}/")
    assert "Toestemming gegeven" in page.locator("#persons").inner_text()

    # And a note half typed
    page.keyboard.press("t")
    page.keyboard.type("Wil graag de brochure.")
    page.locator("h1").first.click()  # out of the text field: keys are shortcuts again

    # When the agent presses G and confirms the question
    questions: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.keyboard.press("g")
    page.locator("#persons .consent-notice", has_text="Toestemming vastgelegd").wait_for()

    # Then the consent is on record with its proof, the confirmation went, the note is still there
    assert questions and person.full_name in questions[0]
    notice = page.locator("#persons .consent-notice").inner_text()
    assert "gemaild" in notice
    assert "toestemming gegeven" in page.locator(f"#person-{person.pk}").inner_text()
    assert page.locator("textarea[name=text]").input_value() == "Wil graag de brochure."
    record = ConsentRecord.objects.get(person=person)
    assert record.given_by == agent and record.channel == "phone" and record.assignment == assignment
    assert Person.objects.get(pk=person.pk).legal_basis == LegalBasis.CONSENT
    (message,) = mail.outbox
    assert message.to == [person.email] and "/privacy/consent/withdraw/" in message.body


def test_a_person_without_email_gets_an_explanation_not_a_record(page) -> None:  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(name="Toestemming")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    prospect = ProspectFactory(assignment=assignment, with_person=True)
    Person.objects.filter(prospect_links__prospect=prospect).update(email="")

    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill("beller")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"/work/assignments/{assignment.pk}/")
    page.keyboard.press("n")
    page.wait_for_url(f"**/work/prospects/{prospect.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("g")
    page.locator("#persons .errorlist", has_text="e-mailadres").wait_for()
    assert not ConsentRecord.objects.exists() and mail.outbox == []
