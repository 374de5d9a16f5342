"""Dutch texts of issue 11, items 4 and 5: client corrections of shared companies "to
verify" (R-IMP-3) and the access history pages (R-LOG-1)."""

NL = {
    # Company corrections (R-IMP-3)
    "The client gave other values, to verify:": "De opdrachtgever gaf andere waarden op, te verifiëren:",
    "Our agents will verify these changes with the company before they replace the current data: %(fields)s.": (
        "Onze callagents verifiëren deze wijzigingen bij het bedrijf voordat ze de huidige gegevens vervangen: "
        "%(fields)s."
    ),
    # The access log and its history pages (R-LOG-1)
    "through": "via",
    "When": "Wanneer",
    "User id": "Gebruikers-id",
    "What": "Wat",
    "Through": "Via",
    "Assignment id": "Opdracht-id",
    "one of %(n)s in a list": "een van %(n)s in een lijst",
    "Newer": "Nieuwer",
    "Older": "Ouder",
    "Page %(number)s of %(total)s": "Pagina %(number)s van %(total)s",
    "Nobody has consulted it yet.": "Nog niemand heeft dit geraadpleegd.",
    "Who consulted this record": "Wie heeft dit record geraadpleegd",
    "Every view, list and download of this record and of its contact persons in this assignment, from the access "
    "log: user ids and roles, never the data itself.": (
        "Elke weergave, lijst en download van dit record en van de contactpersonen ervan in deze opdracht, uit het "
        "logbestand van raadplegingen: gebruikers-id's en rollen, nooit de gegevens zelf."
    ),
    "Back to the record": "Terug naar het record",
    "Who consulted this person": "Wie heeft deze persoon geraadpleegd",
    "Contact person %(person_id)s: every view, list and download in any assignment, from the access log; IP "
    "addresses only within their four weeks.": (
        "Contactpersoon %(person_id)s: elke weergave, lijst en download in welke opdracht ook, uit het logbestand "
        "van raadplegingen; IP-adressen alleen binnen hun vier weken."
    ),
}
