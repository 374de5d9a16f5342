"""Dutch for issue 15 items 1–2: imports that survive a lost worker, checked in the background."""

NL = {
    "last sign of life": "laatste teken van leven",
    "attempts": "pogingen",
    "The import stopped before it finished; nothing was changed. Upload the file again.": "De import is gestopt voordat hij klaar was; er is niets veranderd. Upload het bestand opnieuw.",
    "Only a failed import can be tried again.": "Alleen een mislukte import kan opnieuw worden geprobeerd.",
    "The file of this import is no longer kept. Upload it again.": "Het bestand van deze import wordt niet meer bewaard. Upload het opnieuw.",
    "Try again": "Opnieuw proberen",
    "Upload again": "Opnieuw uploaden",
    "Checking the file": "Bestand wordt gecontroleerd",
    "Checking the file…": "Het bestand wordt gecontroleerd…",
    "The file has no rows under its header row.": "Het bestand heeft geen rijen onder de kopregel.",
    "The file could not be checked; nothing was imported. Upload it again.": "Het bestand kon niet worden gecontroleerd; er is niets geïmporteerd. Upload het opnieuw.",
    "The file is still being checked. Confirm the mapping once it is shown.": "Het bestand wordt nog gecontroleerd. Bevestig de kolommen zodra ze worden getoond.",
}
