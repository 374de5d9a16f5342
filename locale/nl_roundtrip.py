# ruff: noqa: E501 - a translation table: one message per line reads best
"""Dutch texts of issue 12 #2, #10, #11 (round trip, download, database page, differences to verify), merged by locale/nl.py."""

NL = {
    "To verify": "Te controleren",
    "now: %(current)s": "nu: %(current)s",
    "Accept": "Overnemen",
    "Reject": "Afwijzen",
    "Nothing to verify.": "Niets te controleren.",
    "This value is not a number of employees.": "Deze waarde is geen aantal medewerkers.",
    "This cannot be taken over as a value; check it with the company.": "Dit kan niet als waarde worden overgenomen; controleer het bij het bedrijf.",
    "Confirm or correct the person first: their direct email and phone are hidden until then.": "Bevestig of corrigeer eerst de persoon: het directe e-mailadres en telefoonnummer blijven tot dan verborgen.",
    "Choose accept or reject.": "Kies overnemen of afwijzen.",
    "The current value is kept.": "De huidige waarde blijft staan.",
    "Your value has been taken over.": "Uw waarde is overgenomen.",
    "The current value was verified recently: our agents verify yours with the company first.": "De huidige waarde is onlangs gecontroleerd: onze callagents controleren die van u eerst bij het bedrijf.",
    "row in the uploaded file": "rij in het geüploade bestand",
    "Values you gave that differ from recently verified data. Accept takes your value; reject keeps the current one.": "Waarden die u opgaf en die afwijken van onlangs gecontroleerde gegevens. Overnemen neemt uw waarde over; afwijzen laat de huidige staan.",
}
