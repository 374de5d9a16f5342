"""The client's database page and record (issue 12 #10, #11): search in the client's own
data (never note text, R-NOTE-1), filter by import, back to the same page after saving, the
prospect count; differences "to verify" (R-IMP-3) with accept / reject on the record page
and on the agent's call screen."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from apps.imports.differences import difference_token
from apps.imports.models import Difference, ImportJob
from apps.prospects.models import Company, Prospect, ProspectPerson
from tests import factories
from tests.imports.helpers import csv_bytes, run_import

pytestmark = pytest.mark.django_db


def _resolve(name: str, world, difference: Difference) -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[world.prospect.pk, difference_token(difference.pk)])


def _names(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {p.company.name for p in response.context["page"].object_list}


def _old(company: Company) -> None:
    Company.objects.filter(pk=company.pk).update(verified_at=timezone.now() - dt.timedelta(days=400))


def test_search_finds_company_city_postcode_and_person_name_never_note_text(world) -> None:
    http = world.client_for("client_same_tenant")
    url = reverse("portal:database", args=[world.assignment.pk])
    Company.objects.filter(pk=world.company.pk).update(name="Kaasmakerij Noord", city="Leeuwarden", postcode="8911 AB")
    person = world.prospect.persons.get()
    factories.CallNoteFactory(prospect=world.unleased_prospect, text="Vroeg naar Kaasmakerij Zuidpool")
    for term in (
        "kaasmakerij",
        "LEEUWARDEN",
        "8911ab",
        "8911 AB",
        person.last_name,
        f"{person.first_name} {person.last_name}",
    ):
        assert _names(http.get(url, {"q": term})) == {"Kaasmakerij Noord"}, term
    assert _names(http.get(url, {"q": "Zuidpool"})) == set()  # a note's text is never searched
    assert _names(http.get(url, {"q": world.other_prospect.company.name})) == set()  # nor another tenant


def test_filter_by_import(world, settings) -> None:
    client = world.users["client_same_tenant"]
    first = run_import(world.assignment, client, csv_bytes([["Eerste BV", "", "1111 AA", "Ede"] + [""] * 5]))
    run_import(world.assignment, client, csv_bytes([["Tweede BV", "", "2222 BB", "Epe"] + [""] * 5]))
    http = world.client_for("client_same_tenant")
    page = http.get(reverse("portal:database", args=[world.assignment.pk]), {"upload": str(first.pk)})
    assert _names(page) == {"Eerste BV"}
    other = ImportJob.objects.create(
        assignment=world.other_assignment, file_format="csv", created_at=timezone.now()
    )  # another tenant's import is no choice here: the filter is ignored, not a leak
    page = http.get(reverse("portal:database", args=[world.assignment.pk]), {"upload": str(other.pk)})
    assert "Eerste BV" in _names(page) and "Tweede BV" in _names(page)


def test_saving_a_record_returns_to_the_same_page_of_the_list(world) -> None:
    http = world.client_for("client_same_tenant")
    back = "q=Bedrijf&ordering=-city&page=1"
    database = http.get(reverse("portal:database", args=[world.assignment.pk]) + "?" + back)
    edit = reverse("portal:prospect-edit", args=[world.prospect.pk])
    assert f"{edit}?back=q%3DBedrijf%26ordering%3D-city%26page%3D1".encode() in database.content
    form = http.get(edit, {"back": back}).context
    data = {f"company-{k}": v or "" for k, v in form["company_form"].initial.items()}
    data |= {f"person-{p.pk}-{k}": v or "" for p, f in form["person_forms"] for k, v in f.initial.items()}
    saved = http.post(f"{edit}?back=q%3DBedrijf%26ordering%3D-city%26page%3D1", data)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("portal:database", args=[world.assignment.pk]) + "?" + back
    # Only the list's own parameters travel: nothing else reaches the redirect.
    saved = http.post(f"{edit}?back=next%3Dhttps%3A%2F%2Fevil.example%26page%3D2", data)
    assert saved["Location"] == reverse("portal:database", args=[world.assignment.pk]) + "?page=2"


def test_the_portal_counts_prospects_not_person_links(world) -> None:
    prospect = factories.ProspectFactory(assignment=world.assignment, with_person=True)
    for _i in range(2):
        person = factories.PersonFactory(company=prospect.company, client=world.acme)
        ProspectPerson.objects.create(prospect=prospect, person=person)
    page = world.client_for("client_same_tenant").get(reverse("portal:assignment", args=[world.assignment.pk]))
    assert page.context["counts"] == {"prospects": 3, "persons": 5}


def test_client_accepts_its_person_value_and_rejects_a_company_value(world) -> None:
    client = world.users["client_same_tenant"]
    person = world.prospect.persons.get()
    job = ImportJob.objects.create(assignment=world.assignment, file_format="csv", created_at=timezone.now())
    title = Difference.objects.create(
        assignment=world.assignment, import_job=job, person=person, field="job_title", value="Inkoper",
        created_at=timezone.now(),
    )  # fmt: skip
    city = Difference.objects.create(
        assignment=world.assignment, company=world.company, field="city", value="Zwolle", created_at=timezone.now()
    )
    # Another client's correction passed on to this record is for our agents, not shown here.
    shared = Difference.objects.create(
        assignment=world.assignment, person=person, field="phone", value="+31699999999", created_at=timezone.now()
    )
    http = world.client_for("client_same_tenant")
    edit = reverse("portal:prospect-edit", args=[world.prospect.pk])
    page = http.get(edit)
    assert [d.id for d in page.context["differences"]] == [city.pk, title.pk]
    assert b"Inkoper" in page.content and b"+31699999999" not in page.content

    resolve = _resolve("portal:difference-resolve", world, title)
    assert http.post(resolve, {"decision": "accept"})["Location"] == edit
    person.refresh_from_db()
    assert person.job_title == "Inkoper" and not Difference.objects.filter(pk=title.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(title.pk), actor=client).exists()

    http.post(_resolve("portal:difference-resolve", world, city), {"decision": "reject"})
    world.company.refresh_from_db()
    assert world.company.city == "Utrecht" and not Difference.objects.filter(pk=city.pk).exists()
    assert [d.id for d in http.get(edit).context["differences"]] == []
    # Not this record's difference: 404, as for another tenant.
    other = _resolve("portal:difference-resolve", world, shared)
    assert http.post(other, {"decision": "reject"}).status_code == 404
    globex = world.client_for("client_other_tenant")
    assert globex.post(_resolve("portal:difference-resolve", world, shared)).status_code == 404


def test_client_accepting_a_company_value_waits_while_the_shared_value_is_recent(world) -> None:
    city = Difference.objects.create(
        assignment=world.assignment, company=world.company, field="city", value="Zwolle", created_at=timezone.now()
    )
    http = world.client_for("client_same_tenant")
    resolve = _resolve("portal:difference-resolve", world, city)
    http.post(resolve, {"decision": "accept"})
    world.company.refresh_from_db()
    assert world.company.city == "Utrecht" and Difference.objects.filter(pk=city.pk).exists()  # still to verify
    _old(world.company)
    http.post(resolve, {"decision": "accept"})
    world.company.refresh_from_db()
    assert world.company.city == "Zwolle" and not Difference.objects.filter(pk=city.pk).exists()


def test_agent_accepts_and_rejects_on_the_call_screen(world) -> None:
    agent = world.client_for("agent_with_lease")
    city = Difference.objects.create(
        assignment=world.assignment, company=world.company, field="city", value="Zwolle", created_at=timezone.now()
    )
    person = world.prospect.persons.get()
    person.verified_at = timezone.now() - dt.timedelta(days=200)  # flagged: its email stays hidden
    person.save(update_fields=["verified_at"])
    email = Difference.objects.create(
        assignment=world.assignment, person=person, field="email", value="nieuw@bedrijf.example",
        created_at=timezone.now(),
    )  # fmt: skip
    screen = agent.get(reverse("calling:screen", args=[world.prospect.pk]))
    assert reverse("calling:differences", args=[world.prospect.pk]).encode() in screen.content
    panel = agent.get(reverse("calling:differences", args=[world.prospect.pk]))
    assert b"Zwolle" in panel.content and b"nieuw@bedrijf.example" not in panel.content
    rows = {d.id: d for d in panel.context["differences"]}
    assert rows[city.pk].can_accept and not rows[email.pk].can_accept

    accepted = agent.post(
        _resolve("calling:difference-resolve", world, city),
        {"decision": "accept"},
        HTTP_HX_REQUEST="true",
    )
    assert accepted.status_code == 200 and b'id="company"' in accepted.content
    world.company.refresh_from_db()
    assert world.company.city == "Zwolle" and world.company.verified_at > timezone.now() - dt.timedelta(minutes=1)
    refused = agent.post(_resolve("calling:difference-resolve", world, email), {"decision": "accept"})
    assert refused.status_code == 400 and Difference.objects.filter(pk=email.pk).exists()
    agent.post(_resolve("calling:difference-resolve", world, email), {"decision": "reject"})
    assert not Difference.objects.filter(pk__in=[city.pk, email.pk]).exists()
    person.refresh_from_db()
    assert person.email != "nieuw@bedrijf.example"
    # Another prospect's difference is not reachable through this one.
    elsewhere = Difference.objects.create(
        assignment=world.other_assignment, company=world.other_prospect.company, field="city", value="X",
        created_at=timezone.now(),
    )  # fmt: skip
    url = _resolve("calling:difference-resolve", world, elsewhere)
    assert agent.post(url, {"decision": "reject"}).status_code == 404
    assert Prospect.objects.filter(pk=world.prospect.pk).exists()
