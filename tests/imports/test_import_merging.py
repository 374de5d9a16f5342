"""Issue 12 #1 and #7: real-world files with partial keys and bad optional values (R-IMP-3,
R-IMP-4, R-IMP-8): one company per real company, never a second record in an assignment,
and a bad value drops the value, not the row."""

from __future__ import annotations

import threading

import phonenumbers
import pytest
from django.db import connection

from apps.imports.models import ImportIssue, ImportStatus, IssueKind
from apps.imports.pipeline import _dutch_valid, _employees, _phone
from apps.prospects.models import Company, Person, Prospect
from tests import factories
from tests.imports.helpers import csv_bytes, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

ADDRESS = ["Bedrijfsnaam", "KvK", "Website", "Straat", "Huisnummer", "Postcode", "Plaats", "Voornaam", "Achternaam"]


def _client(world):  # type: ignore[no-untyped-def]
    return world.users["client_same_tenant"]


def test_a_company_with_only_a_name_is_one_record_when_the_same_file_comes_twice(world) -> None:
    """Before: no KvK, website or postcode made a new shared company on every upload (2
    companies, 2 prospects, 2 persons per row)."""
    data = xlsx_bytes(
        [["Visser Installatie", "Utrecht", "Anna", "Visser"]], ["Bedrijf", "Plaats", "Voornaam", "Achternaam"]
    )
    first = run_import(world.assignment, _client(world), data, "db.xlsx")
    second = run_import(world.assignment, _client(world), data, "db.xlsx")
    assert (first.companies_new, second.companies_new, second.companies_matched) == (1, 0, 1)
    assert (second.persons_new, second.persons_matched) == (0, 1)
    assert Company.objects.filter(name="Visser Installatie").count() == 1
    assert Prospect.objects.filter(assignment=world.assignment, company__name="Visser Installatie").count() == 1
    assert Person.objects.filter(client=world.acme, last_name="Visser").count() == 1
    assert second.merges["assignment"] == 1 and second.merges["existing"] == {"name": 1}


def test_the_name_alone_never_matches_another_assignments_or_a_different_company(world) -> None:
    """The name is too weak a key for the shared records: only the assignment's own companies,
    and not when a KvK number, postcode or website says it is another."""
    factories.CompanyFactory(name="Visser", name_normalised="visser", kvk_number="", postcode="", website_domain="")
    data = csv_bytes([["Visser", "", ""]], ["Bedrijfsnaam", "Postcode", "Website"])
    job = run_import(world.assignment, _client(world), data)
    assert (job.companies_new, job.companies_matched) == (1, 0)
    with_postcode = csv_bytes([["Visser", "9999 ZZ", ""]], ["Bedrijfsnaam", "Postcode", "Website"])
    job = run_import(world.assignment, _client(world), with_postcode)
    assert (job.companies_new, job.companies_matched) == (0, 1)  # the assignment's Visser, its postcode filled
    same = csv_bytes([["Visser", "", "visser.nl"]], ["Bedrijfsnaam", "Postcode", "Website"])
    job = run_import(world.assignment, _client(world), same)
    assert (job.companies_new, job.companies_matched) == (0, 1)
    other = csv_bytes([["Visser", "1111 AA", ""]], ["Bedrijfsnaam", "Postcode", "Website"])
    job = run_import(world.assignment, _client(world), other)
    assert (job.companies_new, job.companies_matched) == (1, 0)  # another postcode: another Visser
    Company.objects.filter(name="Visser", postcode="1111 AA").update(city="Delft")
    elsewhere = csv_bytes([["Visser", "Zwolle"]], ["Bedrijfsnaam", "Plaats"])
    job = run_import(world.assignment, _client(world), elsewhere)
    assert (job.companies_new, job.companies_matched) == (0, 1)  # the Visser without a city: filled in
    elsewhere = csv_bytes([["Visser", "Arnhem"]], ["Bedrijfsnaam", "Plaats"])
    job = run_import(world.assignment, _client(world), elsewhere)
    assert (job.companies_new, job.companies_matched) == (1, 0)  # another city: another Visser
    assert Prospect.objects.filter(assignment=world.assignment, company__name="Visser").count() == 3
    assert Company.objects.filter(name="Visser", postcode="9999 ZZ", website_domain="visser.nl").count() == 1


