"""A newcomer logs in as every demo user in a real browser and sees what SPEC §1 allows, in Dutch."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in as conftest_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# username -> (text that must be on the start page, text that must not be)
EXPECTED = {
    "client-acme": ("Opdrachten van Acme BV", "Globex"),
    "client-globex": ("Opdrachten van Globex BV", "Acme"),
    "agent1": ("Uw opdrachten", "Globex"),
    "supervisor": ("Opdrachten die u begeleidt", "Globex"),
    "admin": ("Alle opdrachten", None),
    "privacy": ("Privacyloket", None),
    "board": ("personeelsdossiers", "Voorjaarscampagne"),
}


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))


# The login page, and the two-factor step for staff (R-SEC-1); other modules import it from here.
log_in = conftest_log_in


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_demo_user_sees_their_start_page(demo, page, username: str) -> None:  # type: ignore[no-untyped-def]
    must, must_not = EXPECTED[username]
    log_in(page, username)
    body = page.locator("main").inner_text()
    assert must in body
    if must_not:
        assert must_not not in body
    assert page.locator("html").get_attribute("lang") == "nl"


def test_client_opens_an_assignment_and_switches_to_english(demo, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "client-acme")
    page.get_by_role("link", name="Voorjaarscampagne 2026").click()
    assert "Prospects per status" in page.locator("main").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert "Prospects by status" in page.locator("main").inner_text()
    page.screenshot(path=tmp_path / "client-assignment.png", full_page=True)


def test_supervisor_admin_lists_only_own_assignments(demo, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "supervisor")
    page.goto("/admin/assignments/assignment/")
    text = page.locator("#result_list").inner_text()
    assert "Voorjaarscampagne 2026" in text and "Beurs follow-up 2025" in text
    assert "Najaarsacties 2026" not in text
    page.screenshot(path=tmp_path / "supervisor-admin.png", full_page=True)
