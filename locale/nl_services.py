"""Dutch for issue 15 #3 and #4 (PostgreSQL or Redis away); merged by locale/nl.py."""

NL = {
    "The service is briefly unavailable. Please try again in a moment.": "De dienst is even niet bereikbaar. Probeer het over een ogenblik opnieuw.",
    "Try again in a moment": "Probeer het zo opnieuw",
    "Try again": "Opnieuw proberen",
    "The consent confirmation cannot be sent right now. Try again in a moment.": "De bevestiging van de toestemming kan nu niet worden verstuurd. Probeer het over een ogenblik opnieuw.",
}