def test_six_rows_of_one_company_with_different_partial_keys_become_one_company(world) -> None:
    """KvK on some rows, the website on one, name + postcode on one, name + street + city on
    one: one company, one prospect, and one person for the rows naming the same person."""
    rows = [
        ["Bakkerij de Ster B.V.", "12345678", "", "", "", "", "", "Jan", "Jansen"],
        ["Bakkerij de Ster", "12345678", "www.ster.nl", "", "", "", "", "Els", "Smit"],
        ["Bakkerij De Ster", "", "https://ster.nl/contact", "Kerkstraat", "1", "3511 AB", "Utrecht", "Jan", "Jansen"],
        ["Bakkerij de Ster", "", "", "", "", "3511AB", "", "Piet", "de Boer"],
        ["BAKKERIJ DE STER", "", "", "Kerkstraat 1", "", "", "utrecht", "Jan", "Jansen"],
        ["Bakkerij de Ster", "1234567", "", "", "", "", "", "", ""],  # lost its leading zero: another company
    ]
    job = run_import(world.assignment, _client(world), xlsx_bytes(rows, ADDRESS), "ster.xlsx")
    assert job.status == ImportStatus.DONE, job.error
    assert job.companies_new == 2  # 12345678 and 01234567: two KvK numbers never merge
    ster = Company.objects.get(kvk_number="12345678")
    assert (ster.website_domain, ster.postcode, ster.city) == ("ster.nl", "3511 AB", "Utrecht")
    prospect = Prospect.objects.get(assignment=world.assignment, company=ster)
    assert sorted(p.full_name for p in prospect.persons.all()) == ["Els Smit", "Jan Jansen", "Piet de Boer"]
    assert job.merges["file"] == {"kvk": 1, "domain": 1, "name_postcode": 1, "name_address": 1}


def test_a_row_with_only_the_name_joins_the_one_company_of_that_name_in_the_file(world) -> None:
    rows = [
        ["Molen", "", "", "", "", "", "", "Jan", "Jansen"],
        ["Molen BV", "", "", "", "", "1234 AB", "", "Jan", "Jansen"],
        ["Kade", "", "", "", "", "", "", "", ""],
        ["Kade", "", "", "", "", "1111 AA", "", "", ""],
        ["Kade", "", "", "", "", "2222 BB", "", "", ""],  # two Kades with a postcode: the name cannot say
    ]
    job = run_import(world.assignment, _client(world), csv_bytes(rows, ADDRESS))
    molen = Company.objects.get(name="Molen")
    assert molen.postcode == "1234 AB" and Prospect.objects.get(company=molen).persons.count() == 1
    assert Company.objects.filter(name="Kade").count() == 3
    assert job.merges["file"] == {"name": 1}


def test_rows_are_matched_to_the_shared_record_by_every_key_they_have(world) -> None:
    """An existing company known by its address only is found by a row with a KvK number
    and that address (the KvK number is filled in), and the report says why."""
    existing = factories.CompanyFactory(
        name="Garage Noord", name_normalised="garage noord", kvk_number="", website_domain="", website="",
        street="Industrieweg", house_number="7", postcode="", city="Zwolle",
    )  # fmt: skip
    rows = [["Garage Noord BV", "87654321", "", "Industrieweg 7", "", "", "Zwolle", "", ""]]
    job = run_import(world.assignment, _client(world), csv_bytes(rows, ADDRESS))
    assert (job.companies_new, job.companies_matched) == (0, 1)
    existing.refresh_from_db()
    assert existing.kvk_number == "87654321"
    assert job.merges["existing"] == {"name_address": 1}


def test_a_weaker_key_never_joins_a_company_with_another_kvk_number(world) -> None:
    factories.CompanyFactory(name="Ster", name_normalised="ster", kvk_number="11112222", postcode="1234 AB")
    rows = [
        ["Ster", "33334444", "", "", "", "1234 AB", "", "", ""],
        ["Ster", "", "", "", "", "1234 AB", "", "", ""],  # joins the row of its file, not the other Ster
    ]
    job = run_import(world.assignment, _client(world), csv_bytes(rows, ADDRESS))
    assert (job.companies_new, job.companies_matched) == (1, 0)
    assert Company.objects.filter(name_normalised="ster").count() == 2


def test_the_report_page_says_how_many_rows_were_merged_and_why(world) -> None:
    rows = [
        ["Ster", "12345678", "", "", "", "", "", "", ""],
        ["Ster", "12345678", "", "", "", "", "", "", ""],
        ["Maan", "", "maan.nl", "", "", "", "", "", ""],
        ["Maan BV", "", "www.maan.nl", "", "", "", "", "", ""],
    ]
    run_import(world.assignment, _client(world), csv_bytes(rows, ADDRESS))
    job = run_import(world.assignment, _client(world), csv_bytes(rows[:1], ADDRESS))
    http = world.client_for("client_same_tenant")
    page = http.get(f"/portal/imports/{job.pk}/").content.decode()
    assert "Rows merged into companies already known: 1 (same KvK number 1)." in page
    assert "Rows naming a company already in this assignment, its record completed and not doubled: 1." in page
    first = world.assignment.imports.order_by("created_at").first()
    page = http.get(f"/portal/imports/{first.pk}/").content.decode()
    assert (
        "Rows merged with another row of this file (the same company): 2 (same KvK number 1, same website 1)." in page
    )


