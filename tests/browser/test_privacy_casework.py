"""The privacy officer answers an erasure request in Debian's Chromium (issue 6, R-DSR-3,
R-DSR-4): finds the person, links them, downloads the access report, erases them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.prospects.models import Person
from apps.retention.models import ErasureLedgerEntry
from tests import factories
from tests.browser.conftest import log_in
from tests.conftest import build_world
from tests.factories import PASSWORD
from tests.test_person_delete import clean_ledger  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_finds_links_reports_and_erases(page, tmp_path, clean_ledger) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world = build_world()
    person = world.person
    Person.objects.filter(pk=person.pk).update(first_name="Hendrika", last_name="Browserling")
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.ERASURE, name="Hendrika Browserling", email="hendrika@elders.example"
    )

    log_in(page, "privacy", PASSWORD)  # with the two-factor step (R-SEC-1)

    page.goto(reverse("privacy_case:lookup", args=[dsr.pk]))
    persons = page.locator("#persons")
    assert "Browserling" in persons.inner_text() and "Acme active" in persons.inner_text()
    # Another spelling is a POST (review #13): it never shows up in the address bar.
    search = page.locator("#search")
    search.get_by_label("naam", exact=True).fill("Henny Browserlinck")
    search.get_by_role("button", name="Zoeken").click()
    page.get_by_role("button", name="Terug naar de gegevens uit het verzoek").wait_for()
    assert "Henny" not in page.url and "Browserling" not in persons.inner_text()
    page.get_by_role("button", name="Terug naar de gegevens uit het verzoek").click()
    page.wait_for_selector("#persons >> text=Browserling")
    persons.get_by_role("button", name="Koppelen").click()
    page.wait_for_selector("#linked table")
    assert "Browserling" in page.locator("#linked").inner_text()

    with page.expect_download() as info:
        page.get_by_role("link", name="Inzageoverzicht downloaden").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    report = target.read_text()
    assert target.suffix == ".html" and "Inzageoverzicht" in report
    assert person.email in report and "Acme BV" in report and "Browserling" in report

    page.locator("main").get_by_role("link", name="Persoon wissen").click()
    assert "Let op: dit kan niet ongedaan worden gemaakt." in page.locator("main").inner_text()
    page.get_by_label("Ik heb de gekoppelde gegevens gecontroleerd en wil ze wissen.").check()
    page.get_by_role("button", name="Nu wissen").click()
    page.wait_for_url(f"**{reverse('privacy_case:done', args=[dsr.pk])}")
    assert "Verzoek gesloten" in page.locator("main").inner_text()

    assert not Person.objects.filter(pk=person.pk).exists()
    assert ErasureLedgerEntry.objects.filter(person_id=person.pk, reason="erasure").exists()
    dsr = DataSubjectRequest.objects.get(pk=dsr.pk)
    assert dsr.status == RequestStatus.ANSWERED and dsr.name == "" and dsr.erased_at
