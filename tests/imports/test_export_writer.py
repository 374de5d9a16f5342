"""The download's fast paths do exactly what the slow ones did (issue 16 #3): the formula
escape in SQL is `escape_formula`, and rows written straight into the xlsx sheet are the
XML xlsxwriter writes cell by cell."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter
from django.db import connection

from apps.imports import exports
from apps.imports.formulas import FORMULA_STARTS, escape_formula

VALUES = [
    "=1+1", "-10% korting", "@home", "\tx", "\rx", "'=x", "''-x", "'gewoon", "+31612345678", "+31 20 123 4567",
    "+31612345678+1", "+cmd|' /C calc'!A0", "gewoon", "", "+3161234", "+31612345678\n", "=\n1", "'",
    "a;b", 'zei "ja"', "regel 1\nregel 2", "Müller & Zn <b>", "_x0041_ letterlijk", "ctrl\x01\x1fx", " voor",
    "achter ", "\ufffe\uffff", "emoji 😀", "x" * 40_000, "😀" * 20_000, "<r>geen opmaak</r>",
]  # fmt: skip


@pytest.mark.django_db
def test_the_sql_formula_escape_is_escape_formula() -> None:
    sql = exports._rows_sql("SELECT %(v)s::text AS c0", [("s.c0", True)], "1", csv=True)
    with connection.cursor() as cursor:
        for value in VALUES:
            cursor.execute(sql, {"v": value, "formula": exports._SQL_ESCAPED, "phone": exports._SQL_PLAIN_PHONE})
            assert (cursor.fetchone()[0] or "") == escape_formula(value), repr(value)


def _sheet_xml(fill) -> str:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    quoted = workbook.add_format({"quote_prefix": True})
    bold = workbook.add_format({"bold": True})
    fill(workbook.add_worksheet(), quoted, bold)
    workbook.close()
    return zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()


def test_rows_written_at_once_are_what_xlsxwriter_writes_cell_by_cell() -> None:
    # Rich-string markup is the one difference: xlsxwriter writes "<r>…</r>" unescaped,
    # we escape it like any text.
    values = [v for v in VALUES if not v.startswith("<r>")]
    rows = [values[i : i + 7] for i in range(0, len(values), 7)] + [[""] * 7, [None, "laatste"]]
    headers = ["Naam", "=kop", "Plaats", "a", "b", "c", "d"]

    def by_cell(sheet, quoted, bold) -> None:  # type: ignore[no-untyped-def]
        for c, h in enumerate(headers):
            sheet.write_string(0, c, h, bold)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v:
                    sheet.write_string(r, c, v, quoted if v.startswith(FORMULA_STARTS) else None)

    def at_once(sheet, quoted, bold) -> None:  # type: ignore[no-untyped-def]
        widths = [0] * len(headers)
        assert exports._write_rows(sheet, 0, [headers], [bold] * len(headers), quoted, widths) == 0
        assert exports._write_rows(sheet, 1, rows, [None] * len(headers), quoted, widths) == len(rows)

    assert _sheet_xml(at_once) == _sheet_xml(by_cell)


def test_rich_string_markup_is_written_as_text() -> None:
    def at_once(sheet, quoted, bold) -> None:  # type: ignore[no-untyped-def]
        exports._write_rows(sheet, 0, [["<r>geen opmaak</r>"]], [None], quoted, [0])

    assert "<t>&lt;r&gt;geen opmaak&lt;/r&gt;</t>" in _sheet_xml(at_once)
