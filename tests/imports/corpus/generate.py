"""Writes the Dutch-CRM-style files of the corpus (tests/imports/corpus/nl/): exports as
HubSpot, Salesforce, Pipedrive, Exact Online, AFAS and home-made spreadsheets give them,
with Dutch data, tussenvoegsels, KvK numbers, title lines above the header, semicolon /
tab / pipe separators, Windows-1252, UTF-8 with BOM and UTF-16, and the xlsx quirks of
issue 12 (number formats, formulas, error values, merged cells, hidden sheets, parts
away from xl/workbook.xml). Deterministic: run it again and the files come out the same
(`python tests/imports/corpus/generate.py`). The data is invented.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parent / "nl"

PEOPLE = [
    ("Bakkerij de Vries BV", "12345678", "Dorpsstraat", "12", "3512 AB", "Utrecht", "Jan", "de", "Vries", "Eigenaar",
     "jan@bakkerijdevries.nl", "030-1234567", "https://www.bakkerijdevries.nl"),
    ("Installatiebedrijf Van den Berg", "23456789", "Kerkweg", "4a", "1012 JS", "Amsterdam", "Petra", "van den",
     "Berg", "Directeur", "petra@vdberg-installatie.nl", "020-7654321", "vdberg-installatie.nl"),
    ("Jansen & Zn. VOF", "34567890", "Markt", "1", "5611 EB", "Eindhoven", "Kees", "", "Jansen", "Inkoper",
     "k.jansen@jansenzn.nl", "06-12345678", "www.jansenzn.nl"),
    ("Ötzürk Handelsonderneming", "45678901", "Stationsplein", "20", "9711 LV", "Groningen", "Ayşe", "",
     "Öztürk", "Office manager", "ayse@ozturkhandel.nl", "+31 50 1234567", ""),
    ("Café 't Hoekje", "56789012", "Oude Gracht", "101", "2011 GL", "Haarlem", "Hélène", "'t", "Hart",
     "Bedrijfsleider", "helene@hoekje.nl", "023-5551234", "hoekje.nl"),
]  # fmt: skip


def _xlsx(path: Path, build) -> None:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    build(workbook)
    workbook.close()
    path.write_bytes(_fixed_time(out.getvalue()))


def _fixed_time(data: bytes) -> bytes:
    """The same bytes every run: zip entries dated 1980, no creation time in docProps."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                import re

                body = re.sub(
                    rb"<dcterms:(created|modified)[^>]*>[^<]*<",
                    rb"<dcterms:\1 xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z<",
                    body,
                )
            info = zipfile.ZipInfo(item.filename, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, body)
    return out.getvalue()


