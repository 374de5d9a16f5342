"""Reading files as the spreadsheet shows them (issue 12 #3–#7; R-IMP-6, R-IMP-7, R-IMP-8).

The corpus (test_corpus.py) imports whole files and counts; these pin the values.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from apps.core.errors import ServiceError
from apps.imports import services
from apps.imports.files import FileRefused, check_file, read_table, scan_table, sniff_delimiter
from apps.imports.models import ImportStatus
from apps.imports.numformat import formatted, number_text
from tests.imports.helpers import upload

NL = Path(__file__).resolve().parent / "corpus" / "nl"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (68.66499999999999, "68.665"),
        (0.1 + 0.2, "0.3"),
        (123456789012345678.0, "123456789012346000"),
        (12.0, "12"),
        (-3.5, "-3.5"),
        (1e-7, "0.0000001"),
    ],
)
def test_numbers_are_the_shortest_decimal_excel_holds(value: float, shown: str) -> None:
    assert number_text(value) == shown


@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (123, "000000", "000123"),
        (1234567, "00000000", "01234567"),
        (0.15, "0%", "15%"),
        (0.155, "0.0%", "15.5%"),
        (68.665, "0.00", "68.67"),  # Excel rounds what it shows, half away from zero
        (2.5, "0", "3"),
        (1234.5, "#,##0.00", "1234.50"),  # no thousands separator: the reader's locale is unknown
        (1234.5, "[$€-413] #,##0.00", "€ 1234.50"),
        (-5, "0;(0)", "(5)"),
        (0, '0;-0;"nul"', "nul"),
        (12345, "0.00E+00", "1.23E+04"),
        (1234567, '0.0,,"M"', "1.2M"),
        (45000, "dd-mm-yyyy", "15-03-2023"),
        (dt.date(2021, 1, 2), "d/m/yyyy", "2/1/2021"),
        (dt.datetime(2021, 1, 2, 13, 5, 7), "yyyy-mm-dd hh:mm:ss", "2021-01-02 13:05:07"),
        (0.75, "hh:mm", "18:00"),
        (0.5, "h:mm AM/PM", "12:00 PM"),
        # Not rendered (the caller shows the plain value): names, fractions, General.
        (dt.date(2021, 1, 2), "d mmm yyyy", None),
        (3.25, "# ?/?", None),
        (3.25, "General", None),
    ],
)
def test_number_formats_show_what_the_sheet_showed(value: object, code: str, shown: str | None) -> None:
    assert formatted(value, code) == shown


def test_extra_columns_come_as_the_sheet_showed_them() -> None:
    table = read_table(NL / "number_formats.xlsx", "xlsx")
    assert table.headers[:10] == [
        "Bedrijfsnaam", "KvK", "Plaats", "Klantnummer", "Korting", "Omzet", "Score", "Klant sinds", "Debiteur", "Som",
    ]  # fmt: skip
    number, cells, issues = next(table.rows)
    assert number == 2
    assert cells == [
        "Bakkerij de Vries BV", "01234567", "Utrecht", "000123", "15%", "68.67", "68.665", "16-03-2023",
        "123456789012346000", "0.3",
    ]  # fmt: skip
    assert issues == {9: ("formula", "")}  # =0.1+0.2: its cached value, with a warning


def test_formulas_without_a_value_and_error_values_are_marked_not_emptied_silently() -> None:
    rows = {
        number: (cells, issues) for number, cells, issues in read_table(NL / "formulas_and_errors.xlsx", "xlsx").rows
    }
    assert rows[2] == (["Bakkerij de Vries BV", "Utrecht", "12", ""], {2: ("formula", "")})
    assert rows[3][1] == {3: ("error", "#DIV/0!")}
    assert rows[4][1] == {1: ("error", "#N/A")}
    assert rows[5] == (["", "Amsterdam", "", ""], {0: ("formula_empty", "")})  # not a company named "0"
    assert rows[6][1] is None


@pytest.mark.django_db
def test_formula_rows_are_reported_per_row_with_the_column(world) -> None:
    from tests.imports.helpers import run_import

    job = run_import(
        world.assignment, world.users["client_same_tenant"], (NL / "formulas_and_errors.xlsx").read_bytes(), "f.xlsx"
    )
    assert job.status == ImportStatus.DONE and job.rows_rejected == 3
    reasons = dict((number, reason) for number, reason in job.row_errors)
    assert reasons[2] == "Aantal medewerkers: a formula; its calculated value was imported."
    assert reasons[3] == "Marge: an error value (#DIV/0!) instead of a value."
    assert reasons[4] == "Plaats: an error value (#N/A) instead of a value."
    assert reasons[5] == "Bedrijfsnaam: a formula without a calculated value."


def test_merged_cells_are_filled_down_but_not_from_the_header() -> None:
    rows = [cells for _n, cells, _i in read_table(NL / "merged_company_cells.xlsx", "xlsx").rows]
    assert [r[:3] for r in rows] == [
        ["Bakkerij de Vries BV", "Utrecht", "Jan"],
        ["Bakkerij de Vries BV", "Utrecht", "Anna"],
        ["Bakkerij de Vries BV", "Utrecht", "Piet"],
        ["Installatiebedrijf Van den Berg", "Amsterdam", "Petra"],
    ]


def test_data_under_unnamed_columns_and_beyond_the_header_is_kept_as_column_n() -> None:
    headers, _count, layout = scan_table(NL / "data_under_empty_headers.xlsx", "xlsx")
    assert headers == ["Bedrijfsnaam", "Column 2", "Plaats", "Column 4"]
    headers, count, layout = scan_table(NL / "ragged_rows_semicolon.csv", "csv")
    assert headers == ["Bedrijfsnaam", "Plaats", "Column 3", "Column 4"] and count == 5
    rows = [cells for _n, cells, _i in read_table(NL / "ragged_rows_semicolon.csv", "csv", layout).rows]
    assert rows[1] == ["Installatiebedrijf Van den Berg", "Amsterdam", "extra waarde", "nog een"]


def test_the_header_row_is_found_under_title_lines_and_the_rows_above_are_listed() -> None:
    table = read_table(NL / "report_title_block.xlsx", "xlsx")
    assert table.layout["header_row"] == 6 and table.headers[0] == "Bedrijfsnaam"
    assert table.above_header == [1, 2, 3]
    table = read_table(NL / "title_line_semicolon.csv", "csv")
    assert table.layout["header_row"] == 3 and table.layout["delimiter"] == ";" and table.above_header == [1]


def test_the_first_visible_sheet_with_data_is_read() -> None:
    _headers, count, layout = scan_table(NL / "hidden_and_empty_first_sheets.xlsx", "xlsx")
    assert layout["sheet"] == "Relaties" and count == 5
    assert layout["sheets"] == ["Relaties", "Prospects 2025"]  # hidden and empty sheets are not offered


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ("Export van 1-1-2026\na;b\n1;2\n3;4\n", ";"),
        ('naam;omschrijving\nx;"bakker, banketbakker, lunchroom"\n', ";"),
    ],
)
def test_the_delimiter_is_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize("name", ["parts_with_backslashes.xlsx", "workbook_in_wtf_folder.xlsx"])
def test_packages_with_parts_elsewhere_pass_the_check_and_are_read(name: str) -> None:
    path = NL / name
    assert check_file(name, path.read_bytes()[:65536], path.stat().st_size, path) == "xlsx"
    headers, count, _layout = scan_table(path, "xlsx")
    assert headers == ["Bedrijfsnaam", "Plaats"] and count == 5


def test_a_package_without_a_workbook_is_refused(tmp_path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/app.xml", "<Properties/>")
    with pytest.raises(FileRefused, match="damaged"):
        check_file("x.xlsx", path.read_bytes()[:100], path.stat().st_size, path)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["header_only.csv", "header_only.xlsx"])
def test_a_header_only_file_ends_with_a_clear_message(world, name: str) -> None:
    with pytest.raises(ServiceError, match="no rows under it"):
        upload(world.assignment, world.users["client_same_tenant"], (NL / name).read_bytes(), name)


@pytest.mark.django_db
def test_the_client_chooses_another_sheet_and_nothing_else(world, django_capture_on_commit_callbacks) -> None:
    client = world.users["client_same_tenant"]
    job = upload(world.assignment, client, (NL / "three_regions.xlsx").read_bytes(), "regio.xlsx")
    assert job.layout["sheet"] == "Noord" and job.layout["sheets"] == ["Noord", "Zuid", "Oost"]
    with pytest.raises(ServiceError, match="no sheet"):
        services.import_job_choose_sheet(job=job, actor=client, sheet="Instellingen")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.import_job_choose_sheet(job=job, actor=client, sheet="Oost")
    assert job.status == ImportStatus.CHECKING and len(callbacks) == 1  # the check is queued again
    job = services.import_job_check(job_id=job.pk)
    assert job.status == ImportStatus.MAPPING and job.layout["sheet"] == "Oost" and job.rows_read == 1
    # Another tenant's user cannot reach the job at all (the page answers 404).
    other = world.client_for("client_other_tenant")
    from django.urls import reverse

    assert other.post(reverse("portal:import", args=[job.pk]), {"sheet": "Zuid"}).status_code == 404


def test_utf16_text_with_a_bom_is_read(tmp_path) -> None:
    data = "Bedrijfsnaam\tPlaats\r\nBakker BV\tUtrecht\r\n".encode("utf-16")
    assert check_file("export.txt", data[:100], len(data)) == "csv"
    path = tmp_path / "export.txt"
    path.write_bytes(data)
    assert scan_table(path, "csv") == (["Bedrijfsnaam", "Plaats"], 1, {"delimiter": "\t", "header_row": 1, "width": 2})


@pytest.mark.django_db
def test_the_api_offers_the_sheets_and_reads_another(world, django_capture_on_commit_callbacks) -> None:
    """The API's import has the page's sheet picker (R-IMP-6): `sheets` to choose from and
    POST .../sheet/; a wrong name is a clear 400, another tenant gets 404 and no sheet name."""
    from django.urls import reverse
    from rest_framework.test import APIClient

    job = upload(
        world.assignment, world.users["client_same_tenant"], (NL / "three_regions.xlsx").read_bytes(), "r.xlsx"
    )
    api = APIClient()
    api.force_authenticate(world.users["client_same_tenant"])
    shown = api.get(reverse("api:import-detail", args=[job.pk])).json()
    assert shown["sheet"] == "Noord" and shown["sheets"] == ["Noord", "Zuid", "Oost"]
    url = reverse("api:import-sheet", args=[job.pk])
    wrong = api.post(url, {"sheet": "Instellingen"}, format="json")
    assert wrong.status_code == 400 and "sheet" in wrong.content.decode().lower()
    assert api.post(url, {"sheet": "Oost", "extra": 1}, format="json").status_code == 400  # strict body
    assert api.post(url, {}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        chosen = api.post(url, {"sheet": "Oost"}, format="json")
    assert chosen.status_code == 202 and chosen.json()["status"] == ImportStatus.CHECKING
    assert len(callbacks) == 1  # the check is queued again; run it as the worker would
    job = services.import_job_check(job_id=job.pk)
    assert job.status == ImportStatus.MAPPING and job.layout["sheet"] == "Oost" and job.rows_read == 1
    # Another tenant: 404, and not one of this client's sheet names in the answer.
    other = APIClient()
    other.force_authenticate(world.users["client_other_tenant"])
    for response in (
        other.get(reverse("api:import-detail", args=[job.pk])),
        other.post(url, {"sheet": "Zuid"}, format="json"),
    ):
        assert response.status_code == 404
        assert not any(name in response.content.decode() for name in ("Noord", "Zuid", "Oost"))
    job.refresh_from_db()
    assert job.layout["sheet"] == "Oost"
