"""A client uploads an xlsx, confirms the mapping, watches the import, reads the report and
downloads the database, in Debian's Chromium (issue 3, R-IMP-1/2, R-EXP-1)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command

from tests.browser.test_login_per_role import log_in
from tests.imports.helpers import xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    """The import runs in the request's thread, right after the confirmation commits."""
    from leadhunter.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_client_uploads_confirms_watches_reads_and_downloads(demo, eager_celery, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upload = tmp_path / "mijn-database.xlsx"
    upload.write_bytes(
        xlsx_bytes(
            [
                ["Browser Bakkerij BV", "07654321", "3511 AB", "Utrecht", "", "Anna", "de Wit", "anna@bb.nl", "0099"],
                ["", "", "", "", "", "", "", "", ""],
                ["Fout KvK", "123456789", "", "", "", "", "", "", ""],
            ]
        )
    )
    log_in(page, "client-acme")
    page.get_by_role("link", name="Voorjaarscampagne 2026").click()
    page.get_by_role("link", name="Database, uploaden en downloaden").click()
    page.locator("nav.tabs").get_by_role("link", name="Uploaden").click()
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Uploaden en controleren").click()

    # The mapping step: the Dutch headers were recognised; the client's own column is kept.
    assert "Controleer de kolommen" in page.locator("main").inner_text()
    assert page.locator("select[name=column-0]").input_value() == "company_name"
    assert page.locator("select[name=column-8]").input_value() == "extra"
    page.get_by_role("button", name="Bevestigen en importeren").click()

    # Progress (polled by htmx while it runs) ends in the report.
    page.wait_for_selector("table.report")
    report = page.locator("#status").inner_text()
    # The blank row is no row; the bad KvK number is left out with a warning, the row kept (issue 12 #7).
    assert "Rijen gelezen\t2" in report and "Rijen afgewezen\t0" in report and "Weggelaten waarden\t1" in report
    page.screenshot(path=tmp_path / "import-report.png", full_page=True)

    page.locator("#status").get_by_role("link", name="De database bekijken").click()
    assert "Browser Bakkerij BV" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden (.xlsx)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    header = rows[0]
    ours = next(dict(zip(header, r, strict=False)) for r in rows[1:] if r[0] == "Browser Bakkerij BV")
    assert ours["KvK-nummer"] == "07654321" and ours["Klantnummer"] == "0099" and ours["Achternaam"] == "de Wit"
    assert workbook.worksheets[1].title == "Belnotities"