def _text(path: Path, lines: list[list[str]], delimiter: str, encoding: str, quote_all: bool = False) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)  # fmt: skip
    writer.writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _repack(data: bytes, rename) -> bytes:  # type: ignore[no-untyped-def]
    """The same package with its parts renamed (and the references to them rewritten)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            name, body = rename(item.filename, body)
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, body)
    return out.getvalue()


def main() -> None:  # noqa: C901, PLR0915 (one file after another)
    OUT.mkdir(exist_ok=True)

    # HubSpot contacts export: comma, UTF-8 with BOM, quoted, English headers.
    rows = [["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "City",
             "Postal Code", "Website URL", "Create Date", "Lifecycle Stage"]]  # fmt: skip
    for i, p in enumerate(PEOPLE):
        rows.append([str(5101 + i), p[6], f"{p[7]} {p[8]}".strip(), p[10], p[11], p[0], p[9], p[5], p[4], p[12],
                     f"2026-0{i + 1}-15 10:3{i}", "lead"])  # fmt: skip
    _text(OUT / "hubspot_contacts.csv", rows, ",", "utf-8-sig", quote_all=True)

    # Salesforce "Details only" report: comma, UTF-8, English headers.
    rows = [["Account Name", "Billing Street", "Billing City", "Billing Zip/Postal Code", "First Name", "Last Name",
             "Title", "Email", "Phone", "Account Owner"]]  # fmt: skip
    for p in PEOPLE:
        rows.append([p[0], f"{p[2]} {p[3]}", p[5], p[4], p[6], f"{p[7]} {p[8]}".strip(), p[9], p[10], p[11],
                     "Sanne Visser"])  # fmt: skip
    _text(OUT / "salesforce_report.csv", rows, ",", "utf-8")

    # Pipedrive organisations and persons export in Dutch.
    rows = [["Organisatie - Naam", "Organisatie - Adres", "Persoon - Voornaam", "Persoon - Achternaam",
             "Persoon - E-mail", "Persoon - Telefoon", "Organisatie - Eigenaar"]]  # fmt: skip
    for p in PEOPLE:
        rows.append([p[0], f"{p[2]} {p[3]}, {p[4]} {p[5]}", p[6], f"{p[7]} {p[8]}".strip(), p[10], p[11], "Sanne"])
    _text(OUT / "pipedrive_export.csv", rows, ",", "utf-8")

    # Exact Online relaties: semicolon, Windows-1252, KvK and BTW.
    rows = [["Code", "Naam", "Adres", "Postcode", "Plaats", "Land", "Telefoon", "E-mail", "KvK-nummer",
             "Btw-nummer"]]  # fmt: skip
    for i, p in enumerate(PEOPLE):
        name = p[0].replace("Ö", "O").replace("ş", "s")  # Windows-1252 has no ş
        rows.append([f"{100 + i:6d}".strip(), name, f"{p[2]} {p[3]}", p[4], p[5], "Nederland", p[11],
                     p[10], p[1], f"NL00{p[1]}B01"])  # fmt: skip
    _text(OUT / "exact_relaties_cp1252.csv", rows, ";", "cp1252")

    # AFAS organisations: a title and an export line above the header, tussenvoegsel apart.
    def afas(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet("Organisaties")
        bold = workbook.add_format({"bold": True})
        sheet.write_string(0, 0, "Organisaties en contactpersonen", bold)
        sheet.write_string(1, 0, "Geëxporteerd op 27-11-2026 door AFAS Profit")
        headers = ["Organisatie", "KvK-nummer", "Straat", "Huisnummer", "Postcode", "Woonplaats", "Voornaam",
                   "Voorvoegsel", "Achternaam", "Functie", "E-mail werk", "Telefoonnr. werk"]  # fmt: skip
        for c, h in enumerate(headers):
            sheet.write_string(3, c, h, bold)
        for r, p in enumerate(PEOPLE, start=4):
            for c, v in enumerate([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]]):
                sheet.write_string(r, c, v)

    _xlsx(OUT / "afas_title_above_header.xlsx", afas)

    # A home-made sheet: Dutch headers, number formats on extra columns (issue 12 #3).
    def formats(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet("Klanten")
        zeros = workbook.add_format({"num_format": "000000"})
        percent = workbook.add_format({"num_format": "0%"})
        decimals = workbook.add_format({"num_format": "0.00"})
        date = workbook.add_format({"num_format": "dd-mm-yyyy"})
        kvk = workbook.add_format({"num_format": "00000000"})
        headers = ["Bedrijfsnaam", "KvK", "Plaats", "Klantnummer", "Korting", "Omzet", "Score", "Klant sinds",
                   "Debiteur", "Som"]  # fmt: skip
        for c, h in enumerate(headers):
            sheet.write_string(0, c, h)
        for r, p in enumerate(PEOPLE, start=1):
            sheet.write_string(r, 0, p[0])
            sheet.write_number(r, 1, int(p[1]) // 10 if r == 1 else int(p[1]), kvk)  # a KvK that lost its 0
            sheet.write_string(r, 2, p[5])
            sheet.write_number(r, 3, 122 + r, zeros)
            sheet.write_number(r, 4, 0.15, percent)
            sheet.write_number(r, 5, 68.665 * r, decimals)
            sheet.write_number(r, 6, 68.66499999999999)
            sheet.write_number(r, 7, 45000 + r, date)
            sheet.write_number(r, 8, 123456789012345678)
            sheet.write_formula(r, 9, "=0.1+0.2", None, 0.30000000000000004)

    _xlsx(OUT / "number_formats.xlsx", formats)

    # Formulas: a cached value (warned), none (row error), error values (row errors).
    def formulas(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet()
        for c, h in enumerate(["Bedrijfsnaam", "Plaats", "Aantal medewerkers", "Marge"]):
            sheet.write_string(0, c, h)
        sheet.write_string(1, 0, "Bakkerij de Vries BV")
        sheet.write_string(1, 1, "Utrecht")
        sheet.write_formula(1, 2, "=2*6", None, 12)  # cached value: used, with a warning
        sheet.write_string(2, 0, "Jansen & Zn. VOF")
        sheet.write_string(2, 1, "Eindhoven")
        sheet.write_formula(2, 3, "=1/0", None, "#DIV/0!")  # an error value: row error
        sheet.write_string(3, 0, "Café 't Hoekje")
        sheet.write_formula(3, 1, '=VLOOKUP("x",Z1:Z2,1,0)', None, "#N/A")  # row error
        sheet.write_formula(4, 0, '=CONCAT("Van den ","Berg")', None, "")  # no cached value: row error
        sheet.write_string(4, 1, "Amsterdam")
        sheet.write_string(5, 0, "Öztürk Handelsonderneming")
        sheet.write_string(5, 1, "Groningen")

    _xlsx(OUT / "formulas_and_errors.xlsx", formulas)

    # Hidden first sheet, an empty second one, the data on the third (issue 12 #6).
    def hidden(workbook):  # type: ignore[no-untyped-def]
        first = workbook.add_worksheet("Instellingen")
        first.write_string(0, 0, "Lijst")
        first.write_string(1, 0, "Bedrijfsnaam")
        first.hide()
        workbook.add_worksheet("Leeg")
        data = workbook.add_worksheet("Relaties")
        data.activate()
        for c, h in enumerate(["Bedrijfsnaam", "Plaats", "Voornaam", "Achternaam"]):
            data.write_string(0, c, h)
        for r, p in enumerate(PEOPLE, start=1):
            for c, v in enumerate([p[0], p[5], p[6], f"{p[7]} {p[8]}".strip()]):
                data.write_string(r, c, v)
        extra = workbook.add_worksheet("Prospects 2025")
        for c, h in enumerate(["Bedrijfsnaam", "Plaats"]):
            extra.write_string(0, c, h)
        extra.write_string(1, 0, "Nog een BV")
        extra.write_string(1, 1, "Delft")

    _xlsx(OUT / "hidden_and_empty_first_sheets.xlsx", hidden)

    # One company over several rows, its cells merged (issue 12 #7).
    def merged(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet()
        for c, h in enumerate(["Bedrijfsnaam", "Plaats", "Voornaam", "Achternaam", "E-mail"]):
            sheet.write_string(0, c, h)
        middle = workbook.add_format({"valign": "vcenter"})
        sheet.merge_range(1, 0, 3, 0, PEOPLE[0][0], middle)
        sheet.merge_range(1, 1, 3, 1, PEOPLE[0][5], middle)
        for r, (first, last) in enumerate([("Jan", "de Vries"), ("Anna", "de Vries"), ("Piet", "Smit")], start=1):
            sheet.write_string(r, 2, first)
            sheet.write_string(r, 3, last)
            sheet.write_string(r, 4, f"{first.lower()}@bakkerijdevries.nl")
        sheet.write_string(4, 0, PEOPLE[1][0])
        sheet.write_string(4, 1, PEOPLE[1][5])
        sheet.write_string(4, 2, "Petra")
        sheet.write_string(4, 3, "van den Berg")
        sheet.write_string(4, 4, PEOPLE[1][10])

    _xlsx(OUT / "merged_company_cells.xlsx", merged)

    # Data under an empty last header, and a middle column without a name (issue 12 #5).
    def unnamed(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet()
        for c, h in enumerate(["Bedrijfsnaam", "", "Plaats", ""]):
            if h:
                sheet.write_string(0, c, h)
        for r, p in enumerate(PEOPLE, start=1):
            sheet.write_string(r, 0, p[0])
            sheet.write_string(r, 1, f"notitie {r}")
            sheet.write_string(r, 2, p[5])
            sheet.write_string(r, 3, f"opmerking {r}")

    _xlsx(OUT / "data_under_empty_headers.xlsx", unnamed)

    # Ragged CSV rows: cells beyond the header width (issue 12 #5).
    lines = "Bedrijfsnaam;Plaats\r\n" + "".join(
        f"{p[0]};{p[5]}" + (";extra waarde;nog een" if i % 2 else "") + "\r\n" for i, p in enumerate(PEOPLE)
    )
    (OUT / "ragged_rows_semicolon.csv").write_bytes(lines.encode("utf-8"))

    # Tab-separated, UTF-16 with BOM: Excel's "Unicode text" (.txt).
    rows = [["Bedrijfsnaam", "Plaats", "Postcode", "Voornaam", "Achternaam"]]
    rows += [[p[0], p[5], p[4], p[6], f"{p[7]} {p[8]}".strip()] for p in PEOPLE]
    _text(OUT / "excel_unicode_text.txt", rows, "\t", "utf-16")
    _text(OUT / "tab_separated.tsv", rows, "\t", "utf-8")
    _text(OUT / "pipe_separated.csv", rows, "|", "utf-8")

    # A CSV with a title line and an empty line above the header.
    text = "Export relaties CRM;;;\r\n;;;\r\nBedrijfsnaam;Plaats;Achternaam;E-mail\r\n" + "".join(
        f"{p[0]};{p[5]};{p[8]};{p[10]}\r\n" for p in PEOPLE
    )
    (OUT / "title_line_semicolon.csv").write_bytes(text.encode("utf-8-sig"))

    # Header only, in both formats (issue 12 #7): a clear message, not a silent "done".
    (OUT / "header_only.csv").write_bytes(b"Bedrijfsnaam;Plaats;Achternaam\r\n")

    def header_only(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet()
        for c, h in enumerate(["Bedrijfsnaam", "Plaats"]):
            sheet.write_string(0, c, h)

    _xlsx(OUT / "header_only.xlsx", header_only)
    (OUT / "only_blank_lines.csv").write_bytes(b"\r\n\r\n;;\r\n")

    # Quoted fields: a newline and the separator inside values; duplicate headers.
    rows = [["Bedrijfsnaam", "Adres", "Plaats", "Opmerking", "Opmerking"]]
    rows += [[p[0], f"{p[2]} {p[3]}\n{p[4]}", p[5], "bel na 10:00; vraag naar inkoop", "tweede"] for p in PEOPLE]
    _text(OUT / "quoted_newlines_duplicate_headers.csv", rows, ";", "utf-8")

    # Belgian-French names in Windows-1252, persons with tussenvoegsels, semicolon.
    text = "Firma;Plaats;Voornaam;Tussenvoegsel;Achternaam;Functie\r\n"
    text += "Brasserie Léon;Gent;Émile;;Dupré;Zaakvoerder\r\nDrukkerij Van Damme;Brugge;Griet;van;Damme;Inkoper\r\n"
    text += "Façades & Co;Antwerpen;Françoise;de la;Croix;Directrice\r\n"
    (OUT / "belgian_cp1252.csv").write_bytes(text.encode("cp1252"))

    # Values that need normalising; one bad KvK and one bad postcode (rejected rows).
    rows = [["Bedrijfsnaam", "KvK nummer", "Postcode", "Plaats", "Telefoon", "E-mailadres", "Achternaam"]]
    rows += [
        ["Alpha BV", "01234567", "1234ab", "Zwolle", "038 - 123 45 67", "INFO@ALPHA.NL", "Kok"],
        ["Beta BV", "KvK 2345 6789", "2345 CD", "Delft", "+31 (0)15 2345678", "b@beta.nl", "Smit"],
        ["Gamma BV", "123", "3456 EF", "Leiden", "", "", ""],
        ["Delta BV", "", "99999", "Ede", "", "", ""],
        ["", "", "", "Breda", "", "", "Mulder"],
    ]
    _text(OUT / "values_to_normalise.csv", rows, ",", "utf-8")

    # A package whose parts are not at xl/workbook.xml (issue 12 #6).
    def small(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet("Blad1")
        for c, h in enumerate(["Bedrijfsnaam", "Plaats"]):
            sheet.write_string(0, c, h)
        for r, p in enumerate(PEOPLE, start=1):
            sheet.write_string(r, 0, p[0])
            sheet.write_string(r, 1, p[5])

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    small(workbook)
    workbook.close()
    base = _fixed_time(buffer.getvalue())

    def backslashes(name: str, body: bytes) -> tuple[str, bytes]:
        return name.replace("/", "\\"), body

    (OUT / "parts_with_backslashes.xlsx").write_bytes(_repack(base, backslashes))

    def elsewhere(name: str, body: bytes) -> tuple[str, bytes]:
        if name.startswith("xl/"):
            name = "wtf/" + name[3:]
        body = body.replace(b"/xl/", b"/wtf/").replace(b'Target="xl/', b'Target="wtf/')
        return name, body

    (OUT / "workbook_in_wtf_folder.xlsx").write_bytes(_repack(base, elsewhere))

    def dates_1904(workbook):  # type: ignore[no-untyped-def]
        workbook.set_properties({})
        workbook.use_1904_epoch = True
        sheet = workbook.add_worksheet()
        date = workbook.add_format({"num_format": "d-m-yyyy"})
        for c, h in enumerate(["Bedrijfsnaam", "Plaats", "Laatste contact"]):
            sheet.write_string(0, c, h)
        for r, p in enumerate(PEOPLE[:3], start=1):
            sheet.write_string(r, 0, p[0])
            sheet.write_string(r, 1, p[5])
            sheet.write_number(r, 2, 44000 + r, date)

    _xlsx(OUT / "formatted_dates.xlsx", dates_1904)

    # A title block with a logo line, the header in row 6, a totals line at the bottom.
    def report(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet("Rapport")
        sheet.merge_range(0, 0, 0, 4, "Leadlijst Q4 2026 – vertrouwelijk")
        sheet.write_string(1, 0, "Opgesteld door: afdeling Verkoop")
        sheet.write_string(2, 0, "Datum: 27 november 2026")
        for c, h in enumerate(["Bedrijfsnaam", "Plaats", "Telefoonnummer", "Website", "Branche"]):
            sheet.write_string(5, c, h)
        for r, p in enumerate(PEOPLE, start=6):
            for c, v in enumerate([p[0], p[5], p[11], p[12], "Detailhandel"]):
                sheet.write_string(r, c, v)

    _xlsx(OUT / "report_title_block.xlsx", report)

    # Persons only, the company repeated on each row; names with tussenvoegsel in one column.
    rows = [["Bedrijf", "Plaats", "Naam contactpersoon", "Voornaam", "Functie", "Mobiel"]]
    rows += [[p[0], p[5], f"{p[7]} {p[8]}".strip(), p[6], p[9], "06-2345678" + str(i)] for i, p in enumerate(PEOPLE)]
    rows += [[PEOPLE[0][0], PEOPLE[0][5], "Bakker", "Sanne", "Verkoper", "0612345670"]]
    _text(OUT / "persons_per_company.csv", rows, ";", "utf-8")

    # An export of English headers with a leading empty column and empty rows in between.
    def offset(workbook):  # type: ignore[no-untyped-def]
        sheet = workbook.add_worksheet("Accounts")
        for c, h in enumerate(["Company", "City", "Employees", "Industry"], start=2):
            sheet.write_string(2, c, h)
        for r, p in enumerate(PEOPLE, start=3):
            row = r + (2 if r > 4 else 0)
            sheet.write_string(row, 2, p[0])
            sheet.write_string(row, 3, p[5])
            sheet.write_number(row, 4, 10 * r)
            sheet.write_string(row, 5, "Bouw")

    _xlsx(OUT / "offset_table_blank_rows.xlsx", offset)

    # A workbook with 3 sheets with data: the first is read, another can be chosen.
    def three(workbook):  # type: ignore[no-untyped-def]
        for name, people in (("Noord", PEOPLE[:2]), ("Zuid", PEOPLE[2:4]), ("Oost", PEOPLE[4:])):
            sheet = workbook.add_worksheet(name)
            sheet.write_string(0, 0, "Bedrijfsnaam")
            sheet.write_string(0, 1, "Plaats")
            for r, p in enumerate(people, start=1):
                sheet.write_string(r, 0, p[0])
                sheet.write_string(r, 1, p[5])

    _xlsx(OUT / "three_regions.xlsx", three)

    # No recognisable column at all.
    _text(OUT / "no_known_columns.csv", [["foo", "bar"], ["1", "2"], ["3", "4"]], ",", "utf-8")

    # A semicolon CSV whose values hold commas (the separator must not be taken for a comma).
    rows = [["Bedrijfsnaam", "Adres", "Plaats", "Omschrijving"]]
    rows += [[p[0], f"{p[2]} {p[3]}", p[5], "bakker, banketbakker, lunchroom"] for p in PEOPLE]
    _text(OUT / "semicolon_values_with_commas.csv", rows, ";", "utf-8")

    # The same company on several rows with different own-column values: the first row's
    # are kept, the others reported (R-IMP-8).
    rows = [["Bedrijfsnaam", "Plaats", "Achternaam", "Notitie"]]
    rows += [[PEOPLE[0][0], PEOPLE[0][5], name, f"gebeld op {day} november"] for day, name in
             ((3, "Vries"), (10, "Smit"), (17, "Bakker"))]  # fmt: skip
    rows += [[PEOPLE[1][0], PEOPLE[1][5], "Berg", "terugbellen"]]
    _text(OUT / "same_company_several_rows.csv", rows, ";", "utf-8")


if __name__ == "__main__":
    main()
