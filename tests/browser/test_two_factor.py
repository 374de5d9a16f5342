"""Two-factor authentication in a real browser (R-SEC-1): a new supervisor enrols by
"scanning" (the code is computed from the secret the page shows, as the app would), keeps
the recovery codes, and later logs in with one of them, which then works no more."""

from __future__ import annotations

import base64

import pytest

from apps.accounts.models import Role
from tests.factories import PASSWORD, UserFactory
from tests.twofactor import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password_step(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_supervisor_enrols_then_logs_in_with_a_recovery_code_once(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="nieuwe-begeleider", role=Role.SUPERVISOR)

    # After the password, the supervisor is sent to the enrolment, whatever they asked for
    _password_step(page, "nieuwe-begeleider")
    page.goto("/admin/")
    page.wait_for_url("**/account/two-factor/setup/**")
    qr = page.get_by_role("img", name="QR-code voor uw authenticator-app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the browser drew it, under the CSP
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.screenshot(path=tmp_path / "two-factor-setup.png", full_page=True)

    # They "scan" it: the app's code confirms the enrolment; the recovery codes are shown once
    page.get_by_label("Code").fill(totp_code(key=base64.b32decode(secret)))
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_role("heading", name="Uw herstelcodes").wait_for()
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden").click()
    assert codes[0] in download.value.path().read_text()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.wait_for_url("**/admin/")

    # Later, without the phone: a recovery code opens the session
    page.get_by_role("button", name="Uitloggen").click()
    _password_step(page, "nieuwe-begeleider")
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verifiëren").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    assert "nog 9" in page.locator(".messages").inner_text()
    assert "Opdrachten die u begeleidt" in page.locator("main").inner_text()

    # The same code does not work twice
    page.get_by_role("button", name="Uitloggen").click()
    _password_step(page, "nieuwe-begeleider")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verifiëren").click()
    page.locator(".errorlist", has_text="niet geldig").wait_for()
    assert "/account/two-factor/verify/" in page.url
