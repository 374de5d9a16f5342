"""The import's cross-matching (R-IMP-3, R-IMP-4, R-IMP-5), run for real on Postgres."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from apps.imports.models import Difference, ImportJob, ImportStatus
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry
from apps.prospects.models import Company, Person, Prospect
from tests import factories
from tests.imports.helpers import csv_bytes, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - dt.timedelta(days=400)


def _client(world):  # type: ignore[no-untyped-def]
    return world.users["client_same_tenant"]


def test_new_rows_create_companies_persons_and_prospects_with_extra_columns(world) -> None:
    data = csv_bytes(
        [
            ["Bakker BV", "1234567", "1234ab", "Utrecht", "www.bakker.nl", "Jan", "Jansen", "JAN@bakker.nl", "007"],
            ["Bakker BV", "01234567", "1234 AB", "Utrecht", "", "Piet", "Pietersen", "piet@bakker.nl", "007"],
            ["Visser", "", "2345 CD", "Delft", "", "", "", "", "0042"],
        ]
    )
    job = run_import(world.assignment, _client(world), data)
    assert job.status == ImportStatus.DONE, job.error
    assert (job.rows_read, job.rows_rejected, job.companies_new, job.persons_new) == (3, 0, 2, 2)
    bakker = Company.objects.get(kvk_number="01234567")  # leading zero restored
    assert bakker.postcode == "1234 AB" and bakker.website_domain == "bakker.nl"
    prospect = Prospect.objects.get(assignment=world.assignment, company=bakker)
    assert prospect.extra == {"Klantnummer": "007"}  # leading zeros of extra columns kept
    assert sorted(p.email for p in prospect.persons.all()) == ["jan@bakker.nl", "piet@bakker.nl"]
    world.assignment.refresh_from_db()
    assert world.assignment.extra_columns[-1] == "Klantnummer"
    assert not job.file_path and not list(Path(settings.MEDIA_ROOT, "imports").iterdir())  # file deleted (R-DEL-1)


@pytest.mark.parametrize("key", ["kvk", "domain", "name_postcode"])
def test_company_is_matched_by_each_key_in_turn(world, key: str) -> None:
    existing = factories.CompanyFactory(
        name="Bakkerij de Ster B.V.",
        name_normalised="bakkerij de ster",
        kvk_number="11112222" if key == "kvk" else "",
        website="https://www.ster.nl" if key == "domain" else "",
        website_domain="ster.nl" if key == "domain" else "",
        postcode="1234 AB",
        city="",
    )
    row = {
        "kvk": ["Totally other name", "11112222", "", "Utrecht", "", "", "", "", ""],
        "domain": ["Ster", "", "", "Utrecht", "ster.nl/contact", "", "", "", ""],
        "name_postcode": ["Bakkerij De Ster", "", "1234ab", "Utrecht", "", "", "", "", ""],
    }[key]
    job = run_import(world.assignment, _client(world), csv_bytes([row]))
    assert (job.companies_new, job.companies_matched) == (0, 1)
    existing.refresh_from_db()
    assert existing.city == "Utrecht"  # a blank is filled
    assert Prospect.objects.filter(assignment=world.assignment, company=existing).exists()


def test_domain_match_never_joins_two_kvk_numbers(world) -> None:
    factories.CompanyFactory(kvk_number="11112222", website_domain="ster.nl", website="ster.nl")
    job = run_import(
        world.assignment, _client(world), csv_bytes([["Ster", "33334444", "", "", "ster.nl", "", "", "", ""]])
    )
    assert (job.companies_new, job.companies_matched) == (1, 0)


def test_recent_value_is_kept_and_difference_marked_old_value_replaced(world) -> None:
    recent = factories.CompanyFactory(kvk_number="11112222", city="Utrecht")
    old = factories.CompanyFactory(kvk_number="33334444", city="Utrecht", verified_at=LONG_AGO)
    data = csv_bytes(
        [
            ["A", "11112222", "", "Amersfoort", "", "", "", "", ""],
            ["B", "33334444", "", "Amersfoort", "", "", "", "", ""],
        ]
    )
    run_import(world.assignment, _client(world), data)
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.city == "Utrecht"
    assert Difference.objects.filter(company=recent, field="city", value="Amersfoort").exists()
    assert old.city == "Amersfoort" and old.name == "B"
    assert old.verified_at > LONG_AGO  # the upload verifies (R-RET-3)


def test_person_matched_by_email_then_by_name_within_company(world) -> None:
    company = factories.CompanyFactory(kvk_number="11112222")
    # Acme's own records: the import matches among the importing client's records only (R-IMP-4).
    by_email = factories.PersonFactory(
        client=world.acme, company=company, first_name="Jan", last_name="Jansen", email="jan@x.nl", phone=""
    )
    by_name = factories.PersonFactory(
        client=world.acme, company=company, first_name="Els", last_name="de Vries", email="", phone=""
    )
    data = csv_bytes(
        [
            ["X", "11112222", "", "", "", "", "", "JAN@x.nl", ""],
            ["X", "11112222", "", "", "", "els", "De Vries", "els@x.nl", ""],
        ]
    )
    job = run_import(world.assignment, _client(world), data)
    assert (job.persons_new, job.persons_matched, job.persons_conflicting) == (0, 2, 0)
    by_name.refresh_from_db()
    assert by_name.email == "els@x.nl"  # blank filled
    prospect = Prospect.objects.get(assignment=world.assignment, company=company)
    assert set(prospect.persons.all()) == {by_email, by_name}


def test_conflicting_person_counted_and_recent_value_kept(world) -> None:
    company = factories.CompanyFactory(kvk_number="11112222")
    person = factories.PersonFactory(
        client=world.acme, company=company, last_name="Jansen", email="jan@x.nl", job_title="Directeur"
    )
    job = run_import(
        world.assignment,
        _client(world),
        csv_bytes(
            [["X", "11112222", "", "", "", "", "", "jan@x.nl", ""]],
            headers=["Bedrijf", "KvK", "Postcode", "Plaats", "Website", "Voornaam", "Achternaam", "Email", "Functie"],
        ),
    )
    assert job.persons_conflicting == 0  # an empty uploaded value is no difference
    data = csv_bytes([["X", "11112222", "jan@x.nl", "Inkoper"]], headers=["Bedrijf", "KvK", "Email", "Functie"])
    job = run_import(world.assignment, _client(world), data)
    person.refresh_from_db()
    assert job.persons_conflicting == 1 and person.job_title == "Directeur"
    assert Difference.objects.filter(person=person, field="job_title").exists()


def test_other_clients_persons_are_never_added(world) -> None:
    """R-IMP-4: the company is shared, but Globex's persons at it stay out of Acme's database."""
    company = world.other_prospect.company
    job = run_import(
        world.assignment, _client(world), csv_bytes([[company.name, company.kvk_number, "", "", "", "", "", "", ""]])
    )
    assert job.companies_matched == 1
    prospect = Prospect.objects.get(assignment=world.assignment, company=company)
    assert prospect.persons.count() == 0
    assert world.other_person not in Person.objects.visible_to(_client(world))


def test_a_person_known_only_from_another_client_gets_a_record_of_this_client(world) -> None:
    """R-IMP-4 as now written: a row naming Globex's person by email is no match for Acme;
    Acme gets a new record of its own holding only what its row gave (this test replaces
    the old expectation that the shared record was linked)."""
    other = world.other_person
    company = other.company
    data = csv_bytes([[company.name, company.kvk_number, "", "", "", "", "", other.email, ""]])
    job = run_import(world.assignment, _client(world), data)
    assert (job.persons_matched, job.persons_new) == (0, 1)
    assert other not in Person.objects.visible_to(_client(world))
    own = Person.objects.visible_to(_client(world)).get(email=other.email)
    assert own.client_id == world.acme.pk and own.last_name == "" and own.phone == ""


def test_suppressed_persons_are_skipped_and_counted(world) -> None:
    hashes = IdentifierHashes.of(email="weg@x.nl")
    SuppressionEntry.objects.create(email_hash=hashes.email, reason="erasure")
    name_hashes = IdentifierHashes.of(first_name="Kees", last_name="Weg", company_name="Y BV")
    SuppressionEntry.objects.create(name_company_hash=name_hashes.name_company, reason="erasure")
    data = csv_bytes(
        [
            ["X", "", "1234 AB", "", "", "", "Weg", "Weg@X.nl", ""],
            ["Y BV", "", "1234 AB", "", "", "Kees", "Weg", "", ""],
            ["Z", "", "1234 AB", "", "", "", "Blijft", "blijft@x.nl", ""],
        ]
    )
    job = run_import(world.assignment, _client(world), data)
    assert job.persons_suppressed == 2 and job.persons_new == 1
    assert not Person.objects.filter(last_name="Weg").exists()
    assert job.companies_new == 3  # company data is no personal data: the companies come in


def test_rejected_rows_are_reported_by_number_and_reason_without_values(world) -> None:
    data = csv_bytes(
        [
            ["", "", "", "", "", "", "", "", ""],  # blank: skipped
            ["", "", "", "Utrecht", "", "", "", "", ""],
            ["Q", "123456789", "", "", "", "", "", "", ""],
            ["R", "", "", "", "", "", "Geheim", "geheim-at-x", ""],
            ["S", "", "", "", "", "", "", "", ""],
        ]
    )
    job = run_import(world.assignment, _client(world), data)
    assert job.status == ImportStatus.DONE
    # Only the row without a company name is rejected; a bad KvK number or email drops that
    # value and keeps the row (R-IMP-8, issue 12 #7).
    assert job.rows_read == 4 and job.rows_rejected == 1
    assert [e[0] for e in job.row_errors] == [3, 4, 5]
    assert "KvK number (column B)" in job.row_errors[1][1] and "Email (column H)" in job.row_errors[2][1]
    assert "geheim" not in str(job.row_errors).lower()
    assert Person.objects.get(last_name="Geheim").email == ""


def test_reimport_is_idempotent(world) -> None:
    data = xlsx_bytes([["Bakker BV", "01234567", "1234 AB", "Utrecht", "", "Jan", "Jansen", "jan@b.nl", "1"]])
    run_import(world.assignment, _client(world), data, "db.xlsx")
    job = run_import(world.assignment, _client(world), data, "db.xlsx")
    assert (job.companies_new, job.companies_matched, job.persons_new, job.persons_matched) == (0, 1, 0, 1)
    assert Prospect.objects.filter(assignment=world.assignment, company__kvk_number="01234567").count() == 1


def test_import_is_atomic_when_the_pipeline_fails(world, monkeypatch) -> None:
    before = (Company.objects.count(), Person.objects.count(), Prospect.objects.count())
    from apps.imports import pipeline

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "_add_extra_columns", boom)
    job = run_import(world.assignment, _client(world), csv_bytes([["A", "", "", "", "", "", "B", "", ""]]))
    assert job.status == ImportStatus.FAILED and "nothing was changed" in job.error
    assert (Company.objects.count(), Person.objects.count(), Prospect.objects.count()) == before
    assert not job.file_path
    assert ImportJob.objects.get(pk=job.pk).companies_new == 0


def test_values_with_tabs_newlines_backslashes_and_quotes_come_through_intact(world) -> None:
    headers = ["Bedrijfsnaam", "Opmerking"]
    data = b'Bedrijfsnaam;Opmerking\r\nTab\tBV;"regel 1\nregel 2 \\N C:\\map ""citaat"""\r\n'
    job = run_import(world.assignment, _client(world), data)
    assert job.status == ImportStatus.DONE, job.error
    prospect = Prospect.objects.get(assignment=world.assignment, company__name="Tab\tBV")
    assert prospect.extra == {"Opmerking": 'regel 1\nregel 2 \\N C:\\map "citaat"'}
    assert headers


