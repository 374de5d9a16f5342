"""Issue 14 item 9: the public privacy statement — dated and versioned, every right of GDPR
articles 15-22 and the complaint route, the contact from settings, the sole-trader rule,
and a cookie section that lists every cookie the site actually sets."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from apps.accounts.models import Role
from apps.privacy.statement import STATEMENT_VERSION, cookies
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _statement(language: str = "en") -> str:
    http = HttpClient()
    http.cookies["django_language"] = language
    return http.get(reverse("privacy:statement"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_statement_is_versioned_and_names_every_right(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_CONTACT_EMAIL = "privacy@example.nl"
    body = _statement("en")
    assert f"Version {STATEMENT_VERSION}, in force since" in body
    for article in range(15, 23):
        assert f"(article {article})" in body, article
    assert "Autoriteit Persoonsgegevens" in body and "privacy@example.nl" in body
    assert "eenmanszaak" in body and "VOF" in body
    assert "kept 12 months after we closed it" in body


def test_the_dutch_statement_is_complete_too() -> None:
    body = _statement("nl")
    assert "Versie " in body and "artikel 18" in body and "Cookies" in body


def test_every_cookie_the_site_sets_is_declared(settings) -> None:  # type: ignore[no-untyped-def]
    """Walk what a visitor and a user do (the statement, the request form, logging in, a
    page, switching language, logging out) and collect every Set-Cookie."""
    user = UserFactory(username="karin", role=Role.CLIENT)
    declared = {cookie.name for cookie in cookies()}
    body = _statement("en")
    for name in declared:
        assert f"<code>{name}</code>" in body
    http = HttpClient()
    seen: set[str] = set()
    for response in [
        http.get(reverse("privacy:statement")),
        http.get(reverse("privacy:request")),
        http.get(reverse("accounts:login")),
        http.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}),
        http.get(reverse("accounts:home")),
        http.post(reverse("set_language"), {"language": "en", "next": "/"}),
        http.post(reverse("accounts:logout")),
    ]:
        seen |= set(response.cookies.keys())
    assert settings.SESSION_COOKIE_NAME in seen and "lh_known_device" in seen  # the walk logged in
    assert seen <= declared, f"not in the statement: {seen - declared}"
