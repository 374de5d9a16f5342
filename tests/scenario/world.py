"""The scenario's own people and files: unmistakable values, and the bookkeeping of which
tenant supplied which value (invariant (c) of tests/test_year_in_the_life.py).

Every first and last name here is a word that occurs nowhere else in the demo world, so
that finding it in a dump or a page means finding this person.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import xlsxwriter

from tests.scenario.traces import PersonValues, Tokens, phone_notations

HEADERS = [
    "Bedrijfsnaam",
    "KvK",
    "Postcode",
    "Plaats",
    "Voornaam",
    "Achternaam",
    "Functie",
    "E-mail",
    "Mobiel",
    "Opmerking",
]


@dataclass(frozen=True)
class Company:
    name: str
    kvk: str
    postcode: str
    city: str


@dataclass(frozen=True)
class Someone:
    """A contact person of the scenario."""

    key: str
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str  # E.164
    company: Company

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def values(self) -> PersonValues:
        return PersonValues(
            label=f"{self.key} ({self.full_name})",
            email=self.email,
            phone=self.phone,
            first_name=self.first_name,
            last_name=self.last_name,
            names_searchable=True,
        )

    def row(self, *, note: str = "", **blank: bool) -> list[str]:
        """A file row naming this person; `blank=True` per field leaves it out. The phone
        is written the way people type it (06 1111 0001), not as stored."""
        values = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "job_title": self.job_title,
            "email": self.email,
            "phone": phone_notations(self.phone)[1],
        }
        for name, leave_out in blank.items():
            if leave_out:
                values[name] = ""
        c = self.company
        return [
            c.name,
            c.kvk,
            c.postcode,
            c.city,
            values["first_name"],
            values["last_name"],
            values["job_title"],
            values["email"],
            values["phone"],
            note,
        ]


# Acme's own companies, and Globex's.
KWAKKEL = Company("Kwakkelstroom BV", "91000001", "1011 AA", "Amsterdam")
DWARREL = Company("Dwarrelwind BV", "91000002", "3011 BB", "Rotterdam")
SCHIMMEL = Company("Schimmelpenning BV", "91000003", "3511 CC", "Utrecht")
ZONNE = Company("Zonnebloesem BV", "91000004", "5611 DD", "Eindhoven")
BEURS = Company("Beursbezoek BV", "91000005", "8011 EE", "Zwolle")
LEEG = Company("Leegloopfabriek BV", "91000006", "6811 HH", "Arnhem")
GLOEI = Company("Gloeiwormpje BV", "91000011", "9711 FF", "Groningen")
GLIM = Company("Glimlachje BV", "91000012", "4811 GG", "Breda")

# Acme's persons (Zwaantje is also in Globex's file: the same real person, both clients).
ZWAANTJE = Someone(
    "E", "Zwaantje", "Quirijnsen", "Zwaaninkoper", "zwaantje.quirijnsen@kwakkelstroom.example", "+31611110001", KWAKKEL
)  # noqa: E501
LODEWIJKUS = Someone(
    "L",
    "Lodewijkus",
    "Leeglopersma",
    "Leeglooptechnicus",
    "lodewijkus.leegloper@leegloopfabriek.example",
    "+31611110002",
    LEEG,
)  # noqa: E501
CORNELISJE = Someone(
    "C",
    "Cornelisje",
    "Toestemsma",
    "Toestemmingscoach",
    "cornelisje.toestemming@schimmelpenning.example",
    "+31611110003",
    SCHIMMEL,
)  # noqa: E501
DIRKJAN = Someone(
    "D", "Dirkjan", "Wegwerpsma", "Wegwerpcoordinator", "dirkjan.wegwerpsma@zonnebloesem.example", "+31611110004", ZONNE
)  # noqa: E501
VERABELLE = Someone(
    "V1",
    "Verabelle",
    "Bevestigsma",
    "Bevestigingsdirecteur",
    "verabelle.bevestigsma@kwakkelstroom.example",
    "+31611110005",
    KWAKKEL,
)  # noqa: E501
VICTORINUS = Someone(
    "V2",
    "Victorinus",
    "Verbetersma",
    "Verbeterinkoper",
    "victorinus.verbetersma@dwarrelwind.example",
    "+31611110006",
    DWARREL,
)  # noqa: E501
VALENTIJNTJE = Someone(
    "V3",
    "Valentijntje",
    "Klantcorrectiesma",
    "Klantcorrectiemanager",
    "valentijntje.klantcorrectie@schimmelpenning.example",
    "+31611110007",
    SCHIMMEL,
)  # noqa: E501
URSULINA = Someone(
    "U",
    "Ursulina",
    "Onbevestigsma",
    "Onbevestigdplanner",
    "ursulina.onbevestigd@dwarrelwind.example",
    "+31611110008",
    DWARREL,
)  # noqa: E501
BARTHOLOMEUS = Someone(
    "B",
    "Bartholomeus",
    "Beursgangersma",
    "Beursgangleider",
    "bartholomeus.beursganger@beursbezoek.example",
    "+31611110009",
    BEURS,
)  # noqa: E501
# Globex's persons: known only from Globex's file.
GEROLF = Someone(
    "G1", "Gerolf", "Globexman", "Globexinkoophoofd", "gerolf.globexman@gloeiwormpje.example", "+31622220001", GLOEI
)  # noqa: E501
GERTRUDA = Someone(
    "G2",
    "Gertruda",
    "Globexvrouw",
    "Globexdirectrice",
    "gertruda.globexvrouw@gloeiwormpje.example",
    "+31622220002",
    GLOEI,
)  # noqa: E501
QUINTIJN = Someone(
    "Q", "Quintijn", "Globexwerker", "Globexplanner", "quintijn.globexwerker@glimlachje.example", "+31622220003", GLIM
)  # noqa: E501
# Nobody knows these two: the control rows of the "does a count reveal Globex's person?" check.
NORBERTUS = Someone(
    "N1", "Norbertus", "Nergensbekend", "", "norbertus.nergensbekend@zonnebloesem.example", "+31633330001", ZONNE
)  # noqa: E501
HENDRIKJE = Someone(
    "N2", "Hendrikje", "Onbekendsma", "", "hendrikje.onbekendsma@glimlachje.example", "+31633330002", GLIM
)  # noqa: E501

EVERYONE = [
    ZWAANTJE,
    LODEWIJKUS,
    CORNELISJE,
    DIRKJAN,
    VERABELLE,
    VICTORINUS,
    VALENTIJNTJE,
    URSULINA,
    BARTHOLOMEUS,
    GEROLF,
    GERTRUDA,
    QUINTIJN,
    NORBERTUS,
    HENDRIKJE,
]
SCENARIO_LAST_NAMES = frozenset(p.last_name for p in EVERYONE)

# Lodewijkus's company row carries a free-text cell naming his email and phone the way
# clients write them (issue 11 #10): it must go with him.
# (Other digits in the cell too: a cell whose digits are only the phone number is emptied whole.)
LODEWIJKUS_NOTE = f"klant 4711: graag mailen naar {LODEWIJKUS.email} of bellen {phone_notations(LODEWIJKUS.phone)[3]}"

ACME_FILE = [
    ZWAANTJE.row(),
    VERABELLE.row(),
    LODEWIJKUS.row(note=LODEWIJKUS_NOTE),
    VICTORINUS.row(),
    URSULINA.row(),
    CORNELISJE.row(),
    VALENTIJNTJE.row(),
    DIRKJAN.row(),
]
ACME_FAIR_FILE = [BARTHOLOMEUS.row(note="Bezocht de stand op de beurs")]
GLOBEX_FILE = [GEROLF.row(), GERTRUDA.row(), QUINTIJN.row(), ZWAANTJE.row()]
# Acme names Globex's persons: Gerolf by his email only, at a company of Acme's own;
# Gertruda by KvK, postcode and her full name at Globex's company (issue 11 #3).
ACME_NAMES_GLOBEX_PERSONS = [
    [KWAKKEL.name, KWAKKEL.kvk, KWAKKEL.postcode, KWAKKEL.city, "", "", "", GEROLF.email, "", ""],
    GERTRUDA.row(job_title=True, email=True, phone=True),
]
# The same shapes for persons nobody knows: every count must come out the same.
ACME_NAMES_NOBODY = [
    [ZONNE.name, ZONNE.kvk, ZONNE.postcode, ZONNE.city, "", "", "", NORBERTUS.email, "", ""],
    HENDRIKJE.row(job_title=True, email=True, phone=True),
]
ACME_ZWAANTJE_AGAIN = [ZWAANTJE.row(note="opnieuw aangeleverd")]


def xlsx(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    for c, header in enumerate(headers):
        sheet.write_string(0, c, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()


def csv(rows: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    lines = [";".join(headers)] + [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


# --- Who supplied what (invariant (c)) ---------------------------------------------------
@dataclass
class Supplied:
    """The personal values one tenant supplied (uploads, its own corrections) or its
    assignments gathered (agents' corrections): emails and E.164 phones, and free words
    (names, job titles) of the scenario's own persons."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def add_row(self, row: list[str]) -> None:
        from apps.prospects import normalise

        _c, _k, _p, _city, first, last, title, email, phone, _note = row
        self.words.update(v for v in (first, last, title) if v)
        if email:
            self.emails.add(email.lower())
        if phone:
            self.phones.add(normalise.phone(phone))

    def minus(self, other: Supplied) -> Supplied:
        return Supplied(self.emails - other.emails, self.phones - other.phones, self.words - other.words)

    def found_in(self, tokens: Tokens) -> list[str]:
        hits = [f"email {e}" for e in sorted(self.emails) if tokens.has_email(e)]
        hits += [f"phone {p}" for p in sorted(self.phones) if tokens.has_phone(p)]
        hits += [f"{w!r}" for w in sorted(self.words) if tokens.has_text(w)]
        return hits
