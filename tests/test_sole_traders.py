"""Sole traders and partnerships (issue 14 #8): the company data of an eenmanszaak or a
vof are personal data — recorded from the import or the agent, found by the lookup, in
the access report, blanked by an erasure and at the end of the retention period."""

from __future__ import annotations

import json

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from apps.privacy import casework
from apps.privacy.erasure import request_erase
from apps.privacy.models import RequestKind, RequestRecord
from apps.privacy.sole_traders import BLANKED_NAME
from apps.prospects import normalise
from apps.prospects.models import Company, LegalForm, Person, ProspectPerson
from apps.prospects.services import company_update
from apps.retention.models import LedgerRecord
from apps.retention.runner import run_rule
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_bytes, run_import

HEADERS = ["Bedrijfsnaam", "KvK", "Postcode", "Plaats", "Rechtsvorm", "Voornaam", "Achternaam", "E-mail"]
SHOP = "Schildersbedrijf Kees Kwast"
PHONE = "+31201112233"


def _sole_trader(world: World) -> tuple[Company, Person]:
    company = factories.CompanyFactory(
        name=SHOP, legal_form=LegalForm.EENMANSZAAK, phone=PHONE, street="Verfstraat", house_number="9"
    )
    prospect = factories.ProspectFactory(assignment=world.assignment, company=company)
    person = factories.PersonFactory(
        client=world.acme, company=company, first_name="Kees", last_name="Kwast", email="kees@kwast.example"
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    return company, person


def test_legal_forms_are_read_in_dutch_and_english() -> None:
    assert normalise.legal_form("Eenmanszaak") == "eenmanszaak"
    assert normalise.legal_form("V.O.F.") == "vof"
    assert normalise.legal_form("Besloten Vennootschap") == "bv"
    assert normalise.legal_form("Stichting") == "other"
    assert normalise.legal_form("  ") == ""


def test_the_import_records_the_legal_form(world: World) -> None:
    job = run_import(
        world.assignment,
        world.users["client_same_tenant"],
        csv_bytes([["Bakkerij Bol", "", "1234 AB", "Goes", "eenmanszaak", "Bert", "Bol", ""]], headers=HEADERS),
    )
    assert job.status == "done", job.error
    assert Company.objects.get(name="Bakkerij Bol").legal_form == LegalForm.EENMANSZAAK


def test_the_agent_records_the_legal_form(world: World) -> None:
    company = company_update(company=world.prospect.company, actor=world.users["agent_with_lease"], legal_form="vof")
    assert company.identifies_a_person


def test_lookup_and_access_report_treat_the_company_as_personal_data(world: World) -> None:
    company, person = _sole_trader(world)
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.ACCESS, name="Kees Kwast", email="kees@kwast.example", phone=PHONE
    )
    officer = world.users["privacy_officer"]
    terms, _errors = casework.terms_for(dsr)
    found = casework.lookup(dsr, terms, viewer=officer)
    assert company in found.sole_traders
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    report = casework.access_report(dsr, viewer=officer)
    assert report.sole_traders == [company]
    data = casework.access_report_json(report)
    assert data["sole_trader_companies"][0]["street"] == "Verfstraat"
    html = world.client_for("privacy_officer").get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert "Verfstraat" in html
    portable = world.client_for("privacy_officer").get(reverse("privacy_case:portability", args=[dsr.pk]))
    assert any(r["record"] == "sole_trader_company" for r in json.loads(portable.content)["records"])
    # An ordinary company is no personal data: not in the report's section.
    other = factories.PersonFactory(client=world.acme, company=world.company, email="kees@kwast.example")
    RequestRecord.objects.create(request=dsr, person=other, linked_at=timezone.now())
    assert casework.access_report(dsr, viewer=officer).sole_traders == [company]


def test_erasure_blanks_the_sole_traders_company_data(world: World) -> None:
    company, person = _sole_trader(world)
    dsr = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ERASURE, email="kees@kwast.example")
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    request_erase(dsr=dsr, actor=world.users["privacy_officer"])
    company.refresh_from_db()
    assert company.name == BLANKED_NAME and (company.street, company.phone, company.postcode) == ("", "", "")
    assert LedgerRecord.objects.filter(kind="prospects.company", object_id=company.pk).exists()
    # An ordinary company keeps its data when its person is erased.
    plain = world.person.company
    name = plain.name
    dsr2 = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ERASURE)
    RequestRecord.objects.create(request=dsr2, person=world.person, linked_at=timezone.now())
    request_erase(dsr=dsr2, actor=world.users["privacy_officer"])
    plain.refresh_from_db()
    assert plain.name == name


def test_retention_blanks_an_unverified_sole_trader_like_a_person(world: World) -> None:
    company, _person = _sole_trader(world)
    plain = factories.CompanyFactory(name="Gewone BV", legal_form=LegalForm.BV)
    old = timezone.now() - relativedelta(months=12, days=1)
    Company.objects.filter(pk__in=[company.pk, plain.pk]).update(verified_at=old)
    run = run_rule("sole_trader_company_blank", now=timezone.now())
    assert run.counts["sole_trader_companies_blanked"] == 1
    company.refresh_from_db()
    plain.refresh_from_db()
    assert company.name == BLANKED_NAME and plain.name == "Gewone BV"
