"""Dutch for the typed API inputs (issue 15 #13, R-SEC-4)."""

NL = {
    "An extra column holds text, a number, true/false or nothing.": "Een extra kolom bevat tekst, een getal, waar/onwaar of niets.",
    "An extra column holds at most {max} characters.": "Een extra kolom bevat hoogstens {max} tekens.",
    "At most %(max)s entries.": "Hoogstens %(max)s items.",
    "A name has at most %(max)s characters.": "Een naam heeft hoogstens %(max)s tekens.",
    "Some values could not be used. Check them.": "Sommige waarden konden niet worden gebruikt. Controleer ze.",
}
