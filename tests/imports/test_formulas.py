"""Our formula escape and its undoing (R-EXP-2, R-IMP-7), and our own columns recognised."""

from __future__ import annotations

import pytest
from django.utils import translation

from apps.assignments.models import Assignment
from apps.imports import exports, mapping
from apps.imports.formulas import escape_formula, unescape_formula


@pytest.mark.parametrize(
    ("stored", "in_csv"),
    [
        ("=1+1", "'=1+1"),
        ("-10% korting", "'-10% korting"),
        ("@home", "'@home"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),  # the client's own apostrophe survives
        ("''-x", "'''-x"),
        ("'gewoon", "'gewoon"),  # an apostrophe before no formula: left alone both ways
        ("+31612345678", "+31612345678"),  # a plain phone number: no apostrophe to see
        ("+31 20 123 4567", "+31 20 123 4567"),
        ("+31612345678+1", "'+31612345678+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("gewoon", "gewoon"),
        ("", ""),
    ],
)
def test_escape_is_undone_exactly(stored: str, in_csv: str) -> None:
    assert escape_formula(stored) == in_csv
    assert unescape_formula(in_csv) == stored


@pytest.mark.parametrize("language", ["nl", "en"])
def test_our_own_download_headers_are_recognised_in_both_languages(language: str) -> None:
    assignment = Assignment(extra_columns=["Klantnummer"])
    with translation.override(language):
        headers = exports.prospect_headers(assignment)
    detected = mapping.detect(headers)
    targets = [detected[str(i)] for i in range(len(headers))]
    assert targets[:11] == [
        "company_name", "kvk_number", "street", "house_number", "postcode", "city", "country", "company_phone",
        "website", "industry", "employees",
    ]  # fmt: skip
    assert targets[11] == "legal_form"
    assert targets[12] == mapping.IGNORE  # company status
    assert targets[13:19] == ["first_name", "tussenvoegsel", "last_name", "job_title", "email", "person_phone"]
    assert targets[19:23] == [mapping.IGNORE] * 4  # prospect status, callback, last result, last called
    assert targets[23:] == [mapping.EXTRA]
