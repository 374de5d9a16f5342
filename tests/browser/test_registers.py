"""A privacy officer works the breach register and the subprocessor register in a real
browser, in Dutch (R-REG-1, R-REG-2)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.registers.models import Breach, SubprocessorAgreement
from tests.browser.test_login_per_role import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("REGISTERS_SCREENSHOTS")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_officer_records_a_breach_and_sees_the_72_hour_clock(demo, page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "privacy")
    page.get_by_role("link", name="Register van datalekken").first.click()
    page.wait_for_url("**/privacy/registers/breaches/")
    body = page.locator("main").inner_text()
    # The demo breach was discovered 20 hours ago: 52 hours left (51 h 59 min a moment later).
    assert "Laptop van een beller gestolen" in body and re.search(r"nog 5[12] u \d+ min", body)
    _shot(page, "breaches")

    page.get_by_role("link", name="Nieuw datalek").click()
    page.get_by_label("wat er gebeurde, in het kort").fill("Export naar verkeerde opdrachtgever")
    page.locator("#id_description").fill("Een export is naar het verkeerde adres gestuurd.")
    page.get_by_label("melding aan de toezichthouder").select_option("not_reported")
    page.get_by_role("button", name="Opslaan").click()
    assert "Geef de reden waarom het datalek niet" in page.locator("main").inner_text()
    assert Breach.objects.count() == 1
    _shot(page, "breach-error")

    page.get_by_label("waarom niet gemeld").fill("De ontvanger heeft de export direct verwijderd.")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/privacy/registers/breaches/*/")
    assert "Niet gemeld" in page.locator("main").inner_text()
    assert Breach.objects.count() == 2


def test_officer_is_told_a_term_is_longer_than_ours(demo, page) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "privacy")
    page.goto("/privacy/registers/subprocessors/")
    page.get_by_role("link", name="Hostingbedrijf Noord BV").click()
    _shot(page, "subprocessor")
    page.get_by_role("link", name="Nieuwe verwerkersovereenkomst").click()
    page.get_by_label("getekend op").fill("2026-02-01")
    page.get_by_label("kenmerk of versie").fill("VWO-2026-02")
    page.get_by_label("Bewaartermijn: Contactpersonen (prospects)").fill("18")
    page.get_by_label("Bewaartermijn: Toegangslogs en IP-adressen").fill("4")
    page.get_by_label("Bewaartermijn: Back-ups").fill("14")
    page.get_by_role("button", name="Opslaan").click()
    body = page.locator("main").inner_text()
    assert "18 maanden is langer dan de eigen termijn van Leadhunter van 12 maanden" in body
    assert SubprocessorAgreement.objects.count() == 1
    _shot(page, "agreement-error")
