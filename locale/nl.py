"""Dutch translations of the interface, kept as a reviewable table.

`python locale/nl.py` writes them into locale/nl/LC_MESSAGES/django.po (after
`manage.py makemessages -l nl`); `manage.py compilemessages` then builds the .mo file.
A feature may keep its table in a module of its own beside this one, `locale/nl_<feature>.py`
with a dict `NL`; they are merged here.
"""

import importlib.util
import re
import sys
from pathlib import Path

NL = {
    "Password": "Wachtwoord",
    "Leave empty for an account that cannot log in yet.": "Laat leeg voor een account dat nog niet kan inloggen.",
    "Role": "Rol",
    "Personal info": "Persoonsgegevens",
    "Dates": "Datums",
    "System administrator": "Systeembeheerder",
    "Supervisor": "Opdrachtbegeleider",
    "Call agent": "Callagent",
    "Client user": "Gebruiker opdrachtgever",
    "Board member": "Bestuurder",
    "role": "rol",
    "client": "opdrachtgever",
    "Only for client users: the one client company they belong to.": "Alleen voor gebruikers van een opdrachtgever: het bedrijf waartoe zij behoren.",
    "privacy officer": "privacyfunctionaris",
    "Handles data-subject requests, the suppression list and the registers.": "Behandelt verzoeken van betrokkenen, de blokkeerlijst en de registers.",
    "confidentiality agreement signed on": "geheimhoudingsovereenkomst getekend op",
    "Staff cannot open any client data before this date is on record.": "Medewerkers kunnen geen gegevens van opdrachtgevers openen voordat deze datum is vastgelegd.",
    "user": "gebruiker",
    "users": "gebruikers",
    "A client user needs a client.": "Een gebruiker van een opdrachtgever heeft een opdrachtgever nodig.",
    "Only client users belong to a client.": "Alleen gebruikers van een opdrachtgever horen bij een opdrachtgever.",
    "The privacy-officer permission is for administrators and board members.": "De rechten van privacyfunctionaris zijn voor systeembeheerders en bestuurders.",
    "The username %(username)s is taken.": "De gebruikersnaam %(username)s is al in gebruik.",
    "Supervisors": "Opdrachtbegeleiders",
    "supervisors": "opdrachtbegeleiders",
    "Scheduled agents": "Ingeroosterde callagents",
    "agents": "callagents",
    "Set active": "Actief maken",
    "Set inactive (agents lose access at once)": "Inactief maken (callagents verliezen direct de toegang)",
    "name": "naam",
    "description": "omschrijving",
    "briefing and call script": "briefing en belscript",
    "active": "actief",
    "start date": "startdatum",
    "end date": "einddatum",
    "extra columns": "extra kolommen",
    "created at": "aangemaakt op",
    "assignment": "opdracht",
    "assignments": "opdrachten",
    "Can call the prospects of the assignment": "Mag de prospects van de opdracht bellen",
    "Can see the whole database, notes and results": "Mag de hele database, notities en resultaten zien",
    "Can download the database": "Mag de database downloaden",
    "Done": "Afgerond",
    "Call again": "Opnieuw bellen",
    "Callback at an agreed time": "Terugbellen op een afgesproken tijd",
    "code": "code",
    "label": "omschrijving",
    "outcome": "gevolg",
    "position": "volgorde",
    "call result": "belresultaat",
    "call results": "belresultaten",
    "text version": "tekstversie",
    "accepted by": "geaccepteerd door",
    "accepted at": "geaccepteerd op",
    "accepted from IP address": "geaccepteerd vanaf IP-adres",
    "processor agreement": "verwerkersovereenkomst",
    "processor agreements": "verwerkersovereenkomsten",
    "Appointment made": "Afspraak gemaakt",
    "Interested, send information": "Interesse, informatie sturen",
    "Not interested": "Geen interesse",
    "No answer": "Geen gehoor",
    "Call back later": "Later terugbellen",
    "Wrong number": "Verkeerd nummer",
    "The end date lies before the start date.": "De einddatum ligt voor de startdatum.",
    "This client already has an assignment with that name.": "Deze opdrachtgever heeft al een opdracht met die naam.",
    "Only a user of the client can accept its processor agreement.": "Alleen een gebruiker van de opdrachtgever kan de verwerkersovereenkomst accepteren.",
    "The processor agreement has already been accepted.": "De verwerkersovereenkomst is al geaccepteerd.",
    "The client has not yet accepted the processor agreement of this assignment.": "De opdrachtgever heeft de verwerkersovereenkomst van deze opdracht nog niet geaccepteerd.",
    "Only supervisors can supervise an assignment.": "Alleen opdrachtbegeleiders kunnen een opdracht begeleiden.",
    "Only call agents can be scheduled on an assignment.": "Alleen callagents kunnen op een opdracht worden ingeroosterd.",
    "Viewed": "Bekeken",
    "Listed": "In lijst getoond",
    "Downloaded": "Gedownload",
    "Viewed in the admin": "Bekeken in het beheer",
    "when": "wanneer",
    "user id": "gebruikers-id",
    "action": "handeling",
    "object type": "objecttype",
    "object id": "object-id",
    "object ids": "object-id's",
    "number of objects": "aantal objecten",
    "assignment id": "opdracht-id",
    "IP address": "IP-adres",
    "access log entry": "raadpleging",
    "access log entries": "raadplegingslog",
    "prospect": "prospect",
    "company": "bedrijf",
    "agent": "callagent",
    "result": "resultaat",
    "note": "notitie",
    "date and time": "datum en tijd",
    "call note": "belnotitie",
    "call notes": "belnotities",
    "KvK number": "KvK-nummer",
    "clients": "opdrachtgevers",
    "Consent": "Toestemming",
    "Contract": "Overeenkomst",
    "Legal obligation": "Wettelijke verplichting",
    "Vital interests": "Vitaal belang",
    "Public task": "Taak van algemeen belang",
    "Legitimate interest – direct marketing (recital 47)": "Gerechtvaardigd belang – direct marketing (overweging 47)",
    "first name": "voornaam",
    "last name": "achternaam",
    "job title": "functie",
    "email": "e-mailadres",
    "direct phone": "direct telefoonnummer",
    "social accounts": "sociale media",
    "notes": "notities",
    "legal basis": "grondslag",
    "client contact": "contactpersoon opdrachtgever",
    "client contacts": "contactpersonen opdrachtgever",
    "Leadhunter administration": "Leadhunter beheer",
    "Leadhunter": "Leadhunter",
    "Administration": "Beheer",
    "Your confidentiality agreement is not on record. Ask an administrator to register it.": "Uw geheimhoudingsovereenkomst is niet vastgelegd. Vraag een systeembeheerder die te registreren.",
    "Active": "Actief",
    "Moved": "Verhuisd",
    "Renamed": "Hernoemd",
    "Closed": "Opgeheven",
    "normalised name": "genormaliseerde naam",
    "street": "straat",
    "house number": "huisnummer",
    "postcode": "postcode",
    "city": "plaats",
    "country": "land",
    "general phone": "algemeen telefoonnummer",
    "website": "website",
    "website domain": "websitedomein",
    "industry": "branche",
    "number of employees (FTE)": "aantal medewerkers (fte)",
    "status": "status",
    "verified at": "geverifieerd op",
    "updated at": "bijgewerkt op",
    "companies": "bedrijven",
    "direct email": "direct e-mailadres",
    "source": "bron",
    "contact person": "contactpersoon",
    "contact persons": "contactpersonen",
    "New": "Nieuw",
    "In progress": "In behandeling",
    "Callback": "Terugbellen",
    "callback at": "terugbellen op",
    "last result": "laatste resultaat",
    "last called at": "laatst gebeld op",
    "prospects": "prospects",
    "Dutch": "Nederlands",
    "English": "Engels",
    "Start": "Start",
    "Assignments of %(client)s": "Opdrachten van %(client)s",
    "Your databases, active or not. Open an assignment to see its state.": "Uw databases, actief of niet. Open een opdracht om de stand van zaken te zien.",
    "Your assignments": "Uw opdrachten",
    "The active assignments you are scheduled on. You see one prospect at a time, the one you are calling.": "De actieve opdrachten waarop u bent ingeroosterd. U ziet één prospect tegelijk: degene die u belt.",
    "Assignments you supervise": "Opdrachten die u begeleidt",
    "Manage them, their agents and their results in the admin.": "Beheer ze, hun callagents en hun resultaten in het beheer.",
    "Open the admin": "Open het beheer",
    "All assignments": "Alle opdrachten",
    "for clients, users, assignments and the access log.": "voor opdrachtgevers, gebruikers, opdrachten en het raadplegingslog.",
    "Board": "Bestuur",
    "As a board member you manage the HR files of employees and applicants. You have no access to client data.": "Als bestuurder beheert u de personeelsdossiers van medewerkers en sollicitanten. U hebt geen toegang tot gegevens van opdrachtgevers.",
    "Privacy office": "Privacyloket",
    "You hold the privacy-officer permission: data-subject requests, the suppression list, the erasure ledger and the breach register are yours.": "U hebt de rechten van privacyfunctionaris: verzoeken van betrokkenen, de blokkeerlijst, het verwijderregister en het datalekkenregister vallen onder u.",
    "Log in": "Inloggen",
    "Username": "Gebruikersnaam",
    "Confidentiality agreement missing": "Geheimhoudingsovereenkomst ontbreekt",
    "Your confidentiality agreement is not on record": "Uw geheimhoudingsovereenkomst is niet vastgelegd",
    "Every Leadhunter employee signs a confidentiality agreement before working with client data. Yours has not been registered yet, so you cannot open any client data. Please ask an administrator to register the date you signed it.": "Iedere medewerker van Leadhunter tekent een geheimhoudingsovereenkomst voordat hij of zij met gegevens van opdrachtgevers werkt. Die van u is nog niet geregistreerd, dus u kunt nog geen gegevens van opdrachtgevers openen. Vraag een systeembeheerder de datum van ondertekening vast te leggen.",
    "Status": "Status",
    "inactive": "inactief",
    "Period": "Periode",
    "Processor agreement": "Verwerkersovereenkomst",
    "version %(version)s, accepted on %(when)s": "versie %(version)s, geaccepteerd op %(when)s",
    "not yet accepted": "nog niet geaccepteerd",
    "Description": "Omschrijving",
    "Briefing and call script": "Briefing en belscript",
    "Prospects by status": "Prospects per status",
    "Number": "Aantal",
    "Team": "Team",
    "Call results": "Belresultaten",
    "Admin": "Beheer",
    "Log out": "Uitloggen",
    "Assignment": "Opdracht",
    "Client": "Opdrachtgever",
    "Prospects": "Prospects",
    "Still open": "Nog open",
    "accepted": "geaccepteerd",
    "No assignments.": "Geen opdrachten.",
    "Audit": "Logboeken",
    "Core": "Kern",
    "Accounts": "Accounts",
    "Clients": "Opdrachtgevers",
    "Assignments": "Opdrachten",
    "Call notes": "Belnotities",
    "Left the company": "Uit dienst",
    "%(value)s is not a Dutch postcode (1234 AB).": "%(value)s is geen Nederlandse postcode (1234 AB).",
    "%(value)s is not a phone number.": "%(value)s is geen telefoonnummer.",
    "%(value)s is not an email address.": "%(value)s is geen e-mailadres.",
    "%(value)s is not a KvK number (8 digits).": "%(value)s is geen KvK-nummer (8 cijfers).",
    "Not verified within 12 months": "Niet binnen 12 maanden geverifieerd",
    "Deleted by the client": "Verwijderd door de opdrachtgever",
    "Erasure request": "Verzoek tot verwijdering",
    "Consent withdrawn": "Toestemming ingetrokken",
    "Unknown fields: %(fields)s": "Onbekende velden: %(fields)s",
    "A company needs a name.": "Een bedrijf heeft een naam nodig.",
    "Another company has this KvK number.": "Een ander bedrijf heeft dit KvK-nummer.",
    "Privacy": "Privacy",
    "Call notes already record this result, so its meaning is fixed. Add a new result instead.": "Belnotities leggen dit resultaat al vast, dus de betekenis ervan ligt vast. Voeg in plaats daarvan een nieuw resultaat toe.",
    "A KvK number has 8 digits.": "Een KvK-nummer heeft 8 cijfers.",
    "Too many attempts": "Te veel pogingen",
    "Too many failed logins came from your address. Please wait a minute and try again.": "Er kwamen te veel mislukte inlogpogingen van uw adres. Wacht een minuut en probeer het opnieuw.",
    "Client users belong to exactly one client; other users to none.": "Gebruikers van een opdrachtgever horen bij precies één opdrachtgever; andere gebruikers bij geen.",
    "Only administrators and board members can be privacy officer.": "Alleen systeembeheerders en bestuurders kunnen privacyfunctionaris zijn.",
    "email hash": "hash van e-mailadres",
    "phone hash": "hash van telefoonnummer",
    "name and company hash": "hash van naam en bedrijf",
    "reason": "reden",
    "suppression entry": "blokkering",
    "suppression list": "blokkeerlijst",
    "A contact person needs at least a last name or an email address.": "Een contactpersoon heeft minstens een achternaam of een e-mailadres nodig.",
}


