"""The privacy officer answers a restriction and a portability request in Debian's Chromium
(issue 14 #1, R-DSR-5): finds the person, links them, restricts (the client then sees
"beperkt"), and downloads the portable data as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.prospects.models import Person
from tests import factories
from tests.browser.conftest import log_in
from tests.conftest import build_world
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    log_in(page, username, PASSWORD)  # with the two-factor step for the privacy officer (R-SEC-1)


def _link_the_person(page, dsr: DataSubjectRequest) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("privacy_case:lookup", args=[dsr.pk]))
    page.wait_for_selector("#persons >> text=Browserbeperkt")
    page.locator("#persons").get_by_role("button", name="Koppelen").click()
    page.wait_for_selector("#linked table")


def test_officer_restricts_and_the_client_sees_restricted(page, csp_violations) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    person = world.person
    Person.objects.filter(pk=person.pk).update(first_name="Rieke", last_name="Browserbeperkt")
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.RESTRICTION, name="Rieke Browserbeperkt", email=person.email
    )
    _login(page, "privacy")
    _link_the_person(page, dsr)
    page.locator("main").get_by_role("link", name="Verwerking beperken").first.click()
    page.wait_for_url(f"**{reverse('privacy_case:restrict', args=[dsr.pk])}")
    assert "Browserbeperkt" in page.locator("main").inner_text()
    page.get_by_label("De verwerking van deze gegevens beperken").check()
    page.locator("#restrict-form").get_by_role("button", name="Verwerking beperken").click()
    page.wait_for_url(f"**{reverse('privacy:request-detail', args=[dsr.pk])}")
    assert "Beperkt: 1 gegevens van contactpersonen" in page.locator("body").inner_text()
    person.refresh_from_db()
    assert person.restricted_at is not None
    assert DataSubjectRequest.objects.get(pk=dsr.pk).status == RequestStatus.ANSWERED

    # The client sees the record marked "beperkt" in its portal.
    _login(page, world.users["client_same_tenant"].username)
    page.goto(reverse("portal:prospect-edit", args=[world.prospect.pk]))
    assert "beperkt" in page.locator("main").inner_text()
    assert not csp_violations


def test_officer_downloads_the_portable_data(page, tmp_path, csp_violations) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    person = world.person
    Person.objects.filter(pk=person.pk).update(first_name="Piet", last_name="Browserbeperkt")
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.PORTABILITY, name="Piet Browserbeperkt", email=person.email
    )
    _login(page, "privacy")
    _link_the_person(page, dsr)
    main = page.locator("main")
    with page.expect_download() as info:
        main.get_by_role("link", name="Overdraagbare gegevens (JSON)").first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = json.loads(target.read_text())
    assert target.suffix == ".json"
    assert [(r["first_name"], r["last_name"], r["email"]) for r in data["records"]] == [
        ("Piet", "Browserbeperkt", person.email)
    ]
    with page.expect_download() as info:
        main.get_by_role("link", name="Overdraagbare gegevens (CSV)").first.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert target.suffix == ".csv" and rows[0]["last_name"] == "Browserbeperkt"
    # The officer then closes the request as answered on its page.
    page.goto(reverse("privacy:request-detail", args=[dsr.pk]))
    assert "Overdraagbare gegevens (JSON)" in page.locator("main").inner_text()
    assert not csp_violations
