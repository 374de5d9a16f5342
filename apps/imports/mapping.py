"""Column mapping: which header of the client's file feeds which field (R-IMP-1).

Headers are recognised in Dutch and English; what is not recognised is kept as one of the
client's extra columns, under its original header. The client confirms or changes the
mapping before the import runs.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EXTRA = "extra"  # keep the column as one of the client's own columns
IGNORE = "ignore"  # leave the column out

FIELDS: dict[str, object] = {
    "company_name": gettext_lazy("Company name"),
    "kvk_number": gettext_lazy("KvK number"),
    "street": gettext_lazy("Street"),
    "house_number": gettext_lazy("House number"),
    "postcode": gettext_lazy("Postcode"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "company_phone": gettext_lazy("Company phone"),
    "website": gettext_lazy("Website"),
    "industry": gettext_lazy("Industry"),
    "employees": gettext_lazy("Number of employees"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "job_title": gettext_lazy("Job title"),
    "email": gettext_lazy("Email"),
    "person_phone": gettext_lazy("Direct phone"),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "company_name": (
        "bedrijfsnaam",
        "bedrijf",
        "company",
        "company name",
        "companyname",
        "organisatie",
        "organisation",
        "organization",
        "firma",
        "handelsnaam",
        "naam bedrijf",
        "account",
        "account name",
    ),
    "kvk_number": ("kvk", "kvk nummer", "kvknummer", "kvk nr", "coc", "coc number", "chamber of commerce"),
    "street": ("straat", "straatnaam", "street", "adres", "address", "bezoekadres", "visiting address"),
    "house_number": ("huisnummer", "huisnr", "nummer", "house number", "number", "nr"),
    "postcode": ("postcode", "postal code", "zip", "zipcode", "zip code", "post code"),
    "city": ("plaats", "stad", "woonplaats", "vestigingsplaats", "city", "town", "place"),
    "country": ("land", "country"),
    "company_phone": (
        "telefoon",
        "telefoonnummer",
        "tel",
        "phone",
        "telephone",
        "phone number",
        "algemeen telefoonnummer",
        "company phone",
        "telefoon bedrijf",
        "general phone",
    ),
    "website": ("website", "web", "url", "site", "internet", "webadres", "homepage"),
    "industry": ("branche", "sector", "industry", "industrie"),
    "employees": (
        "aantal medewerkers",
        "medewerkers",
        "werknemers",
        "aantal werknemers",
        "fte",
        "employees",
        "number of employees",
        "number of employees fte",
        "aantal medewerkers fte",
    ),
    "first_name": ("voornaam", "first name", "firstname", "given name", "roepnaam"),
    "last_name": ("achternaam", "last name", "lastname", "surname", "family name", "naam contactpersoon"),
    "job_title": ("functie", "job title", "jobtitle", "title", "function", "position", "functietitel"),
    "email": (
        "email",
        "e mail",
        "emailadres",
        "e mailadres",
        "email address",
        "e mail address",
        "mail",
        "direct email",
        "direct e mail",
    ),
    "person_phone": (
        "direct telefoonnummer",
        "directe telefoon",
        "mobiel",
        "mobiel nummer",
        "mobile",
        "mobile phone",
        "direct phone",
        "telefoon contactpersoon",
        "contact phone",
        "gsm",
    ),
}
_LOOKUP = {synonym: field for field, synonyms in SYNONYMS.items() for synonym in synonyms}


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Our own download's columns (`exports.prospect_headers`) in every language of the site:
# the field labels (FIELDS, the download's headers) map to their fields, and our status
# columns are left out, so that a download uploaded again does not bring them back as the
# client's extra columns, one more set on every cycle (R-IMP-7).
OUR_EXPORT_COLUMNS = (
    gettext_lazy("Company status"),
    gettext_lazy("Prospect status"),
    gettext_lazy("Callback at"),
    gettext_lazy("Last result"),
    gettext_lazy("Last called at"),
)


@functools.cache
def _our_headers() -> dict[str, str]:
    """{header key: field | IGNORE} for the headers of our own download."""
    known: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            known.update({_key(str(header)): IGNORE for header in OUR_EXPORT_COLUMNS})
            known.update({_key(str(label)): field for field, label in FIELDS.items()})
    return known


def detect(headers: list[str]) -> dict[str, str]:
    """{column index (as text): field | EXTRA | IGNORE}: each field at most once, first
    column wins; our own download's status columns are left out (IGNORE)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _key(header)
        field = _LOOKUP.get(key) or _our_headers().get(key)
        if field == IGNORE:
            mapping[str(index)] = IGNORE
        elif field and field not in taken:
            taken.add(field)
            mapping[str(index)] = field
        else:
            mapping[str(index)] = EXTRA
    return mapping


def recognised(mapping: dict[str, str]) -> bool:
    return any(target in FIELDS for target in mapping.values())


def validate(mapping: object, headers: list[str]) -> dict[str, str]:
    """A complete, consistent mapping, or ValueError with the message for the user."""
    if not isinstance(mapping, dict):
        raise ValueError(_("The mapping must map each column to a field."))
    clean: dict[str, str] = {}
    for index in range(len(headers)):
        target = mapping.get(str(index), EXTRA)
        if target not in FIELDS and target not in (EXTRA, IGNORE):
            raise ValueError(_("Unknown field for column %(column)s.") % {"column": headers[index]})
        clean[str(index)] = target
    unknown = set(mapping) - set(clean)
    if unknown:
        raise ValueError(_("The mapping names columns the file does not have."))
    used = [t for t in clean.values() if t in FIELDS]
    if len(used) != len(set(used)):
        raise ValueError(_("Each field can be fed by one column only."))
    if "company_name" not in used:
        raise ValueError(_("Choose the column that holds the company name."))
    return clean
