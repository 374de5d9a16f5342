from __future__ import annotations

import pytest

from apps.prospects import normalise


@pytest.mark.parametrize(("raw", "expected"), [("1234ab", "1234 AB"), (" 1234 ab ", "1234 AB"), ("", "")])
def test_dutch_postcode(raw: str, expected: str) -> None:
    assert normalise.postcode(raw) == expected


def test_bad_postcode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="0123 AB|postcode"):
        normalise.postcode("0123 AB")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("020-1234567", "+31201234567"), ("06 12345678", "+31612345678"), ("+32 2 555 12 12", "+3225551212")],
)
def test_phone_to_e164_with_region_nl(raw: str, expected: str) -> None:
    assert normalise.phone(raw) == expected


def test_email_lower_cased_and_validated() -> None:
    assert normalise.email(" Jan.Jansen@Bakker.NL ") == "jan.jansen@bakker.nl"
    with pytest.raises(ValueError):
        normalise.email("not-an-address")


def test_kvk_gets_its_leading_zeros_back() -> None:
    assert normalise.kvk("1234567") == "01234567"
    assert normalise.kvk("12.34.56.78") == "12345678"
    with pytest.raises(ValueError):
        normalise.kvk("123456789")


@pytest.mark.parametrize("short", ["123456", "12345", "1"])
def test_kvk_numbers_shorter_than_seven_digits_are_refused_not_padded(short: str) -> None:
    """Issue 12 #9: only one lost leading zero is restored; padding more names another company."""
    with pytest.raises(ValueError):
        normalise.kvk(short)


@pytest.mark.parametrize("invalid", ["12345", "0123456789", "+31 6 1234", "+32 2 123 45 67"])
def test_phone_numbers_must_be_valid_numbers(invalid: str) -> None:
    """Issue 12 #9: `phonenumbers.is_valid_number`, not merely a possible length."""
    with pytest.raises(ValueError):
        normalise.phone(invalid)


def test_company_name_key_ignores_legal_form_case_and_accents() -> None:
    assert normalise.company_name("Bakker B.V.") == normalise.company_name("bakker bv") == "bakker"
    assert normalise.company_name("Café Noord Holding") == "cafe noord"


def test_website_domain() -> None:
    assert normalise.website_domain("https://www.Bakker.nl/contact") == "bakker.nl"
    assert normalise.website_domain("bakker.nl") == "bakker.nl"
