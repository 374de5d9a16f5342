"""Issue 12 #8 and #9: the mapping of real-world headers (R-IMP-1), the mapping page's sample
values and needed fields, the tussenvoegsel as a person field (R-IMP-4), and a report that is
never cut silently (R-IMP-2, R-IMP-8)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from apps.imports import pipeline
from apps.imports.mapping import detect
from apps.imports.models import ImportIssue, ImportStatus
from apps.prospects.models import Person, Prospect
from tests import factories
from tests.imports.helpers import csv_bytes, csv_download, run_import, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _client(world):  # type: ignore[no-untyped-def]
    return world.users["client_same_tenant"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # A bare phone next to person columns is the person's; next to company columns, the company's.
        (
            ["Bedrijfsnaam", "Telefoonnummer", "Voornaam", "Achternaam", "Telefoonnummer"],
            ["company_name", "company_phone", "first_name", "last_name", "person_phone"],
        ),
        (
            ["Voornaam", "Achternaam", "Telefoonnummer", "Bedrijf"],
            ["first_name", "last_name", "person_phone", "company_name"],
        ),
        (
            ["Bedrijf", "Direct nummer", "Mobiel", "Billing City", "Billing Zip/Postal Code"],
            ["company_name", "person_phone", "extra", "city", "postcode"],
        ),
        # Salesforce (contacts with their account)
        (
            ["Account Name", "First Name", "Last Name", "Title", "Email", "Mobile", "Billing Street", "Website"],
            ["company_name", "first_name", "last_name", "job_title", "email", "person_phone", "street", "website"],
        ),
        # HubSpot
        (
            ["Company Name", "First Name", "Last Name", "Email", "Phone Number", "Street Address", "Postal Code",
             "City", "Country/Region", "Number of Employees", "Company Domain Name"],
            ["company_name", "first_name", "last_name", "email", "person_phone", "street", "postcode", "city",
             "country", "employees", "website"],
        ),
        # Pipedrive
        (
            ["Organization - Name", "Person - First name", "Person - Last name", "Person - Email - Work",
             "Person - Phone - Work", "Organization - Address - ZIP/Postal code"],
            ["company_name", "first_name", "last_name", "email", "person_phone", "postcode"],
        ),
        # Exact Online and AFAS
        (
            ["Naam relatie", "KvK-nummer", "Adres regel 1", "Voornaam", "Tussenvoegsel", "Achternaam", "E-mail werk"],
            ["company_name", "kvk_number", "street", "first_name", "tussenvoegsel", "last_name", "email"],
        ),
        (
            ["Organisatie", "Voorvoegsel", "Achternaam", "Telefoonnr. werk", "Mobiel werk", "Woonplaats"],
            ["company_name", "tussenvoegsel", "last_name", "person_phone", "extra", "city"],
        ),
    ],
)  # fmt: skip
def test_real_world_headers_are_mapped(headers, expected) -> None:
    assert [detect(headers)[str(i)] for i in range(len(headers))] == expected


def test_the_mapping_page_shows_three_sample_values_per_column_and_what_is_needed(world) -> None:
    headers = ["Bedrijfsnaam", "Plaats", "Achternaam"]
    rows = [["Alfa", "Utrecht", "Jansen"], ["Beta", "", "Smit"], ["Gamma", "Delft", "Bos"], ["Delta", "Ede", "Vos"]]
    job = upload(world.assignment, _client(world), xlsx_bytes(rows, headers), "db.xlsx")
    page = world.client_for("client_same_tenant").get(reverse("portal:import", args=[job.pk])).content.decode()
    for value in ("Alfa", "Beta", "Gamma", "Utrecht", "Delft", "Ede", "Jansen", "Smit", "Bos"):
        assert f'<span class="sample">{value}</span>' in page
    assert "Delta" not in page and "Vos" not in page  # three per column
    assert 'id="needed-fields"' in page and "<strong>Company name</strong>" in page
    # The samples are read from the file, not kept: confirming forgets them with the file.
    assert "Jansen" not in str(job.__class__.objects.filter(pk=job.pk).values().get())


def test_tussenvoegsel_is_imported_shown_matched_and_exported(world) -> None:
    headers = ["Bedrijfsnaam", "KvK", "Voornaam", "Tussenvoegsel", "Achternaam"]
    run_import(
        world.assignment, _client(world), csv_bytes([["Berg BV", "22223333", "Jan", "van der", "Berg"]], headers)
    )
    person = Person.objects.get(client=world.acme, last_name="Berg")
    assert (person.tussenvoegsel, person.full_name) == ("van der", "Jan van der Berg")
    # A file with the tussenvoegsel inside the last name names the same person (R-IMP-4).
    one_column = ["Bedrijfsnaam", "KvK", "Voornaam", "Achternaam", "Functie"]
    job = run_import(
        world.assignment,
        _client(world),
        csv_bytes([["Berg BV", "22223333", "jan", "Van der Berg", "Inkoper"]], one_column),
    )
    assert (job.persons_new, job.persons_matched) == (0, 1)
    person.refresh_from_db()
    assert (person.tussenvoegsel, person.last_name, person.job_title) == ("van der", "Berg", "Inkoper")
    # Shown in the client's database and exported in its own column, which the import reads back.
    http = world.client_for("client_same_tenant")
    assert "Jan van der Berg" in http.get(reverse("portal:database", args=[world.assignment.pk])).content.decode()
    export = http.get(reverse("portal:export", args=[world.assignment.pk, "csv"]))
    database = csv_download(b"".join(export.streaming_content))["database.csv"]
    rows = list(csv.reader(io.StringIO(database), delimiter=";"))
    header = rows[0]
    line = next(r for r in rows if "Berg BV" in r)
    assert line[header.index("Tussenvoegsel")] == "van der" and line[header.index("Last name")] == "Berg"
    assert detect(header)[str(header.index("Tussenvoegsel"))] == "tussenvoegsel"


def test_the_agent_sees_the_full_name_with_its_tussenvoegsel(world) -> None:
    from apps.prospects.selectors import person_for_agent

    person = factories.PersonFactory(client=world.acme, first_name="Els", tussenvoegsel="de", last_name="Vries")
    assert person_for_agent(person).full_name == "Els de Vries"


def test_the_report_says_and_n_more_and_the_client_downloads_every_remark(world, monkeypatch) -> None:
    """Before: the report was cut at 10,000 row errors without a word."""
    monkeypatch.setattr(pipeline, "ROW_ERRORS_SHOWN", 3)
    rows = [[f"Firma {i}", "10-50"] for i in range(250)]
    job = run_import(world.assignment, _client(world), csv_bytes(rows, ["Bedrijfsnaam", "Medewerkers"]))
    assert job.status == ImportStatus.DONE and job.companies_new == 250
    assert (len(job.row_errors), job.issues_total, ImportIssue.objects.filter(job=job).count()) == (3, 250, 250)
    http = world.client_for("client_same_tenant")
    page = http.get(reverse("portal:import", args=[job.pk])).content.decode()
    assert "… and 50 more, not shown here." in page and reverse("portal:import-issues", args=[job.pk]) in page
    report = http.get(reverse("portal:import-report", args=[job.pk])).content.decode("utf-8-sig")
    assert "… and 247 more (download the whole list)" in report
    response = http.get(reverse("portal:import-issues", args=[job.pk]))
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Row", "Column", "Remark", "Reason"] and len(lines) == 251
    assert lines[1] == [
        "2",
        "B · Medewerkers",
        "Value left out",
        "Number of employees (column B): a range, not one number; the value was left out.",
    ]
    assert "no-store" in response["Cache-Control"]
    from apps.audit.models import AccessAction, AccessLogEntry

    assert AccessLogEntry.objects.filter(action=AccessAction.DOWNLOAD, object_id=str(job.pk)).count() == 1


def test_the_remarks_download_is_the_clients_alone_and_tenant_isolated(world) -> None:
    job = run_import(world.assignment, _client(world), csv_bytes([["Firma", "veel"]], ["Bedrijfsnaam", "Medewerkers"]))
    url = reverse("portal:import-issues", args=[job.pk])
    assert world.client_for("client_same_tenant").get(url).status_code == 200
    assert world.client_for("supervisor").get(url).status_code == 403  # in the application only (policy §3)
    other = world.client_for("client_other_tenant").get(url)
    assert other.status_code == 404 and b"Medewerkers" not in other.content and b"column" not in other.content
    assert world.client_for("agent_with_lease").get(url).status_code == 404
    # Globex's own import is out of Acme's reach the same way.
    globex_job = run_import(
        world.other_assignment,
        world.users["client_other_tenant"],
        csv_bytes([["Globex Firma", "veel"]], ["Bedrijfsnaam", "Medewerkers"]),
    )
    response = world.client_for("client_same_tenant").get(reverse("portal:import-issues", args=[globex_job.pk]))
    assert response.status_code == 404


def test_the_api_reports_merges_and_the_count_of_all_remarks(world) -> None:
    rows = [["Ster", "12345678", "veel"], ["Ster BV", "12345678", ""]]
    job = run_import(world.assignment, _client(world), csv_bytes(rows, ["Bedrijfsnaam", "KvK", "Medewerkers"]))
    http = world.client_for("client_same_tenant")
    data = http.get(reverse("api:import-detail", args=[job.pk])).json()
    assert data["merges"] == {"file": {"kvk": 1}, "existing": {}, "assignment": 0}
    assert (data["issues_total"], data["values_dropped"], data["rows_rejected"]) == (1, 1, 0)
    assert Prospect.objects.filter(assignment=world.assignment, company__kvk_number="12345678").count() == 1


def test_the_privacy_lookup_and_suppression_know_the_tussenvoegsel(world) -> None:
    """The privacy officer finds "Jan van der Berg" typed as one name (R-DSR-3), and the
    erasure suppresses the full name so that a later file with "van der Berg" in one column
    is refused (R-IMP-5)."""
    from apps.privacy.hashing import IdentifierHashes
    from apps.privacy.models import SuppressionEntry
    from apps.prospects.services import DeletionReason, person_delete

    prospect = factories.ProspectFactory(assignment=world.assignment)
    person = factories.PersonFactory(
        client=world.acme, company=prospect.company, first_name="Jan", tussenvoegsel="van der", last_name="Berg",
        email="", phone="",
    )  # fmt: skip
    prospect.persons.add(person)
    dsr = factories.DataSubjectRequestFactory(confirmed=True, name="Jan van der Berg", email="jvdb@x.example", phone="")
    found = world.client_for("privacy_officer").get(reverse("privacy_case:lookup", args=[dsr.pk])).context["found"]
    assert person in found.persons.rows
    hashes = IdentifierHashes.of(first_name="Jan", last_name="van der Berg", company_name=prospect.company.name)
    SuppressionEntry.objects.create(name_company_hash=hashes.name_company, reason="erasure")
    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY)
    row = [[prospect.company.name, prospect.company.kvk_number, "Jan", "Van der Berg"]]
    job = run_import(
        world.assignment, _client(world), csv_bytes(row, ["Bedrijfsnaam", "KvK", "Voornaam", "Achternaam"])
    )
    assert (job.persons_suppressed, job.persons_new) == (1, 0)


def test_an_agent_adding_a_person_with_tussenvoegsel_finds_the_clients_own_record(world) -> None:
    from apps.calling.services import person_add_to_prospect

    existing = factories.PersonFactory(
        client=world.acme, company=world.prospect.company, first_name="Els", tussenvoegsel="", last_name="de Vries",
        email="",
    )  # fmt: skip
    person = person_add_to_prospect(
        prospect=world.prospect, actor=world.users["agent_with_lease"], first_name="els", tussenvoegsel="de",
        last_name="Vries", job_title="Inkoper",
    )  # fmt: skip
    assert person.pk == existing.pk and person.job_title == "Inkoper"
