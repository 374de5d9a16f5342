"""The pages work under the strict Content-Security-Policy (R-SEC-2): Chromium reports no
violation on the call screen (htmx driven by the keyboard), the client's database, the
admin, the API docs and the public request form. The page fixture (tests/browser/conftest.py)
fails every browser test on any violation; the first test shows that it would notice one.
"""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.assignments.models import Assignment
from apps.core.demo import DEMO_TOTP_SECRET
from tests.browser.conftest import enter_two_factor_code, is_csp_violation
from tests.browser.test_login_per_role import log_in
from tests.twofactor import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def _active_assignment_of(username: str) -> Assignment:
    user = User.objects.get(username=username)
    return Assignment.objects.visible_to(user).filter(is_active=True).order_by("name").first()


def test_an_inline_script_is_refused_and_reported(page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    page.goto("/privacy/")
    # What an injected <script> would do: the policy refuses to run it, and says so.
    with page.expect_console_message(lambda message: is_csp_violation(message.text)):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = true'; document.head.appendChild(s); }"
        )
    assert page.evaluate("() => window.injected") is None
    assert csp_violations
    csp_violations.clear()  # seen: this test's own violation is the point


def test_call_screen_with_htmx_under_the_policy(demo, page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    assignment = _active_assignment_of("agent1")
    log_in(page, "agent1")
    page.goto(f"/work/assignments/{assignment.pk}/")
    # htmx runs without eval and without its own <style>
    assert page.evaluate("() => htmx.config.allowEval") is False
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    page.keyboard.press("n")
    page.wait_for_url("**/work/prospects/**")
    # C: the client's contact persons by htmx
    page.keyboard.press("c")
    page.locator("#contacts *").first.wait_for()
    # V: verify a flagged person by htmx, when this prospect has one
    if page.locator(".person.flagged .verify-button").count():
        page.once("dialog", lambda dialog: dialog.accept())  # V asks once (issue 13)
        page.keyboard.press("v")
        page.locator(".person.flagged").first.wait_for(state="detached")
    # A result, a note, save and next (Ctrl+Shift+Enter)
    page.keyboard.press("3")
    page.keyboard.press("t")
    page.keyboard.type("Teruggebeld, geen violations.")
    page.keyboard.press("Control+Shift+Enter")
    page.wait_for_load_state("load")
    assert not csp_violations


def test_client_database_under_the_policy(demo, page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    assignment = _active_assignment_of("client-acme")
    log_in(page, "client-acme")
    page.goto(reverse("portal:database", args=[assignment.pk]))
    page.locator("main table").first.wait_for()
    page.goto(reverse("portal:assignment", args=[assignment.pk]))
    page.locator("main").wait_for()
    assert not csp_violations


def test_admin_under_the_policy(demo, page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("demo")
    page.locator("input[type=submit]").click()
    # R-SEC-1: the two-factor step, with the demo's documented key
    enter_two_factor_code(page, totp_code(key=base64.b32decode(DEMO_TOTP_SECRET)))
    page.wait_for_url("**/admin/")
    assignment = Assignment.objects.order_by("name").first()
    for url in (
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:assignments_assignment_changelist"),
        reverse("admin:assignments_assignment_change", args=[assignment.pk]),
    ):
        page.goto(url)
        page.locator("#content").wait_for()
    # The admin's own script works: the changelist's "select all" ticks every row.
    page.goto(reverse("admin:assignments_assignment_changelist"))
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select:checked").count() == Assignment.objects.count()
    assert not csp_violations


def test_api_docs_under_the_policy(demo, page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "admin")
    page.goto(reverse("api-docs"))
    # Swagger UI (self-hosted, started from ?script=) renders the schema's operations.
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert "Leadhunter API" in page.locator(".swagger-ui .info").inner_text()
    assert not csp_violations


def test_public_request_form_under_the_policy(page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    page.goto("/privacy/")
    page.goto("/privacy/request/")
    # Sent empty: the form answers with its errors, still without a violation.
    page.locator("main form button[type=submit], main form button:not([type])").last.click()
    page.wait_for_load_state("load")
    page.locator("main form").wait_for()
    assert not csp_violations
