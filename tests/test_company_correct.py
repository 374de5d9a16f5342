"""A client's edit of a shared company is a correction, taken as an import takes it
(R-IMP-3), and never lets one client observe another's work (R-NTK-1).

The company is one record shared by every client; these tests give it two tenants: Acme
(the matrix's target assignment) and Globex, whose agent works on the same company.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.imports.models import Difference
from apps.prospects.models import Company
from apps.prospects.services import company_update
from tests import factories
from tests.conftest import World

LONG_AGO = dt.timedelta(days=400)


def _age(company: Company, by: dt.timedelta) -> None:
    Company.objects.filter(pk=company.pk).update(verified_at=timezone.now() - by)
    company.refresh_from_db()


def _api(world: World, role: str = "client_same_tenant") -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


def _record_form(world: World, **company: str) -> dict[str, str]:
    """The portal's record form as the page fills it, with `company` values changed."""
    c = world.company
    form = {
        f"company-{f}": str(getattr(c, f) or "")
        for f in ("name", "kvk_number", "street", "house_number", "postcode", "city", "phone", "website", "industry")
    }
    form["company-status"] = c.status
    form |= {f"company-{k}": v for k, v in company.items()}
    p = world.person
    form |= {f"person-{p.pk}-{f}": getattr(p, f) for f in ("first_name", "last_name", "job_title", "email", "phone")}
    return form


def _shared_with_globex(world: World) -> Any:
    """Globex's assignment holds the same company as Acme's record."""
    return factories.ProspectFactory(assignment=world.other_assignment, company=world.company)


def test_client_fills_blanks_and_replaces_values_verified_long_ago(world: World) -> None:
    from apps.prospects.services import company_correct

    company = world.company
    _age(company, LONG_AGO)
    result = company_correct(
        prospect=world.prospect, actor=world.users["client_same_tenant"], city="Zwolle", industry="Bouw"
    )
    company.refresh_from_db()
    assert (company.city, company.industry) == ("Zwolle", "Bouw")
    assert timezone.now() - company.verified_at < dt.timedelta(minutes=1)
    assert result.to_verify == [] and not Difference.objects.exists()


def test_client_edit_keeps_a_recently_verified_value_and_sends_theirs_to_verify(world: World) -> None:
    """Globex's agent verified the company last week; Acme's edit must not overwrite it."""
    company = world.company
    _shared_with_globex(world)
    company_update(company=company, actor=world.users["agent_other_assignment"], city="Amersfoort")
    _age(company, dt.timedelta(days=7))
    verified = company.verified_at
    response = world.client_for("client_same_tenant").post(
        reverse("portal:prospect-edit", args=[world.prospect.pk]),
        _record_form(world, city="Zwolle", industry="Bouw"),
        follow=True,
    )
    assert response.status_code == 200
    company.refresh_from_db()
    # The blank is filled; the verified city stays; the verification date is not the client's.
    assert (company.city, company.industry, company.verified_at) == ("Amersfoort", "Bouw", verified)
    assert list(Difference.objects.values_list("assignment_id", "company_id", "field", "value")) == [
        (world.assignment.pk, company.pk, "city", "Zwolle")
    ]
    assert "verifi" in " ".join(str(m) for m in response.context["messages"]).lower()  # verify / verifiëren
    # Acme's agents see the difference on the call screen; Globex's never see Acme's.
    panel = world.client_for("agent_with_lease").get(reverse("calling:differences", args=[world.prospect.pk]))
    assert "Zwolle" in panel.content.decode()


def test_agent_correction_is_verification_and_resolves_the_difference(world: World) -> None:
    from apps.prospects.services import company_correct

    company = world.company
    company_correct(prospect=world.prospect, actor=world.users["client_same_tenant"], city="Zwolle")
    assert Difference.objects.count() == 1
    http = world.client_for("agent_with_lease")
    data = {"name": company.name, "status": "active", "city": "Zwolle", "kvk_number": company.kvk_number}
    assert http.post(reverse("calling:company", args=[world.prospect.pk]), data).status_code == 302
    company.refresh_from_db()
    assert company.city == "Zwolle" and not Difference.objects.exists()


def test_client_never_sees_the_shared_verification_date(world: World) -> None:
    body = _api(world).get(f"/api/v1/prospects/{world.prospect.pk}/").json()
    assert "verified_at" not in body["company"]
    listing = _api(world).get(f"/api/v1/assignments/{world.assignment.pk}/prospects/").json()
    assert all("verified_at" not in row["company"] for row in listing["results"])


