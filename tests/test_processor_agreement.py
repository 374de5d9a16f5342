"""Issue 14 item 7: the processor agreement a client accepted is kept exactly — the rendered
text with its SHA-256, the template version, who, when and from where — shown back to the
client, and a new version must be accepted before new uploads."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.assignments.models import ProcessorAgreementAcceptance
from apps.assignments.services import processor_agreement_accept
from apps.core.errors import ServiceError
from apps.imports.services import import_job_create
from apps.retention.runner import run_rule
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_TEXT = "{% load i18n %}<h2>1. Rollen</h2><p>Nieuwe versie voor {{ assignment.client.name }}.</p>"


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    assignment = AssignmentFactory(accepted=False, active=False)
    user = UserFactory(role=Role.CLIENT, client=assignment.client)
    http = HttpClient()
    http.force_login(user)
    return assignment, user, http


@pytest.fixture
def new_version(settings):  # type: ignore[no-untyped-def]
    """Version 2027-01 of the text, served from memory ahead of the files."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"assignments/agreements/2027-01.html": NEW_TEXT}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates
    return lambda: setattr(settings, "PROCESSOR_AGREEMENT_VERSION", "2027-01")


def test_accepting_keeps_the_exact_text_with_its_hash_who_when_and_where(setup) -> None:  # type: ignore[no-untyped-def]
    assignment, user, http = setup
    page = http.get(reverse("portal:agreement", args=[assignment.pk])).content.decode()
    response = http.post(
        reverse("portal:agreement", args=[assignment.pk]),
        {"sha256": _shown_hash(page)},
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Firefox/140",
    )
    assert response.status_code == 302
    (acceptance,) = ProcessorAgreementAcceptance.objects.filter(agreement__assignment=assignment)
    assert acceptance.accepted_by == user and acceptance.accepted_ip == "192.0.2.7"
    assert acceptance.user_agent == "Firefox/140" and acceptance.language == "nl"
    assert acceptance.text_sha256 == hashlib.sha256(acceptance.text.encode()).hexdigest()
    assert assignment.client.name in acceptance.text and "1. Rollen" in acceptance.text
    # Shown back: the stored text, the hash, and the acceptance in the list.
    shown = http.get(reverse("portal:agreement", args=[assignment.pk])).content.decode()
    assert acceptance.text_sha256 in shown and "Geaccepteerd door" in shown
    detail = http.get(reverse("portal:agreement-acceptance", args=[assignment.pk, acceptance.pk])).content.decode()
    assert acceptance.text in detail and acceptance.text_sha256 in detail


def _shown_hash(page: str) -> str:
    return page.split('name="sha256" value="', 1)[1].split('"', 1)[0]


def test_a_text_changed_while_reading_is_not_accepted(setup) -> None:  # type: ignore[no-untyped-def]
    assignment, user, _http = setup
    with pytest.raises(ServiceError, match="gewijzigd terwijl u die las"):
        processor_agreement_accept(assignment=assignment, actor=user, ip_address=None, shown_sha256="0" * 64)
    assert not ProcessorAgreementAcceptance.objects.exists()


def test_a_new_version_is_accepted_before_new_uploads(setup, new_version) -> None:  # type: ignore[no-untyped-def]
    assignment, user, http = setup
    processor_agreement_accept(assignment=assignment, actor=user, ip_address=None)
    first = ProcessorAgreementAcceptance.objects.get()
    new_version()
    with pytest.raises(ServiceError, match="nieuwe versie"):
        import_job_create(assignment=assignment, actor=user, upload=_csv(), filename="db.csv")
    page = http.get(reverse("portal:agreement", args=[assignment.pk])).content.decode()
    assert "Nieuwe versie voor" in page and "2027-01" in page and 'name="sha256"' in page
    http.post(reverse("portal:agreement", args=[assignment.pk]), {"sha256": _shown_hash(page)})
    second = ProcessorAgreementAcceptance.objects.exclude(pk=first.pk).get()
    assert second.text_version == "2027-01" and "Nieuwe versie voor" in second.text
    # The first acceptance keeps the text of its own version.
    first.refresh_from_db()
    assert "Nieuwe versie" not in first.text and first.text_version != "2027-01"
    import_job_create(assignment=assignment, actor=user, upload=_csv(), filename="db.csv")


