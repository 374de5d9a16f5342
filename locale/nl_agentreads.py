"""Dutch for issue 11 #2 and #9 (agent reads, staff downloads); merged by locale/nl.py."""

NL = {
    "Database and upload": "Database en uploaden",
}