for _extra in sorted(Path(__file__).parent.glob("nl_*.py")):
    _spec = importlib.util.spec_from_file_location(_extra.stem, _extra)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    NL.update(_module.NL)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines)).replace('\\"', '"').replace("\\\\", "\\")


def fill(po_path: Path) -> list[str]:
    """Write the translations into the .po file, dropping makemessages' fuzzy guesses;
    return the msgids still without a translation."""
    blocks = po_path.read_text().strip("\n").split("\n\n")
    missing, out = [], []
    for block in blocks:
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.MULTILINE)
        msgid = _unquote(match.group(1)) if match else ""
        if not msgid:  # the header
            out.append(block)
            continue
        comments = [line for line in block.splitlines() if line.startswith("#") and not line.startswith("#|")]
        comments = [line.replace(", fuzzy", "") for line in comments if line.strip() != "#, fuzzy"]
        if msgid not in NL:
            missing.append(msgid)
        translation = NL.get(msgid, "")
        out.append("\n".join([*comments, f"msgid {match.group(1).rstrip()}", f'msgstr "{_quote(translation)}"']))
    po_path.write_text("\n\n".join(out) + "\n")
    return missing


if __name__ == "__main__":
    missing = fill(Path(__file__).parent / "nl" / "LC_MESSAGES" / "django.po")
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    sys.exit(1 if missing else 0)