def _kvk_answers(world: World, kvk: str) -> tuple[Any, ...]:
    """Every answer a client gets for changing its record's KvK number: the API's status and
    body, the portal's status, redirect and messages, and the record as the portal shows it."""
    api = _api(world).patch(f"/api/v1/prospects/{world.prospect.pk}/", {"company": {"kvk_number": kvk}}, format="json")
    http = world.client_for("client_same_tenant")
    page = http.post(
        reverse("portal:prospect-edit", args=[world.prospect.pk]), _record_form(world, kvk_number=kvk), follow=True
    )
    messages = [str(m) for m in page.context["messages"]]
    record = http.get(reverse("portal:prospect-edit", args=[world.prospect.pk])).content.decode()

    # Allowed to differ: the client's own value wherever it is echoed, the moment the
    # client's own edit verified its persons, and the per-request CSRF token.
    def same(text: str) -> str:
        text = re.sub(r'"verified_at":"[^"]*"', '"verified_at":"<now>"', text.replace(kvk, "<kvk>"))
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
        text = re.sub(r"/differences/[0-9a-f]+/", "/differences/<id>/", text)  # the record's own difference to verify
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", text)

    return api.status_code, same(api.content.decode()), page.status_code, page.redirect_chain, messages, same(record)


@pytest.mark.parametrize("age", [dt.timedelta(days=7), LONG_AGO], ids=["recently-verified", "verified-long-ago"])
def test_kvk_held_by_another_tenants_company_answers_as_a_free_kvk(world: World, age: dt.timedelta) -> None:
    held = world.other_prospect.company.kvk_number  # Globex's company
    free = "87654321"
    assert not Company.objects.filter(kvk_number=free).exists()
    _age(world.company, age)
    answers_held = _kvk_answers(world, held)
    Difference.objects.all().delete()
    _age(world.company, age)
    answers_free = _kvk_answers(world, free)
    assert answers_held == answers_free
    assert answers_held[0] == 200 and "Another company" not in answers_held[1]
    # Neither changed the shared record's identity: both wait for an agent to verify.
    world.company.refresh_from_db()
    assert world.company.kvk_number not in (held, free)
    assert set(Difference.objects.values_list("field", flat=True)) == {"kvk_number"}


@pytest.mark.parametrize("age", [dt.timedelta(days=7), LONG_AGO], ids=["recently-verified", "verified-long-ago"])
def test_a_client_edit_and_an_upload_of_the_same_values_end_alike(world: World, age: dt.timedelta) -> None:
    """R-IMP-3 once: the portal/API correction and the set-based import take the same values
    to the same company state and the same differences "to verify"."""
    from apps.prospects.services import company_correct
    from tests.imports.helpers import csv_bytes, run_import

    def twin(kvk: str) -> Company:
        company = factories.CompanyFactory(
            kvk_number=kvk, name="Bakkerij de Ster BV", name_normalised="bakkerij de ster", city="Utrecht",
            postcode="1234 AB", website="",
        )  # fmt: skip
        _age(company, age)
        return company

    uploaded, edited = twin("11112222"), twin("33334444")
    given = {"name": "Bakkerij De Ster B.V.", "postcode": "3511AB", "city": "Amersfoort", "website": "www.ster.nl"}
    client = world.users["client_same_tenant"]
    row = [given["name"], uploaded.kvk_number, given["postcode"], given["city"], given["website"], "", "", "", ""]
    run_import(world.assignment, client, csv_bytes([row]))
    prospect = factories.ProspectFactory(assignment=world.inactive_assignment, company=edited)
    company_correct(prospect=prospect, actor=client, **given)

    def outcome(company: Company) -> tuple:
        company.refresh_from_db()
        diffs = set(Difference.objects.filter(company=company).values_list("field", "value"))
        return (
            company.name,
            company.postcode,
            company.city,
            company.website,
            company.verified_at > timezone.now() - age,
            diffs,
        )

    assert outcome(uploaded) == outcome(edited)


def test_a_broken_website_is_a_clear_error_and_changes_nothing(world: World) -> None:
    before = Company.objects.values().get(pk=world.company.pk)
    response = _api(world).patch(
        f"/api/v1/prospects/{world.prospect.pk}/", {"company": {"website": "http://[", "city": "Zwolle"}}, format="json"
    )
    assert response.status_code == 400
    assert Company.objects.values().get(pk=world.company.pk) == before and not Difference.objects.exists()
