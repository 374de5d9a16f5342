"""Dutch for the erasure ledger's records and the redaction of call notes (issue 11 items 6
and 7: apps/retention/ledger.py, apps/callnotes/services.py): see locale/nl.py."""

NL = {
    "[removed at the data subject's request]": "[verwijderd op verzoek van betrokkene]",
    "redacted by": "weggelakt door",
    "redacted at": "weggelakt op",
    "places redacted": "aantal weggelakte plaatsen",
    "call note redaction": "weglakking in belnotitie",
    "call note redactions": "weglakkingen in belnotities",
    "Notes are redacted only inside an open erasure request.": "Notities worden alleen weggelakt binnen een open verzoek tot verwijdering.",
    "A selected call note does not mention the person: nothing to redact.": "Een gekozen belnotitie noemt de persoon niet: er valt niets weg te lakken.",
    "A selected call note does not exist.": "Een gekozen belnotitie bestaat niet.",
    "%(count)d call notes: the name replaced by a note that it was removed at your request.": "%(count)d belnotities: de naam vervangen door de vermelding dat die op uw verzoek is verwijderd.",
    "Erased: %(persons)d contact persons; %(notes)d call notes redacted; %(clients)d clients notified. The request is closed.": "Verwijderd: %(persons)d contactpersonen; %(notes)d belnotities weggelakt; %(clients)d opdrachtgevers ingelicht. Het verzoek is gesloten.",
    "Deleted": "Verwijderd",
    "Personal details blanked": "Persoonsgegevens gewist",
    "Name redacted in the text": "Naam weggelakt in de tekst",
    "at": "op",
    "kind of record": "soort gegeven",
    "detail": "details",
    "erasure ledger record": "registratie in het verwijderregister",
    "erasure ledger records": "registraties in het verwijderregister",
    "Call notes that mention the person": "Gespreksnotities die de persoon noemen",
    "Tick the notes in which the person's name, email address and phone number are to be replaced by a note that they were removed at the person's request. Notes cannot be changed otherwise; the redaction is recorded with your name and this request.": "Vink de notities aan waarin naam, e-mailadres en telefoonnummer van de persoon vervangen moeten worden door de vermelding dat ze op verzoek van betrokkene zijn verwijderd. Notities kunnen verder niet worden gewijzigd; het weglakken wordt vastgelegd met uw naam en dit verzoek.",
    "Call notes that mention you": "Gespreksnotities waarin u wordt genoemd",
    "Our agents write a note of every call. These notes name you; they are kept with the client's assignment as evidence of our service and are deleted with it.": "Onze callagents maken van elk gesprek een notitie. In deze notities wordt u genoemd; ze worden bewaard bij de opdracht van de opdrachtgever als bewijs van onze dienstverlening en met die opdracht verwijderd.",
}
