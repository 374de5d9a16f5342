"""Column mapping: which header of the client's file feeds which field (R-IMP-1).

Headers are recognised in Dutch and English; what is not recognised is kept as one of the
client's extra columns, under its original header. The client confirms or changes the
mapping before the import runs.
"""

from __future__ import annotations

import re
import unicodedata

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
    # Issue 14 #8: a sole trader's or partnership's company data are personal data.
    "legal_form": gettext_lazy("Legal form"),
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
    "legal_form": ("rechtsvorm", "legal form", "juridische vorm", "ondernemingsvorm", "bedrijfsvorm"),
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


def detect(headers: list[str]) -> dict[str, str]:
    """{column index (as text): field | EXTRA}: each field at most once, first column wins."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        field = _LOOKUP.get(_key(header))
        if field and field not in taken:
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
