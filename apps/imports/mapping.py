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
    # Issue 14 #8: a sole trader's or partnership's company data are personal data.
    "legal_form": gettext_lazy("Legal form"),
    "first_name": gettext_lazy("First name"),
    "tussenvoegsel": gettext_lazy("Tussenvoegsel (van der, de)"),
    "last_name": gettext_lazy("Last name"),
    "job_title": gettext_lazy("Job title"),
    "email": gettext_lazy("Email"),
    "person_phone": gettext_lazy("Direct phone"),
}

# Headers as Dutch and English files name them, and as the common CRM exports do (HubSpot,
# Salesforce, Pipedrive, Exact Online, AFAS); compared after `_key` (lower case, accents and
# punctuation gone: "Billing Zip/Postal Code" is "billing zip postal code").
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
        "statutaire naam",
        "naam organisatie",
        "relatie",
        "naam relatie",
        "relatienaam",
        "klantnaam",
        "organization name",
        "organization organization name",
        "organisation name",
        "organization name organization",
        "organisatie naam",
        "associated company",
        "company name company",
    ),
    "kvk_number": (
        "kvk",
        "kvk nummer",
        "kvknummer",
        "kvk nr",
        "coc",
        "coc number",
        "chamber of commerce",
        "chamber of commerce number",
        "kamer van koophandel",
        "kamer van koophandel nummer",
        "kvk number",
        "kvk registratienummer",
        "handelsregisternummer",
    ),
    "street": (
        "straat",
        "straatnaam",
        "street",
        "adres",
        "address",
        "bezoekadres",
        "visiting address",
        "street address",
        "billing street",
        "mailing street",
        "shipping street",
        "adres regel 1",
        "adresregel 1",
        "address line 1",
        "bezoekadres straat",
        "vestigingsadres",
        "organization address street road name",
        "organization address",
        "straat bezoekadres",
    ),
    "house_number": (
        "huisnummer",
        "huisnr",
        "nummer",
        "house number",
        "number",
        "nr",
        "huisnummer toevoeging",
        "organization address house number",
        "huisnr bezoekadres",
    ),
    "postcode": (
        "postcode",
        "postal code",
        "zip",
        "zipcode",
        "zip code",
        "post code",
        "billing zip postal code",
        "billing postal code",
        "mailing zip postal code",
        "zip postal code",
        "postcode bezoekadres",
        "organization address zip postal code",
        "postcode vestigingsadres",
    ),
    "city": (
        "plaats",
        "stad",
        "woonplaats",
        "vestigingsplaats",
        "city",
        "town",
        "place",
        "billing city",
        "mailing city",
        "plaats bezoekadres",
        "organization address city town village locality",
        "plaatsnaam",
    ),
    "country": (
        "land",
        "country",
        "billing country",
        "mailing country",
        "country region",
        "landcode",
        "organization address country",
    ),
    "company_phone": (
        "telefoon bedrijf",
        "algemeen telefoonnummer",
        "company phone",
        "general phone",
        "account phone",
        "telefoonnummer bedrijf",
        "bedrijfstelefoon",
        "organization phone",
        "algemeen nummer",
        "hoofdnummer",
        "telefoon algemeen",
    ),
    "website": (
        "website",
        "web",
        "url",
        "site",
        "internet",
        "webadres",
        "homepage",
        "website url",
        "company domain name",
        "domain",
        "domein",
        "organization website",
        "internetadres",
    ),
    "industry": ("branche", "sector", "industry", "industrie", "sbi omschrijving", "branchecode omschrijving"),
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
        "no of employees",
        "aantal fte",
        "personeel",
        "organization number of employees",
    ),
    "legal_form": ("rechtsvorm", "legal form", "juridische vorm", "ondernemingsvorm", "bedrijfsvorm"),
    "first_name": ("voornaam", "first name", "firstname", "given name", "roepnaam", "person first name"),
    "tussenvoegsel": (
        "tussenvoegsel",
        "tussenvoegsels",
        "tussenv",
        "voorvoegsel",
        "voorvoegsels",
        "infix",
        "name prefix",
        "middle name",
        "prefix achternaam",
        "voorv",
    ),
    "last_name": (
        "achternaam",
        "last name",
        "lastname",
        "surname",
        "family name",
        "naam contactpersoon",
        "person last name",
        "geslachtsnaam",
    ),
    "job_title": (
        "functie",
        "job title",
        "jobtitle",
        "title",
        "function",
        "position",
        "functietitel",
        "functieomschrijving",
        "person job title",
    ),
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
        "e mail werk",
        "email werk",
        "person email",
        "person email work",
        "e mail adres",
        "emailadres contactpersoon",
        "e mail contactpersoon",
    ),
    "person_phone": (
        "direct telefoonnummer",
        "directe telefoon",
        "direct nummer",
        "directnummer",
        "direct phone",
        "mobiel",
        "mobiel nummer",
        "mobielnummer",
        "mobiel werk",
        "mobile",
        "mobile phone",
        "mobile phone number",
        "telefoon contactpersoon",
        "telefoonnummer contactpersoon",
        "contact phone",
        "gsm",
        "person phone",
        "person phone work",
        "person phone mobile",
        "telefoonnr werk",
        "telefoon werk",
        "doorkiesnummer",
    ),
}
# A bare "phone" header is the company's next to company columns and the person's next to
# person columns (a CRM's contact export: Voornaam, Achternaam, Telefoonnummer).
GENERIC_PHONE = ("telefoon", "telefoonnummer", "tel", "phone", "telephone", "phone number", "telefoonnr", "nummer tel")
PERSON_FIELDS = frozenset({"first_name", "tussenvoegsel", "last_name", "job_title", "email", "person_phone"})
# What an import needs (shown on the mapping page): the company name; a person comes in
# with a last name or an email address.
NEEDED = {
    "required": (FIELDS["company_name"],),
    "person": (FIELDS["last_name"], FIELDS["email"]),
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
    column wins; our own download's status columns are left out (IGNORE); a bare phone
    column is the person's when it stands among person columns."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    generic: list[int] = []
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
            if key in GENERIC_PHONE:
                generic.append(index)
    for index in generic:
        field = _phone_by_neighbours(mapping, index, len(headers))
        if field not in taken:
            taken.add(field)
            mapping[str(index)] = field
        elif (other := "company_phone" if field == "person_phone" else "person_phone") not in taken:
            taken.add(other)
            mapping[str(index)] = other
    return mapping


def _phone_by_neighbours(mapping: dict[str, str], index: int, width: int) -> str:
    """The nearest recognised column on the left decides (a phone follows the name it belongs
    to), else the nearest on the right; company columns or none: the company's phone."""

    def nearest(step: int) -> str | None:
        i = index + step
        while 0 <= i < width:
            target = mapping.get(str(i), EXTRA)
            if target in FIELDS and target not in ("company_phone", "person_phone"):
                return target
            i += step
        return None

    for side in (nearest(-1), nearest(1)):
        if side is not None:
            return "person_phone" if side in PERSON_FIELDS else "company_phone"
    return "company_phone"


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