def _csv():  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(b"Bedrijfsnaam;Plaats\nBakkerij Jansen;Utrecht\n")


def test_an_acceptance_cannot_be_changed_only_its_ip_removed(setup) -> None:  # type: ignore[no-untyped-def]
    assignment, user, _http = setup
    processor_agreement_accept(assignment=assignment, actor=user, ip_address="192.0.2.7")
    acceptance = ProcessorAgreementAcceptance.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessorAgreementAcceptance.objects.filter(pk=acceptance.pk).update(text="<p>iets anders</p>")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessorAgreementAcceptance.objects.filter(pk=acceptance.pk).update(accepted_ip="198.51.100.1")
    # The IP address goes after four weeks, by the clock rule that removes every IP address.
    run_rule("ip_removal", now=timezone.now() + dt.timedelta(days=29))
    acceptance.refresh_from_db()
    assert acceptance.accepted_ip is None and acceptance.text


def test_another_clients_user_cannot_read_an_acceptance(setup) -> None:  # type: ignore[no-untyped-def]
    assignment, user, _http = setup
    processor_agreement_accept(assignment=assignment, actor=user, ip_address=None)
    acceptance = ProcessorAgreementAcceptance.objects.get()
    other = AssignmentFactory()
    outsider = HttpClient()
    outsider.force_login(UserFactory(role=Role.CLIENT, client=other.client))
    url = reverse("portal:agreement-acceptance", args=[assignment.pk, acceptance.pk])
    assert outsider.get(url).status_code == 404
    # Nor through their own assignment's address.
    assert outsider.get(reverse("portal:agreement-acceptance", args=[other.pk, acceptance.pk])).status_code == 404


HOSTILE_NAME = '<script>alert("x")</script> & <img src=x onerror=alert(1)> BV'


def test_a_hostile_client_name_shows_as_typed_on_both_agreement_pages(setup) -> None:  # type: ignore[no-untyped-def]
    """Neither the text to accept nor the stored copy of an acceptance is trusted as HTML
    (no |safe): only the agreement's own tags come through."""
    assignment, user, http = setup
    assignment.client.name = HOSTILE_NAME
    assignment.client.save(update_fields=["name"])
    page = http.get(reverse("portal:agreement", args=[assignment.pk])).content.decode()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<h2>" in page and "<p>" in page  # the agreement's own markup stays markup
    processor_agreement_accept(assignment=assignment, actor=user, ip_address=None)
    acceptance = ProcessorAgreementAcceptance.objects.get(agreement__assignment=assignment)
    shown = http.get(reverse("portal:agreement-acceptance", args=[assignment.pk, acceptance.pk])).content.decode()
    assert "<script>" not in shown and "<img" not in shown and "&lt;script&gt;" in shown


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("<h2>1. Rollen</h2><p>Tekst</p>", "<h2>1. Rollen</h2><p>Tekst</p>"),
        ("<p>A &amp; B BV</p>", "<p>A &amp; B BV</p>"),
        ("<p>&lt;b&gt;naam&lt;/b&gt;</p>", "<p>&lt;b&gt;naam&lt;/b&gt;</p>"),
        ('<p onclick="x()">t</p>', "&lt;p onclick=&quot;x()&quot;&gt;t</p>"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<a href="javascript:x">k</a>', "&lt;a href=&quot;javascript:x&quot;&gt;k&lt;/a&gt;"),
    ],
)
def test_only_the_agreements_own_tags_come_through(stored: str, shown: str) -> None:
    from apps.assignments.services import processor_agreement_html

    assert str(processor_agreement_html(stored)) == shown
