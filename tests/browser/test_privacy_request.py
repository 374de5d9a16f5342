"""A member of the public files a privacy request in Chromium, confirms it by the emailed link
and sees both deadlines; the privacy officer then finds it on the dashboard (R-DSR-1, R-DSR-2)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.accounts.models import Role
from apps.privacy.models import DataSubjectRequest, RequestStatus
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_files_and_confirms_a_request_and_the_officer_sees_it(page, live_server) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="privacy", role=Role.ADMINISTRATOR, is_privacy_officer=True)
    mail.outbox = []

    # A member of the public, not logged in, opens the form from the statement
    page.goto("/privacy/")
    page.get_by_role("link", name="Een verzoek indienen").click()
    page.get_by_label("Uw naam").fill("Jan de Vries")
    page.get_by_label("Uw e-mailadres").fill("Jan.de.Vries@Example.org")
    page.get_by_label("Verwijdering van mijn gegevens").check()
    page.get_by_label("Bericht (niet verplicht)").fill("Graag alles verwijderen.")
    page.get_by_role("button", name="Verzoek versturen").click()
    page.get_by_role("heading", name="Verzoek ontvangen").wait_for()

    # The live server runs in this process: its email is in this test's outbox
    (message,) = mail.outbox
    assert message.to == ["jan.de.vries@example.org"]
    link = re.search(r"https?://\S+(/privacy/request/\S+)", message.body).group(1)

    # Opening the link shows a button and confirms nothing (mail scanners prefetch links)
    page.goto(link)
    assert DataSubjectRequest.objects.get().status == RequestStatus.UNCONFIRMED
    page.get_by_role("button", name="Bevestig mijn verzoek").click()
    page.get_by_role("heading", name="Verzoek bevestigd").wait_for()
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.OPEN
    main = page.locator("main")
    assert "Ons antwoord uiterlijk op" in main.inner_text() and "Wettelijke termijn" in main.inner_text()
    assert page.locator(".due").inner_text().strip() and page.locator(".legal-due").inner_text().strip()

    # The privacy officer logs in and finds the request on the dashboard
    log_in(page, "privacy", PASSWORD)  # with the two-factor step (R-SEC-1)
    page.get_by_role("link", name="Privacyverzoeken").click()
    page.get_by_role("link", name="Jan de Vries").click()
    assert "Graag alles verwijderen." in page.locator("main").inner_text()
    assert page.url.endswith(f"/privacy/requests/{dsr.pk}/")
