"""Issue 14 item 11: the public form on a phone, emailed links that work where the user is,
the API docs for a logged-out visitor, and the confirmation-email cap per mailbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.core.net import site_url
from apps.privacy import services
from apps.privacy.models import DataSubjectRequest

pytestmark = pytest.mark.django_db

FORM = {"name": "Jan de Vries", "kind": "access", "message": "", "phone": "", "company": ""}
LINK = re.compile(r"https?://[^/\s]+/privacy/request/\S+")


def _post(client, email: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("privacy:request"), {**FORM, "email": email}, **headers)


def test_the_form_asks_for_email_and_phone_with_the_right_keyboards(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get(reverse("privacy:request")).content.decode()
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', body)
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"', body)


@pytest.mark.parametrize(
    "spellings",
    [
        ["jan.jansen@gmail.com", "janjansen@gmail.com", "J.A.N.Jansen@googlemail.com", "jan.jansen+privacy@gmail.com"],
        ["jan@example.org", "JAN@example.org", "jan+1@example.org", "jan+2@Example.ORG"],
    ],
)
def test_the_confirmation_cap_counts_one_mailbox_however_it_is_spelled(client, settings, spellings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_CONFIRM_EMAILS_PER_DAY = 2
    settings.PRIVACY_REQUESTS_PER_EMAIL_PER_HOUR = 100
    answers = [_post(client, email) for email in spellings]
    assert {a.status_code for a in answers} == {200}  # the same answer for everyone
    assert len(mail.outbox) == 2
    assert DataSubjectRequest.objects.count() == 2
    # A different mailbox at the same provider is not held back.
    _post(client, "piet.jansen@gmail.com" if "gmail" in spellings[0] else "piet@example.org")
    assert len(mail.outbox) == 3


def test_dots_count_only_where_the_provider_ignores_them() -> None:
    assert services.mailbox_of("J.Jansen+x@GoogleMail.com") == "jjansen@gmail.com"
    assert services.mailbox_of("j.jansen@example.org") == "j.jansen@example.org"
    assert services.mailbox_hash("j.jansen@example.org") != services.mailbox_hash("jjansen@example.org")


def test_an_erasure_blanks_the_mailbox_hash_with_the_address(client) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from apps.privacy.erasure import requests_blank

    _post(client, "jan@example.org")
    dsr = DataSubjectRequest.objects.get()
    assert dsr.mailbox_hash
    now = timezone.now()
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(status="open", confirmed_at=now, due_at=now, legal_due_at=now)
    requests_blank(request_ids=[dsr.pk], now=timezone.now())
    dsr.refresh_from_db()
    assert dsr.email == "" and dsr.mailbox_hash == ""


def test_the_emailed_link_points_at_the_address_the_requester_opened(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://leadhunter.example"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "leadhunter.example"]
    settings.DEBUG = False
    _post(client, "jan@example.org", HTTP_HOST="127.0.0.1:8123")
    link = LINK.search(mail.outbox[0].body).group(0)
    assert link.startswith("http://127.0.0.1:8123/privacy/request/")
    # The link works there: it is the request's own confirmation page.
    assert client.get(link.split("8123", 1)[1], HTTP_HOST="127.0.0.1:8123").status_code == 200


def test_a_host_allowed_only_by_a_wildcard_gets_the_configured_site(rf, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://leadhunter.example/"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [".example.net", "leadhunter.example"]
    assert site_url(rf.get("/", HTTP_HOST="evil.example.net")) == "https://leadhunter.example"
    assert site_url(rf.get("/", HTTP_HOST="leadhunter.example")) == "http://leadhunter.example"
    assert site_url(None) == "https://leadhunter.example"


def test_the_api_docs_send_a_logged_out_visitor_to_the_login_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login")) and "next=/api/docs/" in response["Location"]
    # The schema itself still answers the API's 401.
    assert client.get(reverse("api-schema")).status_code == 401
