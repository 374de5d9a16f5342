"""Playwright driving Debian's Chromium (/usr/bin/chromium) against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags this machine needs: no sandbox as root, and no background traffic to the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
    # Playwright's sync API runs an event loop in this thread; the Django test database is
    # still used synchronously from it, which Django must be told is intended.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def is_csp_violation(text: str) -> bool:
    # Chromium reports a refused script, style, frame or eval on the console, naming the policy.
    return "Content Security Policy" in text


@pytest.fixture
def csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The CSP violations the browser reported so far on this test's page (R-SEC-2)."""
    return page.csp_violations


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test runs under the CSP and fails on any violation (R-SEC-2): a page
    # that needs inline script or style would otherwise only look broken.
    violations: list[str] = []
    page.csp_violations = violations
    page.on("console", lambda message: is_csp_violation(message.text) and violations.append(message.text))
    yield page
    context.close()
    assert not violations, f"Content Security Policy violations: {violations}"


def log_in(page, username: str, password: str = "demo") -> None:  # type: ignore[no-untyped-def]  # noqa: S107
    """Log in through the login page, and for a user who must use two-factor authentication
    (R-SEC-1) through the verify step too, with the code their authenticator shows now (an
    authenticator is made for them first if they have none: "given they enrolled")."""
    from apps.accounts.models import User
    from apps.accounts.twofactor import two_factor_required
    from tests.twofactor import totp_code, totp_device

    user = User.objects.get(username=username)
    device = totp_device(user) if two_factor_required(user) else None
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    if device is not None:
        enter_two_factor_code(page, totp_code(device))


def enter_two_factor_code(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verifiëren").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)
