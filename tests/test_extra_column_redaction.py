"""A client's extra columns may hold a contact person's name, email or phone; deleting the
person empties those cells (R-DEL-1), and nothing else."""

from __future__ import annotations

import pytest

from apps.prospects.models import Prospect
from apps.prospects.services import DeletionReason, person_delete, persons_delete
from tests.factories import CompanyFactory, PersonFactory, ProspectFactory

pytestmark = pytest.mark.django_db


def prospect_with(company, **extra):  # type: ignore[no-untyped-def]
    return ProspectFactory(company=company, extra=extra)


def test_cells_holding_the_persons_name_email_or_phone_are_emptied() -> None:
    company = CompanyFactory()
    person = PersonFactory(
        company=company, first_name="Piet", last_name="Jansen", email="piet@acme.example", phone="+31612345678"
    )
    prospect = prospect_with(
        company,
        **{
            "Contactpersoon 2": " piet JANSEN ",
            "Omgekeerd": "Jansen, Piet",
            "Mail": "Piet@Acme.example",
            "Mobiel": "06-12 34 56 78",
            "Internationaal": "+31 6 12345678",
            "Buitenland": "0031 6 1234 5678",
            "Spaties": "Piet   Jansen",
            "Opmerking": "Piet Jansen belt terug",  # inside a longer text: left alone
            "Klantnummer": "4711",
            "Aantal": 3,
        },
    )

    person_delete(person=person, reason=DeletionReason.ERASURE)

    prospect.refresh_from_db()
    assert prospect.extra == {
        "Contactpersoon 2": "",
        "Omgekeerd": "",
        "Mail": "",
        "Mobiel": "",
        "Internationaal": "",
        "Buitenland": "",
        "Spaties": "",
        "Opmerking": "Piet Jansen belt terug",
        "Klantnummer": "4711",
        "Aantal": 3,
    }


def test_other_companies_and_other_people_keep_their_cells() -> None:
    company, elsewhere = CompanyFactory(), CompanyFactory()
    person = PersonFactory(company=company, first_name="Piet", last_name="Jansen")
    PersonFactory(company=company, first_name="Klaas", last_name="Vaak", phone="+31687654321")
    same_company = prospect_with(company, Contact="Klaas Vaak", Telefoon="0687654321")
    other_company = prospect_with(elsewhere, Contact="Piet Jansen")

    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY)

    same_company.refresh_from_db()
    other_company.refresh_from_db()
    assert same_company.extra == {"Contact": "Klaas Vaak", "Telefoon": "0687654321"}
    assert other_company.extra == {"Contact": "Piet Jansen"}


def test_a_batch_redacts_each_company_with_its_own_people() -> None:
    companies = [CompanyFactory() for _ in range(5)]
    persons = [PersonFactory(company=c, first_name="Ans", last_name=f"Zijl{i}") for i, c in enumerate(companies)]
    prospects = [prospect_with(c, Wie=f"Ans Zijl{i}", Ander=f"Ans Zijl{(i + 1) % 5}") for i, c in enumerate(companies)]

    persons_delete(person_ids=[persons[0].pk, persons[1].pk], reason=DeletionReason.PURGE)

    extras = [Prospect.objects.get(pk=p.pk).extra for p in prospects]
    assert extras[0] == {"Wie": "", "Ander": "Ans Zijl1"}  # Zijl1 is not of company 0
    assert extras[1] == {"Wie": "", "Ander": "Ans Zijl2"}
    assert extras[2] == {"Wie": "Ans Zijl2", "Ander": "Ans Zijl3"}