def test_the_import_hashes_like_the_suppression_list() -> None:
    from apps.imports.pipeline import _keyed_hasher, _name_key
    from apps.privacy.hashing import _hash, name_key
    from apps.prospects import normalise

    keyed = _keyed_hasher()
    assert keyed("email", "a@b.nl") == _hash("email", "a@b.nl") and keyed("phone", "") == ""
    assert _name_key("Jan", "de  Vries", normalise.company_name("Bakker B.V.")) == name_key(
        "Jan", "de  Vries", "Bakker B.V."
    )


def test_rows_naming_the_same_person_or_company_twice_make_one_each(world) -> None:
    data = csv_bytes(
        [
            ["Bakker BV", "", "1234 AB", "", "", "Jan", "Jansen", "jan@b.nl", ""],
            ["Bakker B.V.", "", "1234ab", "", "", "Jan", "Jansen", "JAN@b.nl", ""],
            ["Bakker BV", "", "1234 AB", "", "", "Els", "Smit", "", ""],
            ["Bakker BV", "", "1234 AB", "", "", "els", "smit", "", ""],
        ]
    )
    job = run_import(world.assignment, _client(world), data)
    assert (job.companies_new, job.persons_new) == (1, 2)
    prospect = Prospect.objects.get(assignment=world.assignment, company__name="Bakker BV")
    assert prospect.persons.count() == 2


def test_deleting_a_person_leaves_no_uploaded_copy_behind(world) -> None:
    """R-DEL-1: the import report holds row numbers and reasons only; a kept difference goes with the person."""
    from apps.imports.selectors import differences_to_verify
    from apps.prospects.services import DeletionReason, person_delete

    company = factories.CompanyFactory(kvk_number="11112222")
    person = factories.PersonFactory(
        client=world.acme, company=company, last_name="Geheim", email="g@x.nl", job_title="Baas"
    )
    data = csv_bytes([["X", "11112222", "g@x.nl", "Nieuwe functie", "+31 6 1234 5678"]],
                     headers=["Bedrijf", "KvK", "Email", "Functie", "Mobiel"])  # fmt: skip
    job = run_import(world.assignment, _client(world), data)
    assert differences_to_verify(person=person).filter(field="job_title", value="Nieuwe functie").exists()
    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY)
    assert not Difference.objects.filter(value__in=["Nieuwe functie", "g@x.nl"]).exists()
    job.refresh_from_db()
    assert "geheim" not in str(job.__dict__).lower() and "g@x.nl" not in str(job.__dict__)
