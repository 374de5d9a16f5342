"""Issue 6, end to end in Debian's Chromium: a member of the public files an erasure
request, follows the link from the email the test backend captured and confirms it; the
privacy officer opens it from the dashboard, finds the person, links them, downloads the
access report and erases them (R-DSR-1…4)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from apps.privacy.models import DataSubjectRequest, RequestStatus, SuppressionEntry
from apps.prospects.models import Person
from apps.retention.models import ErasureLedgerEntry
from tests.browser.conftest import log_in
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.test_person_delete import clean_ledger  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_request_to_erasure(page, tmp_path, clean_ledger) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world = build_world()
    person = world.person
    Person.objects.filter(pk=person.pk).update(first_name="Geertruida", last_name="Eindtest")
    client_user = world.users["client_same_tenant"]
    type(client_user).objects.filter(pk=client_user.pk).update(email="inkoop@acme.example")
    mail.outbox = []

    # The public: the statement, the form, the email, the link, the confirmation
    page.goto("/privacy/")
    page.get_by_role("link", name="Een verzoek indienen").click()
    page.get_by_label("Uw naam").fill("Geertruida Eindtest")
    page.get_by_label("Uw e-mailadres").fill(person.email.upper())
    page.get_by_label("Verwijdering van mijn gegevens").check()
    page.get_by_role("button", name="Verzoek versturen").click()
    page.get_by_role("heading", name="Verzoek ontvangen").wait_for()
    (message,) = mail.outbox
    assert message.to == [person.email]
    link = re.search(r"https?://\S+(/privacy/request/\S+)", message.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Bevestig mijn verzoek").click()
    page.get_by_role("heading", name="Verzoek bevestigd").wait_for()
    dsr = DataSubjectRequest.objects.get()
    assert dsr.status == RequestStatus.OPEN and dsr.due_at and dsr.legal_due_at

    # The privacy officer: dashboard, request, lookup, link
    page.context.clear_cookies()
    log_in(page, "privacy", PASSWORD)  # with the two-factor step (R-SEC-1)
    page.get_by_role("link", name="Privacyverzoeken").click()
    page.get_by_role("link", name="Geertruida Eindtest").click()
    page.locator(".casework").get_by_role("link", name="Persoon opzoeken").click()
    persons = page.locator("#persons")
    assert "Eindtest" in persons.inner_text()
    persons.get_by_role("button", name="Koppelen").click()
    page.wait_for_selector("#linked table")

    # The access report, downloaded
    with page.expect_download() as info:
        page.get_by_role("link", name="Inzageoverzicht downloaden").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    report = target.read_text()
    assert "Inzageoverzicht" in report and person.email in report and world.acme.name in report

    # The erasure
    page.locator("main").get_by_role("link", name="Persoon wissen").click()
    page.get_by_label("Ik heb de gekoppelde gegevens gecontroleerd en wil ze wissen.").check()
    page.get_by_role("button", name="Nu wissen").click()
    page.get_by_role("heading", name="Verzoek gesloten").wait_for()

    assert not Person.objects.filter(pk=person.pk).exists()
    assert ErasureLedgerEntry.objects.filter(person_id=person.pk, reason="erasure").exists()
    assert SuppressionEntry.objects.exists()
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and dsr.email == "" and dsr.erased_at
    # The requester was told, and so was the client that held the person
    recipients = {address for m in mail.outbox for address in m.to}
    assert person.email in recipients
    assert "inkoop@acme.example" in recipients