@pytest.mark.parametrize(
    ("employees", "expected", "warning"),
    [
        ("1,200", 1200, None),
        ("1.200", 1200, None),
        ("12", 12, None),
        ("10-50", None, "a range, not one number"),
        ("100+", None, "a range, not one number"),
        ("12,5", None, "not a whole number"),
    ],
)
def test_a_bad_number_of_employees_drops_the_value_not_the_row(world, employees, expected, warning) -> None:
    headers = ["Bedrijfsnaam", "Aantal medewerkers", "Achternaam"]
    job = run_import(
        world.assignment, _client(world), csv_bytes([[f"Firma {employees}", employees, "Jansen"]], headers, ";")
    )
    company = Company.objects.get(name=f"Firma {employees}")
    assert company.employees == expected and job.rows_rejected == 0 and job.persons_new == 1
    if warning:
        issue = ImportIssue.objects.get(job=job)
        assert (issue.row_number, issue.column, issue.kind) == (2, 1, IssueKind.WARNING)
        assert issue.reason == f"Number of employees (column B): {warning}; the value was left out."
        assert job.values_dropped == 1
    else:
        assert not ImportIssue.objects.filter(job=job).exists()


def test_bad_phone_email_postcode_and_website_are_left_out_with_row_and_column(world) -> None:
    headers = ["Bedrijfsnaam", "Telefoon", "Postcode", "Website", "Achternaam", "E-mail", "Mobiel"]
    rows = [
        ["Een", "-2+3", "12345", "http://", "Jansen", "jan@@x", "12345"],
        ["Twee", "020 123 4567", "1234ab", "twee.nl", "Smit", "els@twee.nl", "06 1234 5678"],
    ]
    job = run_import(world.assignment, _client(world), xlsx_bytes(rows, headers), "db.xlsx")
    assert job.rows_rejected == 0 and job.companies_new == 2 and job.persons_new == 2
    een = Company.objects.get(name="Een")
    assert (een.phone, een.postcode, een.website) == ("", "", "")
    assert Person.objects.get(last_name="Jansen").email == "" and Person.objects.get(last_name="Jansen").phone == ""
    issues = list(ImportIssue.objects.filter(job=job).order_by("column").values_list("row_number", "column"))
    assert issues == [(2, 1), (2, 2), (2, 3), (2, 5), (2, 6)]
    assert job.values_dropped == 5
    twee = Company.objects.get(name="Twee")
    assert twee.phone == "+31201234567" and Person.objects.get(last_name="Smit").phone == "+31612345678"


def test_short_kvk_numbers_are_an_error_not_padded(world) -> None:
    headers = ["Bedrijfsnaam", "KvK"]
    job = run_import(world.assignment, _client(world), csv_bytes([["Kort", "12345"], ["Zeven", "1234567"]], headers))
    assert Company.objects.get(name="Kort").kvk_number == ""
    assert Company.objects.get(name="Zeven").kvk_number == "01234567"
    assert job.row_errors == [[2, "KvK number (column B): not a KvK number (8 digits); the value was left out."]]


def test_phone_numbers_must_be_valid_numbers() -> None:
    for value in ("12345", "0123456789", "+31 0 1234"):
        with pytest.raises(Exception, match="phone"):
            _phone(value, "company_phone")
    assert _phone("0612345678", "person_phone") == "+31612345678"
    assert _phone("612345678", "person_phone") == "+31612345678"  # lost its leading zero
    assert _phone("+32 2 555 12 12", "company_phone") == "+3225551212"


def test_the_fast_dutch_check_accepts_no_number_the_library_refuses() -> None:
    """The fast path may only be faster: every nine-digit national number it calls valid,
    phonenumbers calls valid too (a sweep over every three-digit prefix)."""
    for prefix in range(100, 1000):
        for tail in ("000000", "123456", "999999", "555123"):
            nsn = f"{prefix}{tail}"
            if _dutch_valid(nsn):
                assert phonenumbers.is_valid_number(phonenumbers.parse("0" + nsn, "NL")), nsn


def test_employee_counts_parse_what_is_unambiguous() -> None:
    assert [_employees(v) for v in ("", "7", "1 200", "1.200.000")] == [None, 7, 1200, 1200000]


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_new_company_make_one_record(world) -> None:
    """Two imports at once (two assignments of one client) naming the same new KvK number:
    the match lock makes the second find the first's company instead of failing on the KvK
    constraint or making a second record."""
    other = factories.AssignmentFactory(client=world.acme)
    data = csv_bytes([["Samen BV", "55556666", "", "", "", "", "", "", ""]], ADDRESS)
    jobs = []
    for assignment in (world.assignment, other):
        from tests.imports.helpers import upload

        job = upload(assignment, _client(world), data)
        from apps.imports.services import import_job_confirm

        import_job_confirm(job=job, actor=_client(world))
        jobs.append(job)
    barrier = threading.Barrier(2)
    results = []

    def run(job_id) -> None:  # type: ignore[no-untyped-def]
        from apps.imports.services import import_run

        try:
            barrier.wait()
            results.append(import_run(job_id=job_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j.pk,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == [ImportStatus.DONE, ImportStatus.DONE], [r.error for r in results]
    assert Company.objects.filter(kvk_number="55556666").count() == 1
    assert Prospect.objects.filter(company__kvk_number="55556666").count() == 2
