# ruff: noqa: E501 - a translation table: one message per line reads best
"""Dutch texts of the per-client person records (issue 11 item 3, R-IMP-4), merged by locale/nl.py."""

NL = {
    "%(name)s no longer works at %(company)s. The person is then deleted at once from every assignment of this client. Earlier notes stay as written.": "%(name)s werkt niet meer bij %(company)s. De persoon wordt dan direct verwijderd uit elke opdracht van deze opdrachtgever. Eerdere notities blijven zoals ze geschreven zijn.",
    "Yes, delete this person": "Ja, verwijder deze persoon",
    "The person is deleted from this client's assignments.": "De persoon is verwijderd uit de opdrachten van deze opdrachtgever.",
    "to verify": "controleren",
    "May have left the company": "Werkt mogelijk niet meer bij het bedrijf",
}
