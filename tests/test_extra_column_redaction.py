"""A client's extra columns may hold a contact person's name, email or phone, alone or inside
a longer text; deleting the person removes them (R-DEL-1, issue 11 item 10): a cell that was
only the person is emptied, a longer text keeps its other words with the marker "[…]" where
the person stood; nothing else changes."""

from __future__ import annotations

import pytest

from apps.prospects.models import Prospect, ProspectPerson
from apps.prospects.redaction import MARKER
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
            "Opmerking": "Piet Jansen belt terug",  # inside a longer text: the name goes
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
        "Opmerking": "[…] belt terug",
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


def test_the_person_is_cut_out_of_free_text_in_every_common_notation() -> None:
    """Realistic Dutch cells: the email case-insensitively, the phone by its digits in any
    common notation, the full name (also "last, first") case- and whitespace-insensitively."""
    company = CompanyFactory()
    kept_cells = {
        "Notitie": "Jannie de Vries en Jan de Vriesland blijven",  # other people: whole words only
        "Order": "ordernummer 0612345678901, KvK 12345678",  # longer digit runs are no phone
        "Aantal": 12,
    }
    prospect = prospect_with(
        company,
        **{
            "Opmerking": "graag mailen naar Jan.DeVries@Bakkerij-X.nl of bellen 06-12345678",
            "Contact": "Contact: jan de  VRIES (inkoop), tel. 06 1234 5678",
            "Omgekeerd": "De Vries, Jan — +31 6 12345678",
            "Buitenland": "0031612345678 na 14u",
            "Haakjes": "mobiel: +31 (0)6-12 34 56 78!",
            "Vast": "receptie (020) 123 45 67 of 020-1234567, vraag naar Els Bakker",
            "Alleen": "06.12.34.56.78",
            # The address inside a longer one goes all the same: no copy of it may remain.
            "Adres": "oud: jan.devries@bakkerij-x.nl.oud, nieuw: xJAN.devries@bakkerij-x.nl",
            **kept_cells,
        },
    )
    jan = PersonFactory(
        client=prospect.assignment.client,
        company=company,
        first_name="Jan",
        last_name="de Vries",
        email="jan.devries@bakkerij-x.nl",
        phone="+31612345678",
    )
    receptie = PersonFactory(
        client=prospect.assignment.client,
        company=company,
        first_name="Els",
        last_name="Bakker",
        phone="+31201234567",
        email="",
    )
    ProspectPerson.objects.create(prospect=prospect, person=jan)

    persons_delete(person_ids=[jan.pk, receptie.pk], reason=DeletionReason.LEFT_COMPANY)

    prospect.refresh_from_db()
    assert prospect.extra == {
        "Opmerking": f"graag mailen naar {MARKER} of bellen {MARKER}",
        "Contact": f"Contact: {MARKER} (inkoop), tel. {MARKER}",
        "Omgekeerd": "",  # nothing but the person was in it
        "Buitenland": f"{MARKER} na 14u",
        "Haakjes": f"mobiel: {MARKER}!",
        "Vast": f"receptie {MARKER} of {MARKER}, vraag naar {MARKER}",
        "Alleen": "",
        "Notitie": kept_cells["Notitie"],
        "Order": kept_cells["Order"],
        "Adres": f"oud: {MARKER}.oud, nieuw: x{MARKER}",
        "Aantal": 12,
    }


def test_a_column_named_after_the_person_loses_the_name() -> None:
    """A file without a header row makes its first row the column names: those go too."""
    company = CompanyFactory()
    person = PersonFactory(company=company, first_name="Piet", last_name="Jansen", email="piet@acme.example")
    prospect = prospect_with(company, **{"piet@acme.example": "ja", "Piet Jansen": "Inkoper", "Stad": "Goes"})

    person_delete(person=person, reason=DeletionReason.PURGE)

    prospect.refresh_from_db()
    assert sorted(prospect.extra.items()) == sorted(
        [(MARKER, "ja"), (f"{MARKER} (2)", "Inkoper"), ("Stad", "Goes")]
    ) or sorted(prospect.extra.items()) == sorted([(MARKER, "Inkoper"), (f"{MARKER} (2)", "ja"), ("Stad", "Goes")])
    assert "piet" not in str(prospect.extra).lower()


def test_many_persons_of_one_company_in_one_purge_batch() -> None:
    """More persons of one company than one statement takes (the purge's batches)."""
    company = CompanyFactory()
    persons = [
        PersonFactory(company=company, first_name="Kees", last_name=f"Zijlstra{i}", email=f"k{i}@zijl.example")
        for i in range(60)
    ]
    prospect = prospect_with(
        company, **{f"Notitie {i}": f"bel Kees Zijlstra{i} of mail k{i}@zijl.example" for i in range(60)}
    )

    persons_delete(person_ids=[p.pk for p in persons], reason=DeletionReason.PURGE)

    prospect.refresh_from_db()
    assert set(prospect.extra.values()) == {f"bel {MARKER} of mail {MARKER}"}


def test_an_imports_column_names_lose_the_person() -> None:
    """Issue 11 item 10: the other free-text copy of a value a client uploaded (a file without
    a header row); import reports and errors hold row numbers and reasons only."""
    from django.utils import timezone

    from apps.imports.models import ImportJob

    company = CompanyFactory()
    prospect = prospect_with(company)
    person = PersonFactory(
        company=company, first_name="Piet", last_name="Jansen", email="piet@acme.example", phone="+31612345678"
    )
    job = ImportJob.objects.create(
        assignment=prospect.assignment,
        file_format="csv",
        headers=["Bakkerij Jansen BV", "Piet Jansen", "PIET@acme.example", "06-12345678", "Goes"],
        created_at=timezone.now(),
    )
    elsewhere = ImportJob.objects.create(
        assignment=ProspectFactory().assignment, file_format="csv", headers=["Piet Jansen"], created_at=timezone.now()
    )

    person_delete(person=person, reason=DeletionReason.ERASURE)

    job.refresh_from_db()
    elsewhere.refresh_from_db()
    assert job.headers == ["Bakkerij Jansen BV", MARKER, MARKER, MARKER, "Goes"]
    assert elsewhere.headers == ["Piet Jansen"]  # another assignment, without the person's company
