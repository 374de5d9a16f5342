"""Normalising the values of companies and persons (SPEC §4 "Upload"): one place, used by the
import, by corrections on the call screen and by the client's edits.

Each function returns the normalised value, "" for an empty input, and raises
`ValueError` with a message fit for the user when the value cannot be a valid one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

DEFAULT_REGION = "NL"
_POSTCODE_NL = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
# Legal forms dropped from names for matching: "Bakker B.V." and "bakker bv" are one company.
_LEGAL_FORMS = re.compile(
    r"\b(b\.?\s?v\.?|n\.?\s?v\.?|v\.?\s?o\.?\s?f\.?|c\.?\s?v\.?|holding|groep|group|ltd|gmbh|inc)\b\.?", re.IGNORECASE
)


def postcode(value: str, country: str = "NL") -> str:
    """Dutch postcodes become `1234 AB`; other countries' are kept as given (trimmed, upper case)."""
    value = (value or "").strip()
    if not value:
        return ""
    if country.upper() == "NL":
        match = _POSTCODE_NL.match(value)
        if not match:
            raise ValueError(_("%(value)s is not a Dutch postcode (1234 AB).") % {"value": value})
        return f"{match.group(1)} {match.group(2).upper()}"
    return value.upper()


def phone(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164 (`+31201234567`) of a valid number (`phonenumbers.is_valid_number`: a number
    the numbering plan has, not merely one of a possible length: "12345" is none), reading
    numbers without a country code as Dutch."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("%(value)s is not a phone number.") % {"value": value}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("%(value)s is not a phone number.") % {"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value: str) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError(_("%(value)s is not an email address.") % {"value": value}) from exc
    return value


def kvk(value: str) -> str:
    """Eight digits; seven are a number that lost its leading zero in a spreadsheet and get
    it back. Fewer are no KvK number: padding them would name another company (issue 12 #9)."""
    digits = re.sub(r"\D", "", str(value or ""))
    if not digits:
        return ""
    if not 7 <= len(digits) <= 8:
        raise ValueError(_("%(value)s is not a KvK number (8 digits).") % {"value": value})
    return digits.zfill(8)


def company_name(value: str) -> str:
    """The matching key of a company name: accents, legal form, punctuation and case dropped."""
    text = value or ""
    if not text.isascii():  # plain names (most) need no accent stripping
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = _LEGAL_FORMS.sub(" ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def website_domain(value: str) -> str:
    """`https://www.Bakker.nl/contact` → `bakker.nl`."""
    value = (value or "").strip()
    if not value:
        return ""
    if "//" not in value:
        value = "//" + value
    host = (urlsplit(value).hostname or "").lower()
    return host.removeprefix("www.")


def legal_basis(value: str) -> str:
    """One of the six GDPR bases (`LegalBasis`), as its stored value; anything else is refused
    (the database refuses it too: constraint `person_legal_basis_valid`)."""
    from apps.clients.models import LegalBasis

    value = (value or "").strip() if isinstance(value, str) else value
    if value not in LegalBasis.values:
        raise ValueError(_("Choose one of the six legal bases: %(bases)s.") % {"bases": ", ".join(LegalBasis.values)})
    return value


_LEGAL_FORM_NAMES = {
    "eenmanszaak": "eenmanszaak",
    "eenmanszaak (ez)": "eenmanszaak",
    "ez": "eenmanszaak",
    "sole proprietorship": "eenmanszaak",
    "sole trader": "eenmanszaak",
    "vof": "vof",
    "v.o.f.": "vof",
    "vennootschap onder firma": "vof",
    "general partnership": "vof",
    "bv": "bv",
    "b.v.": "bv",
    "besloten vennootschap": "bv",
    "private limited company": "bv",
    "nv": "nv",
    "n.v.": "nv",
    "naamloze vennootschap": "nv",
    "public limited company": "nv",
}


def legal_form(value: str) -> str:
    """A company's legal form as one of `LegalForm` (issue 14 #8); "" when blank, "other"
    for any other form given."""
    text = " ".join((value or "").lower().split())
    if not text:
        return ""
    return _LEGAL_FORM_NAMES.get(text, _LEGAL_FORM_NAMES.get(text.replace(".", ""), "other"))
